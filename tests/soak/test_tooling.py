"""The soak's own instruments: the wire log's checks and the size setting."""

from __future__ import annotations

import httpx
import pytest

from lemft_async.sandbox import Sandbox

from ._wire import BUSY, WireLog
from .conftest import DEFAULT_CALLS, soak_size

WRITE = "/write"
READ = "/read"


def log_of(*attempts: tuple[str, str, int | None]) -> WireLog:
    log = WireLog()
    for path, traceid, code in attempts:
        log.arrived(path, traceid).code = code
    return log


def test_busy_retries_then_one_send_is_clean() -> None:
    log = log_of((WRITE, "t1", BUSY), (WRITE, "t1", BUSY), (WRITE, "t1", 0))
    assert log.resend_problems({WRITE}) == []


def test_a_second_send_after_one_that_may_have_acted_is_flagged() -> None:
    log = log_of((WRITE, "t1", None), (WRITE, "t1", 0))
    assert log.resend_problems({WRITE}) == ["t1: 2 attempts past admission"]


def test_any_send_after_an_attempt_that_may_have_acted_is_flagged() -> None:
    log = log_of((WRITE, "t1", 10005), (WRITE, "t1", BUSY))
    assert log.resend_problems({WRITE}) == ["t1: re-sent after an attempt that may have acted"]


def test_reads_may_be_re_sent() -> None:
    log = log_of((READ, "t1", 10005), (READ, "t1", None), (READ, "t1", 0))
    assert log.resend_problems({WRITE}) == []


def test_unknown_outcome_sends() -> None:
    log = log_of(
        (WRITE, "sent-once", BUSY),
        (WRITE, "sent-once", None),
        (WRITE, "lost-busy", BUSY),
        (WRITE, "twice", 10005),
        (WRITE, "twice", None),
        (WRITE, "not-last", 0),
        (WRITE, "not-last", BUSY),
    )
    assert log.unknown_outcome_sends("sent-once") == (1, True)
    assert log.unknown_outcome_sends("lost-busy") == (0, True)
    assert log.unknown_outcome_sends("twice") == (2, True)
    assert log.unknown_outcome_sends("not-last") == (1, False)
    assert log.unknown_outcome_sends("never-arrived") == (0, False)


async def test_the_recorder_sees_traceid_out_order_id_and_code() -> None:
    async with Sandbox() as sandbox:
        log = WireLog().install(sandbox)
        client = sandbox.client()
        order = await client.orders.open_card(
            bin_id="cpi_6530de6a2f1c7", amount="1.00", out_order_id="tooling-1"
        )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=sandbox.app), base_url="http://sandbox.test"
        ) as raw:
            await raw.post("/v1/openApi/wallet/walletList", content=b"not json")
    assert order.out_order_id == "tooling-1"
    (trace, attempts), (_, unsigned) = log.by_traceid.items()
    assert [(a.path, a.out_order_id, a.code) for a in attempts] == [
        ("/v1/openApi/card/order/openCard", "tooling-1", 0)
    ]
    assert len(trace) == 32
    assert [(a.traceid, a.code) for a in unsigned] == [("", 10001)]


def test_soak_size() -> None:
    assert soak_size(None) == DEFAULT_CALLS
    assert soak_size("  ") == DEFAULT_CALLS
    assert soak_size("10000") == 10000
    for bad in ("0", "-5", "ten", "1e4"):
        with pytest.raises(pytest.UsageError, match="LEMFT_SOAK_CALLS"):
            soak_size(bad)
