"""Retries: queries retry what is safe; money-moving calls are never re-sent blindly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from lemft_async import APIConnectionError, APIStatusError, APITimeoutError, OutcomeUnknownError
from lemft_async.payin import AsyncPayin, PayinOutcomeUnknownError

from .conftest import NOTIFY_URL, FakeGateway, json_response, signed

QUERIED = signed(
    {"retCode": "SUCCESS", "status": 2, "amount": 10000, "mchOrderNo": "Q1", "payOrderId": "P1"}
)
CREATED = signed({"retCode": "SUCCESS", "payOrderId": "Le1"})
APPLIED = signed({"retCode": "SUCCESS", "agentpayOrderId": "A1", "status": 1})


def _read_timeout() -> httpx.ReadTimeout:
    return httpx.ReadTimeout("read timed out")


def _connect_error() -> httpx.ConnectError:
    return httpx.ConnectError("connection refused")


def _status(code: int) -> httpx.Response:
    return httpx.Response(code, text="<html>bad gateway</html>")


# Failures after which a query is retried (and then succeeds).
_RETRIED_FOR_READS: list[Callable[[], httpx.Response | BaseException]] = [
    lambda: _status(502),
    lambda: _status(503),
    lambda: _status(429),
    _read_timeout,
    _connect_error,
    lambda: httpx.RemoteProtocolError("peer closed"),
    lambda: httpx.Response(200, text="not json"),
]


@pytest.mark.parametrize("failure", _RETRIED_FOR_READS)
async def test_queries_retry_then_succeed(
    payin: AsyncPayin,
    gateway: FakeGateway,
    no_sleep: list[float],
    failure: Callable[[], httpx.Response | BaseException],
) -> None:
    gateway.replies += [failure(), json_response(QUERIED)]
    order = await payin.query_order(mch_order_no="Q1")
    assert order.is_paid
    assert len(gateway.requests) == 2
    assert len(no_sleep) == 1
    assert gateway.form(0) == gateway.form(1)  # the same signed form, re-sent


async def test_queries_give_up_after_max_retries(
    payin: AsyncPayin, gateway: FakeGateway, no_sleep: list[float]
) -> None:
    gateway.replies += [_status(503), _status(503), _status(503)]
    with pytest.raises(APIStatusError) as info:
        await payin.query_payout(mch_order_no="P1")
    assert info.value.status_code == 503
    assert len(gateway.requests) == 3  # 1 + max_retries=2
    assert len(no_sleep) == 2
    assert all(0 <= d <= 8.0 for d in no_sleep)


async def test_timeout_surfaces_as_api_timeout_error(
    payin: AsyncPayin, gateway: FakeGateway, no_sleep: list[float]
) -> None:
    gateway.replies += [_read_timeout(), _read_timeout(), _read_timeout()]
    with pytest.raises(APITimeoutError):
        await payin.query_order(pay_order_id="Le1")
    assert len(gateway.requests) == 3


async def test_client_errors_are_not_retried(
    payin: AsyncPayin, gateway: FakeGateway, no_sleep: list[float]
) -> None:
    gateway.replies.append(_status(404))
    with pytest.raises(APIStatusError) as info:
        await payin.query_order(pay_order_id="Le1")
    assert info.value.status_code == 404
    assert len(gateway.requests) == 1
    assert no_sleep == []


def _create(payin: AsyncPayin) -> Awaitable[Any]:
    return payin.create_order(mch_order_no="ORDER-1", amount=10000, notify_url=NOTIFY_URL)


def _apply(payin: AsyncPayin) -> Awaitable[Any]:
    return payin.apply_payout(
        mch_order_no="ORDER-1",
        amount=10000,
        account_no="123456",
        extra={"value": "AIRP0000001"},
        notify_url=NOTIFY_URL,
    )


_WRITES = [pytest.param(_create, id="create_order"), pytest.param(_apply, id="apply_payout")]

_UNKNOWN_OUTCOME: list[Callable[[], httpx.Response | BaseException]] = [
    _read_timeout,
    lambda: _status(502),
    lambda: _status(500),
    lambda: httpx.RemoteProtocolError("peer closed"),
    lambda: httpx.Response(200, text="<html>proxy</html>"),
]


@pytest.mark.parametrize("write", _WRITES)
@pytest.mark.parametrize("failure", _UNKNOWN_OUTCOME)
async def test_writes_with_unknown_outcome_are_not_resent(
    payin: AsyncPayin,
    gateway: FakeGateway,
    no_sleep: list[float],
    write: Callable[[AsyncPayin], Awaitable[Any]],
    failure: Callable[[], httpx.Response | BaseException],
) -> None:
    gateway.replies.append(failure())
    with pytest.raises(PayinOutcomeUnknownError) as info:
        await write(payin)
    err = info.value
    assert isinstance(err, OutcomeUnknownError)
    assert err.mch_order_no == "ORDER-1"
    assert err.out_order_id == "ORDER-1"
    assert "ORDER-1" in str(err)
    assert len(gateway.requests) == 1
    assert no_sleep == []


@pytest.mark.parametrize(
    ("write", "answer"),
    [pytest.param(_create, CREATED, id="create"), pytest.param(_apply, APPLIED, id="apply")],
)
async def test_writes_retry_when_the_connection_never_opened(
    payin: AsyncPayin,
    gateway: FakeGateway,
    no_sleep: list[float],
    write: Callable[[AsyncPayin], Awaitable[Any]],
    answer: dict[str, Any],
) -> None:
    gateway.replies += [_connect_error(), httpx.ConnectTimeout("connect"), json_response(answer)]
    result = await write(payin)
    assert result.mch_order_no == "ORDER-1"
    assert len(gateway.requests) == 3
    assert len(no_sleep) == 2


async def test_writes_give_up_on_connect_errors_as_connection_error(
    payin: AsyncPayin, gateway: FakeGateway, no_sleep: list[float]
) -> None:
    gateway.replies += [_connect_error(), _connect_error(), _connect_error()]
    with pytest.raises(APIConnectionError) as info:
        await _create(payin)
    assert not isinstance(info.value, OutcomeUnknownError)  # nothing reached the gateway
    assert len(gateway.requests) == 3


async def test_retry_after_header_is_honoured(
    payin: AsyncPayin, gateway: FakeGateway, no_sleep: list[float]
) -> None:
    gateway.replies += [
        httpx.Response(429, text="slow down", headers={"retry-after": "2"}),
        json_response(QUERIED),
    ]
    await payin.query_order(mch_order_no="Q1")
    assert no_sleep == [2.0]
