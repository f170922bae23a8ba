"""``RedisDedupStore``: de-duplication shared by every worker (extra ``redis``).

One key per notification, ``<prefix><dedup key>``: the delivery's token while its
handlers run (a lease, ``SET NX PX``, renewed by the receiver every ``lease / 3`` seconds
with ``PEXPIRE``), ``"done"`` once they succeeded (kept ``ttl`` seconds). Claim, renew and
release are single Lua scripts, so the check and the write are atomic and renew/release
are token-checked (a delivery whose lease expired cannot extend or free another's claim).
It implements the core ``DedupStore`` protocol, so one store can serve the LEMFT, Payin
and KeySecure receivers: the default prefix ``lemft-async:dedup:`` names no API, and each
receiver namespaces its own keys (``lemft:``, ``lemon:``, ``keysecure:``). Imported lazily by
``lemft_async.webhooks``; redis-py's asyncio client needs asyncio.
"""

from __future__ import annotations

from typing import Any

from .._core._extras import missing_extra

try:
    from redis.asyncio import Redis
except ImportError as _exc:  # exercised by tests/test_extras.py (redis blocked)
    raise missing_extra("lemft_async.webhooks.RedisDedupStore", "redis", "redis") from _exc

from .._core._dedup import ClaimState

__all__ = ["DEFAULT_PREFIX", "RedisDedupStore"]

DEFAULT_PREFIX = "lemft-async:dedup:"
"""Names no API: the receivers namespace their keys (``lemft:``, ``lemon:``, ``keysecure:``)."""

_DONE = "done"

# KEYS[1] key; ARGV[1] token; ARGV[2] lease in ms.
_CLAIM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 'claimed'
end
if redis.call('GET', KEYS[1]) == 'done' then
  return 'done'
end
return 'in_progress'
"""

# KEYS[1] key; ARGV[1] token; ARGV[2] lease in ms.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# KEYS[1] key; ARGV[1] token.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def _ms(seconds: float) -> int:
    if not (isinstance(seconds, int | float) and seconds > 0):
        raise ValueError(f"seconds must be positive, got {seconds!r}")
    return max(1, round(seconds * 1000))


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisDedupStore:
    """A ``DedupStore`` on Redis: ``RedisDedupStore(redis.asyncio.Redis(...))``.

    Works whether or not the client decodes responses. ``prefix`` namespaces the keys
    (use one per account if several share a Redis). Earlier versions used
    ``lemft:webhook:`` and no ``lemft:`` namespace for LEMFT keys: records they wrote are
    not seen, so a notification redelivered across the upgrade may run its handler again.
    """

    def __init__(self, redis_client: Redis, *, prefix: str = DEFAULT_PREFIX) -> None:
        if not isinstance(prefix, str):
            raise TypeError(f"prefix must be a str, got {type(prefix).__name__}")
        self._redis = redis_client
        self._prefix = prefix
        self._owns_client = False
        self._claim = redis_client.register_script(_CLAIM)
        self._renew = redis_client.register_script(_RENEW)
        self._release = redis_client.register_script(_RELEASE)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = DEFAULT_PREFIX) -> RedisDedupStore:
        """Build the client from a URL (``redis://host:6379/0``); ``aclose()`` closes it."""
        store = cls(Redis.from_url(url), prefix=prefix)
        store._owns_client = True
        return store

    async def aclose(self) -> None:
        """Close the Redis client if this store created it (``from_url``)."""
        if self._owns_client:
            await self._redis.aclose()

    def redis_key(self, key: str) -> str:
        """The Redis key that holds ``key``."""
        return self._prefix + key

    async def claim(self, key: str, token: str, lease: float) -> ClaimState:
        state = _text(await self._claim(keys=[self.redis_key(key)], args=[token, _ms(lease)]))
        if state not in ("claimed", "in_progress", "done"):
            raise RuntimeError(f"unexpected claim answer from Redis: {state!r}")
        return state  # type: ignore[return-value]

    async def renew(self, key: str, token: str, lease: float) -> bool:
        kept = await self._renew(keys=[self.redis_key(key)], args=[token, _ms(lease)])
        return int(kept) == 1

    async def mark_done(self, key: str, token: str, ttl: float) -> None:
        await self._redis.set(self.redis_key(key), _DONE, px=_ms(ttl))

    async def release(self, key: str, token: str) -> None:
        await self._release(keys=[self.redis_key(key)], args=[token])

    def __repr__(self) -> str:
        # Not the client's repr: keep connection details (passwords in URLs) out of logs.
        return f"RedisDedupStore(redis={type(self._redis).__name__}, prefix={self._prefix!r})"
