"""Notifications: format and signature (checked with plain hmac), outbox, redelivery."""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import anyio
import pytest

from lemft_async.sandbox import REDELIVERY_SCHEDULE, Sandbox
from lemft_async.sandbox.serve import serve_in_thread

from .conftest import USD_VIRTUAL, ManualClock, hmac_hex
from .test_e2e_payments import approved_payee

CARD_FIELDS = [
    "card_id",
    "order_id",
    "out_order_id",
    "app_id",
    "bin_id",
    "holder_id",
    "card_no",
    "balance",
    "limit",
    "expiry",
    "cvv",
    "pin",
    "status",
    "use_at",
    "close_at",
    "end_at",
    "mark",
]


class Receiver:
    """An ASGI webhook receiver that records raw requests and answers scripted statuses."""

    def __init__(self, statuses: Iterator[int] | None = None, body: bytes | None = None) -> None:
        self.requests: list[tuple[bytes, dict[str, str]]] = []
        self.statuses = statuses
        self.body = body if body is not None else b'{"code":0,"message":"success"}'

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.append((b"".join(chunks), headers))
        status = next(self.statuses, 200) if self.statuses is not None else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": self.body})

    def tags(self) -> list[str]:
        return [json.loads(body)["eventTag"] for body, _ in self.requests]


def verify(body: bytes, headers: dict[str, str], api_key: str) -> bool:
    expected = hmac_hex(api_key, body, headers["timestamp"])
    return hmac.compare_digest(expected, headers["signature"])


async def test_delivered_notifications_are_signed_over_the_raw_body(sandbox: Sandbox) -> None:
    receiver = Receiver()
    sandbox.add_webhook(receiver, path="/hooks/lemft")
    client = sandbox.client()
    await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10"))
    assert await sandbox.run_due() == 4
    assert receiver.tags() == [
        "wallet.transaction.expense",
        "order.status.processing",
        "order.status.completed",
        "card.status.active",
    ]
    for body, headers in receiver.requests:
        assert verify(body, headers, sandbox.credentials.api_key)
        assert not verify(body, headers, "some-other-key")
        assert abs(int(headers["timestamp"]) - time.time()) < 5
        payload = json.loads(body)
        assert headers["eventtag"] == payload["eventTag"]
        assert headers["content-type"] == "application/json"
        assert list(payload)[:2] == ["eventTag", "notify_id"]
        assert payload["notify_id"].startswith("ntf_")
    card = json.loads(receiver.requests[3][0])
    assert list(card)[2:] == CARD_FIELDS  # the documented Card payload, field for field
    assert all(n.status == "delivered" for n in sandbox.outbox)
    assert await sandbox.run_due() == 0  # nothing is sent twice


async def test_outbox_holds_events_when_no_webhook_is_registered(sandbox: Sandbox) -> None:
    client = sandbox.client()
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10"))
    await client.cards.freeze(order.card_id or "")
    await sandbox.run_due()
    assert [n.event_tag for n in sandbox.outbox][-1] == "card.status.freeze"
    assert {n.status for n in sandbox.outbox} == {"held"}
    assert all(n.attempts == 0 for n in sandbox.outbox)
    frozen = sandbox.outbox[-1]
    assert frozen.payload["status"] == 3
    assert frozen.payload["card_no"] not in repr(frozen)


async def test_every_kind_of_event_is_emitted(sandbox: Sandbox) -> None:
    client = sandbox.client()
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("30"))
    card_id = order.card_id or ""
    sandbox.simulate_trade(card_id, Decimal("3"))
    await client.cards.freeze(card_id)
    await client.cards.unfreeze(card_id)
    await client.cards.cancel(card_id)
    payee_id = await approved_payee(client)
    await client.payments.create(payee_id=payee_id, amount="10", currency="USD")
    tags = {n.event_tag for n in sandbox.outbox}
    assert tags >= {
        "order.status.processing",
        "order.status.completed",
        "card.status.active",
        "card.trade",
        "card.status.freeze",
        "card.status.unfreeze",
        "card.status.closing",
        "card.status.closed",
        "payee.status.pending",
        "payee.status.approved",
        "payment.status.processing",
        "payment.status.completed",
        "wallet.transaction.expense",
        "wallet.transaction.income",
    }
    ids = [n.notify_id for n in sandbox.outbox]
    assert len(set(ids)) == len(ids)


async def test_redelivery_follows_the_schedule_on_the_business_clock() -> None:
    async with Sandbox(clock=ManualClock()) as sandbox:
        receiver = Receiver(iter([500, 503]))
        sandbox.add_webhook(receiver)
        sandbox.deposit("USD", Decimal("1"))  # one event: wallet.transaction.income
        [note] = sandbox.outbox
        await sandbox.run_due()
        assert [a.outcome for a in note.deliveries[0].attempts] == ["HTTP 500"]
        await sandbox.advance(REDELIVERY_SCHEDULE[0] - 0.5)
        assert len(receiver.requests) == 1  # not yet
        await sandbox.advance(0.5)
        assert len(receiver.requests) == 2
        assert note.status == "pending"
        await sandbox.advance(REDELIVERY_SCHEDULE[1])
        assert note.status == "delivered"
        assert [a.ok for a in note.deliveries[0].attempts] == [False, False, True]
        bodies = {body for body, _ in receiver.requests}
        assert len(bodies) == 1  # identical body (and notify_id) on every redelivery
        for body, headers in receiver.requests:
            assert verify(body, headers, sandbox.credentials.api_key)


async def test_delivery_is_dropped_after_six_retries_scaled_by_time_scale() -> None:
    async with Sandbox(clock=ManualClock(), time_scale=0.01) as sandbox:
        receiver = Receiver(iter([500] * 100))
        sandbox.add_webhook(receiver)
        sandbox.deposit("USD", Decimal("1"))
        [note] = sandbox.outbox
        await sandbox.run_due()
        for wait in REDELIVERY_SCHEDULE:
            await sandbox.advance(wait * 0.01)
        assert note.status == "dropped"
        assert len(receiver.requests) == 1 + len(REDELIVERY_SCHEDULE)
        await sandbox.advance(10_000)
        assert len(receiver.requests) == 7


async def test_strict_ack_needs_the_documented_answer() -> None:
    async with Sandbox(strict_ack=True, clock=ManualClock()) as sandbox:
        lenient = Receiver(body=b"ok")
        sandbox.add_webhook(lenient)
        sandbox.deposit("USD", Decimal("1"))
        await sandbox.run_due()
        assert sandbox.outbox[0].status == "pending"
    async with Sandbox(clock=ManualClock()) as sandbox:
        sandbox.add_webhook(Receiver(body=b"ok"))
        sandbox.deposit("USD", Decimal("1"))
        await sandbox.run_due()
        assert sandbox.outbox[0].status == "delivered"


async def test_background_loop_delivers_without_run_due(sandbox: Sandbox) -> None:
    receiver = Receiver()
    sandbox.add_webhook(receiver)
    async with sandbox.running(interval=0.001):
        sandbox.deposit("USD", Decimal("1"))
        for _ in range(500):
            if receiver.requests:
                break
            await anyio.sleep(0.002)
    assert receiver.tags() == ["wallet.transaction.income"]


async def test_delivery_to_a_url_over_real_http() -> None:
    receiver = Receiver()
    with serve_in_thread(receiver) as url:
        async with Sandbox() as sandbox:
            sandbox.add_webhook(url + "/hook")
            sandbox.deposit("USD", Decimal("2"))
            assert await sandbox.run_due() == 1
            assert sandbox.outbox[0].status == "delivered"
    [(body, headers)] = receiver.requests
    assert verify(body, headers, "sandbox-api-key-not-secret")


async def test_unreachable_url_is_a_failed_attempt() -> None:
    async with Sandbox(clock=ManualClock()) as sandbox:
        sandbox.add_webhook("http://127.0.0.1:9/unreachable")
        sandbox.deposit("USD", Decimal("1"))
        await sandbox.run_due()
        attempt = sandbox.outbox[0].deliveries[0].attempts[0]
        assert (attempt.ok, attempt.outcome) == (False, "ConnectError")


def test_bad_webhook_targets_are_refused() -> None:
    sandbox = Sandbox()
    with pytest.raises(ValueError, match=r"http"):
        sandbox.add_webhook("ftp://example.com")
    with pytest.raises(TypeError, match=r"URL string or an ASGI application"):
        sandbox.add_webhook(42)


async def test_outbox_is_trimmed_to_its_limit_keeping_pending_ones() -> None:
    async with Sandbox(outbox_limit=10, clock=ManualClock()) as sandbox:
        for _ in range(30):
            sandbox.deposit("USD", Decimal("1"))
        assert 10 <= len(sandbox.outbox) <= 11
        assert sandbox.outbox[-1].payload["after_balance"] == 100030


async def test_overlapping_delivery_rounds_do_not_send_twice() -> None:
    gate = anyio.Event()

    class SlowReceiver(Receiver):
        async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
            await gate.wait()
            await super().__call__(scope, receive, send)

    async with Sandbox(clock=ManualClock()) as sandbox:
        receiver = SlowReceiver()
        sandbox.add_webhook(receiver)
        sandbox.deposit("USD", Decimal("1"))
        made: list[int] = []

        async def round_() -> None:
            made.append(await sandbox.run_due())

        async with anyio.create_task_group() as tg:
            tg.start_soon(round_)
            tg.start_soon(round_)
            await anyio.wait_all_tasks_blocked()
            gate.set()
        assert sorted(made) == [0, 1]
        assert len(receiver.requests) == 1
