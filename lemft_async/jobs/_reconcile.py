"""Was a card order with this ``out_order_id`` carried out? Found, absent, or unknown.

``orders.list(out_order_id=...)`` is asked first. An order carrying that exact id means
*found*; it is then read with ``orders.retrieve`` when the list entry has no card yet
(the card id comes with completion). An answer with no items at all means *absent*: the
request never created an order, and it may be sent again with the same ``out_order_id``.
Anything else is *unknown*: the list call failed, or it answered orders that are not ours
(a server that ignores the filter cannot prove absence).

*Inferred*: LEMFT's docs do not say that the order list filters by ``out_order_id`` or
how soon an accepted order shows in it; the sandbox does both at once. A request whose
answer was lost only moments ago may still be in flight on the server, so a job waits
``settle`` seconds before reconciling an unknown outcome of its own run.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .._errors import LemftError
from ..types.orders import Order

if TYPE_CHECKING:
    from ..resources.orders import AsyncOrders

__all__ = ["Reconciled", "reconcile"]


@dataclass(frozen=True)
class Reconciled:
    """What reconciliation found out about one ``out_order_id``."""

    verdict: Literal["found", "absent", "unknown"]
    order: Order | None = None
    error: Exception | None = None
    matches: int = 0
    """Orders carrying the id (more than one would mean it was issued twice)."""

    @property
    def found(self) -> bool:
        return self.verdict == "found"

    @property
    def absent(self) -> bool:
        return self.verdict == "absent"


class NotFiltered(LemftError):
    """The order list answered orders that do not carry the ``out_order_id`` asked for."""


async def reconcile(orders: AsyncOrders, out_order_id: str, **options: Any) -> Reconciled:
    """Look ``out_order_id`` up (never sends a write). ``options`` are per-call options."""
    try:
        page = await orders.list(out_order_id=out_order_id, page_size=10, **options)
    except LemftError as exc:
        return Reconciled("unknown", error=exc)
    matches = [order for order in page.items if order.out_order_id == out_order_id]
    if not matches:
        if page.items or (page.total or 0) > 0:
            return Reconciled("unknown", error=NotFiltered(_NOT_FILTERED))
        return Reconciled("absent")
    order = matches[0]
    if not order.card_id and order.order_id:
        with contextlib.suppress(LemftError):  # the list entry already proves it exists
            order = (await orders.retrieve(order.order_id, **options)).order_info
    return Reconciled("found", order=order, matches=len(matches))


_NOT_FILTERED = (
    "the order list answered orders with another out_order_id (does it filter by "
    "out_order_id?); absence cannot be proven"
)
