"""``client.wallets``: balances, the wallet ledger and exchange rates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .._pagination import AsyncPaginator
from .._resource import (
    AsyncAPIResource,
    check_id,
    check_int,
    check_money,
    check_text,
    check_time,
    optional,
)
from ..types.wallets import ExchangeRate, TransactionDetail, Wallet, WalletTransaction

__all__ = ["AsyncWallets"]


class AsyncWallets(AsyncAPIResource):
    _namespace = "wallets"

    def list(
        self,
        *,
        wallet_sn: str | None = None,
        wallet_name: str | None = None,
        currency: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[Wallet]:
        """List wallets (documented: ``wallet/walletList``).

        ``await`` it for one page, or ``async for`` over it for every wallet.
        """
        return self._paginate(
            "list",
            {"wallet_sn": wallet_sn, "wallet_name": wallet_name, "currency": currency},
            Wallet,
            page_no=page_no,
            page_size=page_size,
            extra_body=extra_body,
        )

    async def retrieve(
        self, wallet_id: int, *, extra_body: Mapping[str, Any] | None = None
    ) -> Wallet:
        """Get one wallet (inferred path ``wallet/getWallet``, param ``wallet_id``)."""
        return await self._call(
            "retrieve",
            {"wallet_id": check_int("wallet_id", wallet_id)},
            Wallet,
            extra_body=extra_body,
            wrapper="wallet_info",
        )

    def list_transactions(
        self,
        *,
        wallet_id: int | None = None,
        currency: str | None = None,
        in_out_type: int | None = None,
        transaction_type: int | None = None,
        status: int | None = None,
        start_time: datetime | str | None = None,
        end_time: datetime | str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[WalletTransaction]:
        """List wallet ledger records (inferred: ``wallet/transactionList``)."""
        params = {
            "wallet_id": optional(check_int, "wallet_id", wallet_id),
            "currency": currency,
            "in_out_type": optional(check_int, "in_out_type", in_out_type),
            "transaction_type": optional(check_int, "transaction_type", transaction_type),
            "status": optional(check_int, "status", status),
            "start_time": optional(check_time, "start_time", start_time),
            "end_time": optional(check_time, "end_time", end_time),
        }
        return self._paginate(
            "list_transactions",
            params,
            WalletTransaction,
            page_no=page_no,
            page_size=page_size,
            extra_body=extra_body,
        )

    async def retrieve_transaction(
        self, transaction_id: str, *, extra_body: Mapping[str, Any] | None = None
    ) -> TransactionDetail:
        """Get a ledger record (fields documented, path inferred: ``wallet/getTransaction``).

        Normally one record; a currency exchange returns two (income and expense).
        """
        return await self._call(
            "retrieve_transaction",
            {"transaction_id": check_id("transaction_id", transaction_id)},
            TransactionDetail,
            extra_body=extra_body,
        )

    async def exchange_rate(
        self,
        *,
        from_currency: str,
        to_currency: str,
        amount: Any = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ExchangeRate:
        """Get the exchange rate between two currencies (inferred: ``wallet/getExchangeRate``)."""
        params = {
            "from_currency": check_text("from_currency", from_currency),
            "to_currency": check_text("to_currency", to_currency),
            "amount": optional(check_money, "amount", amount),
        }
        return await self._call("exchange_rate", params, ExchangeRate, extra_body=extra_body)
