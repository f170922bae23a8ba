"""``client.wallets``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._pagination import AsyncPaginator
from .._resource import AsyncAPIResource
from ..types.wallets import Wallet

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
