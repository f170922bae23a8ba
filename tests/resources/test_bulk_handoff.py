"""Bulk at the floor: once answer i has arrived, request i+1 goes on the wire before the
after-work of answer i (decoding, the outcome, progress) runs."""

from __future__ import annotations

from collections.abc import MutableMapping
from decimal import Decimal
from typing import Any

import anyio
import httpx

from lemft_async import AsyncLemft, BulkProgress, LocalGate
from lemft_async._gate import GateKey
from lemft_async.resources._handoff import HANDOFF_YIELDS, HandOffGate, hand_off
from lemft_async.sandbox import Sandbox

BIN = "cpi_6530de6a2f1c7"
OPEN_CARD = "/v1/openApi/card/order/openCard"


async def run_logged(sandbox: Sandbox, n: int) -> list[tuple[str, int]]:
    """Issue ``n`` cards; the log of server arrivals and finished outcomes, in order."""
    log: list[tuple[str, int]] = []
    inner = sandbox.app

    async def app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == OPEN_CARD:
            log.append(("arrived", sum(1 for event, _ in log if event == "arrived")))
        await inner(scope, receive, send)

    creds = sandbox.credentials
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
        client = AsyncLemft(
            customer_id=creds.customer_id,
            app_id=creds.app_id,
            key=creds.key,
            api_key=creds.api_key,
            base_url="http://localhost",
            http_client=http,
        )

        def progress(p: BulkProgress) -> None:
            log.append(("done", p.last.index))

        outcomes = await client.orders.open_cards(
            [{"bin_id": BIN, "amount": Decimal("10")} for _ in range(n)], on_progress=progress
        )
    assert all(o.ok for o in outcomes)
    return log


async def test_the_next_request_arrives_before_the_previous_outcome_is_done() -> None:
    async with Sandbox(latency=0.002) as sandbox:
        log = await run_logged(sandbox, 6)
    for i in range(5):
        assert log.index(("arrived", i + 1)) < log.index(("done", i)), log
    assert sum(sandbox.stats.rejections.values()) == 0
    assert sandbox.stats.max_in_flight[OPEN_CARD] == 1


async def test_without_the_hand_off_the_outcome_would_come_first() -> None:
    # The same run with the hand-off's yields taken out: the log order flips, so the
    # test above can fail.
    import lemft_async.resources._handoff as handoff

    saved = handoff.HANDOFF_YIELDS
    handoff.HANDOFF_YIELDS = 0
    try:
        async with Sandbox(latency=0.002) as sandbox:
            log = await run_logged(sandbox, 4)
    finally:
        handoff.HANDOFF_YIELDS = saved
    assert log.index(("done", 0)) < log.index(("arrived", 1)), log


async def test_the_hand_off_gate_still_excludes_and_wraps_once() -> None:
    inner = LocalGate()
    gate = hand_off(inner)
    assert isinstance(gate, HandOffGate)
    assert gate.inner is inner
    assert hand_off(gate) is gate
    assert "LocalGate" in repr(gate)
    key = GateKey("http://x", 1, 2, "/p")
    inside: list[int] = []
    most = 0

    async def hold(n: int) -> None:
        nonlocal most
        async with gate.hold(key):
            inside.append(n)
            most = max(most, len(inside))
            await anyio.sleep(0.001)
            inside.remove(n)

    async with anyio.create_task_group() as tg:
        for n in range(5):
            tg.start_soon(hold, n)
    assert most == 1
    assert HANDOFF_YIELDS >= 1


async def test_a_cancel_during_the_hand_off_does_not_lose_the_release() -> None:
    gate = hand_off(LocalGate())
    key = GateKey("http://x", 1, 2, "/q")
    with anyio.CancelScope() as scope:
        async with gate.hold(key):
            scope.cancel()  # pending while the hand-off yields (shielded)
        exited = True  # the exit completed: the shielded yields did not raise
    assert exited
    assert not scope.cancelled_caught
    with anyio.fail_after(1):
        async with gate.hold(key):  # released: can be held again
            pass


async def test_a_closed_client_still_refuses_bulk_calls_per_outcome() -> None:
    # open_cards sends through a copy of the client (with the hand-off gate): the copy must
    # not make a closed client usable again.
    async with Sandbox() as sandbox:
        client = sandbox.client()
        await client.aclose()
        outcomes = await client.orders.open_cards([{"bin_id": BIN, "amount": Decimal("10")}])
    (outcome,) = outcomes
    assert isinstance(outcome.error, RuntimeError)
    assert "closed" in str(outcome.error)
    assert sandbox.stats.requests[OPEN_CARD] == 0
