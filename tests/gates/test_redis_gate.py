"""RedisGate against a real redis-server: exclusion, queueing, fairness, leases, no spinning."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, cast

import anyio
import pytest

from tests.redis_server import require_redis_py

require_redis_py()

from redis.asyncio import Redis  # noqa: E402

from lemft_async.gates import GateKey, NullGate  # noqa: E402
from lemft_async.gates.redis import GateTimeoutError, RedisGate  # noqa: E402

from ._helpers import FOREIGN_TOKEN, KEY, OTHER_KEY, Tracker, equals, eventually  # noqa: E402

pytestmark = pytest.mark.redis

MakeGate = Callable[..., RedisGate]


@pytest.fixture
async def slow_gate(redis_url: str) -> AsyncIterator[RedisGate]:
    """A gate that re-checks Redis only every 30 s: it gets in early only when woken."""
    client = Redis.from_url(redis_url, socket_timeout=60)
    yield RedisGate(client, poll_interval=30)
    await client.aclose()


# -- mutual exclusion ------------------------------------------------------------------------


async def test_two_gates_never_overlap_on_one_key(make_gate: MakeGate) -> None:
    gates = [make_gate(), make_gate()]  # separate clients: two "processes"
    tracker = Tracker()

    async def worker(index: int) -> None:
        gate = gates[index % 2]
        async with gate.hold(KEY):
            await tracker.section(f"g{index % 2}", hold_for=0.002)

    async with anyio.create_task_group() as tg:
        for index in range(40):
            tg.start_soon(worker, index)

    assert tracker.entries == 40
    assert tracker.max_active == 1
    assert {"g0", "g1"} <= set(tracker.order)


async def test_a_client_that_decodes_responses_works_too(redis_url: str, raw: Redis) -> None:
    client = Redis.from_url(redis_url, decode_responses=True)
    gate = RedisGate(client, poll_interval=0.05)
    try:
        await raw.set(gate.redis_key(KEY), FOREIGN_TOKEN, px=100)  # makes it wait (BLPOP)
        with anyio.fail_after(5):
            async with gate.hold(KEY):
                assert await raw.get(gate.redis_key(KEY)) not in (None, FOREIGN_TOKEN)
        assert await raw.exists(gate.redis_key(KEY)) == 0
    finally:
        await client.aclose()


async def test_the_tracker_sees_overlap_without_a_gate() -> None:
    # Control for the test above: the same workload with no gate does overlap.
    gate = NullGate()
    tracker = Tracker()

    async def worker() -> None:
        async with gate.hold(KEY):
            await tracker.section(hold_for=0.002)

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(worker)

    assert tracker.max_active > 1


async def test_different_keys_are_held_at_the_same_time(make_gate: MakeGate) -> None:
    gate_a, gate_b = make_gate(), make_gate()
    inside = {KEY: anyio.Event(), OTHER_KEY: anyio.Event()}

    async def hold_and_meet(gate: RedisGate, mine: GateKey, theirs: GateKey) -> None:
        async with gate.hold(mine):
            inside[mine].set()
            await inside[theirs].wait()  # returns only if both keys are held at once

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(hold_and_meet, gate_a, KEY, OTHER_KEY)
            tg.start_soon(hold_and_meet, gate_b, OTHER_KEY, KEY)


async def test_one_key_cannot_be_held_twice_at_once(make_gate: MakeGate) -> None:
    # The failure side of the test above: the second holder of the SAME key must wait.
    gate_a, gate_b = make_gate(), make_gate(acquire_timeout=0.3)
    async with gate_a.hold(KEY):
        with pytest.raises(GateTimeoutError):
            async with gate_b.hold(KEY):
                pytest.fail("entered a key that another gate holds")


# -- local queue, fairness -------------------------------------------------------------------


async def test_only_the_head_of_the_local_queue_waits_in_redis(
    make_gate: MakeGate, raw: Redis
) -> None:
    gate = make_gate(poll_interval=0.05)
    lease_key = gate.redis_key(KEY)
    await raw.set(lease_key, FOREIGN_TOKEN, px=60_000)
    done = 0

    async def worker() -> None:
        nonlocal done
        async with gate.hold(KEY):
            done += 1

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(worker)

        async def queued() -> bool:
            return gate.waiting(KEY) == 9 and bool(await cast(Any, raw).llen(f"{lease_key}:q") == 1)

        await eventually(queued)
        assert await raw.zcard(f"{lease_key}:a") == 1
        await raw.delete(lease_key)  # the foreign holder goes away

    assert done == 10
    assert await raw.exists(lease_key, f"{lease_key}:q", f"{lease_key}:a") == 0


async def test_release_hands_the_key_to_the_waiting_process_first(
    make_gate: MakeGate, raw: Redis
) -> None:
    # A1 holds; B1 (another process) queues in Redis; then A2 queues locally behind A1.
    # When A1 releases, B1 must get the key before A2, though A2 is in the releasing process.
    gate_a, gate_b = make_gate(), make_gate()
    lease_key = gate_a.redis_key(KEY)
    tracker = Tracker()
    release_a1 = anyio.Event()

    async def run(gate: RedisGate, label: str, until: anyio.Event | None = None) -> None:
        async with gate.hold(KEY):
            await tracker.section(label)
            if until is not None:
                await until.wait()

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(run, gate_a, "A1", release_a1)
            await eventually(lambda: equals(tracker.order, ["A1"]))
            tg.start_soon(run, gate_b, "B1")

            async def b1_queued() -> bool:
                return bool(await cast(Any, raw).llen(f"{lease_key}:q") == 1)

            await eventually(b1_queued)
            tg.start_soon(run, gate_a, "A2")
            await eventually(lambda: equals(gate_a.waiting(KEY), 1))
            release_a1.set()

    assert tracker.order == ["A1", "B1", "A2"]


async def test_a_newcomer_does_not_jump_the_redis_queue(
    make_gate: MakeGate, raw: Redis, slow_gate: RedisGate
) -> None:
    # The key is found free (its holder crashed) while a waiter is queued: a newcomer that
    # asks first must not take it; the queued waiter goes first.
    queued_first = slow_gate  # only a wake-up lets it in within 10 s
    newcomer = make_gate()
    lease_key = queued_first.redis_key(KEY)
    await raw.set(lease_key, FOREIGN_TOKEN, px=60_000)
    tracker = Tracker()

    async def enter(gate: RedisGate, label: str) -> None:
        async with gate.hold(KEY):
            await tracker.section(label)

    async def queue_length(n: int) -> bool:
        return bool(await cast(Any, raw).llen(f"{lease_key}:q") == n)

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(enter, queued_first, "first")
            await eventually(lambda: queue_length(1))
            await raw.delete(lease_key)  # the foreign lease "expires"
            tg.start_soon(enter, newcomer, "newcomer")

    assert tracker.order == ["first", "newcomer"]


async def test_release_wakes_the_next_waiter_at_once(
    make_gate: MakeGate, raw: Redis, slow_gate: RedisGate
) -> None:
    holder, waiter = make_gate(), slow_gate
    lease_key = holder.redis_key(KEY)
    got_it = anyio.Event()

    async def wait_then_enter() -> None:
        async with waiter.hold(KEY):
            got_it.set()

    async def queued() -> bool:
        return bool(await cast(Any, raw).llen(f"{lease_key}:q") == 1)

    with anyio.fail_after(10):  # far below the waiter's 30 s poll: a wake-up is needed
        async with anyio.create_task_group() as tg:
            async with holder.hold(KEY):
                tg.start_soon(wait_then_enter)
                await eventually(queued)
            await got_it.wait()


# -- no busy spinning ------------------------------------------------------------------------


async def test_a_waiter_does_not_spin_on_redis(make_gate: MakeGate, raw: Redis) -> None:
    gate = make_gate(acquire_timeout=1.0)  # default poll_interval
    await raw.set(gate.redis_key(KEY), FOREIGN_TOKEN, px=60_000)
    await raw.config_resetstat()

    with pytest.raises(GateTimeoutError):
        async with gate.hold(KEY):
            pytest.fail("entered a held key")

    stats = await raw.info("commandstats")
    scripts = stats.get("cmdstat_evalsha", {}).get("calls", 0)
    scripts += stats.get("cmdstat_eval", {}).get("calls", 0)
    blocks = stats.get("cmdstat_blpop", {}).get("calls", 0)
    assert scripts >= 2  # the counter does see the acquire attempts and the clean-up ...
    assert scripts < 20  # ... and there are few of them in ~1 s
    assert 1 <= blocks < 20
