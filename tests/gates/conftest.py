"""Fixtures for the gate tests, against a real ``redis-server`` (see ``tests/redis_server.py``).

Each ``RedisGate`` made by ``make_gate`` gets its own Redis client (its own connection
pool), which is how two processes look to Redis.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.redis_server import RedisServer, require_redis_py
from tests.redis_server import redis_server as redis_server

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from lemft_async.gates.redis import RedisGate


@pytest.fixture
async def redis_url(redis_server: RedisServer) -> str:
    """The session server's URL, emptied (and its command stats reset) for this test."""
    require_redis_py()
    from redis.asyncio import Redis

    client = Redis.from_url(redis_server.url)
    try:
        await client.flushall()
        await client.config_resetstat()
    finally:
        await client.aclose()
    return redis_server.url


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[Redis]:
    """A plain client for looking at (and meddling with) the gate's keys."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def make_gate(redis_url: str) -> AsyncIterator[Callable[..., RedisGate]]:
    """``make_gate(**options)``: a RedisGate on a fresh client (a simulated process)."""
    from redis.asyncio import Redis

    from lemft_async.gates.redis import RedisGate

    clients: list[Redis] = []

    def make(**options: Any) -> RedisGate:
        client = Redis.from_url(redis_url)
        clients.append(client)
        return RedisGate(client, **options)

    yield make
    for client in clients:
        await client.aclose()
