"""``RedisGate``: one in-flight call per endpoint across processes and hosts (extra ``redis``).

How a call gets the key (see ``_redis_scripts`` for the exact Redis state):

1. **Local queue first.** Callers in this process queue on a FIFO ``anyio.Lock`` per key
   (``LocalGate`` semantics, per gate instance), so only the head of the local queue talks
   to Redis: N local tasks cost one Redis waiter, not N.
2. **Lease.** The head runs one atomic script: if the key is free and nobody live is queued
   ahead, it takes a lease (``SET key token PX lease``); otherwise it joins a Redis queue.
3. **Waiting without spinning.** A queued waiter blocks on its own wake-up list (``BLPOP``,
   timeout ``poll_interval``). Release hands the lease directly to the oldest live waiter and
   pushes to its list, so processes are served in arrival order (no barging by the releasing
   process's next task). Each poll also refreshes the waiter's heartbeat; waiters whose
   heartbeat lapses (crashed) are skipped. A lost wake-up costs at most one ``poll_interval``.
4. **Renewal (default on).** While the attempt runs, a watchdog extends the lease every
   ``lease / 3`` — only while the token still matches. A crashed holder therefore frees the
   key within ``lease`` seconds, yet a slow attempt (up to the HTTP timeout) keeps it. If the
   lease is ever lost, the watchdog logs a warning and the attempt carries on: the worst case
   is a 10004 from the server, which the transport retries (the server did not act).
5. **Release** is token-checked (compare-and-delete in Lua): a caller whose lease expired
   cannot free someone else's. It is shielded from cancellation and bounded by
   ``release_timeout``; a failure is logged, never raised (the call's own outcome matters more,
   and the lease expires anyway).

**asyncio only**: redis-py's asyncio client does not run under trio; ``hold()`` raises a
clear ``RuntimeError`` there (use ``LocalGate`` under trio). Needs Redis >= 6.0 (fractional
``BLPOP`` timeouts). The client's ``socket_timeout`` (redis-py default 5 s) must exceed
``poll_interval`` by a round trip; a shorter one is refused.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import secrets
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any

import anyio
from anyio.abc import TaskGroup
from anyio.lowlevel import RunVar

from .._core._extras import missing_extra

try:
    import redis as _redis_sync
    from redis.asyncio import Redis
except ImportError as _exc:  # exercised by tests/test_extras.py (redis blocked)
    raise missing_extra("lemft_async.gates.RedisGate", "redis", "redis") from _exc

from .._core._logging import logger
from .._gate import GateKey
from ._redis_errors import GateError, GateTimeoutError, GateUnavailableError
from ._redis_scripts import ACQUIRE, LEAVE, RENEW

__all__ = ["GateError", "GateTimeoutError", "GateUnavailableError", "RedisGate"]


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    if not (math.isfinite(value) and value >= 0.001):
        raise ValueError(f"{name} must be a finite number of seconds >= 0.001, got {value!r}")
    return float(value)


def _optional_seconds(value: object, name: str) -> float | None:
    return None if value is None else _seconds(value, name)


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _socket_timeout(client: Redis) -> float | None:
    """The client's read timeout, best effort: given explicitly, or its connection's default."""
    pool = client.connection_pool
    if "socket_timeout" in pool.connection_kwargs:
        value = pool.connection_kwargs["socket_timeout"]
    else:
        value = None
        for cls in getattr(pool.connection_class, "__mro__", ()):
            if "__init__" not in vars(cls):
                continue
            try:
                parameter = inspect.signature(cls.__init__).parameters.get("socket_timeout")
            except (TypeError, ValueError):
                break
            if parameter is not None:
                value = parameter.default
                break
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _require_asyncio() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "RedisGate needs asyncio (redis-py's asyncio client does not run under trio); "
            "use LocalGate there"
        ) from None


class RedisGate:
    """A ``Gate`` shared by every process and host that uses the same Redis and key prefix.

    >>> from redis.asyncio import Redis
    >>> gate = RedisGate(Redis.from_url("redis://localhost:6379/0"), acquire_timeout=60)
    >>> client = AsyncLemft(..., gate=gate)

    Share one ``RedisGate`` between the clients of a process: its local FIFO queue is per
    instance. Keyword arguments (all *inferred* defaults, tune to your traffic):

    - ``lease`` (10 s): how long a lease lives without renewal, i.e. how long a crashed
      holder can block the endpoint. With ``renew=False`` it must exceed your longest attempt
      (the client's HTTP timeout), or two calls may overlap and one gets 10004.
    - ``renew`` (True): extend the lease every ``lease / 3`` while the attempt runs.
    - ``acquire_timeout`` (None = wait as long as it takes, like ``LocalGate``): seconds to
      wait for the key, local queue included, before raising ``GateTimeoutError``.
    - ``poll_interval`` (0.5 s): the longest a waiter blocks before re-checking Redis; bounds
      the cost of a lost wake-up or a crashed holder's expired lease.
    - ``waiter_ttl`` (``max(4 * poll_interval, 2 s)``): a waiter whose heartbeat is older than
      this is considered crashed and skipped; also the time a waiter has to claim a handed-off
      lease.
    - ``release_timeout`` (5 s): the most a (shielded) release may take before giving up and
      leaving the lease to expire.
    - ``key_prefix`` ("lemft:gate:"): Redis keys are ``<prefix>{<GateKey>}`` plus suffixes.

    Acquiring raises ``GateTimeoutError`` or ``GateUnavailableError`` (Redis failed); both
    mean the request was not sent.
    """

    def __init__(
        self,
        redis_client: Redis,
        *,
        lease: float = 10.0,
        key_prefix: str = "lemft:gate:",
        acquire_timeout: float | None = None,
        renew: bool = True,
        poll_interval: float = 0.5,
        waiter_ttl: float | None = None,
        release_timeout: float = 5.0,
    ) -> None:
        if isinstance(redis_client, _redis_sync.Redis):
            raise TypeError("redis_client must be a redis.asyncio.Redis, not the sync redis.Redis")
        if not isinstance(redis_client, Redis):
            raise TypeError(
                f"redis_client must be a redis.asyncio.Redis, got {type(redis_client).__name__}"
            )
        if not isinstance(key_prefix, str):
            raise TypeError(f"key_prefix must be a str, got {type(key_prefix).__name__}")
        if not isinstance(renew, bool):
            raise TypeError(f"renew must be a bool, got {type(renew).__name__}")
        self._lease = _seconds(lease, "lease")
        self._poll = _seconds(poll_interval, "poll_interval")
        self._acquire_timeout = _optional_seconds(acquire_timeout, "acquire_timeout")
        ttl = _optional_seconds(waiter_ttl, "waiter_ttl")
        self._waiter_ttl = max(4 * self._poll, 2.0) if ttl is None else ttl
        if self._waiter_ttl <= self._poll:
            raise ValueError(
                f"waiter_ttl ({self._waiter_ttl:g} s) must exceed poll_interval "
                f"({self._poll:g} s): waiters refresh their heartbeat once per poll"
            )
        self._release_timeout = _seconds(release_timeout, "release_timeout")
        # A waiter blocks in BLPOP for up to poll_interval; a shorter socket timeout would
        # turn every wait into an error (redis-py's default socket_timeout is 5 s).
        socket_timeout = _socket_timeout(redis_client)
        if socket_timeout is not None and socket_timeout <= self._poll:
            raise ValueError(
                f"poll_interval ({self._poll:g} s) must be shorter than the Redis client's "
                f"socket_timeout ({socket_timeout:g} s)"
            )
        self._renew = renew
        self._prefix = key_prefix
        self._redis = redis_client
        self._acquire_script = redis_client.register_script(ACQUIRE)
        self._leave_script = redis_client.register_script(LEAVE)
        self._renew_script = redis_client.register_script(RENEW)
        # Per instance and per event loop, like LocalGate's table.
        self._locks: RunVar[dict[GateKey, anyio.Lock]] = RunVar("lemft_async_redis_gate")

    # -- public -----------------------------------------------------------------------------

    @property
    def lease(self) -> float:
        return self._lease

    @property
    def acquire_timeout(self) -> float | None:
        return self._acquire_timeout

    @property
    def poll_interval(self) -> float:
        return self._poll

    @property
    def waiter_ttl(self) -> float:
        return self._waiter_ttl

    @property
    def key_prefix(self) -> str:
        return self._prefix

    def redis_key(self, key: GateKey) -> str:
        """The Redis key holding ``key``'s lease (the hash tag keeps its helpers in one slot)."""
        return f"{self._prefix}{{{key}}}"

    def hold(self, key: GateKey) -> AbstractAsyncContextManager[object]:
        """Hold ``key`` exclusively across every process using this Redis and prefix."""
        if not isinstance(key, GateKey):
            raise TypeError(f"key must be a GateKey, got {type(key).__name__}")
        return _Holding(self, key)

    def waiting(self, key: GateKey) -> int:
        """How many callers in this process are queued locally behind ``key``'s head."""
        return self._lock(key).statistics().tasks_waiting

    def __repr__(self) -> str:
        # Not the client's repr: keep connection details out of logs.
        return (
            f"RedisGate(redis={type(self._redis).__name__}, lease={self._lease:g}, "
            f"key_prefix={self._prefix!r}, acquire_timeout={self._acquire_timeout!r})"
        )

    # -- internals --------------------------------------------------------------------------

    def _lock(self, key: GateKey) -> anyio.Lock:
        try:
            table = self._locks.get()
        except LookupError:
            table = {}
            self._locks.set(table)
        lock = table.get(key)
        if lock is None:
            lock = table[key] = anyio.Lock()
        return lock

    def _keys(self, key: GateKey) -> list[str]:
        lease = self.redis_key(key)
        return [lease, f"{lease}:q", f"{lease}:a"]

    async def _acquire_remote(self, key: GateKey, token: str) -> None:
        keys = self._keys(key)
        wake = f"{keys[0]}:w:{token}"
        args: list[str | int] = [token, _ms(self._lease), _ms(self._waiter_ttl)]
        while await self._acquire_script(keys=keys, args=args) != 1:
            # Woken by a hand-off, or re-check (and heartbeat) after poll_interval.
            # Through Any: redis-py 5 (pinned by arq, in the dev extra) types BLPOP's
            # timeout as int and its result as a union; redis-py 6+ as Number/Awaitable.
            blpop: Any = self._redis.blpop
            await blpop([wake], timeout=self._poll)

    async def _leave(self, key: GateKey, token: str) -> None:
        """Release or abandon: shielded, bounded, never raises (the lease expires anyway)."""
        with anyio.CancelScope(shield=True), anyio.move_on_after(self._release_timeout) as scope:
            try:
                await self._leave_script(keys=self._keys(key), args=[token, _ms(self._waiter_ttl)])
            except Exception as exc:
                logger.warning(
                    "gate release for %s failed (%s); the lease will expire",
                    key.path,
                    type(exc).__name__,
                )
        if scope.cancelled_caught:
            logger.warning("gate release for %s timed out; the lease will expire", key.path)

    async def _renew_forever(self, key: GateKey, token: str) -> None:
        lease_key = self.redis_key(key)
        interval = self._lease / 3
        while True:
            await anyio.sleep(interval)
            try:
                with anyio.fail_after(interval):
                    kept = await self._renew_script(
                        keys=[lease_key], args=[token, _ms(self._lease)]
                    )
            except Exception as exc:  # a Redis hiccup or a slow reply: try again next tick
                logger.warning(
                    "gate lease renewal for %s failed (%s)", key.path, type(exc).__name__
                )
                continue
            if kept != 1:
                logger.warning(
                    "gate lease for %s expired before renewal; another caller may now run "
                    "concurrently (the server would answer it 10004, which is retried)",
                    key.path,
                )
                return


class _Holding:
    """One ``async with gate.hold(key)``: local lock, then Redis lease, then watchdog."""

    __slots__ = ("_gate", "_key", "_lock", "_task_group", "_token")

    def __init__(self, gate: RedisGate, key: GateKey) -> None:
        self._gate = gate
        self._key = key
        self._token = secrets.token_hex(16)
        self._lock: anyio.Lock | None = None
        self._task_group: TaskGroup | None = None

    async def __aenter__(self) -> object:
        if self._lock is not None:
            raise RuntimeError("this gate hold is already entered")
        _require_asyncio()
        gate, key, token = self._gate, self._key, self._token
        lock = gate._lock(key)
        timeout = gate.acquire_timeout
        deadline = math.inf if timeout is None else timeout
        with anyio.move_on_after(deadline) as scope:
            await lock.acquire()
            try:
                await gate._acquire_remote(key, token)
            except BaseException as exc:
                # Cancelled, timed out or failed mid-wait: leave no queue entry, heartbeat or
                # (possibly just handed-off) lease behind.
                await gate._leave(key, token)
                lock.release()
                if isinstance(exc, _redis_sync.RedisError):
                    raise GateUnavailableError(key=key, cause=exc) from exc
                raise
        if scope.cancelled_caught:
            raise GateTimeoutError(key=key, timeout=deadline)
        self._lock = lock
        if gate._renew:
            # Entered here and exited in __aexit__ (same task) rather than wrapping the body
            # in ``async with``: a task group would wrap the body's exceptions in groups.
            task_group = anyio.create_task_group()
            try:
                await task_group.__aenter__()
            except BaseException:
                self._lock = None
                await gate._leave(key, token)
                lock.release()
                raise
            task_group.start_soon(gate._renew_forever, key, token)
            self._task_group = task_group
        return None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        lock, task_group = self._lock, self._task_group
        self._lock = self._task_group = None
        try:
            if task_group is not None:
                task_group.cancel_scope.cancel()
                await task_group.__aexit__(None, None, None)
        finally:
            if lock is not None:
                await self._gate._leave(self._key, self._token)
                lock.release()
