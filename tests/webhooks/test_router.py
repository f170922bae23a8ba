"""Router: registration by class or tag, order, sync/async handlers, failures."""

from __future__ import annotations

from typing import Any

import pytest

from lemft_async import webhooks
from lemft_async.types import Card, Order
from lemft_async.webhooks import CardEvent, OrderEvent, Router, UnknownEvent, WebhookEventBase


def card(tag: str = "card.status.freeze") -> CardEvent:
    return CardEvent(event_tag=tag, notify_id="n1", data=Card(card_id="cid_1"))


def order(tag: str = "order.status.completed") -> OrderEvent:
    return OrderEvent(
        event_tag=tag, notify_id="n2", data=Order(order_id="ord_1", out_order_id="o_1")
    )


async def test_class_route_runs_only_for_that_class() -> None:
    router = Router()
    seen: list[str] = []

    @router.on(CardEvent)
    async def on_card(event: CardEvent) -> None:
        seen.append(f"card:{event.data.card_id}")

    assert await router.dispatch(card()) == 1
    assert await router.dispatch(order()) == 0
    assert seen == ["card:cid_1"]


@pytest.mark.parametrize(
    ("pattern", "tag", "runs"),
    [
        ("card.status.freeze", "card.status.freeze", True),
        ("card.status.freeze", "card.status.unfreeze", False),
        ("card.status.*", "card.status.lost", True),
        ("card.status.*", "card.trade", False),
        ("card.*", "card.trade", True),
        ("  card.status.freeze ", "card.status.freeze", True),
    ],
)
async def test_tag_routes(pattern: str, tag: str, runs: bool) -> None:
    router = Router()
    seen: list[str | None] = []
    router.add(pattern, lambda event: seen.append(event.event_tag))
    assert await router.dispatch(card(tag)) == int(runs)
    assert seen == ([tag] if runs else [])


async def test_tag_routes_never_match_an_event_without_tag() -> None:
    router = Router()
    router.add("card.*", lambda event: None)
    assert await router.dispatch(CardEvent(data=Card(card_id="cid_1"))) == 0


async def test_every_match_runs_in_registration_order_sync_and_async() -> None:
    router = Router()
    order_of_calls: list[str] = []

    @router.on(WebhookEventBase)
    def first(event: WebhookEventBase) -> None:
        order_of_calls.append("base")

    @router.on("card.status.freeze")
    async def second(event: WebhookEventBase) -> None:
        order_of_calls.append("tag")

    @router.on(CardEvent)
    async def third(event: CardEvent) -> None:
        order_of_calls.append("class")

    assert [h.__name__ for h in router.handlers_for(card())] == ["first", "second", "third"]
    assert await router.dispatch(card()) == 3
    assert order_of_calls == ["base", "tag", "class"]
    assert len(router) == 3
    assert "CardEvent" in repr(router)


async def test_decorator_returns_the_handler_unchanged() -> None:
    router = Router()

    async def handler(event: UnknownEvent) -> None:
        return None

    assert router.on(UnknownEvent)(handler) is handler


async def test_a_failing_handler_stops_the_rest_and_propagates() -> None:
    router = Router()
    ran: list[str] = []

    @router.on(CardEvent)
    async def boom(event: CardEvent) -> None:
        raise RuntimeError("handler bug")

    @router.on(CardEvent)
    async def later(event: CardEvent) -> None:
        ran.append("later")

    with pytest.raises(RuntimeError, match="handler bug"):
        await router.dispatch(card())
    assert ran == []


@pytest.mark.parametrize(
    ("target", "error"),
    [(dict, TypeError), (str, TypeError), ("", ValueError), ("*", ValueError), (5, ValueError)],
    ids=["dict class", "str class", "empty tag", "bare star", "int"],
)
def test_invalid_targets(target: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        Router().on(target)


def test_handler_must_be_callable() -> None:
    with pytest.raises(TypeError, match="callable"):
        Router().add(CardEvent, "not a function")  # type: ignore[arg-type]


def test_exports_are_the_contract_names() -> None:
    for name in (
        "OrderEvent",
        "CardEvent",
        "CardTradeEvent",
        "PayeeEvent",
        "PaymentEvent",
        "WalletEvent",
        "UnknownEvent",
        "Router",
        "construct_event",
        "verify",
    ):
        assert hasattr(webhooks, name), name
