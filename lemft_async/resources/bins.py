"""``client.bins``: the card products (BINs) you can issue on, their fees and limits."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from typing_extensions import Unpack

from .._core._raw import to_raw
from .._pagination import AsyncPaginator
from .._resource import AS_IS, ID, OPT_INT, AsyncAPIResource, RequestOptions, Spec
from ..types.bins import Bin, BinFees, BinLimits

__all__ = ["AsyncBins", "AsyncBinsWithRawResponse"]


class AsyncBins(AsyncAPIResource):
    _namespace = "bins"
    _specs: ClassVar[Mapping[str, Spec]] = {
        "list": Spec(currency=AS_IS, card_type=OPT_INT),
        "retrieve": Spec(bin_id=ID),
        "fees": Spec(bin_id=ID),
        "limits": Spec(bin_id=ID),
    }

    @cached_property
    def with_raw_response(self) -> AsyncBinsWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncBinsWithRawResponse(self)

    def list(
        self,
        *,
        currency: str | None = None,
        card_type: int | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Bin]:
        """List card BINs (inferred: ``card/bin/binList``)."""
        return self._list("list", Bin, locals())

    async def retrieve(
        self,
        bin_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Bin:
        """Get one BIN (inferred: ``card/bin/getBin``)."""
        return await self._get("retrieve", Bin, locals(), wrapper="bin_info")

    async def fees(
        self,
        bin_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> BinFees:
        """Fees for cards of a BIN (inferred: ``card/bin/getBinFee``)."""
        return await self._get("fees", BinFees, locals(), wrapper="fee_info")

    async def limits(
        self,
        bin_id: str,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> BinLimits:
        """Amount limits for cards of a BIN (inferred: ``card/bin/getBinLimit``)."""
        return await self._get("limits", BinLimits, locals(), wrapper="limit_info")


class AsyncBinsWithRawResponse:
    """``client.bins.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncBins) -> None:
        self.list = to_raw(resource.list)
        self.retrieve = to_raw(resource.retrieve)
        self.fees = to_raw(resource.fees)
        self.limits = to_raw(resource.limits)
