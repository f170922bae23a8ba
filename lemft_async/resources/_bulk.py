"""Run one coroutine per item concurrently, collecting per-item outcomes in order.

With follow-up stages (``open_cards(then=...)``) each item goes through the first call,
then each stage in turn; every stage has its own queue (``concurrency`` slots), so item i
can be in stage 2 while item i+1 is in stage 1: a pipeline across endpoints.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio

from .._core._logging import logger

if TYPE_CHECKING:
    from ..types.cards import Card
    from ..types.orders import OrderDetail
    from ._followups import Stage

__all__ = ["BulkOutcome", "BulkProgress", "run_bulk"]

T = TypeVar("T")


@dataclass
class BulkOutcome(Generic[T]):
    """The outcome of one item of a bulk call: ``ok`` with ``result``, or ``error``.

    With follow-ups (``then=``): ``order`` is the last read of the order
    (``WaitForOrder``), ``card`` the card (``ReadCard``). A follow-up that failed leaves
    ``ok`` true (the order was placed) and names itself in ``failed_step``, its error in
    ``followup_error``; ``complete`` is true when the call and every follow-up succeeded.
    """

    index: int
    spec: Mapping[str, Any]
    result: T | None = None
    error: Exception | None = None
    order: OrderDetail | None = None
    card: Card | None = None
    followup_error: Exception | None = None
    failed_step: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def complete(self) -> bool:
        return self.error is None and self.followup_error is None

    @property
    def out_order_id(self) -> str | None:
        value = self.spec.get("out_order_id")
        return None if value is None else str(value)

    def __repr__(self) -> str:
        if not self.ok:
            state = f"error={type(self.error).__name__}"
        elif self.failed_step is not None:
            state = f"ok, {self.failed_step} failed={type(self.followup_error).__name__}"
        else:
            state = "ok"
        return f"BulkOutcome(index={self.index}, out_order_id={self.out_order_id!r}, {state})"


@dataclass(frozen=True)
class BulkProgress:
    """Handed to ``on_progress`` after each item finishes (its follow-ups included)."""

    done: int
    total: int
    succeeded: int
    failed: int
    last: BulkOutcome[Any]


async def run_bulk(
    specs: Sequence[dict[str, Any]],
    call: Callable[[dict[str, Any]], Awaitable[T]],
    *,
    concurrency: int,
    on_progress: Callable[[BulkProgress], Awaitable[None] | None] | None,
    stages: Sequence[tuple[str, Stage]] = (),
) -> list[BulkOutcome[T]]:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be an int >= 1, got {concurrency!r}")
    outcomes: list[BulkOutcome[T]] = [BulkOutcome(i, spec) for i, spec in enumerate(specs)]
    limiter = anyio.CapacityLimiter(concurrency)
    slots = [anyio.CapacityLimiter(concurrency) for _ in stages]
    counts = {"done": 0, "ok": 0}

    async def one(outcome: BulkOutcome[T]) -> None:
        async with limiter:
            try:
                outcome.result = await call(dict(outcome.spec))
            except Exception as exc:  # one item's failure must not abort the others
                outcome.error = exc
        if outcome.error is None:
            for (name, stage), slot in zip(stages, slots, strict=True):
                try:
                    await stage(outcome, slot)
                except Exception as exc:  # the order was placed: say so, and which step
                    outcome.followup_error = exc
                    outcome.failed_step = name
                    break
        counts["done"] += 1
        counts["ok"] += outcome.ok
        if on_progress is not None:
            progress = BulkProgress(
                counts["done"], len(outcomes), counts["ok"], counts["done"] - counts["ok"], outcome
            )
            try:
                maybe = on_progress(progress)
                if inspect.isawaitable(maybe):
                    await maybe
            except Exception as exc:
                # A broken progress callback must not cancel in-flight orders and lose the
                # outcomes needed to reconcile them.
                logger.warning("on_progress raised %s; ignored", type(exc).__name__)

    async with anyio.create_task_group() as tg:
        for outcome in outcomes:
            tg.start_soon(one, outcome)
    return outcomes
