"""Small helpers shared by the gate tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import anyio

from lemft_async.gates import GateKey

if TYPE_CHECKING:  # this module must import without redis-py
    from redis.asyncio import Redis

    from lemft_async.gates.redis import RedisGate

BASE_URL = "https://api.sandbox.lemft.com"
KEY = GateKey(BASE_URL, 10001004, 100006, "/v1/openApi/wallet/walletList")
OTHER_KEY = GateKey(BASE_URL, 10001004, 100006, "/v1/openApi/card/order/getOrder")
FOREIGN_TOKEN = "someone-else"


async def eventually(check: Callable[[], Awaitable[bool]], *, timeout: float = 5.0) -> None:
    """Poll ``check`` until it is true; fail (TimeoutError) after ``timeout`` seconds."""
    with anyio.fail_after(timeout):
        while not await check():
            await anyio.sleep(0.01)


class Tracker:
    """Counts how many callers are inside a critical section at once."""

    def __init__(self) -> None:
        self.active = 0
        self.max_active = 0
        self.entries = 0
        self.order: list[str] = []

    async def section(self, label: str = "", *, hold_for: float = 0.0) -> None:
        self.active += 1
        self.entries += 1
        self.max_active = max(self.max_active, self.active)
        self.order.append(label)
        try:
            # A real await so that, without a gate, other tasks get in meanwhile.
            await anyio.sleep(hold_for)
        finally:
            self.active -= 1


async def equals(actual: object, expected: object) -> bool:
    """``actual == expected`` as an ``eventually`` check."""
    return actual == expected


async def exists(raw: Redis, key: str) -> bool:
    """Whether ``key`` exists, as an ``eventually`` check."""
    count: int = await raw.exists(key)
    return count == 1


async def enter_and_record(
    gate: RedisGate, tracker: Tracker, label: str, scope: anyio.CancelScope | None = None
) -> None:
    """Hold KEY via ``gate`` and record ``label``; cancellable through ``scope``."""
    with scope or anyio.CancelScope():
        async with gate.hold(KEY):
            await tracker.section(label)
