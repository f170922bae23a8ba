"""Graceful stop on SIGINT/SIGTERM: the first signal stops sending (calls in flight finish
and are journaled), a second one stops at once (rows in flight stay ``sending``, which
the next run reconciles, so the journal is consistent either way)."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio

from .._core._logging import logger

__all__ = ["STOP_SIGNALS", "on_stop_signals"]

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@asynccontextmanager
async def on_stop_signals(
    first: Callable[[int], None], second: Callable[[int], None]
) -> AsyncIterator[bool]:
    """Call ``first(signum)`` on the first stop signal and ``second(signum)`` on the next
    ones, while inside. Yields False (and does nothing) where signals cannot be caught
    here: not the main thread, or an event loop without signal support (Windows)."""
    try:
        receiver = anyio.open_signal_receiver(*STOP_SIGNALS)
        signals = receiver.__enter__()
    except (NotImplementedError, ValueError, RuntimeError) as exc:
        logger.info("stop signals not handled here (%s)", type(exc).__name__)
        yield False
        return

    async def watch() -> None:
        seen = 0
        async for signum in signals:
            seen += 1
            (first if seen == 1 else second)(signum)

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(watch)
            try:
                yield True
            finally:
                tg.cancel_scope.cancel()
    finally:
        receiver.__exit__(None, None, None)
