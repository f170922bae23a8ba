"""The retry table (lemft_async/_retry.py): what is re-sent, how often, and how long apart."""

from __future__ import annotations

import email.utils
import os
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from lemft_async import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncLemft,
    LemftError,
    OutcomeUnknownError,
    ParamError,
    RetryPolicy,
    ServerError,
    SignatureError,
    TimestampError,
    TooManyRequestsError,
)
from tests.answers import OPENED_ORDER, ORDER_DETAIL
from tests.unit.conftest import (
    GET_ORDER,
    HTML_502,
    OPEN_CARD,
    WALLET_LIST,
    envelope,
    make_client,
    raises_clean,
    raw,
)

WALLETS_PAGE = {"total": 1, "page_no": 1, "page_size": 10, "wallet_list": [{"wallet_id": 1}]}
JSON = "application/json"
WRITE_BODY = {"out_order_id": "o-1", "bin_id": "cpi_1", "amount": Decimal("10.00")}

Failure = Callable[[], "httpx.Response | Exception"]

# Each kind that is re-sent for reads only, with the error a read gets once retries run out.
UNKNOWN_OUTCOME: list[tuple[str, Failure, type[Exception]]] = [
    ("10005", lambda: envelope(code=10005, message="system error"), ServerError),
    (
        "http500-envelope",
        lambda: envelope(code=10005, message="system error", status=500),
        ServerError,
    ),
    (
        "http503-json-not-envelope",
        lambda: raw(503, b'{"detail":"unavailable"}', "application/json"),
        APIStatusError,
    ),
    ("http502-html", lambda: raw(502, HTML_502), APIStatusError),
    ("read-timeout", lambda: httpx.ReadTimeout("read timed out"), APITimeoutError),
    ("dropped", lambda: httpx.RemoteProtocolError("peer closed"), APIConnectionError),
    ("200-not-json", lambda: raw(200, b"<html>ok</html>"), APIResponseValidationError),
    ("200-truncated", lambda: raw(200, b'{"code":0,"da', JSON), APIResponseValidationError),
    ("200-no-code", lambda: raw(200, b'{"data":{}}', JSON), APIResponseValidationError),
]
UNKNOWN_IDS = [case[0] for case in UNKNOWN_OUTCOME]

READ_AND_WRITE = pytest.mark.parametrize(
    ("path", "body"),
    [(GET_ORDER, {"order_id": "o"}), (OPEN_CARD, WRITE_BODY)],
    ids=["read", "write"],
)


def _always(failure: Failure) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect answering every request with a fresh ``failure()``."""

    def respond(request: httpx.Request) -> httpx.Response:
        outcome = failure()
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return respond


def _assert_backoff(delays: list[float]) -> None:
    policy = RetryPolicy()
    for i, delay in enumerate(delays):
        assert 0.0 <= delay <= policy.ceiling(i), (i, delay)


async def _read(client: AsyncLemft) -> Any:
    return await client.orders.retrieve("ord_1")


async def _list(client: AsyncLemft) -> Any:
    return await client.wallets.list()


READS: list[tuple[str, str, Callable[[AsyncLemft], Awaitable[Any]]]] = [
    ("orders.retrieve", GET_ORDER, _read),
    ("wallets.list", WALLET_LIST, _list),
]


# -- reads: retried, bounded, backed off ---------------------------------------------------


@pytest.mark.parametrize(("name", "failure", "final"), UNKNOWN_OUTCOME, ids=UNKNOWN_IDS)
@pytest.mark.parametrize(("op", "path", "call"), READS, ids=[r[0] for r in READS])
async def test_read_is_retried_then_succeeds(
    client: AsyncLemft,
    api: Any,
    no_sleep: list[float],
    name: str,
    failure: Failure,
    final: type[Exception],
    op: str,
    path: str,
    call: Callable[[AsyncLemft], Awaitable[Any]],
) -> None:
    # One answer that fits both reads: a wallet page and an order detail.
    answer = envelope({**WALLETS_PAGE, **ORDER_DETAIL})
    route = api.post(path).mock(side_effect=[failure(), failure(), answer])

    await call(client)

    assert route.call_count == 3
    assert len(no_sleep) == 2
    _assert_backoff(no_sleep)


@pytest.mark.parametrize(("name", "failure", "final"), UNKNOWN_OUTCOME, ids=UNKNOWN_IDS)
async def test_read_gives_up_after_max_retries(
    client: AsyncLemft, api: Any, no_sleep: list[float], name: str, failure: Failure, final: type
) -> None:
    route = api.post(GET_ORDER).mock(side_effect=_always(failure))

    with raises_clean(final) as info:
        await client.with_options(max_retries=3).orders.retrieve("ord_1")

    assert not isinstance(info.value, OutcomeUnknownError)
    assert route.call_count == 4
    assert len(no_sleep) == 3
    _assert_backoff(no_sleep)
    assert info.value.traceid == route.calls.last.request.headers["traceid"]


# -- writes: unknown outcome is never re-sent ----------------------------------------------


@pytest.mark.parametrize(("name", "failure", "final"), UNKNOWN_OUTCOME, ids=UNKNOWN_IDS)
async def test_write_with_unknown_outcome_is_sent_once(
    client: AsyncLemft, api: Any, no_sleep: list[float], name: str, failure: Failure, final: type
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=_always(failure))

    with raises_clean(OutcomeUnknownError) as info:
        await client.request(OPEN_CARD, WRITE_BODY)

    error = info.value
    assert route.call_count == 1
    assert no_sleep == []
    assert error.out_order_id == "o-1"
    assert error.traceid == route.calls.last.request.headers["traceid"]
    assert error.operation == "orders.open_card"
    assert error.path == OPEN_CARD
    assert isinstance(error.cause, final)
    assert "o-1" in str(error)
    assert error.traceid in str(error)


def _corrupt_gzip(request: httpx.Request) -> httpx.Response:
    # The server answered, but the body cannot be decoded (bad Content-Encoding).
    return httpx.Response(
        200, stream=httpx.ByteStream(b"not gzip at all"), headers={"content-encoding": "gzip"}
    )


async def test_write_with_undecodable_body_is_outcome_unknown(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=_corrupt_gzip)

    with raises_clean(OutcomeUnknownError) as info:
        await client.request(OPEN_CARD, WRITE_BODY)

    assert route.call_count == 1
    assert info.value.out_order_id == "o-1"


async def test_read_with_undecodable_body_is_retried_then_typed(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(side_effect=_corrupt_gzip)

    with raises_clean(LemftError):
        await client.with_options(max_retries=2).orders.retrieve("ord_1")

    assert route.call_count == 3


async def test_write_timeout_without_out_order_id_carries_traceid(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=httpx.ReadTimeout("timed out"))

    with raises_clean(OutcomeUnknownError) as info:
        await client.request(OPEN_CARD, {"bin_id": "cpi_1"})

    assert route.call_count == 1
    assert info.value.out_order_id is None
    assert info.value.traceid == route.calls.last.request.headers["traceid"]
    assert isinstance(info.value.cause, APITimeoutError)


async def test_write_after_10004_then_timeout_is_not_resent_again(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(OPEN_CARD).mock(
        side_effect=[envelope(code=10004), httpx.ReadTimeout("timed out"), envelope(OPENED_ORDER)]
    )

    with raises_clean(OutcomeUnknownError):
        await client.request(OPEN_CARD, WRITE_BODY)

    assert route.call_count == 2


# -- retried for both reads and writes -----------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        lambda: envelope(code=10004, message="too many"),
        lambda: httpx.ConnectError("refused"),
        lambda: httpx.ConnectTimeout("connect timed out"),
        lambda: raw(429, b"slow down", "text/plain"),
    ],
    ids=["10004", "connect-error", "connect-timeout", "http429"],
)
@READ_AND_WRITE
async def test_server_did_not_act_is_retried_for_reads_and_writes(
    client: AsyncLemft,
    api: Any,
    no_sleep: list[float],
    failure: Failure,
    path: str,
    body: dict[str, Any],
) -> None:
    route = api.post(path).mock(side_effect=[failure(), failure(), envelope({"done": True})])

    assert await client.request(path, body) == {"done": True}

    assert route.call_count == 3
    assert len(no_sleep) == 2
    _assert_backoff(no_sleep)
    assert route.calls[0].request.content == route.calls[2].request.content


@pytest.mark.parametrize(
    ("failure", "final"),
    [
        (lambda: envelope(code=10004), TooManyRequestsError),
        (lambda: httpx.ConnectError("refused"), APIConnectionError),
    ],
    ids=["10004", "connect-error"],
)
async def test_write_gives_up_with_the_typed_error_not_outcome_unknown(
    client: AsyncLemft, api: Any, no_sleep: list[float], failure: Failure, final: type
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=_always(failure))

    with raises_clean(final) as info:
        await client.with_options(max_retries=2).request(OPEN_CARD, WRITE_BODY)

    assert not isinstance(info.value, OutcomeUnknownError)
    assert route.call_count == 3


async def test_backoff_grows_to_the_cap(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    api.post(GET_ORDER).mock(return_value=envelope(code=10004))

    with raises_clean(TooManyRequestsError):
        await client.with_options(max_retries=8).orders.retrieve("ord_1")

    assert len(no_sleep) == 8
    _assert_backoff(no_sleep)
    assert [RetryPolicy().ceiling(i) for i in range(8)] == [0.25, 0.5, 1, 2, 4, 8, 8, 8]


def test_full_jitter_spans_zero_to_ceiling() -> None:
    policy = RetryPolicy()
    rng = random.Random(1234)
    for index in (0, 3, 10):
        samples = [policy.delay(index, rng) for _ in range(2000)]
        ceiling = policy.ceiling(index)
        assert all(0.0 <= s <= ceiling for s in samples)
        # Full jitter reaches down near zero (equal jitter would stay above ceiling / 2).
        assert min(samples) < 0.05 * ceiling
        assert max(samples) > 0.95 * ceiling


def test_retry_policy_rejects_bad_bounds() -> None:
    with pytest.raises(ValueError, match="initial_delay"):
        RetryPolicy(initial_delay=2.0, max_delay=1.0)
    with pytest.raises(ValueError, match="initial_delay"):
        RetryPolicy(initial_delay=-1.0)


async def test_retry_after_header_is_honoured(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    api.post(GET_ORDER).mock(
        side_effect=[envelope(code=10004, headers={"Retry-After": "1.5"}), envelope(ORDER_DETAIL)]
    )

    await client.orders.retrieve("ord_1")

    assert no_sleep == [1.5]


async def test_a_long_retry_after_is_capped_not_ignored(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    # The server asked for 120 s; a shorter jittered backoff would only be refused again.
    api.post(GET_ORDER).mock(
        side_effect=[envelope(code=10004, headers={"Retry-After": "120"}), envelope(ORDER_DETAIL)]
    )

    await client.orders.retrieve("ord_1")

    assert no_sleep == [RetryPolicy().max_retry_after]


@pytest.mark.parametrize("value", ["soon", "-1"])
async def test_unusable_retry_after_falls_back_to_backoff(
    client: AsyncLemft, api: Any, no_sleep: list[float], value: str
) -> None:
    api.post(GET_ORDER).mock(
        side_effect=[envelope(code=10004, headers={"Retry-After": value}), envelope(ORDER_DETAIL)]
    )

    await client.orders.retrieve("ord_1")

    assert len(no_sleep) == 1
    _assert_backoff(no_sleep)


# -- never retried ------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "cls"), [(10001, ParamError), (10002, SignatureError)])
@READ_AND_WRITE
async def test_param_and_signature_errors_are_never_retried(
    client: AsyncLemft,
    api: Any,
    no_sleep: list[float],
    code: int,
    cls: type[APIError],
    path: str,
    body: dict[str, Any],
) -> None:
    route = api.post(path).mock(return_value=envelope(code=code, message="no"))

    with raises_clean(cls):
        await client.request(path, body)

    assert route.call_count == 1
    assert no_sleep == []


async def test_local_protocol_error_is_not_retried(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(side_effect=httpx.UnsupportedProtocol("nope"))

    with raises_clean(APIConnectionError):
        await client.orders.retrieve("ord_1")

    assert route.call_count == 1


# -- max_retries ----------------------------------------------------------------------------


@pytest.mark.parametrize("max_retries", [0, 1, 4])
async def test_max_retries_is_exact(
    client: AsyncLemft, api: Any, no_sleep: list[float], max_retries: int
) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(code=10004))

    with raises_clean(TooManyRequestsError):
        await client.with_options(max_retries=max_retries).orders.retrieve("ord_1")

    assert route.call_count == max_retries + 1
    assert len(no_sleep) == max_retries


async def test_default_is_five_retries(client: AsyncLemft, api: Any, no_sleep: list[float]) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(code=10004))

    with raises_clean(TooManyRequestsError):
        await client.orders.retrieve("ord_1")

    assert route.call_count == 6


async def test_constructor_max_retries_zero_makes_one_attempt(
    api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(return_value=raw(502, HTML_502))
    async with make_client(max_retries=0) as client:
        with raises_clean(APIStatusError):
            await client.orders.retrieve("ord_1")

    assert route.call_count == 1


# -- traceid -------------------------------------------------------------------------------


async def test_traceid_is_stable_across_retries_and_fresh_per_call(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(
        side_effect=[
            envelope(code=10004),
            envelope(code=10005),
            envelope(ORDER_DETAIL),
            envelope(ORDER_DETAIL),
        ]
    )

    await client.orders.retrieve("ord_1")
    await client.orders.retrieve("ord_1")

    traceids = [c.request.headers["traceid"] for c in route.calls]
    assert traceids[0] == traceids[1] == traceids[2]
    assert traceids[3] != traceids[0]


async def test_each_retry_is_re_signed_with_a_fresh_timestamp(
    client: AsyncLemft, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1_700_000_000.0]

    async def advancing_sleep(seconds: float) -> None:
        now[0] += 7

    client._transport.clock.source = lambda: now[0]
    client._transport.sleep = advancing_sleep
    route = api.post(GET_ORDER).mock(side_effect=[envelope(code=10004), envelope(ORDER_DETAIL)])

    await client.orders.retrieve("ord_1")

    first, second = (c.request for c in route.calls)
    assert first.content == second.content
    assert first.headers["timestamp"] == "1700000000"
    assert second.headers["timestamp"] == "1700000007"
    assert first.headers["signature"] != second.headers["signature"]


# -- 10003: clock re-sync -------------------------------------------------------------------


def _date(epoch: float) -> str:
    return email.utils.formatdate(epoch, usegmt=True)


def _timestamp_error(headers: dict[str, str] | None = None) -> httpx.Response:
    return envelope(code=10003, message="request time exceeded limit", headers=headers)


@READ_AND_WRITE
async def test_10003_resyncs_clock_from_date_and_retries_once(
    client: AsyncLemft,
    api: Any,
    no_sleep: list[float],
    fixed_time: int,
    path: str,
    body: dict[str, Any],
) -> None:
    ahead = fixed_time + 3600
    route = api.post(path).mock(
        side_effect=[_timestamp_error({"Date": _date(ahead)}), envelope({"ok": 1}), envelope({})]
    )

    assert await client.request(path, body) == {"ok": 1}

    first, second = (c.request for c in route.calls)
    assert first.headers["timestamp"] == str(fixed_time)
    assert second.headers["timestamp"] == str(ahead)
    assert first.headers["traceid"] == second.headers["traceid"]
    # The learnt offset is kept for the following calls.
    await client.request(path, body)
    assert route.calls.last.request.headers["timestamp"] == str(ahead)


@pytest.fixture
def non_utc_host() -> Iterator[None]:
    """Run with a local zone 8 hours off UTC (the server's Date must not depend on it)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is needed to change the local zone")
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


@pytest.mark.parametrize("usegmt", [True, False], ids=["GMT", "-0000"])
async def test_10003_resync_is_independent_of_the_local_zone(
    client: AsyncLemft,
    api: Any,
    no_sleep: list[float],
    fixed_time: int,
    non_utc_host: None,
    usegmt: bool,
) -> None:
    # "-0000" is RFC 5322 for "UTC, local zone unknown" (and formatdate()'s default form).
    ahead = fixed_time + 3600
    date = email.utils.formatdate(ahead, usegmt=usegmt)
    route = api.post(GET_ORDER).mock(
        side_effect=[_timestamp_error({"Date": date}), envelope(ORDER_DETAIL)]
    )

    await client.orders.retrieve("ord_1")

    assert route.calls[1].request.headers["timestamp"] == str(ahead)


async def test_second_10003_is_raised(
    client: AsyncLemft, api: Any, no_sleep: list[float], fixed_time: int
) -> None:
    headers = {"Date": _date(fixed_time + 3600)}
    route = api.post(GET_ORDER).mock(side_effect=_always(lambda: _timestamp_error(headers)))

    with raises_clean(TimestampError) as info:
        await client.orders.retrieve("ord_1")

    assert route.call_count == 2
    assert info.value.code == 10003


@pytest.mark.parametrize("headers", [None, {"Date": "not a date"}], ids=["no-date", "bad-date"])
async def test_10003_without_usable_date_is_raised_at_once(
    client: AsyncLemft, api: Any, no_sleep: list[float], headers: dict[str, str] | None
) -> None:
    route = api.post(GET_ORDER).mock(return_value=_timestamp_error(headers))

    with raises_clean(TimestampError):
        await client.orders.retrieve("ord_1")

    assert route.call_count == 1
    assert no_sleep == []
