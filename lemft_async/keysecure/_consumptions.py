"""``client.consumptions``: card consumption records."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from typing_extensions import Unpack

from .._core._checks import build_params
from .._core._options import RequestOptions
from .._core._raw import to_raw
from ._models import Consumption
from ._pagination import KeySecurePaginator
from ._params import TimeValue, check_id, time_range
from ._resource import KeySecureResource

__all__ = ["AsyncConsumptions", "AsyncConsumptionsWithRawResponse"]


class AsyncConsumptions(KeySecureResource):
    """Consumption records (both integration modes)."""

    @cached_property
    def with_raw_response(self) -> AsyncConsumptionsWithRawResponse:
        """These methods returning a ``RawResponse`` (status, headers, traceid, retries,
        elapsed; ``parse()`` gives the result)."""
        return AsyncConsumptionsWithRawResponse(self)

    def list(
        self,
        *,
        start_time: TimeValue,
        end_time: TimeValue,
        cardholder_no: str | None = None,
        consume_no: str | None = None,
        card_no: str | None = None,
        page: int = 0,
        size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> KeySecurePaginator[Consumption]:
        """Consumptions in the range (at most 90 days, client timezone)."""
        start, end = time_range(start_time, end_time, self._client._utc_offset)
        body = build_params(
            {
                "cardholder_no": cardholder_no,
                "consume_no": consume_no,
                "card_no": card_no,
                "start_time": start,
                "end_time": end,
            },
            extra_body,
        )
        return self._paginate(
            "consumptions.list", body, Consumption, page=page, size=size, **options
        )

    async def retrieve(self, consume_no: str, **options: Unpack[RequestOptions]) -> Consumption:
        """One consumption (``GET /card/consume/{consume_no}/info``)."""
        return await self._model(
            "consumptions.retrieve",
            Consumption,
            path_params={"consume_no": check_id("consume_no", consume_no)},
            **options,
        )


class AsyncConsumptionsWithRawResponse:
    """``AsyncConsumptions.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, resource: AsyncConsumptions) -> None:
        self.list = to_raw(resource.list)
        self.retrieve = to_raw(resource.retrieve)
