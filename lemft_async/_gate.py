"""Per-endpoint serialization.

LEMFT lets one request per URL run at a time and answers the others with 10004. Rather
than provoking 10004 and backing off, the SDK queues its own calls: a FIFO lock per
``GateKey`` (base URL, customer, app, path) is held around each attempt. The default
``LocalGate`` is per process and shared by every client with the same credentials;
``lemft_async.gates.RedisGate`` extends the same guarantee across processes and hosts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import anyio
from anyio.lowlevel import RunVar

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


# One lock table per event loop: anyio locks belong to the loop that created them, and a
# loop that dies with a lock held must not wedge the next loop in the same process.
_LOCKS: RunVar[dict[GateKey, anyio.Lock]] = RunVar("lemft_async_gate_locks")


class LocalGate:
    """FIFO lock per key within this process (and event loop). Callers are served in order."""

    __slots__ = ()

    def _lock(self, key: GateKey) -> anyio.Lock:
        try:
            table = _LOCKS.get()
        except LookupError:
            table = {}
            _LOCKS.set(table)
        lock = table.get(key)
        if lock is None:
            lock = table[key] = anyio.Lock()
        return lock

    def hold(self, key: GateKey) -> AbstractAsyncContextManager[object]:
        return self._lock(key)

    def waiting(self, key: GateKey) -> int:
        """How many callers are queued behind the holder of ``key`` (for metrics/tests)."""
        return self._lock(key).statistics().tasks_waiting

    def __repr__(self) -> str:
        return "LocalGate()"


class NullGate:
    """No serialization at all (benchmarks, or a server known to allow concurrency)."""

    __slots__ = ()

    @asynccontextmanager
    async def _noop(self) -> AsyncIterator[None]:
        yield

    def hold(self, key: GateKey) -> AbstractAsyncContextManager[object]:
        return self._noop()

    def __repr__(self) -> str:
        return "NullGate()"


_DEFAULT = LocalGate()


def default_gate() -> LocalGate:
    """The process-wide gate every client uses unless given another."""
    return _DEFAULT
