"""Fault injection: each knob is observed and counted; with the SDK, reads recover and
writes raise OutcomeUnknownError and are never executed twice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest

from lemft_async import APIConnectionError, OutcomeUnknownError, ServerError
from lemft_async.sandbox import Sandbox

from .conftest import OPEN_CARD, USD_VIRTUAL, WALLET_LIST, RawCaller

pytestmark = pytest.mark.usefixtures("no_sleep")


async def _open(sandbox: Sandbox, out_order_id: str, **options: Any) -> Any:
    client = sandbox.client(**options)
    return await client.orders.open_card(
        bin_id=USD_VIRTUAL, amount=Decimal("10"), out_order_id=out_order_id
    )


@pytest.mark.parametrize("applied", [True, False])
async def test_10005_on_a_write_is_an_unknown_outcome(applied: bool) -> None:
    async with Sandbox() as sandbox:
        sandbox.inject("error", operation="orders.open_card", applied=applied)
        with pytest.raises(OutcomeUnknownError) as info:
            await _open(sandbox, "e-1")
        assert info.value.out_order_id == "e-1"
        assert isinstance(info.value.cause, ServerError)
        assert sandbox.stats.requests[OPEN_CARD] == 1  # never re-sent
        assert sandbox.stats.faults["error"] == 1
        assert sandbox.stats.faults["error_applied"] == int(applied)
        assert sandbox.state.executions("e-1") == int(applied)
        found = await sandbox.client().orders.list(out_order_id="e-1")
        assert found.total == int(applied)
        sandbox.state.check_conservation()


async def test_10005_on_a_read_is_retried() -> None:
    async with Sandbox() as sandbox:
        sandbox.inject("error", operation="wallets.list", count=2)
        page = await sandbox.client().wallets.list()
        assert page.total == 2
        assert sandbox.stats.requests[WALLET_LIST] == 3
        assert sandbox.stats.codes[10005] == 2


async def test_drop_after_processing_on_a_write() -> None:
    async with Sandbox() as sandbox:
        sandbox.inject("drop", operation="orders.open_card")
        with pytest.raises(OutcomeUnknownError, match=r"RemoteProtocolError"):
            await _open(sandbox, "d-1")
        assert sandbox.stats.faults["drop"] == 1
        assert sandbox.stats.requests[OPEN_CARD] == 1
        assert sandbox.state.executions("d-1") == 1  # processed, answer lost


async def test_drop_on_a_read_is_retried() -> None:
    async with Sandbox() as sandbox:
        sandbox.inject("drop", operation="wallets.list")
        assert (await sandbox.client().wallets.list()).total == 2
        assert sandbox.stats.requests[WALLET_LIST] == 2


async def test_connect_fail_never_reaches_the_app_so_even_writes_are_retried() -> None:
    async with Sandbox() as sandbox:
        sandbox.inject("connect_fail", operation="orders.open_card")
        order = await _open(sandbox, "c-1")
        assert order.out_order_id == "c-1"
        assert sandbox.stats.faults["connect_fail"] == 1
        assert sandbox.stats.requests[OPEN_CARD] == 1  # the app saw only the retry
        assert sandbox.state.executions("c-1") == 1


async def test_connect_fail_exhausts_retries_into_a_connection_error() -> None:
    async with Sandbox(connect_fail_rate=1.0) as sandbox:
        with pytest.raises(APIConnectionError, match=r"ConnectError"):
            await sandbox.client(max_retries=2).wallets.list()
        assert sandbox.stats.faults["connect_fail"] == 3
        assert sum(sandbox.stats.requests.values()) == 0


async def test_slow_answer_times_out_after_the_commit() -> None:
    async with Sandbox(slow_seconds=5.0) as sandbox:
        sandbox.inject("slow", operation="orders.open_card")
        with pytest.raises(OutcomeUnknownError, match=r"timed out"):
            await _open(sandbox, "s-1", timeout=0.05)
        assert sandbox.stats.faults["slow"] == 1
        assert sandbox.stats.faults["timeout"] == 1
        assert sandbox.state.executions("s-1") == 1
        # The timed-out request left the path free.
        assert (await sandbox.client().orders.list(out_order_id="s-1")).total == 1


async def test_slow_answer_within_the_timeout_just_arrives() -> None:
    async with Sandbox(slow_rate=1.0, slow_seconds=0.01) as sandbox:
        assert (await sandbox.client().wallets.list()).total == 2
        assert sandbox.stats.faults["slow"] == 1


async def test_malformed_body_on_a_write_and_a_read() -> None:
    async with Sandbox() as sandbox:
        sandbox.inject("malformed", operation="orders.open_card")
        sandbox.inject("malformed", operation="wallets.list")
        with pytest.raises(OutcomeUnknownError, match=r"APIResponseValidationError"):
            await _open(sandbox, "m-1")
        assert sandbox.state.executions("m-1") == 1
        assert (await sandbox.client().wallets.list()).total == 2
        assert sandbox.stats.faults["malformed"] == 2
        assert sandbox.stats.requests[WALLET_LIST] == 2


async def test_malformed_body_is_http_200_with_truncated_json(
    raw: RawCaller, sandbox: Sandbox
) -> None:
    sandbox.inject("malformed")
    response = await raw.post(WALLET_LIST, raw.body({"page_no": 1, "page_size": 1}))
    assert response.status_code == 200
    with pytest.raises(ValueError, match=r"Expecting|Unterminated"):
        response.json()


async def test_latency_holds_requests_and_the_sdk_gate_keeps_one_in_flight() -> None:
    async with Sandbox(latency=0.005) as sandbox:
        client = sandbox.client()

        async def read() -> None:
            await client.wallets.list()

        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(read)
        assert sandbox.stats.requests[WALLET_LIST] == 10
        assert sandbox.stats.rejections[WALLET_LIST] == 0
        assert sandbox.stats.max_in_flight[WALLET_LIST] == 1


async def test_fault_operations_limit_where_random_faults_strike() -> None:
    async with Sandbox(error_rate=1.0, fault_operations=["orders.open_card"]) as sandbox:
        assert (await sandbox.client().wallets.list()).total == 2
        with pytest.raises(OutcomeUnknownError):
            await _open(sandbox, "f-1")
        assert sandbox.stats.faults["error"] == 1


async def test_random_faults_are_reproducible_with_a_seed() -> None:
    async def run(seed: int) -> dict[str, Any]:
        async with Sandbox(seed=seed, error_rate=0.2, drop_rate=0.1, malformed_rate=0.1) as sb:
            client = sb.client(max_retries=10)
            for _ in range(20):
                await client.wallets.list()
            return sb.stats.as_dict()

    first, again, other = await run(11), await run(11), await run(12)
    assert first == again
    assert first["faults"] != other["faults"] or first["requests"] != other["requests"]
    assert sum(first["faults"].values()) > 0


async def test_writes_under_every_fault_are_never_executed_twice() -> None:
    async with Sandbox(
        seed=7,
        error_rate=0.15,
        drop_rate=0.1,
        malformed_rate=0.1,
        connect_fail_rate=0.1,
        slow_rate=0.05,
        slow_seconds=0.0,
    ) as sandbox:
        client = sandbox.client()
        unknown: list[str] = []
        reported: list[str | None] = []
        for index in range(120):
            out_order_id = f"soak-{index}"
            try:
                await client.orders.open_card(
                    bin_id=USD_VIRTUAL, amount=Decimal("1"), out_order_id=out_order_id
                )
            except OutcomeUnknownError as exc:
                reported.append(exc.out_order_id)
                unknown.append(out_order_id)
            else:
                assert sandbox.state.executions(out_order_id) == 1
        assert unknown
        assert reported == unknown  # each error names its own out_order_id
        for index in range(120):
            assert sandbox.state.executions(f"soak-{index}") <= 1
        sandbox.faults.config.error_rate = sandbox.faults.config.drop_rate = 0
        sandbox.faults.config.malformed_rate = sandbox.faults.config.connect_fail_rate = 0
        for out_order_id in unknown:
            found = await client.orders.list(out_order_id=out_order_id)
            assert found.total == sandbox.state.executions(out_order_id)
        sandbox.state.check_conservation()


def test_knobs_are_validated() -> None:
    with pytest.raises(ValueError, match=r"error_rate must be a number between 0 and 1"):
        Sandbox(error_rate=2)
    with pytest.raises(ValueError, match=r"latency must be a number of seconds"):
        Sandbox(latency=-1)
    with pytest.raises(ValueError, match=r"unknown operation 'cards.explode'"):
        Sandbox(fault_operations=["cards.explode"])
    sandbox = Sandbox()
    with pytest.raises(ValueError, match=r"fault kind must be one of"):
        sandbox.inject("meteor")
    with pytest.raises(ValueError, match=r"unknown operation"):
        sandbox.inject("drop", operation="nope.nope")


async def test_sdk_resyncs_its_clock_from_the_date_header_after_a_10003() -> None:
    async with Sandbox(clock_skew=-900) as sandbox:  # the server clock is 15 min behind
        client = sandbox.client()
        assert (await client.wallets.list()).total == 2
        assert (await client.bins.list()).total == 3  # the learnt offset is kept
        assert sandbox.stats.codes[10003] == 1
        assert sandbox.stats.codes[0] == 2


async def test_no_read_timeout_means_the_transport_waits() -> None:
    async with Sandbox(slow_rate=1.0, slow_seconds=0.01) as sandbox:
        client = sandbox.client(timeout=httpx.Timeout(5.0, read=None))
        assert (await client.wallets.list()).total == 2
        assert sandbox.stats.faults["timeout"] == 0
