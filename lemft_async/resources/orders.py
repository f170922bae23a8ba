"""``client.orders``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._resource import AsyncAPIResource, check_id
from ..types.orders import OrderDetail

__all__ = ["AsyncOrders"]


class AsyncOrders(AsyncAPIResource):
    _namespace = "orders"

    async def retrieve(
        self, order_id: str, *, extra_body: Mapping[str, Any] | None = None
    ) -> OrderDetail:
        """Get a card order with its bills (documented: ``card/order/getOrder``)."""
        return await self._call(
            "retrieve",
            {"order_id": check_id("order_id", order_id)},
            OrderDetail,
            extra_body=extra_body,
        )
