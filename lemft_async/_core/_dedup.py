"""De-duplication of redeliveries: the one store protocol and the in-memory default.

Every receiver (LEMFT, Payin, KeySecure) claims a key made of *signed* content before its
handlers run. Exactly one concurrent claimer wins; the others see ``"in_progress"``
(answered with a non-acknowledgement so the sender comes back later) or, once the winner
has finished, ``"done"`` (acknowledged, handlers skipped). A failed handler *releases* the
key so the next redelivery runs it again. A claim is a lease: if the process dies
mid-handler, the key frees itself after ``lease`` seconds. While the handlers run, the
receiver renews the lease every ``lease / 3`` seconds (``renew``, token-checked), so a
handler slower than ``lease`` keeps its claim and a redelivery meanwhile is not run a
second time. ``renew`` is optional: a store without it keeps the old behaviour (the claim
lapses after ``lease`` seconds however long the handler takes). Keys are namespaced per API, so
one store (e.g. ``lemft_async.webhooks.RedisDedupStore``) can serve all three receivers.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal, Protocol, runtime_checkable

__all__ = ["ClaimState", "DedupStore", "MemoryDedupStore", "RenewableDedupStore", "sha256_key"]

ClaimState = Literal["claimed", "in_progress", "done"]

_DONE = "\x00done"  # a value no (hex) claim token can equal


def sha256_key(prefix: str, content: bytes) -> str:
    """``prefix + "sha256:" + hex digest``: a key for content that has no id of its own."""
    return prefix + "sha256:" + hashlib.sha256(content).hexdigest()


@runtime_checkable
class DedupStore(Protocol):
    """Where claims and completions are remembered. ``token`` is unique per delivery."""

    async def claim(self, key: str, token: str, lease: float) -> ClaimState:
        """Atomically take ``key`` for ``lease`` seconds unless it is held or done."""
        ...

    async def mark_done(self, key: str, token: str, ttl: float) -> None:
        """Remember ``key`` as processed for ``ttl`` seconds."""
        ...

    async def release(self, key: str, token: str) -> None:
        """Drop the claim if ``token`` still holds it (a redelivery may then retry)."""
        ...


@runtime_checkable
class RenewableDedupStore(DedupStore, Protocol):
    """A ``DedupStore`` whose claims can be extended while the handlers run."""

    async def renew(self, key: str, token: str, lease: float) -> bool:
        """Extend ``token``'s claim on ``key`` to ``lease`` seconds from now.

        ``False`` when ``token`` no longer holds it (lapsed and taken, released or done).
        """
        ...


class MemoryDedupStore:
    """Per-process store: TTLs on a monotonic clock, at most ``max_entries`` keys.

    Atomic without locks because no method awaits between reading and writing. When full,
    the least recently written keys are forgotten first (a forgotten key means a late
    redelivery may run its handlers again). Not shared between processes: use
    ``RedisDedupStore`` when several workers receive notifications.
    """

    def __init__(
        self, *, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError(f"max_entries must be an int >= 1, got {max_entries!r}")
        self._max = max_entries
        self._clock = clock
        # key -> (token or _DONE, expiry); ordered by last write.
        self._entries: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def _put(self, key: str, value: str, ttl: float) -> None:
        if not (math.isfinite(ttl) and ttl > 0):
            raise ValueError(f"ttl must be a positive number of seconds, got {ttl!r}")
        now = self._clock()
        self._entries[key] = (value, now + ttl)
        self._entries.move_to_end(key)
        # Drop expired entries from the old end, then enforce the size bound.
        while self._entries:
            first_key, (_, expiry) = next(iter(self._entries.items()))
            if expiry > now and len(self._entries) <= self._max:
                break
            del self._entries[first_key]

    async def claim(self, key: str, token: str, lease: float) -> ClaimState:
        entry = self._entries.get(key)
        if entry is not None and entry[1] > self._clock():
            return "done" if entry[0] == _DONE else "in_progress"
        self._put(key, token, lease)
        return "claimed"

    async def renew(self, key: str, token: str, lease: float) -> bool:
        entry = self._entries.get(key)
        if entry is None or entry[0] != token:
            return False
        self._put(key, token, lease)
        return True

    async def mark_done(self, key: str, token: str, ttl: float) -> None:
        self._put(key, _DONE, ttl)

    async def release(self, key: str, token: str) -> None:
        entry = self._entries.get(key)
        if entry is not None and entry[0] == token:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"MemoryDedupStore(entries={len(self._entries)}, max_entries={self._max})"
