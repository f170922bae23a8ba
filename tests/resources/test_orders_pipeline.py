"""``orders.open_cards(specs, then=...)``: follow-up steps run as pipeline stages, against
the embedded sandbox (in process)."""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest

from lemft_async import (
    AsyncLemft,
    FollowUpError,
    Lemft,
    OrderNotCompletedError,
    ReadCard,
    ServerError,
    WaitForOrder,
)
from lemft_async.sandbox import Sandbox
from lemft_async.types import Card, Order, OrderDetail
from lemft_async.types.constants import OrderStatus

BIN = "cpi_6530de6a2f1c7"  # the seeded USD virtual BIN
OPEN_CARD = "/v1/openApi/card/order/openCard"
GET_ORDER = "/v1/openApi/card/order/getOrder"
GET_CARD = "/v1/openApi/card/card/getCard"

Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Any, Any], Awaitable[None]]


def specs(n: int) -> list[dict[str, Any]]:
    return [{"bin_id": BIN, "amount": Decimal("10")} for _ in range(n)]


class Overlap:
    """An ASGI wrapper counting requests in the server per path, and how many requests
    arrived while a request to *another* path was in (the stages overlapping)."""

    def __init__(self, app: ASGI) -> None:
        self.app = app
        self.inside: Counter[str] = Counter()
        self.overlapped: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http":
            if any(n for p, n in self.inside.items() if p != path):
                self.overlapped[path] += 1
            self.inside[path] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                self.inside[path] -= 1


@asynccontextmanager
async def sandboxed(**knobs: Any) -> AsyncIterator[tuple[Sandbox, AsyncLemft, Overlap]]:
    async with Sandbox(**knobs) as sandbox:
        overlap = Overlap(sandbox.app)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=overlap))
        creds = sandbox.credentials
        client = AsyncLemft(
            customer_id=creds.customer_id,
            app_id=creds.app_id,
            key=creds.key,
            api_key=creds.api_key,
            base_url="http://localhost",
            http_client=http,
        )
        try:
            yield sandbox, client, overlap
        finally:
            await http.aclose()


def assert_gated(sandbox: Sandbox) -> None:
    stats = sandbox.stats
    assert sum(stats.rejections.values()) == 0  # no 10004
    assert all(n == 1 for n in stats.max_in_flight.values()), stats.max_in_flight


async def test_wait_and_read_fill_each_outcome_in_order_and_stages_overlap() -> None:
    async with sandboxed(latency=0.005) as (sandbox, client, overlap):
        outcomes = await client.orders.open_cards(
            specs(12), then=[WaitForOrder(interval=0), ReadCard()]
        )

    assert [o.index for o in outcomes] == list(range(12))
    for outcome in outcomes:
        assert outcome.ok
        assert outcome.complete
        assert outcome.failed_step is None
        assert outcome.followup_error is None
        assert isinstance(outcome.result, Order)
        assert isinstance(outcome.order, OrderDetail)
        assert isinstance(outcome.card, Card)
        assert outcome.order.order_info.order_id == outcome.result.order_id
        assert outcome.order.order_info.status == OrderStatus.COMPLETED
        assert outcome.card.card_id == outcome.order.order_info.card_id
    assert len({o.card.card_id for o in outcomes if o.card}) == 12
    stats = sandbox.stats
    assert (stats.requests[OPEN_CARD], stats.requests[GET_ORDER], stats.requests[GET_CARD]) == (
        12,
        12,
        12,
    )
    assert_gated(sandbox)  # one in flight per endpoint, never a 10004
    # Card i's follow-ups ran while later cards were being opened.
    assert overlap.overlapped[GET_ORDER] + overlap.overlapped[OPEN_CARD] >= 6


async def test_card_by_card_does_not_overlap_so_the_counter_can_fail() -> None:
    async with sandboxed(latency=0.002) as (sandbox, client, overlap):
        for spec in specs(4):
            order = await client.orders.open_card(**spec)
            await client.orders.retrieve(order.order_id)
    assert sum(overlap.overlapped.values()) == 0
    assert_gated(sandbox)


async def test_wait_for_order_polls_until_the_order_completes() -> None:
    async with sandboxed(order_delay=0.05) as (sandbox, client, _):
        outcomes = await client.orders.open_cards(
            specs(3), then=[WaitForOrder(polls=200, interval=0.01), ReadCard()]
        )
    for outcome in outcomes:
        assert outcome.complete, outcome.followup_error
        assert outcome.result is not None
        assert outcome.result.status == OrderStatus.PROCESSING  # the open answer
        assert outcome.order is not None
        assert outcome.order.order_info.status == OrderStatus.COMPLETED
        assert outcome.card is not None
    assert sandbox.stats.requests[GET_ORDER] > 3  # polled more than once per order
    assert_gated(sandbox)


async def test_an_order_that_never_completes_fails_the_step_not_the_open() -> None:
    async with sandboxed(order_delay=3600) as (sandbox, client, _):
        outcomes = await client.orders.open_cards(
            specs(2), then=[WaitForOrder(polls=3, interval=0), ReadCard()]
        )
    for outcome in outcomes:
        assert outcome.ok
        assert not outcome.complete
        assert outcome.result is not None  # the order was placed, and says so
        assert outcome.failed_step == "wait_for_order"
        error = outcome.followup_error
        assert isinstance(error, OrderNotCompletedError)
        assert error.status == OrderStatus.PROCESSING
        assert error.order is outcome.order
        assert "after 3 reads" in str(error)
        clone = pickle.loads(pickle.dumps(error))  # noqa: S301 - task queues move errors
        assert (clone.status, clone.step, clone.order) == (error.status, error.step, error.order)
        assert outcome.card is None  # ReadCard did not run
        assert "wait_for_order failed=OrderNotCompletedError" in repr(outcome)
    assert sandbox.stats.requests[GET_ORDER] == 6
    assert sandbox.stats.requests[GET_CARD] == 0


async def test_a_refunded_order_stops_the_polls_at_once() -> None:
    async with sandboxed(order_fail_rate=1.0) as (sandbox, client, _):
        (outcome,) = await client.orders.open_cards(
            specs(1), then=[WaitForOrder(polls=50, interval=0)]
        )
    assert outcome.ok
    assert isinstance(outcome.followup_error, OrderNotCompletedError)
    assert outcome.followup_error.status == OrderStatus.REFUNDED
    assert sandbox.stats.requests[GET_ORDER] == 1


async def test_read_card_without_a_card_id_says_what_to_do() -> None:
    async with sandboxed(order_delay=3600) as (sandbox, client, _):
        (outcome,) = await client.orders.open_cards(specs(1), then=[ReadCard()])
    assert outcome.ok
    assert outcome.failed_step == "read_card"
    assert isinstance(outcome.followup_error, FollowUpError)
    assert "WaitForOrder() before ReadCard()" in str(outcome.followup_error)
    assert sandbox.stats.requests[GET_CARD] == 0


async def test_a_failing_card_read_is_reported_on_its_outcome_only() -> None:
    async with sandboxed(latency=0.001) as (sandbox, client, _):
        sandbox.inject("error", operation="cards.retrieve", count=1)
        outcomes = await client.orders.open_cards(
            specs(3), then=[WaitForOrder(interval=0), ReadCard()], max_retries=0
        )
    failed = [o for o in outcomes if not o.complete]
    assert len(failed) == 1
    assert failed[0].ok
    assert failed[0].failed_step == "read_card"
    assert isinstance(failed[0].followup_error, ServerError)
    assert failed[0].order is not None  # the step before it finished
    assert all(o.card is not None for o in outcomes if o.complete)
    assert_gated(sandbox)


async def test_a_failed_open_runs_no_follow_up() -> None:
    async with sandboxed() as (sandbox, client, _):
        outcomes = await client.orders.open_cards(
            [{"bin_id": "cpi_missing", "amount": Decimal("10")}, *specs(1)],
            then=[WaitForOrder(interval=0), ReadCard()],
        )
    assert not outcomes[0].ok
    assert outcomes[0].order is None
    assert outcomes[0].card is None
    assert outcomes[0].failed_step is None
    assert outcomes[1].complete
    assert sandbox.stats.requests[GET_ORDER] == 1


async def test_cancelling_stops_the_follow_ups_and_sends_nothing_after() -> None:
    async with sandboxed(order_delay=3600) as (sandbox, client, _):
        with anyio.CancelScope() as scope:

            async def cancel_when_polling() -> None:
                while sandbox.stats.requests[GET_ORDER] < 3:
                    await anyio.sleep(0.001)
                scope.cancel()

            async with anyio.create_task_group() as tg:
                tg.start_soon(cancel_when_polling)
                await client.orders.open_cards(
                    specs(2), then=[WaitForOrder(polls=10_000, interval=0.001)]
                )
                pytest.fail("open_cards returned though it was cancelled")
        assert scope.cancelled_caught
        seen = Counter(sandbox.stats.requests)
        await anyio.sleep(0.05)
        assert sandbox.stats.requests == seen  # nothing sent after the cancellation
        assert seen[OPEN_CARD] == 2
        assert len(sandbox.state.orders) == 2  # both orders were placed, for reconciling


@pytest.mark.parametrize(
    ("then", "error", "match"),
    [
        (WaitForOrder(), TypeError, "sequence of steps"),
        ("wait", TypeError, "sequence of follow-up steps"),
        ([object()], TypeError, "unknown follow-up step"),
        ([ReadCard(), ReadCard()], ValueError, "once"),
        ([ReadCard(), WaitForOrder()], ValueError, "before ReadCard"),
    ],
)
async def test_bad_follow_ups_are_refused_before_anything_is_sent(
    then: Any, error: type[Exception], match: str
) -> None:
    async with sandboxed() as (sandbox, client, _):
        with pytest.raises(error, match=match):
            await client.orders.open_cards(specs(1), then=then)
    assert sum(sandbox.stats.requests.values()) == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"polls": 0}, "polls"),
        ({"polls": True}, "polls"),
        ({"interval": -1}, "interval"),
        ({"interval": float("nan")}, "interval"),
        ({"interval": "1"}, "interval"),
        ({"interval": 3601}, "interval"),
    ],
)
def test_wait_for_order_checks_its_bounds(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        WaitForOrder(**kwargs)


def test_the_sync_twin_takes_the_same_follow_ups() -> None:
    sandbox = Sandbox()
    with Lemft.from_async(sandbox.client) as client:
        outcomes = client.orders.open_cards(specs(3), then=[WaitForOrder(interval=0), ReadCard()])
    assert all(o.complete and o.card is not None for o in outcomes)
    assert sandbox.stats.requests[GET_CARD] == 3
