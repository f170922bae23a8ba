"""RedisGate: cancellation, acquire_timeout and Redis failures leave nothing behind."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

import anyio
import pytest

from tests.redis_server import free_port, require_redis_py

require_redis_py()

from redis.asyncio import Redis  # noqa: E402
from redis.asyncio.retry import Retry  # noqa: E402
from redis.backoff import NoBackoff  # noqa: E402
from redis.exceptions import ConnectionError as RedisConnectionError  # noqa: E402

from lemft_async import LemftError  # noqa: E402
from lemft_async.gates.redis import (  # noqa: E402
    GateError,
    GateTimeoutError,
    GateUnavailableError,
    RedisGate,
)

from ._helpers import FOREIGN_TOKEN, KEY, eventually  # noqa: E402

pytestmark = pytest.mark.redis

MakeGate = Callable[..., RedisGate]


async def _gate_keys(raw: Redis, gate: RedisGate) -> set[str]:
    """Every Redis key this gate uses for KEY (lease, queue, heartbeats, wake-ups)."""
    lease_key = gate.redis_key(KEY)
    found = await raw.keys(lease_key.replace("[", "\\[").replace("]", "\\]") + "*")
    return {k if isinstance(k, str) else k.decode() for k in found}


async def _hold_until(gate: RedisGate, entered: anyio.Event, release: anyio.Event) -> None:
    async with gate.hold(KEY):
        entered.set()
        await release.wait()


# -- cancellation -----------------------------------------------------------------------------


async def test_a_cancelled_waiter_leaves_nothing_behind(make_gate: MakeGate, raw: Redis) -> None:
    holder, waiter = make_gate(), make_gate()
    lease_key = holder.redis_key(KEY)
    entered, release = anyio.Event(), anyio.Event()

    async def wait_for_key(scope: anyio.CancelScope) -> None:
        with scope:
            async with waiter.hold(KEY):
                pytest.fail("the waiter should have been cancelled first")

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(_hold_until, holder, entered, release)
            await entered.wait()
            scope = anyio.CancelScope()
            tg.start_soon(wait_for_key, scope)

            async def queued() -> bool:
                return bool(await cast(Any, raw).llen(f"{lease_key}:q") == 1)

            await eventually(queued)
            scope.cancel()

            async def gone() -> bool:
                return await _gate_keys(raw, holder) == {lease_key}

            await eventually(gone)  # only the holder's lease is left
            release.set()

    # Released to nobody: not handed to the cancelled waiter's token.
    assert await _gate_keys(raw, holder) == set()
    assert waiter.waiting(KEY) == 0
    async with make_gate(acquire_timeout=1).hold(KEY):
        pass


async def test_a_cancelled_local_waiter_leaves_the_queue(make_gate: MakeGate) -> None:
    gate = make_gate()
    entered, release = anyio.Event(), anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_hold_until, gate, entered, release)
        await entered.wait()
        with anyio.move_on_after(0.1) as scope:
            async with gate.hold(KEY):
                pytest.fail("entered a key held by another local task")
        assert scope.cancelled_caught
        assert gate.waiting(KEY) == 0
        release.set()


async def test_a_cancelled_holder_still_releases(make_gate: MakeGate, raw: Redis) -> None:
    gate = make_gate()
    lease_key = gate.redis_key(KEY)
    with anyio.CancelScope() as scope:
        async with gate.hold(KEY):
            assert await raw.exists(lease_key) == 1
            scope.cancel()  # still cancelled while __aexit__ releases: the release is shielded
            await anyio.sleep_forever()
    assert scope.cancelled_caught
    assert await _gate_keys(raw, gate) == set()
    async with gate.hold(KEY):  # the local lock was released too
        pass


async def test_a_cancelled_holder_hands_over_to_the_next_waiter(
    make_gate: MakeGate, raw: Redis
) -> None:
    holder, waiter = make_gate(), make_gate()
    lease_key = holder.redis_key(KEY)
    got_it = anyio.Event()

    async def wait_then_enter() -> None:
        async with waiter.hold(KEY):
            got_it.set()

    async def queued() -> bool:
        return bool(await cast(Any, raw).llen(f"{lease_key}:q") == 1)

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            with anyio.CancelScope() as scope:
                async with holder.hold(KEY):
                    tg.start_soon(wait_then_enter)
                    await eventually(queued)
                    scope.cancel()
                    await anyio.sleep_forever()
            await got_it.wait()
    assert scope.cancelled_caught
    assert await _gate_keys(raw, holder) == set()


async def test_the_body_exception_is_not_wrapped(make_gate: MakeGate, raw: Redis) -> None:
    # The renewal watchdog runs in a task group; the body's own error must come out as is.
    gate = make_gate()
    with pytest.raises(KeyError, match="boom"):
        async with gate.hold(KEY):
            raise KeyError("boom")
    assert await _gate_keys(raw, gate) == set()


# -- acquire_timeout --------------------------------------------------------------------------


async def test_acquire_timeout_raises_a_typed_error(make_gate: MakeGate, raw: Redis) -> None:
    gate = make_gate(acquire_timeout=0.2)
    lease_key = gate.redis_key(KEY)
    await raw.set(lease_key, FOREIGN_TOKEN, px=60_000)

    with pytest.raises(GateTimeoutError) as caught:
        async with gate.hold(KEY):
            pytest.fail("entered a held key")

    error = caught.value
    assert isinstance(error, GateError)
    assert isinstance(error, LemftError)
    assert error.timeout == pytest.approx(0.2)
    assert error.key == KEY
    assert error.path == KEY.path
    assert "not sent" in str(error)
    assert KEY.path in str(error)
    assert await _gate_keys(raw, gate) == {lease_key}  # our queue entry etc. are gone
    assert await raw.get(lease_key) == FOREIGN_TOKEN


async def test_acquire_timeout_counts_the_local_queue(make_gate: MakeGate) -> None:
    gate = make_gate(acquire_timeout=0.2)
    entered, release = anyio.Event(), anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_hold_until, gate, entered, release)
        await entered.wait()
        with pytest.raises(GateTimeoutError):
            async with gate.hold(KEY):
                pytest.fail("entered a key held by another local task")
        assert gate.waiting(KEY) == 0
        release.set()


async def test_acquire_timeout_does_not_fire_when_the_key_is_free(
    make_gate: MakeGate, raw: Redis
) -> None:
    gate = make_gate(acquire_timeout=0.2)
    async with gate.hold(KEY):
        await anyio.sleep(0.3)  # longer than acquire_timeout: it only bounds the wait
        assert await raw.exists(gate.redis_key(KEY)) == 1


# -- Redis failures ---------------------------------------------------------------------------


async def test_redis_down_while_acquiring_raises_gate_unavailable() -> None:
    # No client-side retries: redis-py's default backoff would only make this test slow.
    client = Redis(host="127.0.0.1", port=free_port(), retry=Retry(NoBackoff(), 0))
    gate = RedisGate(client)
    try:
        with anyio.fail_after(10):
            for _ in range(2):  # the second try proves the local lock was released
                with pytest.raises(GateUnavailableError) as caught:
                    async with gate.hold(KEY):
                        pytest.fail("entered without Redis")
                assert isinstance(caught.value.__cause__, RedisConnectionError)
                assert "not sent" in str(caught.value)
        assert gate.waiting(KEY) == 0
    finally:
        await client.aclose()


async def test_a_failed_release_is_logged_not_raised(
    make_gate: MakeGate,
    raw: Redis,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = make_gate(renew=False)
    lease_key = gate.redis_key(KEY)

    async def broken(*args: object, **kwargs: object) -> object:
        raise RedisConnectionError("connection lost")

    caplog.set_level(logging.WARNING, logger="lemft_async")
    async with gate.hold(KEY):
        monkeypatch.setattr(gate, "_leave_script", broken)
    assert "gate release for /v1/openApi/wallet/walletList failed" in caplog.text
    assert "ConnectionError" in caplog.text
    assert await raw.exists(lease_key) == 1  # left to expire
    monkeypatch.undo()
    await raw.delete(lease_key)  # (as if it had expired)
    with anyio.fail_after(5):
        async with gate.hold(KEY):  # the local lock was released
            pass


async def test_a_hung_release_gives_up_after_release_timeout(
    make_gate: MakeGate, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    gate = make_gate(renew=False, release_timeout=0.1)

    async def hangs(*args: object, **kwargs: object) -> object:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    caplog.set_level(logging.WARNING, logger="lemft_async")
    with anyio.fail_after(5):
        async with gate.hold(KEY):
            monkeypatch.setattr(gate, "_leave_script", hangs)
    assert "timed out; the lease will expire" in caplog.text
