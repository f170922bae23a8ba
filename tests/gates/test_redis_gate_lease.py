"""RedisGate leases: expiry frees a crashed holder's key, release is token-checked, the
watchdog renews only its own lease, and crashed waiters are skipped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import anyio
import pytest

from tests.redis_server import require_redis_py

require_redis_py()

from redis.asyncio import Redis  # noqa: E402

from lemft_async.gates.redis import GateTimeoutError, RedisGate  # noqa: E402

from ._helpers import (  # noqa: E402
    FOREIGN_TOKEN,
    KEY,
    Tracker,
    enter_and_record,
    equals,
    eventually,
    exists,
)

pytestmark = pytest.mark.redis

MakeGate = Callable[..., RedisGate]


async def test_a_crashed_holders_lease_expires(make_gate: MakeGate, raw: Redis) -> None:
    gate = make_gate(poll_interval=0.05)
    await raw.set(gate.redis_key(KEY), FOREIGN_TOKEN, px=200)  # never released

    with anyio.fail_after(5):
        async with gate.hold(KEY):
            assert await raw.get(gate.redis_key(KEY)) not in (None, FOREIGN_TOKEN)


async def test_an_unexpired_foreign_lease_is_respected(make_gate: MakeGate, raw: Redis) -> None:
    gate = make_gate(poll_interval=0.05, acquire_timeout=0.3)
    await raw.set(gate.redis_key(KEY), FOREIGN_TOKEN, px=60_000)

    with pytest.raises(GateTimeoutError):
        async with gate.hold(KEY):
            pytest.fail("entered a key under someone else's live lease")
    assert await raw.get(gate.redis_key(KEY)) == FOREIGN_TOKEN


async def test_release_does_not_delete_someone_elses_lease(make_gate: MakeGate, raw: Redis) -> None:
    gate = make_gate(lease=0.2, renew=False)
    lease_key = gate.redis_key(KEY)
    async with gate.hold(KEY):

        async def expired() -> bool:
            return bool(await cast(Any, raw).exists(lease_key) == 0)

        await eventually(expired)
        await raw.set(lease_key, FOREIGN_TOKEN, px=60_000)  # another process took over

    assert await raw.get(lease_key) == FOREIGN_TOKEN
    assert 0 < await raw.pttl(lease_key) <= 60_000


async def test_release_deletes_its_own_lease(make_gate: MakeGate, raw: Redis) -> None:
    gate = make_gate()
    lease_key = gate.redis_key(KEY)
    async with gate.hold(KEY):
        token = await raw.get(lease_key)
        assert token is not None
        assert token != FOREIGN_TOKEN
    assert await raw.exists(lease_key) == 0


async def test_the_watchdog_keeps_a_long_attempts_lease(make_gate: MakeGate, raw: Redis) -> None:
    gate = make_gate(lease=0.3)  # renew=True by default
    lease_key = gate.redis_key(KEY)
    async with gate.hold(KEY):
        token = await raw.get(lease_key)
        await anyio.sleep(0.9)  # three leases
        assert await raw.get(lease_key) == token
        assert await raw.pttl(lease_key) > 0


async def test_without_renewal_a_long_attempt_loses_its_lease(
    make_gate: MakeGate, raw: Redis
) -> None:
    gate = make_gate(lease=0.3, renew=False)
    lease_key = gate.redis_key(KEY)
    async with gate.hold(KEY):
        assert await raw.exists(lease_key) == 1

        async def expired() -> bool:
            return bool(await cast(Any, raw).exists(lease_key) == 0)

        await eventually(expired)


async def test_the_watchdog_never_extends_a_lease_it_lost(
    make_gate: MakeGate, raw: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    gate = make_gate(lease=0.3)
    lease_key = gate.redis_key(KEY)
    async with gate.hold(KEY):
        await raw.set(lease_key, FOREIGN_TOKEN, px=1_000)  # as if ours had expired

        async def warned() -> bool:
            return "expired before renewal" in caplog.text

        await eventually(warned)
        assert await raw.get(lease_key) == FOREIGN_TOKEN
        assert await raw.pttl(lease_key) <= 1_000  # not extended to anything longer
    assert await raw.get(lease_key) == FOREIGN_TOKEN


async def test_a_crashed_waiter_is_skipped(
    make_gate: MakeGate, raw: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = {"poll_interval": 0.05, "waiter_ttl": 0.3}
    holder, ghost, live = make_gate(**options), make_gate(**options), make_gate(**options)
    lease_key = holder.redis_key(KEY)
    release = anyio.Event()
    tracker = Tracker()

    async def hold_until_released() -> None:
        async with holder.hold(KEY):
            await release.wait()

    async def no_cleanup(*args: object) -> None:
        """A crashed process runs no clean-up."""

    monkeypatch.setattr(ghost, "_leave", no_cleanup)

    async def queue_length(n: int) -> bool:
        return bool(await cast(Any, raw).llen(f"{lease_key}:q") == n)

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(hold_until_released)
            await eventually(lambda: exists(raw, lease_key))
            ghost_scope = anyio.CancelScope()
            tg.start_soon(enter_and_record, ghost, tracker, "ghost", ghost_scope)
            await eventually(lambda: queue_length(1))
            tg.start_soon(enter_and_record, live, tracker, "live", None)
            await eventually(lambda: queue_length(2))
            ghost_scope.cancel()  # the ghost "crashes": it stays queued, then stops polling
            release.set()

    assert tracker.order == ["live"]
    assert await raw.exists(lease_key, f"{lease_key}:q", f"{lease_key}:a") == 0


async def test_a_long_dead_waiter_is_skipped_at_once(make_gate: MakeGate, raw: Redis) -> None:
    # A waiter whose heartbeat lapsed long ago is dropped when the key is handed on, not
    # given a claim window: with a 60 s claim window, the live waiter would otherwise wait.
    options = {"poll_interval": 0.05, "waiter_ttl": 60}
    holder, live = make_gate(**options), make_gate(**options)
    lease_key = holder.redis_key(KEY)
    ghost = "ghost-token"
    tracker = Tracker()

    async def queue_length(n: int) -> bool:
        return bool(await cast(Any, raw).llen(f"{lease_key}:q") == n)

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            async with holder.hold(KEY):
                # A waiter from a process that died long ago: queued, heartbeat in the past.
                await cast(Any, raw).rpush(f"{lease_key}:q", ghost)
                await raw.zadd(f"{lease_key}:a", {ghost: 1})
                tg.start_soon(enter_and_record, live, tracker, "live", None)
                await eventually(lambda: queue_length(2))
            await eventually(lambda: equals(tracker.order, ["live"]))

    assert await raw.exists(f"{lease_key}:w:{ghost}") == 0
    assert await raw.exists(lease_key, f"{lease_key}:q", f"{lease_key}:a") == 0
