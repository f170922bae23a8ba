"""Per-endpoint gate: one request per URL in flight, FIFO, shared by equal credentials."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from lemft_async import AsyncLemft, GateKey, LocalGate, NullGate, TooManyRequestsError
from lemft_async.types import OrderDetail
from tests.answers import ORDER_DETAIL
from tests.conftest import BASE_URL, run_all
from tests.unit.conftest import (
    GET_ORDER,
    WALLET_LIST,
    OverlapServer,
    envelope,
    make_client,
    wait_until,
)

CALLS = 50


async def _retrieve_many(client: AsyncLemft, n: int) -> list[Any]:
    return await run_all(
        [lambda i=i: client.orders.retrieve(f"ord_{i}") for i in range(n)]  # type: ignore[misc]
    )


async def test_concurrent_calls_never_overlap_with_the_gate(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    server = OverlapServer()
    api.post(GET_ORDER).mock(side_effect=server)

    results = await _retrieve_many(client, CALLS)

    assert all(isinstance(r, OrderDetail) for r in results), results
    assert server.overlaps == 0
    assert server.max_in_flight == 1
    assert server.requests == CALLS  # not one 10004, so not one retry
    assert no_sleep == []


async def test_without_the_gate_the_same_calls_overlap(
    api: Any, yielding_sleep: list[float]
) -> None:
    # Proves the test above can fail: the mock does see overlaps when nothing serializes.
    # (Some calls may still end in 10004 after the default 5 retries; only overlaps matter.)
    server = OverlapServer()
    api.post(GET_ORDER).mock(side_effect=server)
    async with make_client(gate=NullGate()) as client:
        results = await _retrieve_many(client, CALLS)

    assert server.overlaps > 0
    assert server.max_in_flight > 1
    assert server.requests > CALLS
    assert yielding_sleep  # the 10004 answers were retried
    assert all(isinstance(r, OrderDetail | TooManyRequestsError) for r in results), results


async def test_different_paths_run_concurrently(client: AsyncLemft, api: Any) -> None:
    # The gate is per path: a held getOrder slot must not block walletList.
    api.post(WALLET_LIST).mock(return_value=envelope({"wallet_list": []}))
    key = client._transport.gate_key(GET_ORDER)
    with anyio.fail_after(5):  # a deadlock guard, not a timing assertion
        async with client.gate.hold(key):
            page = await client.wallets.list()
    assert page.items == []


async def test_two_clients_with_same_credentials_share_the_gate(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    server = OverlapServer()
    api.post(GET_ORDER).mock(side_effect=server)
    async with make_client() as other:
        results = await run_all(
            [
                lambda i=i: (client if i % 2 else other).orders.retrieve(f"ord_{i}")  # type: ignore[misc]
                for i in range(CALLS)
            ]
        )

    assert all(isinstance(r, OrderDetail) for r in results), results
    assert server.overlaps == 0
    assert server.requests == CALLS


async def test_same_credentials_wait_for_each_other(client: AsyncLemft, api: Any) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    async with make_client() as other:
        gate = other.gate
        assert isinstance(gate, LocalGate)
        assert gate is client.gate
        key = other._transport.gate_key(GET_ORDER)
        assert key == client._transport.gate_key(GET_ORDER)
        async with anyio.create_task_group() as tg, gate.hold(key):
            tg.start_soon(client.orders.retrieve, "ord_1")
            await wait_until(lambda: gate.waiting(key) == 1)
            assert not route.called
        assert route.call_count == 1


async def test_different_app_ids_do_not_share_a_gate(client: AsyncLemft, api: Any) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    async with make_client(app_id=100007) as other:
        key = client._transport.gate_key(GET_ORDER)
        assert other._transport.gate_key(GET_ORDER) != key
        with anyio.fail_after(5):  # a deadlock guard, not a timing assertion
            async with client.gate.hold(key):
                await other.orders.retrieve("ord_1")
    assert route.call_count == 1


async def test_different_hosts_do_not_share_a_gate(client: AsyncLemft) -> None:
    async with make_client(environment=None, base_url="http://127.0.0.1:8000") as other:
        assert other._transport.gate_key(GET_ORDER) != client._transport.gate_key(GET_ORDER)


async def test_local_gate_is_fifo() -> None:
    gate = LocalGate()
    key = GateKey(BASE_URL, 1, 1, "/v1/openApi/x")
    release = anyio.Event()
    order: list[int] = []

    async def holder(*, task_status: anyio.abc.TaskStatus[None]) -> None:
        async with gate.hold(key):
            task_status.started()
            await release.wait()

    async def waiter(i: int) -> None:
        async with gate.hold(key):
            order.append(i)
            await anyio.lowlevel.checkpoint()  # give later tasks a chance to barge in

    async with anyio.create_task_group() as tg:
        await tg.start(holder)
        for i in range(20):
            tg.start_soon(waiter, i)
            await wait_until(lambda i=i: gate.waiting(key) == i + 1)  # type: ignore[misc]
        release.set()

    assert order == list(range(20))
    assert gate.waiting(key) == 0


async def test_cancelled_waiter_does_not_break_the_queue() -> None:
    gate = LocalGate()
    key = GateKey(BASE_URL, 1, 1, "/v1/openApi/y")
    release = anyio.Event()
    order: list[int] = []
    scopes: dict[int, anyio.CancelScope] = {}

    async def holder(*, task_status: anyio.abc.TaskStatus[None]) -> None:
        async with gate.hold(key):
            task_status.started()
            await release.wait()

    async def waiter(i: int) -> None:
        with anyio.CancelScope() as scope:
            scopes[i] = scope
            async with gate.hold(key):
                order.append(i)

    async with anyio.create_task_group() as tg:
        await tg.start(holder)
        for i in range(3):
            tg.start_soon(waiter, i)
            await wait_until(lambda i=i: gate.waiting(key) == i + 1)  # type: ignore[misc]
        scopes[1].cancel()
        await wait_until(lambda: gate.waiting(key) == 2)
        release.set()

    assert order == [0, 2]
    assert scopes[1].cancelled_caught
    with anyio.fail_after(5):  # the lock is free again
        async with gate.hold(key):
            pass


async def test_cancelled_call_does_not_block_the_next(client: AsyncLemft, api: Any) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    key = client._transport.gate_key(GET_ORDER)
    gate = client.gate
    assert isinstance(gate, LocalGate)
    done: list[str] = []

    async def call(order_id: str, scope: anyio.CancelScope) -> None:
        with scope:
            await client.orders.retrieve(order_id)
            done.append(order_id)

    first, second = anyio.CancelScope(), anyio.CancelScope()
    async with anyio.create_task_group() as tg, gate.hold(key):
        tg.start_soon(call, "ord_first", first)
        await wait_until(lambda: gate.waiting(key) == 1)
        tg.start_soon(call, "ord_second", second)
        await wait_until(lambda: gate.waiting(key) == 2)
        first.cancel()
        await wait_until(lambda: gate.waiting(key) == 1)

    assert done == ["ord_second"]
    assert route.call_count == 1


async def test_timestamp_is_taken_after_waiting_at_the_gate(
    client: AsyncLemft, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A call may queue for long; a timestamp taken before the wait would be stale (10003).
    now = [1_700_000_000.0]
    client._transport.clock.source = lambda: now[0]
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    key = client._transport.gate_key(GET_ORDER)
    gate = client.gate
    assert isinstance(gate, LocalGate)

    async with anyio.create_task_group() as tg, gate.hold(key):
        tg.start_soon(client.orders.retrieve, "ord_1")
        await wait_until(lambda: gate.waiting(key) == 1)
        now[0] += 600

    assert route.calls.last.request.headers["timestamp"] == "1700000600"


def test_gate_must_have_hold() -> None:
    with pytest.raises(TypeError, match="hold"):
        make_client(gate=object())


def test_gate_reprs() -> None:
    assert repr(LocalGate()) == "LocalGate()"
    assert repr(NullGate()) == "NullGate()"
    assert str(GateKey(BASE_URL, 1, 2, "/p")) == f"1:2:{BASE_URL}/p"
