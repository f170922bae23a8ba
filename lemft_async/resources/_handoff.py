"""A gate that hands the endpoint to the next queued call before this one goes on.

With calls queued at a gate, the one whose answer just arrived releases the gate and
would then keep the event loop for all its after-work (decoding and validating the
answer, logging, the bulk bookkeeping, progress callbacks, journal writes) before the
next call, woken by the release, could sign and send. Here the releasing call yields
right after the release, a few times, so the next request is on the wire first and that
after-work overlaps the server's latency instead of adding to it.

Why a few: between being woken and writing its bytes the next call passes a handful of
scheduling points of its own (httpcore's pool handing it the connection, the
connection's lock); each yield here lets it pass one. The yields are shielded from
cancellation: the answer already received must not be lost to a cancel at this point.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType

from anyio.lowlevel import cancel_shielded_checkpoint

from .._gate import Gate, GateKey

__all__ = ["HANDOFF_YIELDS", "HandOffGate", "hand_off"]

HANDOFF_YIELDS = 4
"""Yields after a release: httpx's path from wake-up to the socket passes 3 (measured
with the in-process and the served sandbox); one more is slack for other transports."""


class _HandOff:
    __slots__ = ("_held",)

    def __init__(self, held: AbstractAsyncContextManager[object]) -> None:
        self._held = held

    async def __aenter__(self) -> object:
        return await self._held.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        try:
            return await self._held.__aexit__(exc_type, exc, tb)
        finally:
            for _ in range(HANDOFF_YIELDS):
                await cancel_shielded_checkpoint()


class HandOffGate:
    """``inner``'s exclusion, plus the hand-off above (used by the bulk helpers)."""

    __slots__ = ("inner",)

    def __init__(self, inner: Gate) -> None:
        self.inner = inner

    def hold(self, key: GateKey) -> AbstractAsyncContextManager[object]:
        return _HandOff(self.inner.hold(key))

    def __repr__(self) -> str:
        return f"HandOffGate({self.inner!r})"


def hand_off(gate: Gate) -> HandOffGate:
    """``gate`` with the hand-off (itself when it already has it)."""
    return gate if isinstance(gate, HandOffGate) else HandOffGate(gate)
