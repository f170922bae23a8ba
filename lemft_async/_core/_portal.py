"""The background event loop a synchronous client runs its async twin on.

A sync client (``Lemft``, ``Payin``, ``KeySecure``) owns one ``LoopThread``: an event loop
in a daemon thread with an anyio ``BlockingPortal`` into it. Every blocking call is one
coroutine run on that loop, so the async client's gate, connection pool and token cache
are used exactly as in async code, by every thread that shares the sync client.

The thread is a daemon so a client that is never closed cannot keep the interpreter from
exiting (anyio's ``start_blocking_portal`` uses a non-daemon executor thread, which would).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, TypeVar, overload

import anyio
from anyio.from_thread import BlockingPortal

from ._logging import logger

__all__ = ["LoopThread"]

T = TypeVar("T")

_STOP_TIMEOUT = 30.0
"""Seconds ``stop()`` waits for the loop thread after its calls have finished."""


class LoopThread:
    """An event loop in a daemon thread, and a thread-safe way to run coroutines on it."""

    __slots__ = ("_closers", "_lock", "_pid", "_portal", "_stopped", "_thread", "name")

    def __init__(self, name: str, *, backend: str = "asyncio") -> None:
        self.name = name
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._stopped = False
        self._closers: list[Callable[[], Awaitable[object]]] = []
        ready: queue.Queue[BlockingPortal | BaseException] = queue.Queue(maxsize=1)

        def run() -> None:
            try:
                anyio.run(_serve, ready, self._closers, backend=backend)
            except BaseException as exc:  # the loop could not start: tell the constructor
                if ready.empty():
                    ready.put(exc)

        self._thread = threading.Thread(target=run, name=f"{name}-loop", daemon=True)
        self._thread.start()
        started = ready.get()
        if isinstance(started, BaseException):
            raise RuntimeError(f"{name}: the background event loop did not start") from started
        self._portal: BlockingPortal = started

    @property
    def stopped(self) -> bool:
        return self._stopped

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    @overload
    def call(self, func: Callable[..., Awaitable[T]], *args: Any) -> T: ...
    @overload
    def call(self, func: Callable[..., T], *args: Any) -> T: ...
    def call(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run ``func(*args)`` on the loop and wait for its result (or its exception)."""
        if self._stopped:
            raise RuntimeError(f"this {self.name} client is closed")
        if os.getpid() != self._pid:
            # A forked child has the client object but not its loop thread.
            raise RuntimeError(
                f"this {self.name} client was created in another process (before a fork); "
                "create the client in the process that uses it"
            )
        if self.in_loop_thread():
            raise RuntimeError(
                f"a blocking {self.name} call was made from its own event loop "
                "(from a callback or hook): use the async client there"
            )
        future = self._portal.start_task_soon(func, *args)
        try:
            return future.result()
        except BaseException:
            # Interrupted while waiting (Ctrl-C): cancel the call as an async caller's
            # cancellation would, instead of leaving it running unobserved.
            future.cancel()
            raise

    def enter(self, manager: AbstractAsyncContextManager[T]) -> AbstractContextManager[T]:
        """``manager`` as a sync context manager, entered and exited by one task on the loop
        (a task group opened by ``__aenter__`` must be closed by the same task)."""
        self.call(_noop)  # refuses as call() does: closed, forked, own loop
        return self._portal.wrap_async_context_manager(manager)

    def at_close(self, closer: Callable[[], Awaitable[object]]) -> None:
        """Run ``closer()`` on the loop when it stops, after the calls in flight finished
        (a pool closed before would fail them)."""
        self._closers.append(closer)

    def stop(self) -> None:
        """Refuse new calls, let those in flight finish, run the closers, end the loop and
        its thread. Idempotent."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        if os.getpid() != self._pid:
            return  # a forked child has no loop thread to stop
        if self.in_loop_thread():
            # Dropped on the loop itself (a collection there): cannot wait on ourselves.
            threading.Thread(target=self._finish, name=f"{self.name}-stop", daemon=True).start()
            return
        self._finish()

    def _finish(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has already ended
            self._portal.call(self._portal.stop)
        self._thread.join(_STOP_TIMEOUT)


async def _noop() -> None:
    return None


async def _serve(
    ready: queue.Queue[BlockingPortal | BaseException],
    closers: list[Callable[[], Awaitable[object]]],
) -> None:
    async with BlockingPortal() as portal:
        ready.put(portal)
        await portal.sleep_until_stopped()
    # Leaving the portal waited for every call it ran: now the pool can close.
    for closer in closers:
        try:
            await closer()
        except Exception:  # a failing close must not keep the others from running
            logger.warning("closing %s failed", closer, exc_info=True)
