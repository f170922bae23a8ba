"""De-duplication claims outlive slow handlers, for all three receivers.

The core renews the claim every ``lease / 3`` seconds while the handlers run, so a
redelivery that arrives after the lease *would* have expired still finds the key held (409,
handler not run a second time); once the handler returns, the key is marked done. The same
scenario runs on the Redis store in ``tests/webhooks/test_redis_dedup.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from lemft_async._core._dedup import ClaimState, DedupStore, RenewableDedupStore
from lemft_async._core._receiver import Reply
from lemft_async.webhooks import MemoryDedupStore

from .test_receiver_core import CASES, Case, _delivery, apis

LEASE = 0.15
"""Short, so "after the lease would have expired" is quick to reach."""


def slowed(case: Case, release: anyio.Event, runs: list[int]) -> Case:
    """The case's receiver with handlers that wait for ``release`` before running."""
    receiver = case.receiver
    handlers = receiver.run_handlers

    async def slow(event: Any, started: float) -> Reply | None:
        runs.append(1)
        await release.wait()
        return await handlers(event, started)

    receiver.run_handlers = slow  # type: ignore[method-assign]
    return case


async def run_slow_handler_scenario(make: Callable[..., Case], store: DedupStore) -> None:
    """First delivery's handler outlives the lease; a redelivery meanwhile is not run."""
    release = anyio.Event()
    runs: list[int] = []
    case = slowed(make(store=store, lease=LEASE), release, runs)
    first: list[Reply] = []

    async def deliver_first() -> None:
        first.append(await case.receiver.handle_delivery(_delivery(case.signed(0))))

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(deliver_first)
            while not runs:
                await anyio.sleep(0.005)
            await anyio.sleep(LEASE * 3)  # three leases: an unrenewed claim has lapsed
            during = await case.receiver.handle_delivery(_delivery(case.signed(1)))
            assert (during.status, during.reason) == (409, "in_progress")
            assert len(runs) == 1  # the redelivery did not run the handler
            release.set()
        after = await case.receiver.handle_delivery(_delivery(case.signed(2)))
    assert first[0].status == 200
    assert first[0].handled
    assert (after.status, after.reason) == (200, "duplicate")  # marked done
    assert len(runs) == 1
    assert len(case.seen) == 1


@apis
async def test_memory_claim_outlives_a_slow_handler(make: Callable[..., Case]) -> None:
    await run_slow_handler_scenario(make, MemoryDedupStore())


class ClaimOnlyStore:
    """A store without ``renew`` (a user's own): its claims lapse after the lease."""

    def __init__(self) -> None:
        self._inner = MemoryDedupStore()

    async def claim(self, key: str, token: str, lease: float) -> ClaimState:
        return await self._inner.claim(key, token, lease)

    async def mark_done(self, key: str, token: str, ttl: float) -> None:
        await self._inner.mark_done(key, token, ttl)

    async def release(self, key: str, token: str) -> None:
        await self._inner.release(key, token)


async def test_a_store_without_renew_still_works_and_its_claim_lapses() -> None:
    """The control: without renewal the scenario's redelivery does run (so the test above
    detects a missing renewal), and a three-method store is still accepted."""
    store = ClaimOnlyStore()
    assert isinstance(store, DedupStore)
    assert not isinstance(store, RenewableDedupStore)
    release = anyio.Event()
    runs: list[int] = []
    case = slowed(CASES["lemft"](store=store, lease=LEASE), release, runs)
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(case.receiver.handle_delivery, _delivery(case.signed(0)))
            while not runs:
                await anyio.sleep(0.005)
            await anyio.sleep(LEASE * 3)
            tg.start_soon(case.receiver.handle_delivery, _delivery(case.signed(1)))
            while len(runs) < 2:
                await anyio.sleep(0.005)
            release.set()
    assert len(runs) == 2


async def test_memory_renew_is_token_checked() -> None:
    clock = [0.0]
    store = MemoryDedupStore(clock=lambda: clock[0])
    assert await store.claim("k", "mine", 10) == "claimed"
    assert await store.renew("k", "other", 10) is False
    clock[0] = 9.0
    assert await store.renew("k", "mine", 10) is True
    clock[0] = 15.0  # past the first lease, within the renewed one
    assert await store.claim("k", "t2", 10) == "in_progress"
    await store.mark_done("k", "mine", 100)
    assert await store.renew("k", "mine", 10) is False  # done is not a claim
    assert await store.claim("k", "t3", 10) == "done"
    assert await store.renew("absent", uuid.uuid4().hex, 10) is False


@apis
async def test_renewal_stops_with_the_handler(make: Callable[..., Case]) -> None:
    """After the handler returns, nothing renews the key any more (no leaked task)."""
    renewals: list[str] = []

    class Counting(MemoryDedupStore):
        async def renew(self, key: str, token: str, lease: float) -> bool:
            renewals.append(key)
            return await super().renew(key, token, lease)

    release = anyio.Event()
    runs: list[int] = []
    case = slowed(make(store=Counting(), lease=LEASE), release, runs)
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(case.receiver.handle_delivery, _delivery(case.signed(0)))
            await anyio.sleep(LEASE * 2)
            release.set()
    seen = len(renewals)
    assert seen >= 3  # every lease / 3
    await anyio.sleep(LEASE)
    assert len(renewals) == seen


@apis
async def test_a_failing_store_renewal_does_not_fail_the_delivery(
    make: Callable[..., Case], caplog: pytest.LogCaptureFixture
) -> None:
    class Flaky(MemoryDedupStore):
        async def renew(self, key: str, token: str, lease: float) -> bool:
            raise ConnectionError("store down")

    release = anyio.Event()
    runs: list[int] = []
    case = slowed(make(store=Flaky(), lease=LEASE), release, runs)
    replies: list[Reply] = []

    async def deliver() -> None:
        replies.append(await case.receiver.handle_delivery(_delivery(case.signed(0))))

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(deliver)
            await anyio.sleep(LEASE)
            release.set()
    assert replies[0].status == 200
    assert "renewal failed: ConnectionError" in caplog.text
    assert "store down" not in caplog.text
