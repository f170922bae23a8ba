"""``client.orders``: issue cards and top them up (both move money), and read orders."""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Iterable, Mapping
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
    new_out_order_id,
    optional,
    out_order_id_param,
)
from ..types.orders import Order, OrderDetail
from ._bulk import BulkOutcome, BulkProgress, run_bulk

__all__ = ["AsyncOrders", "new_out_order_id"]


class AsyncOrders(AsyncAPIResource):
    _namespace = "orders"

    async def open_card(
        self,
        *,
        bin_id: str,
        amount: Any,
        out_order_id: str | None = None,
        holder_id: str | None = None,
        card_type: int | None = None,
        mark: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Order:
        """Issue a card with an initial balance of ``amount`` (inferred: ``card/order/openCard``).

        Moves money: the wallet is debited ``amount`` + fee. ``out_order_id`` is generated
        when not given and is on the result. If the outcome is unknown (timeout, 10005, 5xx)
        this raises ``OutcomeUnknownError`` carrying it, and never re-sends.
        """
        params = {
            "bin_id": check_id("bin_id", bin_id),
            "amount": check_money("amount", amount, allow_zero=True),
            "out_order_id": out_order_id_param(out_order_id),
            "holder_id": optional(check_id, "holder_id", holder_id),
            "card_type": optional(check_int, "card_type", card_type),
            "mark": optional(check_text, "mark", mark, max_length=255),
        }
        return await self._order("open_card", params, extra_body)

    async def recharge(
        self,
        *,
        card_id: str,
        amount: Any,
        out_order_id: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Order:
        """Top up a card by ``amount`` (inferred: ``card/order/recharge``). Moves money; see
        ``open_card`` for ``out_order_id`` and unknown outcomes."""
        params = {
            "card_id": check_id("card_id", card_id),
            "amount": check_money("amount", amount),
            "out_order_id": out_order_id_param(out_order_id),
        }
        return await self._order("recharge", params, extra_body)

    async def _order(
        self, method: str, params: dict[str, Any], extra_body: Mapping[str, Any] | None
    ) -> Order:
        order = await self._call(method, params, Order, extra_body=extra_body, wrapper="order_info")
        if not order.out_order_id:
            order.out_order_id = params["out_order_id"]
        return order

    def list(
        self,
        *,
        out_order_id: str | None = None,
        card_id: str | None = None,
        order_type: int | None = None,
        status: int | None = None,
        start_time: datetime | str | None = None,
        end_time: datetime | str | None = None,
        page_no: int = 1,
        page_size: int = 10,
        extra_body: Mapping[str, Any] | None = None,
    ) -> AsyncPaginator[Order]:
        """List card orders (inferred: ``card/order/orderList``). Filter by ``out_order_id``
        to reconcile after an ``OutcomeUnknownError``."""
        params = {
            "out_order_id": optional(check_text, "out_order_id", out_order_id),
            "card_id": optional(check_id, "card_id", card_id),
            "order_type": optional(check_int, "order_type", order_type),
            "status": optional(check_int, "status", status),
            "start_time": optional(check_time, "start_time", start_time),
            "end_time": optional(check_time, "end_time", end_time),
        }
        return self._paginate(
            "list", params, Order, page_no=page_no, page_size=page_size, extra_body=extra_body
        )

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

    async def open_cards(
        self,
        specs: Iterable[Mapping[str, Any]],
        *,
        concurrency: int = 8,
        on_progress: Callable[[BulkProgress], Awaitable[None] | None] | None = None,
    ) -> builtins.list[BulkOutcome[Order]]:
        """Issue many cards concurrently; one outcome per spec, in order.

        Each spec holds ``open_card`` keyword arguments. A failure (including
        ``OutcomeUnknownError``) is recorded on its outcome and does not stop the others.
        Every spec gets its ``out_order_id`` before anything is sent, so each outcome can be
        reconciled. ``concurrency`` bounds the calls waiting at once; since the server
        serves one call per endpoint at a time, a small number keeps the pipe full.
        """
        prepared: list[dict[str, Any]] = []
        for index, spec in enumerate(specs):
            if not isinstance(spec, Mapping):
                raise TypeError(f"specs[{index}] must be a mapping of open_card arguments")
            item = dict(spec)
            item["out_order_id"] = out_order_id_param(item.get("out_order_id"))
            prepared.append(item)

        async def issue(spec: dict[str, Any]) -> Order:
            return await self.open_card(**spec)

        return await run_bulk(prepared, issue, concurrency=concurrency, on_progress=on_progress)
