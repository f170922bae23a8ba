"""``client.bins``: the card products (BINs) you can issue on, their fees and limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .._pagination import AsyncPaginator
from .._resource import AS_IS, ID, OPT_INT, AsyncAPIResource, Spec
from ..types.bins import Bin, BinFees, BinLimits

__all__ = ["AsyncBins"]


class AsyncBins(AsyncAPIResource):
    _namespace = "bins"
    _specs: ClassVar[Mapping[str, Spec]] = {
        "list": Spec(currency=AS_IS, card_type=OPT_INT),
        "retrieve": Spec(bin_id=ID),
        "fees": Spec(bin_id=ID),
        "limits": Spec(bin_id=ID),
    }

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
        return self._list("list", Bin, locals())

    async def retrieve(self, bin_id: str, *, extra_body: Mapping[str, Any] | None = None) -> Bin:
        """Get one BIN (inferred: ``card/bin/getBin``)."""
        return await self._get("retrieve", Bin, locals(), wrapper="bin_info")

    async def fees(self, bin_id: str, *, extra_body: Mapping[str, Any] | None = None) -> BinFees:
        """Fees for cards of a BIN (inferred: ``card/bin/getBinFee``)."""
        return await self._get("fees", BinFees, locals(), wrapper="fee_info")

    async def limits(
        self, bin_id: str, *, extra_body: Mapping[str, Any] | None = None
    ) -> BinLimits:
        """Amount limits for cards of a BIN (inferred: ``card/bin/getBinLimit``)."""
        return await self._get("limits", BinLimits, locals(), wrapper="limit_info")
