"""De-duplication: the memory store, the key, and redeliveries through the receiver."""

from __future__ import annotations

import hashlib

import anyio
import pytest

from lemft_async.types import Card
from lemft_async.webhooks import (
    CardEvent,
    MemoryDedupStore,
    Router,
    WebhookReceiver,
    dedup_key,
)

from ._helpers import NOW, SECRET, card_body, signed_headers


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_store_claim_states() -> None:
    store = MemoryDedupStore()
    assert await store.claim("k", "t1", 60) == "claimed"
    assert await store.claim("k", "t2", 60) == "in_progress"
    await store.mark_done("k", "t1", 3600)
    assert await store.claim("k", "t3", 60) == "done"


async def test_memory_store_release_is_token_checked() -> None:
    store = MemoryDedupStore()
    await store.claim("k", "mine", 60)
    await store.release("k", "someone-else")
    assert await store.claim("k", "t2", 60) == "in_progress"
    await store.release("k", "mine")
    assert await store.claim("k", "t3", 60) == "claimed"


async def test_memory_store_leases_and_done_marks_expire() -> None:
    clock = FakeClock()
    store = MemoryDedupStore(clock=clock)
    await store.claim("k", "t1", 60)
    clock.now += 59.9
    assert await store.claim("k", "t2", 60) == "in_progress"
    clock.now += 0.2  # the holder died: its lease ran out
    assert await store.claim("k", "t3", 60) == "claimed"
    await store.mark_done("k", "t3", 100)
    clock.now += 99
    assert await store.claim("k", "t4", 60) == "done"
    clock.now += 2
    assert await store.claim("k", "t5", 60) == "claimed"


async def test_memory_store_is_bounded_and_forgets_oldest_first() -> None:
    store = MemoryDedupStore(max_entries=3)
    for key in "abcd":
        await store.claim(key, "t", 60)
        await store.mark_done(key, "t", 3600)
    assert len(store) == 3
    assert await store.claim("a", "t", 60) == "claimed"  # forgotten
    assert await store.claim("d", "t", 60) == "done"


async def test_memory_store_purges_expired_entries() -> None:
    clock = FakeClock()
    store = MemoryDedupStore(clock=clock)
    await store.claim("old", "t", 1)
    clock.now += 5
    await store.claim("new", "t", 60)
    assert len(store) == 1


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_memory_store_bound_must_be_positive_int(bad: object) -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryDedupStore(max_entries=bad)  # type: ignore[arg-type]


async def test_memory_store_rejects_non_positive_ttl() -> None:
    with pytest.raises(ValueError, match="ttl"):
        await MemoryDedupStore().claim("k", "t", 0)


def test_dedup_key_prefers_notify_id() -> None:
    event = CardEvent(event_tag="card.status.active", notify_id="ntf_1", data=Card(card_id="cid_1"))
    assert dedup_key(event, b"anything") == "id:ntf_1"


def test_dedup_key_without_notify_id_hashes_only_the_signed_raw_body() -> None:
    event = CardEvent(event_tag="card.status.active", data=Card(card_id="cid_1"))
    expected = hashlib.sha256(b"{}").hexdigest()
    assert dedup_key(event, b"{}") == f"sha256:{expected}"
    assert dedup_key(event, b"{ }") != dedup_key(event, b"{}")
    # A tag from an unsigned header must not make a replayed body look like a new event.
    other_tag = CardEvent(event_tag="card.status.lost", data=Card(card_id="cid_1"))
    assert dedup_key(other_tag, b"{}") == dedup_key(event, b"{}")


def _receiver(router: Router, **options: object) -> WebhookReceiver:
    return WebhookReceiver(router, api_key=SECRET, clock=lambda: NOW, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("notify_id", ["ntf_dup", None], ids=["by notify_id", "by body hash"])
async def test_same_event_delivered_three_times_runs_the_handler_once(
    notify_id: str | None,
) -> None:
    router = Router()
    calls: list[str | None] = []

    @router.on(CardEvent)
    async def on_card(event: CardEvent) -> None:
        calls.append(event.notify_id)

    receiver = _receiver(router)
    body = card_body(notify_id=notify_id)
    reasons = []
    for attempt in range(3):
        # The sender re-signs every redelivery with a fresh timestamp; the body is identical.
        reply = await receiver.handle(body, signed_headers(body, timestamp=NOW - attempt))
        assert reply.acknowledged
        reasons.append(reply.reason)
    assert calls == [notify_id]
    assert reasons == ["ok", "duplicate", "duplicate"]


async def test_different_events_are_not_deduplicated() -> None:
    router = Router()
    calls: list[str | None] = []
    router.add(CardEvent, lambda event: calls.append(event.notify_id))
    receiver = _receiver(router)
    for notify_id in ("a", "b"):
        body = card_body(notify_id=notify_id)
        assert (await receiver.handle(body, signed_headers(body))).reason == "ok"
    assert calls == ["a", "b"]


async def test_concurrent_deliveries_run_the_handler_once() -> None:
    router = Router()
    started = anyio.Event()
    finish = anyio.Event()
    calls: list[str | None] = []

    @router.on(CardEvent)
    async def slow(event: CardEvent) -> None:
        calls.append(event.notify_id)
        started.set()
        await finish.wait()

    receiver = _receiver(router)
    body = card_body()
    replies = {}

    async def deliver(name: str) -> None:
        replies[name] = await receiver.handle(body, signed_headers(body))

    async with anyio.create_task_group() as tg:
        tg.start_soon(deliver, "first")
        await started.wait()
        await deliver("second")  # arrives while the first is still in its handler
        finish.set()
    assert replies["second"].status == 409
    assert replies["second"].reason == "in_progress"
    assert not replies["second"].acknowledged  # the sender must come back
    assert replies["first"].acknowledged
    assert replies["first"].reason == "ok"
    third = await receiver.handle(body, signed_headers(body))
    assert third.reason == "duplicate"
    assert third.acknowledged
    assert calls == ["ntf_0001"]


async def test_failed_handler_releases_the_key_so_a_redelivery_retries() -> None:
    router = Router()
    attempts: list[int] = []

    @router.on(CardEvent)
    async def flaky(event: CardEvent) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database down")

    receiver = _receiver(router)
    body = card_body()
    first = await receiver.handle(body, signed_headers(body))
    assert (first.status, first.reason) == (500, "handler_error")
    second = await receiver.handle(body, signed_headers(body))
    assert (second.status, second.reason) == (200, "ok")
    third = await receiver.handle(body, signed_headers(body))
    assert third.reason == "duplicate"
    assert len(attempts) == 2


async def test_cancelled_handler_releases_the_key() -> None:
    router = Router()
    started = anyio.Event()
    calls: list[int] = []

    @router.on(CardEvent)
    async def hangs(event: CardEvent) -> None:
        calls.append(1)
        if len(calls) == 1:
            started.set()
            await anyio.sleep_forever()

    receiver = _receiver(router)
    body = card_body()
    async with anyio.create_task_group() as tg:
        tg.start_soon(receiver.handle, body, signed_headers(body))
        await started.wait()
        tg.cancel_scope.cancel()
    reply = await receiver.handle(body, signed_headers(body))
    assert reply.reason == "ok"
    assert len(calls) == 2


class BrokenStore(MemoryDedupStore):
    def __init__(self, *, fail: str) -> None:
        super().__init__()
        self.fail = fail

    async def claim(self, key: str, token: str, lease: float) -> object:  # type: ignore[override]
        if self.fail == "claim":
            raise ConnectionError("store down")
        return await super().claim(key, token, lease)

    async def mark_done(self, key: str, token: str, ttl: float) -> None:
        if self.fail == "mark_done":
            raise ConnectionError("store down")
        await super().mark_done(key, token, ttl)

    async def release(self, key: str, token: str) -> None:
        if self.fail == "release":
            raise ConnectionError("store down")
        await super().release(key, token)


async def test_store_unavailable_refuses_without_running_handlers() -> None:
    router = Router()
    calls: list[int] = []
    router.add(CardEvent, lambda event: calls.append(1))
    receiver = _receiver(router, store=BrokenStore(fail="claim"))
    body = card_body()
    reply = await receiver.handle(body, signed_headers(body))
    assert (reply.status, reply.reason) == (503, "store_unavailable")
    assert calls == []


async def test_store_failing_to_record_still_acknowledges_a_handled_event() -> None:
    router = Router()
    calls: list[int] = []
    router.add(CardEvent, lambda event: calls.append(1))
    receiver = _receiver(router, store=BrokenStore(fail="mark_done"))
    body = card_body()
    reply = await receiver.handle(body, signed_headers(body))
    assert reply.acknowledged
    assert calls == [1]


async def test_store_failing_to_release_still_answers_500() -> None:
    router = Router()

    @router.on(CardEvent)
    async def boom(event: CardEvent) -> None:
        raise RuntimeError("bug")

    receiver = _receiver(router, store=BrokenStore(fail="release"))
    body = card_body()
    reply = await receiver.handle(body, signed_headers(body))
    assert (reply.status, reply.reason) == (500, "handler_error")
