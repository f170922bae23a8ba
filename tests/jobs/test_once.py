"""``orders.open_card_once``: claim, reconcile, send only when absent."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
import pytest
import respx

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError
from lemft_async.jobs import ClaimHeldError, MemoryClaimStore
from lemft_async.sandbox import Sandbox
from tests.jobs.conftest import BIN_ID, OPEN_CARD, orders_for
from tests.resources.conftest import envelope, path


def claim_key(client: AsyncLemft, out_order_id: str) -> str:
    return f"open_card:{client.customer_id}:{client.app_id}:{out_order_id}"


class GrantAll:
    """A claim store that lets everybody in: what running without claims looks like."""

    async def claim(self, key: str, ttl: float) -> str | None:
        return "token"

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        return True

    async def release(self, key: str, token: str) -> None:
        return None


async def test_it_sends_when_absent_and_finds_the_order_the_second_time(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    claims = MemoryClaimStore()
    first = await client.orders.open_card_once(
        out_order_id="once-1", bin_id=BIN_ID, amount="10.00", claims=claims
    )
    again = await client.orders.open_card_once(
        out_order_id="once-1", bin_id=BIN_ID, amount="10.00", claims=claims
    )
    assert first.order_id == again.order_id
    assert first.card_id == again.card_id
    assert sandbox.stats.requests[OPEN_CARD] == 1
    assert orders_for(sandbox, "once-1") == 1
    assert len(claims) == 0  # released after the definite outcome


async def test_two_deliveries_at_the_same_moment_send_once(sandbox: Sandbox) -> None:
    sandbox.faults.config.latency = 0.02
    results: list[str | None] = []
    async with sandbox.client() as one, sandbox.client() as two:

        async def deliver(client: AsyncLemft) -> None:
            order = await client.orders.open_card_once(
                out_order_id="twice", bin_id=BIN_ID, amount="10.00"
            )
            results.append(order.order_id)

        async with anyio.create_task_group() as tg:
            for client in (one, two, one, two):
                tg.start_soon(deliver, client)

    assert len(results) == 4
    assert len(set(results)) == 1
    assert sandbox.stats.requests[OPEN_CARD] == 1
    sandbox.state.check_conservation()


@pytest.mark.parametrize(("claims", "sends"), [(GrantAll(), 2), (MemoryClaimStore(), 1)])
async def test_the_claim_is_what_keeps_concurrent_deliveries_from_both_sending(
    api: respx.MockRouter, mock_client: AsyncLemft, claims: Any, sends: int
) -> None:
    # An order becomes visible in the list only once its (slow) openCard has answered,
    # so two deliveries that reconcile at once both find it absent: only a claim helps.
    created: list[dict[str, Any]] = []

    def listing(request: httpx.Request) -> httpx.Response:
        data = {"total": len(created), "page_no": 1, "page_size": 10, "order_list": created}
        return envelope(data)

    async def open_card(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.05)
        body = json.loads(request.content)
        order = {"order_id": f"o{len(created)}", "out_order_id": body["out_order_id"]}
        order["card_id"] = "cid_1"
        created.append(order)
        return envelope({"order_info": order})

    api.post(path("card/order/orderList")).mock(side_effect=listing)
    route = api.post(path("card/order/openCard")).mock(side_effect=open_card)

    async def deliver() -> None:
        await mock_client.orders.open_card_once(
            out_order_id="race", bin_id=BIN_ID, amount="10", claims=claims
        )

    async with anyio.create_task_group() as tg:
        tg.start_soon(deliver)
        tg.start_soon(deliver)

    assert route.call_count == sends


async def test_an_unknown_outcome_keeps_the_claim_and_a_redelivery_then_finds_the_order(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    claims = MemoryClaimStore()
    sandbox.inject("drop", operation="orders.open_card")  # carried out, answer lost
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.orders.open_card_once(
            out_order_id="lost", bin_id=BIN_ID, amount="10", claims=claims, claim_ttl=0.2
        )
    assert caught.value.out_order_id == "lost"
    assert claims.held(claim_key(client, "lost"))  # left to expire, not released

    started = anyio.current_time()
    order = await client.orders.open_card_once(
        out_order_id="lost", bin_id=BIN_ID, amount="10", claims=claims, claim_ttl=0.2
    )
    assert anyio.current_time() - started >= 0.1  # it waited for the claim to expire
    assert order.out_order_id == "lost"
    assert sandbox.stats.requests[OPEN_CARD] == 1
    assert orders_for(sandbox, "lost") == 1


async def test_a_definite_error_releases_the_claim(sandbox: Sandbox, client: AsyncLemft) -> None:
    claims = MemoryClaimStore()
    with pytest.raises(ParamError):
        await client.orders.open_card_once(
            out_order_id="too-big", bin_id=BIN_ID, amount="9999999", claims=claims
        )
    assert not claims.held(claim_key(client, "too-big"))
    assert orders_for(sandbox, "too-big") == 0


async def test_a_failed_reconciliation_sends_nothing_and_releases_the_claim(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    claims = MemoryClaimStore()
    sandbox.inject("error", operation="orders.list", count=5)
    with pytest.raises(OutcomeUnknownError, match="nothing was sent") as caught:
        await client.orders.open_card_once(
            out_order_id="dark", bin_id=BIN_ID, amount="10", claims=claims, max_retries=0
        )
    assert caught.value.cause is not None
    assert sandbox.stats.requests.get(OPEN_CARD, 0) == 0
    assert not claims.held(claim_key(client, "dark"))


async def test_a_claim_held_by_another_worker_past_its_ttl_raises_claim_held(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    claims = MemoryClaimStore()
    await claims.claim(claim_key(client, "busy"), 60)  # another worker, still at it
    with pytest.raises(ClaimHeldError, match="nothing was sent") as caught:
        await client.orders.open_card_once(
            out_order_id="busy", bin_id=BIN_ID, amount="10", claims=claims, claim_ttl=0.05
        )
    assert caught.value.key == claim_key(client, "busy")
    assert sum(sandbox.stats.requests.values()) == 0


async def test_the_claim_is_renewed_while_a_slow_call_runs(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    claims = MemoryClaimStore()
    sandbox.faults.config.latency = 0.25
    key = claim_key(client, "slow")
    held_midway: list[bool] = []

    async def look() -> None:
        await anyio.sleep(0.2)  # past the 0.09 s ttl: only renewal keeps it
        held_midway.append(claims.held(key))

    async with anyio.create_task_group() as tg:
        tg.start_soon(look)
        await client.orders.open_card_once(
            out_order_id="slow", bin_id=BIN_ID, amount="10", claims=claims, claim_ttl=0.09
        )
    assert held_midway == [True]
    assert not claims.held(key)


async def test_bad_arguments_are_refused_before_any_request(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    orders: Any = client.orders
    with pytest.raises(TypeError, match="out_order_id"):
        await orders.open_card_once(out_order_id=None, bin_id=BIN_ID, amount="10")
    with pytest.raises(TypeError, match="float"):
        await orders.open_card_once(out_order_id="a", bin_id=BIN_ID, amount=1.5)
    with pytest.raises(ValueError, match="out_order_id"):
        await orders.open_card_once(out_order_id="x" * 65, bin_id=BIN_ID, amount="1")
    with pytest.raises(TypeError, match="ClaimStore"):
        await orders.open_card_once(out_order_id="a", bin_id=BIN_ID, amount="1", claims=1)
    with pytest.raises(ValueError, match="claim_ttl"):
        await orders.open_card_once(out_order_id="a", bin_id=BIN_ID, amount="1", claim_ttl=0)
    with pytest.raises(TypeError):
        await orders.open_card_once(out_order_id="a", bin_id=BIN_ID, amount="1", colour=1)
    assert sum(sandbox.stats.requests.values()) == 0
