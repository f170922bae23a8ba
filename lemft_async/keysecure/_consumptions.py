"""``client.consumptions``: card consumption records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._models import Consumption
from ._pagination import KeySecurePaginator
from ._params import TimeValue, build_body, check_id, time_range
from ._resource import KeySecureResource

__all__ = ["AsyncConsumptions"]


class AsyncConsumptions(KeySecureResource):
    """Consumption records (both integration modes)."""

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
    ) -> KeySecurePaginator[Consumption]:
        """Consumptions in the range (at most 90 days, client timezone)."""
        start, end = time_range(start_time, end_time, self._client._utc_offset)
        body = build_body(
            {
                "cardholder_no": cardholder_no,
                "consume_no": consume_no,
                "card_no": card_no,
                "start_time": start,
                "end_time": end,
            },
            extra_body,
        )
        return self._paginate("consumptions.list", body, Consumption, page=page, size=size)

    async def retrieve(self, consume_no: str) -> Consumption:
        """One consumption (``GET /card/consume/{consume_no}/info``)."""
        return await self._model(
            "consumptions.retrieve",
            Consumption,
            path_params={"consume_no": check_id("consume_no", consume_no)},
        )
