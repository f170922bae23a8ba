"""``client.wallets``: balances, the wallet ledger and exchange rates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from typing_extensions import Unpack

from .._core._raw import to_raw
from .._pagination import AsyncPaginator
from .._resource import (
    AS_IS,
    ID,
    OPT_INT,
    TEXT,
    TIME_RANGE,
    AsyncAPIResource,
    RequestOptions,
    Spec,
    check_int,
    check_money,
    opt,
    req,
)
from ..types.wallets import ExchangeRate, TransactionDetail, Wallet, WalletTransaction

__all__ = ["AsyncWallets", "AsyncWalletsWithRawResponse"]


class AsyncWallets(AsyncAPIResource):
    _namespace = "wallets"
    _specs: ClassVar[Mapping[str, Spec]] = {
        "list": Spec(wallet_sn=AS_IS, wallet_name=AS_IS, currency=AS_IS),
        "retrieve": Spec(wallet_id=req(check_int)),
        "list_transactions": Spec(
            wallet_id=OPT_INT,
            currency=AS_IS,
            in_out_type=OPT_INT,
            transaction_type=OPT_INT,
            status=OPT_INT,
            **TIME_RANGE,
        ),
        "retrieve_transaction": Spec(transaction_id=ID),
        "exchange_rate": Spec(from_currency=TEXT, to_currency=TEXT, amount=opt(check_money)),
    }

    @cached_property
    def with_raw_response(self) -> AsyncWalletsWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncWalletsWithRawResponse(self)

    def list(
        self,
        *,
        wallet_sn: str | None = None,
        wallet_name: str | None = None,
        currency: str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Wallet]:
        """List wallets (documented: ``wallet/walletList``).

        ``await`` it for one page, or ``async for`` over it for every wallet.
        """
        return self._list("list", Wallet, locals())

    async def retrieve(
        self,
        wallet_id: int,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Wallet:
        """Get one wallet (inferred path ``wallet/getWallet``, param ``wallet_id``)."""
        return await self._get("retrieve", Wallet, locals(), wrapper="wallet_info")

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
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[WalletTransaction]:
        """List wallet ledger records (inferred: ``wallet/transactionList``)."""
        return self._list("list_transactions", WalletTransaction, locals())

    async def retrieve_transaction(
        self,
        transaction_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> TransactionDetail:
        """Get a ledger record (fields documented, path inferred: ``wallet/getTransaction``).

        Normally one record; a currency exchange returns two (income and expense).
        """
        return await self._get("retrieve_transaction", TransactionDetail, locals())

    async def exchange_rate(
        self,
        *,
        from_currency: str,
        to_currency: str,
        amount: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ExchangeRate:
        """Get the exchange rate between two currencies (inferred: ``wallet/getExchangeRate``)."""
        return await self._get("exchange_rate", ExchangeRate, locals())


class AsyncWalletsWithRawResponse:
    """``client.wallets.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncWallets) -> None:
        self.list = to_raw(resource.list)
        self.retrieve = to_raw(resource.retrieve)
        self.list_transactions = to_raw(resource.list_transactions)
        self.retrieve_transaction = to_raw(resource.retrieve_transaction)
        self.exchange_rate = to_raw(resource.exchange_rate)
