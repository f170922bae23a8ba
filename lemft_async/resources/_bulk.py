"""Run one coroutine per item concurrently, collecting per-item outcomes in order."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import anyio

from .._core._logging import logger

__all__ = ["BulkOutcome", "BulkProgress", "run_bulk"]

T = TypeVar("T")


@dataclass
class BulkOutcome(Generic[T]):
    """The outcome of one item of a bulk call: ``ok`` with ``result``, or ``error``."""

    index: int
    spec: Mapping[str, Any]
    result: T | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def out_order_id(self) -> str | None:
        value = self.spec.get("out_order_id")
        return None if value is None else str(value)

    def __repr__(self) -> str:
        state = "ok" if self.ok else f"error={type(self.error).__name__}"
        return f"BulkOutcome(index={self.index}, out_order_id={self.out_order_id!r}, {state})"


@dataclass(frozen=True)
class BulkProgress:
    """Handed to ``on_progress`` after each item finishes."""

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
) -> list[BulkOutcome[T]]:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be an int >= 1, got {concurrency!r}")
    outcomes: list[BulkOutcome[T]] = [BulkOutcome(i, spec) for i, spec in enumerate(specs)]
    limiter = anyio.CapacityLimiter(concurrency)
    counts = {"done": 0, "ok": 0}

    async def one(outcome: BulkOutcome[T]) -> None:
        async with limiter:
            try:
                outcome.result = await call(dict(outcome.spec))
            except Exception as exc:  # one item's failure must not abort the others
                outcome.error = exc
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
