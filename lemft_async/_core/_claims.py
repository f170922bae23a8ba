"""Claims: a short lease on a key, so that only one worker sends a given write.

Task queues deliver at least once, sometimes to two workers at the same moment. Before a
worker sends a money-moving write it *claims* the write's reference (an ``out_order_id``):
one claimer wins, the others wait for the claim to go and then look again whether the
write was carried out. A claim expires by itself after ``ttl`` seconds, so a worker that
dies holding one blocks nobody for long. The in-memory store works within one process;
``lemft_async.gates.claims.RedisClaimStore`` (extra ``redis``) across processes and hosts.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from ._errors import LemftError

__all__ = [
    "ClaimError",
    "ClaimHeldError",
    "ClaimLostError",
    "ClaimStore",
    "ClaimUnavailableError",
    "MemoryClaimStore",
    "check_ttl",
]


def check_ttl(value: object, name: str = "claim_ttl") -> float:
    """A claim's lifetime: a finite number of seconds >= 0.01."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    if not (math.isfinite(value) and value >= 0.01):
        raise ValueError(f"{name} must be a finite number of seconds >= 0.01, got {value!r}")
    return float(value)


class ClaimError(LemftError):
    """A claim could not be had, so the write was NOT sent (safe to try again later)."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        self.key = key
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), str(self), {"key": self.key}))


class ClaimHeldError(ClaimError):
    """Another worker held the claim for the whole wait; nothing was sent by this one."""


class ClaimUnavailableError(ClaimError):
    """The claim store (e.g. Redis) failed; nothing was sent."""


class ClaimLostError(ClaimError):
    """The claim expired or passed to another worker before the write went out, so this
    worker did NOT send it (another delivery may be sending it now)."""


def _rebuild(cls: type[ClaimError], message: str, fields: dict[str, Any]) -> ClaimError:
    return cls(message, **fields)


@runtime_checkable
class ClaimStore(Protocol):
    """Where claims live. Every method is atomic on its key."""

    async def claim(self, key: str, ttl: float) -> str | None:
        """Take ``key`` for ``ttl`` seconds if nobody holds it: a token, else ``None``."""
        ...

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        """Extend ``token``'s claim to ``ttl`` seconds from now; False only if the store
        says ``token`` no longer holds it (expired, or another worker's now). A store that
        cannot tell (unreachable, timed out) raises ``ClaimUnavailableError`` instead: a
        transient failure is not a lost claim."""
        ...

    async def release(self, key: str, token: str) -> None:
        """Drop the claim if ``token`` still holds it (an expired one is left alone)."""
        ...


class MemoryClaimStore:
    """Claims within one process (every event loop and thread of it)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._held: dict[str, tuple[str, float]] = {}
        self._sweep_at = 1024  # claims left to expire (unknown outcomes) are swept in bulk
        # A thread lock, not an anyio one: the sync clients run calls on another loop.
        self._lock = threading.Lock()

    def _live(self, key: str) -> tuple[str, float] | None:
        entry = self._held.get(key)
        if entry is not None and entry[1] <= self._clock():
            del self._held[key]
            return None
        return entry

    async def claim(self, key: str, ttl: float) -> str | None:
        ttl = check_ttl(ttl, "ttl")
        with self._lock:
            if self._live(key) is not None:
                return None
            if len(self._held) >= self._sweep_at:
                for other in list(self._held):
                    self._live(other)
                self._sweep_at = max(1024, 2 * len(self._held))
            token = secrets.token_hex(16)
            self._held[key] = (token, self._clock() + ttl)
            return token

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        ttl = check_ttl(ttl, "ttl")
        with self._lock:
            entry = self._live(key)
            if entry is None or not secrets.compare_digest(entry[0], token):
                return False
            self._held[key] = (token, self._clock() + ttl)
            return True

    async def release(self, key: str, token: str) -> None:
        with self._lock:
            entry = self._live(key)
            if entry is not None and secrets.compare_digest(entry[0], token):
                del self._held[key]

    def held(self, key: str) -> bool:
        """True while somebody holds ``key`` (for tests and diagnostics)."""
        with self._lock:
            return self._live(key) is not None

    def __len__(self) -> int:
        with self._lock:
            for key in list(self._held):
                self._live(key)
            return len(self._held)
