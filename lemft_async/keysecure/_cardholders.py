"""``client.cardholders``: KYC application, list and details."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from typing_extensions import Unpack

from .._core._checks import build_params
from .._core._options import RequestOptions
from .._core._raw import to_raw
from ._models import Cardholder, CardholderApplyResult, CardholderDetail
from ._pagination import KeySecurePaginator
from ._params import TimeValue, check_id, check_unique_no, time_range
from ._resource import KeySecureResource

__all__ = ["AsyncCardholders", "AsyncCardholdersWithRawResponse"]


class AsyncCardholders(KeySecureResource):
    """Cardholders (both integration modes)."""

    @cached_property
    def with_raw_response(self) -> AsyncCardholdersWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncCardholdersWithRawResponse(self)

    async def apply(
        self,
        *,
        cardholder_unique_no: str,
        sumsub_share_token: str,
        cardholder_no: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> CardholderApplyResult:
        """Create (no ``cardholder_no``) or update (with it) a cardholder KYC application
        (``POST /cardholder/apply``). A write: never re-sent on an unknown outcome.

        ``sumsub_share_token`` is a credential and is never logged or put in errors.
        """
        body = build_params(
            {
                "cardholder_no": (
                    None if cardholder_no is None else check_id("cardholder_no", cardholder_no)
                ),
                "cardholder_unique_no": check_unique_no(
                    "cardholder_unique_no", cardholder_unique_no
                ),
                "sumsub_share_token": check_id("sumsub_share_token", sumsub_share_token),
            },
            extra_body,
        )
        return await self._model("cardholders.apply", CardholderApplyResult, body=body, **options)

    def list(
        self,
        *,
        start_time: TimeValue,
        end_time: TimeValue,
        cardholder_no: str | None = None,
        cardholder_unique_no: str | None = None,
        page: int = 0,
        size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeySecurePaginator[Cardholder]:
        """Cardholders created in the range (at most 90 days, client timezone)."""
        start, end = time_range(start_time, end_time, self._client._utc_offset)
        body = build_params(
            {
                "cardholder_no": cardholder_no,
                "cardholder_unique_no": cardholder_unique_no,
                "start_time": start,
                "end_time": end,
            },
            extra_body,
        )
        return self._paginate("cardholders.list", body, Cardholder, page=page, size=size, **options)

    async def retrieve(
        self, cardholder_no: str, **options: Unpack[RequestOptions]
    ) -> CardholderDetail:
        """Cardholder details (``GET /cardholder/{cardholder_no}/info``)."""
        return await self._model(
            "cardholders.retrieve",
            CardholderDetail,
            path_params={"cardholder_no": check_id("cardholder_no", cardholder_no)},
            **options,
        )


class AsyncCardholdersWithRawResponse:
    """``AsyncCardholders.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncCardholders) -> None:
        self.apply = to_raw(resource.apply)
        self.list = to_raw(resource.list)
        self.retrieve = to_raw(resource.retrieve)
