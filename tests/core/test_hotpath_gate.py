"""The lean gate: an uncontended hold takes no extra event-loop turn, yet a contended one
stays FIFO (no barging), a cancelled waiter leaves the queue, and one hold object per key
and loop serves every call (asyncio by its loop, trio by its run variable)."""

from __future__ import annotations

import threading

import anyio
import anyio.abc
import anyio.lowlevel
import pytest

from lemft_async import GateKey, LocalGate, NullGate
from lemft_async._gate import _Hold
from tests.conftest import BASE_URL
from tests.unit.conftest import wait_until

KEY = GateKey(BASE_URL, 1, 1, "/v1/openApi/hotpath")


async def test_an_uncontended_hold_does_not_yield_to_the_loop() -> None:
    # The old lock yielded once more on the fast path (~10 us per call): another task
    # scheduled before the hold then ran before the holder's first line.
    gate = LocalGate()
    ran: list[str] = []

    async def other() -> None:
        ran.append("other")

    async with anyio.create_task_group() as tg:
        tg.start_soon(other)
        async with gate.hold(KEY):
            ran.append("holder")
    assert ran == ["holder", "other"]


async def test_a_cancelled_caller_does_not_take_a_free_gate() -> None:
    gate = LocalGate()
    with anyio.CancelScope() as scope:
        scope.cancel()
        async with gate.hold(KEY):
            pytest.fail("entered the gate inside a cancelled scope")
    assert scope.cancelled_caught
    with anyio.fail_after(5):  # a deadlock guard: the gate was not left held
        async with gate.hold(KEY):
            pass


async def test_the_releasing_holder_cannot_barge_ahead_of_a_waiter() -> None:
    # Without a yield on the fast path, a holder that releases and asks again at once
    # must still queue behind the caller already waiting.
    gate = LocalGate()
    order: list[str] = []
    entered = anyio.Event()

    async def waiter() -> None:
        async with gate.hold(KEY):
            order.append("waiter")

    async with anyio.create_task_group() as tg:
        async with gate.hold(KEY):
            tg.start_soon(waiter)
            await wait_until(lambda: gate.waiting(KEY) == 1)
            entered.set()
        async with gate.hold(KEY):  # straight after releasing: no checkpoint between
            order.append("holder again")
    assert entered.is_set()
    assert order == ["waiter", "holder again"]


async def test_many_waiters_are_served_in_order_and_a_cancelled_one_leaves() -> None:
    gate = LocalGate()
    order: list[int] = []
    scopes: dict[int, anyio.CancelScope] = {}
    release = anyio.Event()

    async def holder(*, task_status: anyio.abc.TaskStatus[None]) -> None:
        async with gate.hold(KEY):
            task_status.started()
            await release.wait()

    async def waiter(i: int) -> None:
        with anyio.CancelScope() as scope:
            scopes[i] = scope
            async with gate.hold(KEY):
                order.append(i)

    async with anyio.create_task_group() as tg:
        await tg.start(holder)
        for i in range(10):
            tg.start_soon(waiter, i)
            await wait_until(lambda i=i: gate.waiting(KEY) == i + 1)  # type: ignore[misc]
        scopes[4].cancel()
        await wait_until(lambda: gate.waiting(KEY) == 9)
        release.set()
    assert order == [0, 1, 2, 3, 5, 6, 7, 8, 9]
    assert gate.waiting(KEY) == 0


async def test_one_hold_object_per_key_and_loop() -> None:
    gate = LocalGate()
    hold = gate.hold(KEY)
    assert isinstance(hold, _Hold)
    assert gate.hold(KEY) is hold
    assert LocalGate().hold(KEY) is hold  # the table is the process's, not the instance's
    assert gate.hold(GateKey(BASE_URL, 1, 1, "/v1/openApi/other")) is not hold
    assert not hasattr(hold, "__dict__")


def test_each_event_loop_gets_its_own_hold_and_the_thread_lock_is_shared() -> None:
    gate = LocalGate()

    async def hold_of() -> _Hold:
        hold = gate.hold(KEY)
        assert isinstance(hold, _Hold)
        async with hold:  # usable in this loop
            pass
        return hold

    first = anyio.run(hold_of)
    second = anyio.run(hold_of)
    assert first is not second
    assert first._lock is not second._lock  # anyio locks belong to their loop
    assert first._thread_lock is second._thread_lock  # one holder per process


def test_the_gate_is_fifo_under_trio_too() -> None:
    pytest.importorskip("trio")
    gate = LocalGate()
    order: list[int] = []

    async def main() -> None:
        release = anyio.Event()

        async def holder(*, task_status: anyio.abc.TaskStatus[None]) -> None:
            async with gate.hold(KEY):
                task_status.started()
                await release.wait()

        async def waiter(i: int) -> None:
            async with gate.hold(KEY):
                order.append(i)

        async with anyio.create_task_group() as tg:
            await tg.start(holder)
            for i in range(5):
                tg.start_soon(waiter, i)
                await wait_until(lambda i=i: gate.waiting(KEY) == i + 1)  # type: ignore[misc]
            release.set()

    anyio.run(main, backend="trio")
    assert order == [0, 1, 2, 3, 4]


def test_two_loops_in_two_threads_still_take_turns() -> None:
    # The fast path skips a checkpoint, not the process-wide thread lock.
    gate = LocalGate()
    inside = 0
    overlaps = 0
    guard = threading.Lock()

    async def calls() -> None:
        nonlocal inside, overlaps
        for _ in range(20):
            async with gate.hold(KEY):
                with guard:
                    inside += 1
                    overlaps += inside > 1
                await anyio.sleep(0.001)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=anyio.run, args=(calls,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert overlaps == 0


async def test_the_null_gate_holds_nothing_and_allocates_nothing() -> None:
    gate = NullGate()
    hold = gate.hold(KEY)
    assert gate.hold(KEY) is hold
    async with hold, gate.hold(KEY):  # re-entrant: nothing is held
        pass
