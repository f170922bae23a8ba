"""End to end: the embedded sandbox issues a card and notifies a real receiver in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from lemft_async import webhooks
from lemft_async.sandbox import Sandbox
from lemft_async.webhooks import CardEvent, OrderEvent, Router, WebhookReceiver


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    # strict_ack: the sandbox only counts HTTP 200 + {"code":0,...} as delivered.
    async with Sandbox(strict_ack=True) as sb:
        yield sb


async def _issue_card(sandbox: Sandbox) -> tuple[str | None, str | None]:
    client = sandbox.client()
    bins = await client.bins.list()
    bin_id = bins.items[0].bin_id
    assert bin_id is not None
    order = await client.orders.open_card(bin_id=bin_id, amount=Decimal("10"))
    return order.order_id, order.card_id


async def test_issued_card_reaches_the_receiver_as_verified_typed_events(
    sandbox: Sandbox,
) -> None:
    router = Router()
    orders: list[OrderEvent] = []
    cards: list[CardEvent] = []
    router.add(OrderEvent, orders.append)
    router.add(CardEvent, cards.append)
    receiver = WebhookReceiver(router, api_key=sandbox.credentials.api_key)
    sandbox.add_webhook(receiver)

    order_id, card_id = await _issue_card(sandbox)
    await sandbox.run_due()

    completed = [e for e in orders if e.event_tag == "order.status.completed"]
    assert [e.data.order_id for e in completed] == [order_id]
    assert completed[0].data.card_id == card_id
    assert isinstance(completed[0].data.amount, Decimal)
    assert [(e.event_tag, e.data.card_id) for e in cards] == [("card.status.active", card_id)]
    card = cards[0].data
    assert card.card_no
    assert card.card_no not in repr(cards[0])
    assert all(e.notify_id for e in [*orders, *cards])
    # Every notification was acknowledged on the first attempt.
    for note in sandbox.outbox:
        assert note.status == "delivered"
        assert [a.outcome for d in note.deliveries for a in d.attempts] == ["HTTP 200"]


async def test_receiver_with_the_wrong_secret_gets_every_delivery_refused(
    sandbox: Sandbox,
) -> None:
    router = Router()
    seen: list[webhooks.WebhookEventBase] = []
    router.add(webhooks.WebhookEventBase, seen.append)
    sandbox.add_webhook(WebhookReceiver(router, api_key="wrong-secret-not-real"))
    await _issue_card(sandbox)
    await sandbox.run_due()
    assert seen == []
    assert sandbox.outbox
    for note in sandbox.outbox:
        assert note.status == "pending"
        assert [a.outcome for d in note.deliveries for a in d.attempts] == ["HTTP 401"]


async def test_failed_handler_is_redelivered_and_then_handled_once(sandbox: Sandbox) -> None:
    router = Router()
    calls: list[str | None] = []

    @router.on(CardEvent)
    async def flaky(event: CardEvent) -> None:
        calls.append(event.notify_id)
        if len(calls) == 1:
            raise RuntimeError("downstream unavailable")

    sandbox.add_webhook(WebhookReceiver(router, api_key=sandbox.credentials.api_key))
    await _issue_card(sandbox)
    await sandbox.run_due()
    await sandbox.advance(5)  # the first redelivery is due after 5 s (inferred schedule)

    card_notes = [n for n in sandbox.outbox if n.event_tag == "card.status.active"]
    assert len(card_notes) == 1
    attempts = [a.outcome for d in card_notes[0].deliveries for a in d.attempts]
    assert attempts == ["HTTP 500", "HTTP 200"]
    assert calls == [card_notes[0].notify_id] * 2
