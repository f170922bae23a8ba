"""The client and the in-process gate under both anyio backends (asyncio and trio)."""

from __future__ import annotations

import json
from decimal import Decimal

import anyio
import httpx
import pytest

from lemft_async import AsyncLemft, NullGate, OutcomeUnknownError
from tests.conftest import FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY

ORDER = {
    "code": 0,
    "message": "success",
    "data": {
        "order_info": {"order_id": "ord_1", "out_order_id": "out_1", "amount": 20, "fee": 0.4},
        "order_bill_list": [],
    },
}
BUSY = {"code": 10004, "message": "currently too many requests, try again later", "data": None}


def _overlap_server() -> tuple[httpx.MockTransport, dict[str, int]]:
    """A server that answers 10004 whenever two calls overlap, like LEMFT."""
    seen = {"in_flight": 0, "overlaps": 0, "calls": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        seen["calls"] += 1
        if seen["in_flight"]:
            seen["overlaps"] += 1
            return httpx.Response(200, json=BUSY)
        seen["in_flight"] += 1
        try:
            await anyio.sleep(0.002)
        finally:
            seen["in_flight"] -= 1
        return httpx.Response(200, text=json.dumps(ORDER))

    return httpx.MockTransport(handler), seen


def _client(transport: httpx.MockTransport, **options: object) -> AsyncLemft:
    return AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        base_url="http://localhost",
        http_client=httpx.AsyncClient(transport=transport),
        **options,  # type: ignore[arg-type]
    )


async def _concurrent_calls(gated: bool) -> dict[str, int]:
    transport, seen = _overlap_server()
    options: dict[str, object] = {} if gated else {"gate": NullGate(), "max_retries": 0}
    failures = 0
    async with _client(transport, **options) as client:

        async def one() -> None:
            nonlocal failures
            try:
                detail = await client.orders.retrieve("ord_1")
                assert detail.order_info.fee == Decimal("0.4")
            except Exception:
                failures += 1

        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(one)
    return {**seen, "failures": failures}


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_gate_serializes_under_each_backend(backend: str) -> None:
    seen = anyio.run(_concurrent_calls, True, backend=backend)
    assert seen["calls"] == 20
    assert seen["overlaps"] == 0
    assert seen["failures"] == 0


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_without_gate_the_server_sees_overlaps(backend: str) -> None:
    # Proves the test above can fail: same server, no gate, no retries.
    seen = anyio.run(_concurrent_calls, False, backend=backend)
    assert seen["overlaps"] > 0
    assert seen["failures"] == seen["overlaps"]


async def _write_times_out() -> tuple[int, OutcomeUnknownError | None]:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("timed out", request=request)

    async with _client(httpx.MockTransport(handler)) as client:
        try:
            await client.orders.open_card(bin_id="cpi_1", amount=Decimal("10"), out_order_id="o-7")
        except OutcomeUnknownError as exc:
            return calls, exc
    return calls, None


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_write_with_unknown_outcome_is_not_resent(backend: str) -> None:
    calls, error = anyio.run(_write_times_out, backend=backend)
    assert calls == 1
    assert error is not None
    assert error.out_order_id == "o-7"
