"""Claim stores: one holder per key, token-checked renew/release, expiry. The same table
of behaviour runs on ``MemoryClaimStore`` and on ``RedisClaimStore`` (a real redis-server)."""

from __future__ import annotations

import pickle
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from lemft_async.jobs import (
    ClaimError,
    ClaimHeldError,
    ClaimLostError,
    ClaimStore,
    ClaimUnavailableError,
    MemoryClaimStore,
)
from tests.redis_server import RedisServer, require_redis_py
from tests.redis_server import redis_server as redis_server


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    if request.param == "memory":
        yield MemoryClaimStore()
        return
    require_redis_py()
    server: RedisServer = request.getfixturevalue("redis_server")
    from redis.asyncio import Redis

    from lemft_async.gates.claims import RedisClaimStore

    redis = Redis.from_url(server.url)
    await redis.flushall()
    yield RedisClaimStore(redis, prefix="test:claim:")
    await redis.aclose()


async def test_one_claimer_wins_until_it_releases(store: Any) -> None:
    assert isinstance(store, ClaimStore)
    token = await store.claim("k", 5)
    assert token is not None
    assert await store.claim("k", 5) is None
    await store.release("k", "not-the-token")  # a stale holder cannot free it
    assert await store.claim("k", 5) is None
    await store.release("k", token)
    assert await store.claim("k", 5) is not None


async def test_a_claim_expires_and_renewal_is_token_checked(store: Any) -> None:
    token = await store.claim("k", 0.15)
    assert token is not None
    assert await store.renew("k", token, 0.15)
    assert not await store.renew("k", "other", 5)
    await anyio.sleep(0.25)
    assert not await store.renew("k", token, 5)  # expired: lost
    assert await store.claim("k", 5) is not None  # a dead holder blocks nobody for long


async def test_claims_are_per_key_and_ttls_are_checked(store: Any) -> None:
    assert await store.claim("a", 5) is not None
    assert await store.claim("b", 5) is not None
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="ttl"):
            await store.claim("c", bad)
    with pytest.raises(TypeError, match="ttl"):
        await store.claim("c", "5")


async def test_the_memory_store_sweeps_expired_claims() -> None:
    now = [0.0]
    store = MemoryClaimStore(clock=lambda: now[0])
    for index in range(1100):
        assert await store.claim(f"k{index}", 1) is not None
    now[0] = 10.0
    assert len(store) == 0
    assert await store.claim("fresh", 1) is not None


async def test_a_redis_failure_while_claiming_is_claim_unavailable() -> None:
    require_redis_py()
    from redis.asyncio import Redis

    from lemft_async.gates.claims import RedisClaimStore
    from tests.redis_server import free_port

    redis = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5)
    store = RedisClaimStore(redis)
    try:
        with pytest.raises(ClaimUnavailableError, match="nothing was sent") as caught:
            await store.claim("k", 5)
        assert caught.value.key == "k"
        with pytest.raises(ClaimUnavailableError, match="renewing") as renewing:
            await store.renew("k", "t", 5)  # the store could not tell: not "lost"
        assert renewing.value.key == "k"
        await store.release("k", "t")  # logged, never raised
    finally:
        await redis.aclose()
    with pytest.raises(TypeError):
        RedisClaimStore(redis, prefix=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("cls", [ClaimError, ClaimHeldError, ClaimLostError, ClaimUnavailableError])
def test_claim_errors_survive_pickling(cls: type[ClaimError]) -> None:
    error = cls("held", key="open_card:1:2:x")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is cls
    assert str(copy) == "held"
    assert copy.key == "open_card:1:2:x"
