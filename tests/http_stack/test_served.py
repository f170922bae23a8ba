"""All three clients against their sandboxes served by uvicorn on loopback, over both stacks.

The success paths of the transport suite (signed, gated, decoded, exact Decimal) plus the
sandbox's own faults, over httpx's pool and over ``DefaultAioHttpClient`` alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import anyio
import pytest
import uvicorn

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError
from lemft_async.keysecure import AsyncKeySecure
from lemft_async.keysecure.sandbox import KeySecureSandbox
from lemft_async.payin import AsyncPayin, PayinStatus
from lemft_async.payin.sandbox import PayinSandbox
from lemft_async.sandbox import Sandbox
from lemft_async.sandbox.serve import base_url_of, bind, serve_in_thread

from ..sandbox.conftest import OPEN_CARD, USD_VIRTUAL
from .conftest import Stack


def _lemft(sandbox: Sandbox, url: str, stack: Stack) -> AsyncLemft:
    creds = sandbox.credentials
    return AsyncLemft(
        customer_id=creds.customer_id,
        app_id=creds.app_id,
        key=creds.key,
        api_key=creds.api_key,
        base_url=url,
        http_client=stack.http_client(),
    )


async def test_lemft_concurrent_writes_reads_and_errors(stack: Stack) -> None:
    sandbox = Sandbox(latency=0.003)
    with serve_in_thread(sandbox) as url:
        async with _lemft(sandbox, url, stack) as client:

            async def issue() -> None:
                await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("1.25"))

            async with anyio.create_task_group() as tg:
                for _ in range(10):
                    tg.start_soon(issue)
            outcomes = await client.orders.open_cards(
                [{"bin_id": USD_VIRTUAL, "amount": Decimal("2")} for _ in range(12)]
            )
            page = await client.wallets.list()
            with pytest.raises(ParamError, match=r"bin_id"):
                await client.orders.open_card(bin_id="cpi_nope", amount=Decimal("1"))
    assert all(outcome.ok for outcome in outcomes)
    assert page.total == 2
    assert sandbox.stats.requests[OPEN_CARD] == 10 + 12 + 1
    assert sandbox.stats.rejections[OPEN_CARD] == 0  # the gate holds over either stack
    assert sandbox.stats.max_in_flight[OPEN_CARD] == 1
    assert len(sandbox.state.cards) == 22
    sandbox.state.check_conservation()


async def test_lemft_exact_decimal_round_trip(stack: Stack) -> None:
    sandbox = Sandbox()
    with serve_in_thread(sandbox) as url:
        async with _lemft(sandbox, url, stack) as client:
            order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10.01"))
            detail = await client.orders.retrieve(order.order_id or "")
    assert detail.order_info.amount == Decimal("10.01")
    assert isinstance(detail.order_info.fee, Decimal)


async def test_lemft_dropped_answer_is_unknown_and_executed_once(
    stack: Stack, no_sleep: list[float]
) -> None:
    sandbox = Sandbox()
    sandbox.inject("drop", operation="orders.open_card")
    with serve_in_thread(sandbox) as url:
        async with _lemft(sandbox, url, stack) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await client.orders.open_card(
                    bin_id=USD_VIRTUAL, amount=Decimal("5"), out_order_id="drop-1"
                )
            found = await client.orders.list(out_order_id="drop-1")
    assert info.value.out_order_id == "drop-1"
    assert sandbox.stats.faults["drop"] == 1
    assert sandbox.state.executions("drop-1") == 1
    assert found.total == 1


@asynccontextmanager
async def _served_here(app: Any) -> AsyncIterator[str]:
    """``app`` served by uvicorn in this event loop (the Payin sandbox runs its timers in
    the loop it was entered in, so it cannot be served from another thread)."""
    sock = bind("127.0.0.1", 0)
    config = uvicorn.Config(app, lifespan="off", log_level="error", access_log=False)
    server = uvicorn.Server(config)
    async with anyio.create_task_group() as tg:
        tg.start_soon(server.serve, [sock])
        while not server.started:
            await anyio.sleep(0.01)
        try:
            yield base_url_of(sock)
        finally:
            server.should_exit = True


async def test_payin_create_and_query(stack: Stack) -> None:
    sandbox = PayinSandbox(pay_delay=1000.0)
    async with (
        sandbox,
        _served_here(sandbox.app) as url,
        AsyncPayin(
            mch_id=sandbox.mch_id,
            secret=sandbox.secret,
            base_url=url,
            http_client=stack.http_client(),
        ) as client,
    ):
        created = await client.create_order(
            amount=10000, notify_url="https://merchant.example/notify", mch_order_no="S-1"
        )
        order = await client.query_order(mch_order_no="S-1")
    assert created.mch_order_no == "S-1"
    assert order.status is PayinStatus.CREATED
    assert order.amount == 10000
    assert sandbox.requests["/api/pay/neworder"] == 1


async def test_keysecure_token_then_writes_and_reads(stack: Stack) -> None:
    sandbox = KeySecureSandbox()
    with serve_in_thread(sandbox) as url:
        async with AsyncKeySecure(
            api_key=sandbox.credentials["api_key"],
            api_secret=sandbox.credentials["api_secret"],
            base_url=url,
            clock=sandbox.clock,
            http_client=stack.http_client(),
        ) as client:
            card = await client.cards.apply(
                cardholder_no="U0002", card_type="Virtual", package_no="P0001"
            )
            detail = await client.cards.retrieve(card.card_no)
    assert detail.card_no == card.card_no
    assert sandbox.stats.requests  # the token fetch and both calls went over the wire
