"""``RedisClaimStore``: claims on write references shared by every worker on one Redis
(extra ``redis``), for ``client.orders.open_card_once(..., claims=...)``.

A claim is one key, ``<prefix><key>``, holding a random token with a PX expiry:
``SET NX PX`` takes it, compare-and-set scripts renew and release it (a worker whose
claim expired cannot extend or free someone else's). Expiry runs on
the Redis server's clock, so hosts with skewed clocks agree. A Redis failure while
claiming or renewing raises ``ClaimUnavailableError`` (a failed renewal is not a lost
claim: the holder keeps renewing); a failed release is logged and left to expire.
"""

from __future__ import annotations

import math
import secrets
from typing import Any

from .._core._claims import (
    ClaimError,
    ClaimHeldError,
    ClaimLostError,
    ClaimUnavailableError,
    check_ttl,
)
from .._core._extras import missing_extra
from .._core._logging import logger

try:
    import redis as _redis_sync
    from redis.asyncio import Redis
except ImportError as _exc:  # exercised by tests/test_extras.py (redis blocked)
    raise missing_extra("lemft_async.gates.RedisClaimStore", "redis", "redis") from _exc

__all__ = [
    "ClaimError",
    "ClaimHeldError",
    "ClaimLostError",
    "ClaimUnavailableError",
    "RedisClaimStore",
]

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_FAILURES = (_redis_sync.RedisError, OSError)


class RedisClaimStore:
    """A ``ClaimStore`` on Redis.

    >>> from redis.asyncio import Redis
    >>> claims = RedisClaimStore(Redis.from_url("redis://localhost:6379/0"))
    >>> await client.orders.open_card_once(out_order_id=..., ..., claims=claims)

    ``prefix`` namespaces the keys (one Redis may serve several applications).
    """

    def __init__(self, redis: Redis, *, prefix: str = "lemft:claim:") -> None:
        if not isinstance(prefix, str):
            raise TypeError(f"prefix must be a str, got {type(prefix).__name__}")
        # Typed loosely: redis-py 5 and 6+ type these commands differently (arq pins 5).
        self._redis: Any = redis
        self._prefix = prefix

    def _key(self, key: str) -> str:
        return self._prefix + key

    async def claim(self, key: str, ttl: float) -> str | None:
        ttl = check_ttl(ttl, "ttl")
        token = secrets.token_hex(16)
        try:
            taken = await self._redis.set(
                self._key(key), token, nx=True, px=max(1, math.ceil(ttl * 1000))
            )
        except _FAILURES as exc:
            # The type name only: backend messages may echo connection details.
            raise ClaimUnavailableError(
                f"the claim store failed ({type(exc).__name__}); nothing was sent", key=key
            ) from exc
        return token if taken else None

    async def release(self, key: str, token: str) -> None:
        try:
            await self._redis.eval(_RELEASE, 1, self._key(key), token)
        except _FAILURES as exc:
            logger.warning("claim release failed (%s); it will expire", type(exc).__name__)

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        ttl = check_ttl(ttl, "ttl")
        try:
            done = await self._redis.eval(
                _RENEW, 1, self._key(key), token, str(max(1, math.ceil(ttl * 1000)))
            )
        except _FAILURES as exc:
            # Not False: the claim may well still be ours; False means the store said not.
            raise ClaimUnavailableError(
                f"the claim store failed while renewing ({type(exc).__name__})", key=key
            ) from exc
        return bool(done)

    def __repr__(self) -> str:
        return f"RedisClaimStore(prefix={self._prefix!r})"
