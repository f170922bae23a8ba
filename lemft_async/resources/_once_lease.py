"""The holder's side of an ``open_card_once`` claim: renewed while it works, checked at
the endpoint's gate just before the request goes on the wire.

The lease is *surely held* until ``held_until``: the start of the last renewal (or claim)
the store confirmed, plus ``ttl`` (the store's expiry can only be later than that). So:

- a renewal the store refuses (``False``) means the claim is lost for good;
- a renewal that fails (store unreachable, timed out) is only a missed renewal: the
  renewer keeps trying, sooner, while the lease still runs;
- ``check`` (inside the gate, after the wait behind other calls) renews once more; the
  send goes out only if the claim is confirmed, or the store failed but the lease still
  has a third of ``ttl`` left. Otherwise ``ClaimLostError``/``ClaimUnavailableError``:
  nothing was sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import anyio

from .._core._claims import ClaimLostError, ClaimStore, ClaimUnavailableError
from .._core._logging import logger
from .._gate import Gate, GateKey

__all__ = ["CheckedGate", "Lease"]

_CHECK_LIMIT = 1.0  # seconds the check at the gate waits for the store at most


class Lease:
    """A claim this worker holds on ``key`` (token ``token``), for ``ttl`` seconds."""

    def __init__(
        self, store: ClaimStore, key: str, token: str, ttl: float, *, claimed_at: float
    ) -> None:
        self.store = store
        self.key = key
        self._token = token
        self.ttl = ttl
        self.held_until = claimed_at + ttl
        self.lost = False

    def __repr__(self) -> str:  # the token stays out of logs and tracebacks
        return f"Lease(key={self.key!r}, lost={self.lost})"

    async def renew(self, limit: float | None = None) -> bool | None:
        """True: confirmed (extended); False: lost; None: the store could not tell (or
        took longer than ``limit`` seconds, default a third of the lease)."""
        started = anyio.current_time()
        try:
            with anyio.fail_after(self.ttl / 3 if limit is None else limit):
                held = await self.store.renew(self.key, self._token, self.ttl)
        except Exception as exc:  # any store failure (custom stores raise their own)
            left = self.held_until - anyio.current_time()
            logger.warning(
                "claim renewal failed (%s); the claim runs for %.2f s more at most",
                type(exc).__name__,
                max(left, 0.0),
            )
            return None
        if held:
            self.held_until = max(self.held_until, started + self.ttl)
            return True
        if not self.lost:
            logger.warning("lost the claim on an out_order_id (expired or taken over)")
        self.lost = True
        return False

    async def keep_renewing(self) -> None:
        """Renew every ``ttl / 3`` (sooner after a failure) until lost or cancelled."""
        delay = self.ttl / 3
        while not self.lost:
            await anyio.sleep(delay)
            delay = self.ttl / 3 if await self.renew() is not None else self.ttl / 6

    async def check(self) -> None:
        """Raise unless the claim is surely held for a while yet (nothing sent then)."""
        # Bounded tighter: this runs inside the gate, where every other send waits.
        held = None if self.lost else await self.renew(min(self.ttl / 3, _CHECK_LIMIT))
        if held:
            return
        if self.lost:
            raise ClaimLostError(
                "the claim on this out_order_id expired or passed to another worker before "
                "the request went out; nothing was sent",
                key=self.key,
            )
        if self.held_until - anyio.current_time() >= self.ttl / 3:
            return  # the store is down, but the lease surely outlasts the send's start
        raise ClaimUnavailableError(
            "the claim store could not confirm the claim before the request went out and "
            "the claim may have expired; nothing was sent",
            key=self.key,
        )


class CheckedGate:
    """``gate``, plus ``check()`` once each attempt holds it (the last step before the
    request is signed and sent). A failing check leaves the gate and raises."""

    def __init__(self, gate: Gate, check: Callable[[], Awaitable[None]]) -> None:
        self._gate = gate
        self._check = check

    def hold(self, key: GateKey) -> AbstractAsyncContextManager[object]:
        return self._hold(key)

    @asynccontextmanager
    async def _hold(self, key: GateKey) -> AsyncIterator[object]:
        async with self._gate.hold(key) as held:
            await self._check()
            yield held

    def __repr__(self) -> str:
        return f"CheckedGate({self._gate!r})"
