"""Follow-up steps of ``orders.open_cards(specs, then=...)``: what to do with each card
order once it is placed, run as pipeline stages.

The server serves one call per URL at a time, not one per flow: opening card i+1
(``openCard``) and reading back the order of card i (``getOrder``) can be in flight
together. So each step is a stage with its own endpoint (its own gate) and its own
queue; card i's follow-ups overlap the opening of the cards after it. The steps:

- ``WaitForOrder``: ``orders.retrieve`` the order until it completes (a bounded number of
  polls, ``interval`` seconds apart); the outcome's ``order`` is the last read.
- ``ReadCard``: ``cards.retrieve`` the order's ``card_id``; the outcome's ``card``.

A follow-up that fails never hides that the order was placed: the outcome stays ``ok``
(with its ``result``) and says which step failed (``failed_step``, ``followup_error``).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import anyio

from .._errors import LemftError
from ..types.constants import OrderStatus

if TYPE_CHECKING:
    from .._client import AsyncLemft
    from ..types.orders import Order, OrderDetail
    from ._bulk import BulkOutcome

__all__ = [
    "COMPLETED_STATUSES",
    "FAILED_STATUSES",
    "FollowUp",
    "FollowUpError",
    "OrderNotCompletedError",
    "ReadCard",
    "Stage",
    "WaitForOrder",
    "check_followups",
    "no_card_yet",
    "stages_of",
    "wait_for_order",
]

COMPLETED_STATUSES = frozenset({int(OrderStatus.COMPLETED)})
"""Order statuses that end ``WaitForOrder`` with success."""
FAILED_STATUSES = frozenset({int(OrderStatus.REFUNDED), int(OrderStatus.ABNORMAL)})
"""Order statuses after which the order will not complete (*inferred*: the docs list the
statuses, not their transitions); any other one (processing, under review, a value the
SDK does not know) is polled again."""

_MAX_INTERVAL = 3600.0


class FollowUpError(LemftError):
    """A follow-up step could not finish. The card order itself was placed."""

    # Keyword fields with defaults: ``cls(message)`` plus the instance dict is how an
    # exception is pickled (task queues move errors between processes).
    def __init__(self, message: str, *, step: str = "", order: OrderDetail | None = None) -> None:
        super().__init__(message)
        self.step = step
        self.order = order
        """The last read of the order, when there was one."""


class OrderNotCompletedError(FollowUpError):
    """``WaitForOrder``: the order ended without completing (``status`` refunded or
    abnormal), or was still not complete after ``polls`` reads."""

    def __init__(
        self, message: str, *, status: int | None = None, order: OrderDetail | None = None
    ) -> None:
        super().__init__(message, step=WaitForOrder.name, order=order)
        self.status = status


@dataclass(frozen=True)
class WaitForOrder:
    """Read the order back (``orders.retrieve``) until its status is completed.

    At least one read, at most ``polls``, ``interval`` seconds apart (*inferred*
    defaults: the docs do not say how long an order takes; 30 reads 2 s apart is a
    minute). A refunded or abnormal order, or one still processing after the last read,
    fails the step with ``OrderNotCompletedError``.
    """

    polls: int = 30
    interval: float = 2.0
    name: ClassVar[str] = "wait_for_order"

    def __post_init__(self) -> None:
        if isinstance(self.polls, bool) or not isinstance(self.polls, int) or self.polls < 1:
            raise ValueError(f"polls must be an int >= 1, got {self.polls!r}")
        interval = self.interval
        if isinstance(interval, bool) or not isinstance(interval, int | float):
            raise ValueError(f"interval must be a number of seconds, got {interval!r}")
        if not 0 <= interval <= _MAX_INTERVAL or math.isnan(interval):
            raise ValueError(f"interval must be 0 to {_MAX_INTERVAL:g} seconds, got {interval!r}")


@dataclass(frozen=True)
class ReadCard:
    """Read the order's card (``cards.retrieve(card_id)``). The card id comes from the
    last read of the order (put ``WaitForOrder`` first when orders do not complete at
    once), else from the open answer; an order without one fails the step."""

    name: ClassVar[str] = "read_card"


FollowUp = WaitForOrder | ReadCard
"""A follow-up step of ``open_cards(then=...)`` and ``IssueJob.run(then=...)``."""

_ORDER = {WaitForOrder: 0, ReadCard: 1}


def check_followups(then: object) -> tuple[FollowUp, ...]:
    """``then`` as a tuple of steps: each a ``WaitForOrder``/``ReadCard``, at most one of
    each, ``WaitForOrder`` first. Raised before anything is sent."""
    if isinstance(then, WaitForOrder | ReadCard):
        raise TypeError("then= takes a sequence of steps: then=[WaitForOrder(), ReadCard()]")
    if isinstance(then, str | bytes) or not isinstance(then, Iterable):
        raise TypeError(f"then must be a sequence of follow-up steps, got {type(then).__name__}")
    steps = tuple(then)
    for step in steps:
        if not isinstance(step, WaitForOrder | ReadCard):
            raise TypeError(f"unknown follow-up step {step!r}: use WaitForOrder(...) or ReadCard()")
    kinds = [type(step) for step in steps]
    if len(set(kinds)) != len(kinds):
        raise ValueError("each follow-up step may be given once")
    if kinds != sorted(kinds, key=_ORDER.__getitem__):
        raise ValueError(
            "WaitForOrder must come before ReadCard (the card exists once the order completes)"
        )
    return steps


Stage = Callable[["BulkOutcome[Any]", anyio.CapacityLimiter], Awaitable[None]]
"""One follow-up as run by ``run_bulk``: fills the outcome, taking the stage's slot (its
limiter) around each call so a poll's wait does not hold it."""


def stages_of(
    client: AsyncLemft, steps: Sequence[FollowUp], options: dict[str, Any]
) -> list[tuple[str, Stage]]:
    """The pipeline stages of ``steps`` on ``client``; ``options`` go to every call."""
    stages: list[tuple[str, Stage]] = []
    for step in steps:
        if isinstance(step, WaitForOrder):
            stages.append((step.name, _waiter(client, step, options)))
        else:
            stages.append((step.name, _reader(client, options)))
    return stages


def order_id_of(outcome: BulkOutcome[Any]) -> str:
    """The order id of the open answer (its model requires one)."""
    order: Order | None = outcome.result
    assert order is not None  # stages run only after a successful open
    return str(order.order_id)


def card_id_of(outcome: BulkOutcome[Any]) -> str | None:
    """The card id of the last read of the order, else of the open answer."""
    for order in (outcome.order.order_info if outcome.order else None, outcome.result):
        card_id = getattr(order, "card_id", None)
        if card_id:
            return str(card_id)
    return None


async def wait_for_order(
    client: AsyncLemft,
    step: WaitForOrder,
    order_id: str,
    slot: anyio.CapacityLimiter,
    options: dict[str, Any],
    seen: Callable[[OrderDetail], None] | None = None,
) -> OrderDetail:
    """``orders.retrieve`` until the order completes (``seen`` gets every read); raises
    ``OrderNotCompletedError`` when it ends otherwise or the polls run out."""
    status: int | None = None
    order: OrderDetail | None = None
    for poll in range(step.polls):
        if poll:
            await anyio.sleep(step.interval)  # the slot is free meanwhile
        async with slot:
            order = await client.orders.retrieve(order_id, **options)
        if seen is not None:
            seen(order)
        status = _status_code(order.order_info.status)
        if status in COMPLETED_STATUSES:
            return order
        if status in FAILED_STATUSES:
            raise OrderNotCompletedError(
                f"order {order_id} ended with status {status}; it will not complete",
                status=status,
                order=order,
            )
    raise OrderNotCompletedError(
        f"order {order_id} was not completed after {step.polls} reads "
        f"(last status {status}); WaitForOrder(polls=..., interval=...) waits longer",
        status=status,
        order=order,
    )


def _status_code(raw: object) -> int | None:
    """The status as a code, or ``None`` when it is not one: the open enum keeps text and
    fractions as sent, and neither says completed or failed (the order is read again)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return int(raw)
    return None


def no_card_yet(order: OrderDetail | None) -> FollowUpError:
    return FollowUpError(
        "the order has no card_id yet; put WaitForOrder() before ReadCard()",
        step=ReadCard.name,
        order=order,
    )


def _waiter(client: AsyncLemft, step: WaitForOrder, options: dict[str, Any]) -> Stage:
    async def wait(outcome: BulkOutcome[Any], slot: anyio.CapacityLimiter) -> None:
        def seen(order: OrderDetail) -> None:
            outcome.order = order

        await wait_for_order(client, step, order_id_of(outcome), slot, options, seen)

    return wait


def _reader(client: AsyncLemft, options: dict[str, Any]) -> Stage:
    async def read(outcome: BulkOutcome[Any], slot: anyio.CapacityLimiter) -> None:
        card_id = card_id_of(outcome)
        if card_id is None:
            raise no_card_yet(outcome.order)
        async with slot:
            outcome.card = await client.cards.retrieve(card_id, **options)

    return read
