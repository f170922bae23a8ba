"""Per-endpoint serialization.

LEMFT lets one request per URL run at a time and answers the others with 10004. Rather
than provoking 10004 and backing off, the SDK queues its own calls: a FIFO lock per
``GateKey`` (base URL, customer, app, path) is held around each attempt. The default
``LocalGate`` is per process and shared by every client with the same credentials, in
every thread and event loop of the process; ``lemft_async.gates.RedisGate`` extends the
same guarantee across processes and hosts.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, runtime_checkable

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar, checkpoint_if_cancelled

__all__ = ["Gate", "GateKey", "LocalGate", "NullGate", "default_gate"]


@dataclass(frozen=True)
class GateKey:
    """What the server's one-at-a-time rule is (inferred to be) scoped to."""

    base_url: str
    customer_id: int
    app_id: int
    path: str

    def __str__(self) -> str:
        # Stable text form, used as the Redis key suffix. No secret in it.
        return f"{self.customer_id}:{self.app_id}:{self.base_url}{self.path}"


@runtime_checkable
class Gate(Protocol):
    """Anything that can hold a key exclusively for the duration of one attempt."""

    def hold(self, key: GateKey) -> AbstractAsyncContextManager[object]:
        """An async context manager: entered = this caller is the only holder of ``key``."""
        ...


# One thread lock per key for the whole process: two threads each running their own event
# loop (a Django worker, a notebook and a script) must not both have a request in flight.
_THREAD_LOCKS: dict[GateKey, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()
_POLL = 0.05  # seconds a worker thread waits for the thread lock before re-checking


def _thread_lock(key: GateKey) -> threading.Lock:
    lock = _THREAD_LOCKS.get(key)
    if lock is None:
        with _THREAD_LOCKS_GUARD:
            lock = _THREAD_LOCKS.setdefault(key, threading.Lock())
    return lock


async def _acquire_across_threads(lock: threading.Lock) -> None:
    """Take ``lock`` without blocking the event loop; cancellable, and never leaks it."""
    while True:
        # Shielded: a worker thread that got the lock must hand it back to us, even if
        # this task is cancelled meanwhile (we then release it below).
        with anyio.CancelScope(shield=True):
            got = await anyio.to_thread.run_sync(lock.acquire, True, _POLL)
        try:
            await checkpoint_if_cancelled()
        except BaseException:
            if got:
                lock.release()
            raise
        if got:
            return


class _Hold:
    """Held = first in this loop's FIFO queue for the key, and the process-wide owner.

    Stateless between ``__aenter__`` and ``__aexit__`` (the owner is the lock's), so one
    instance per key and loop serves every call: nothing is allocated per call to hold it.
    """

    __slots__ = ("_lock", "_thread_lock")

    def __init__(self, thread_lock: threading.Lock) -> None:
        # fast_acquire: an uncontended gate is taken without an extra event-loop turn (the
        # attempt yields on the network right after). A cancelled caller is still refused
        # before it takes the lock, and a contended one waits in FIFO order: release()
        # hands the lock to the first waiter, so a newcomer cannot barge in.
        self._lock = anyio.Lock(fast_acquire=True)
        self._thread_lock = thread_lock

    async def __aenter__(self) -> None:
        await self._lock.acquire()
        try:
            if not self._thread_lock.acquire(blocking=False):
                await _acquire_across_threads(self._thread_lock)
        except BaseException:
            self._lock.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._thread_lock.release()
        self._lock.release()


# One table of holds per event loop: anyio locks belong to the loop that created them, and a
# loop that dies with a lock held must not wedge the next loop in the same process. Under
# asyncio the table is found by the running loop (weakly held: it goes with its loop),
# several times cheaper per call than a RunVar; other backends (trio) use the RunVar.
_HOLDS: RunVar[dict[GateKey, _Hold]] = RunVar("lemft_async_gate_holds")
_ASYNCIO_HOLDS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[GateKey, _Hold]] = (
    weakref.WeakKeyDictionary()
)


def _holds() -> dict[GateKey, _Hold]:
    """This event loop's table of holds."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        table = _ASYNCIO_HOLDS.get(loop)
        if table is None:
            table = _ASYNCIO_HOLDS[loop] = {}
        return table
    try:
        return _HOLDS.get()
    except LookupError:
        table = {}
        _HOLDS.set(table)
        return table


class LocalGate:
    """FIFO lock per key within this process: callers of one event loop are served in
    order; across threads (each with its own loop) one holder at a time."""

    __slots__ = ()

    def hold(self, key: GateKey) -> AbstractAsyncContextManager[object]:
        return self._hold(key)

    def _hold(self, key: GateKey) -> _Hold:
        table = _holds()
        hold = table.get(key)
        if hold is None:
            hold = table[key] = _Hold(_thread_lock(key))
        return hold

    def waiting(self, key: GateKey) -> int:
        """How many callers are queued behind the holder of ``key`` (for metrics/tests)."""
        return self._hold(key)._lock.statistics().tasks_waiting

    def __repr__(self) -> str:
        return "LocalGate()"


class _NoHold:
    """Holds nothing (one shared instance: entering it allocates nothing)."""

    __slots__ = ()

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


_NO_HOLD = _NoHold()


class NullGate:
    """No serialization at all (benchmarks, or a server known to allow concurrency)."""

    __slots__ = ()

    def hold(self, key: GateKey) -> AbstractAsyncContextManager[object]:
        return _NO_HOLD

    def __repr__(self) -> str:
        return "NullGate()"


_DEFAULT = LocalGate()


def default_gate() -> LocalGate:
    """The process-wide gate every client uses unless given another."""
    return _DEFAULT
