"""``client.bins``: the card products (BINs) you can issue on, their fees and limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._pagination import AsyncPaginator
from .._resource import AsyncAPIResource, check_id, check_int, optional
from ..types.bins import Bin, BinFees, BinLimits

__all__ = ["AsyncBins"]


class AsyncBins(AsyncAPIResource):
    _namespace = "bins"

    def list(
        self,
        *,
        currency: str | None = None,
        card_type: int | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[Bin]:
        """List card BINs (inferred: ``card/bin/binList``)."""
        params = {
            "currency": currency,
            "card_type": optional(check_int, "card_type", card_type),
        }
        return self._paginate(
            "list", params, Bin, page_no=page_no, page_size=page_size, extra_body=extra_body
        )

    async def retrieve(self, bin_id: str, *, extra_body: Mapping[str, Any] | None = None) -> Bin:
        """Get one BIN (inferred: ``card/bin/getBin``)."""
        return await self._call(
            "retrieve",
            {"bin_id": check_id("bin_id", bin_id)},
            Bin,
            extra_body=extra_body,
            wrapper="bin_info",
        )

    async def fees(self, bin_id: str, *, extra_body: Mapping[str, Any] | None = None) -> BinFees:
        """Fees for cards of a BIN (inferred: ``card/bin/getBinFee``)."""
        return await self._call(
            "fees",
            {"bin_id": check_id("bin_id", bin_id)},
            BinFees,
            extra_body=extra_body,
            wrapper="fee_info",
        )

    async def limits(
        self, bin_id: str, *, extra_body: Mapping[str, Any] | None = None
    ) -> BinLimits:
        """Amount limits for cards of a BIN (inferred: ``card/bin/getBinLimit``)."""
        return await self._call(
            "limits",
            {"bin_id": check_id("bin_id", bin_id)},
            BinLimits,
            extra_body=extra_body,
            wrapper="limit_info",
        )
