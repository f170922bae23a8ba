"""The wire: headers, envelope decoding, the error per code, request(), lifecycle."""

from __future__ import annotations

import hashlib
import hmac
import re
from decimal import Decimal
from typing import Any

import httpx
import pytest

import lemft_async
from lemft_async import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AsyncLemft,
    OutcomeUnknownError,
    ParamError,
    ServerError,
    SignatureError,
    TimestampError,
    TooManyRequestsError,
)
from tests.answers import ORDER_DETAIL
from tests.conftest import BASE_URL, FAKE_API_KEY
from tests.unit.conftest import (
    GET_ORDER,
    HTML_403,
    HTML_502,
    WALLET_LIST,
    envelope,
    make_client,
    raises_clean,
    raw,
    sent_json,
)

# -- headers ------------------------------------------------------------------------------


async def test_request_headers(client: AsyncLemft, api: Any, fixed_time: int) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))

    await client.orders.retrieve("ord_1")

    request = route.calls.last.request
    assert request.method == "POST"
    assert str(request.url) == BASE_URL + GET_ORDER
    assert request.headers["timestamp"] == str(fixed_time)
    signature = request.headers["signature"]
    assert re.fullmatch(r"[0-9a-f]{64}", signature)
    expected = hmac.new(
        FAKE_API_KEY.encode(), request.content + str(fixed_time).encode(), hashlib.sha256
    ).hexdigest()
    assert signature == expected
    assert re.fullmatch(r"[0-9a-f]{32}", request.headers["traceid"])
    assert request.headers["content-type"] == "application/json"
    assert f"lemft-async/{lemft_async.__version__}" in request.headers["user-agent"]


async def test_timestamp_is_current_utc_seconds(client: AsyncLemft, api: Any) -> None:
    import time

    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    before = int(time.time())

    await client.orders.retrieve("ord_1")

    sent = int(route.calls.last.request.headers["timestamp"])
    assert before <= sent <= int(time.time())


async def test_caller_traceid_is_sent(client: AsyncLemft, api: Any) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))

    await client.request(GET_ORDER, {"order_id": "ord_1"}, traceid="my-trace-1")

    assert route.calls.last.request.headers["traceid"] == "my-trace-1"


# -- envelope decoding ------------------------------------------------------------------------


async def test_envelope_data_is_returned_with_decimals(client: AsyncLemft, api: Any) -> None:
    body = b'{"code":0,"message":"success","data":{"n":3,"amount":12.50,"e":1e2,"s":"x"}}'
    api.post(GET_ORDER).mock(return_value=raw(200, body, "application/json"))

    data = await client.request(GET_ORDER, {"order_id": "ord_1"})

    assert data == {"n": 3, "amount": Decimal("12.50"), "e": Decimal("1E+2"), "s": "x"}
    assert type(data["n"]) is int
    assert type(data["amount"]) is Decimal
    assert str(data["amount"]) == "12.50"


async def test_envelope_with_null_data_returns_none(client: AsyncLemft, api: Any) -> None:
    api.post(GET_ORDER).mock(return_value=envelope(None))

    assert await client.request(GET_ORDER, {"order_id": "ord_1"}) is None


async def test_envelope_code_as_text_is_understood(client: AsyncLemft, api: Any) -> None:
    api.post(GET_ORDER).mock(return_value=envelope(code="10001", message="param error"))

    with raises_clean(ParamError):
        await client.orders.retrieve("ord_1")


# -- typed errors ---------------------------------------------------------------------------

CODE_ERRORS: list[tuple[int, type[APIError], str]] = [
    (10001, ParamError, "param error"),
    (10002, SignatureError, "signature error"),
    (10003, TimestampError, "request time exceeded limit"),
    (10004, TooManyRequestsError, "currently too many requests, try again later"),
    (10005, ServerError, "system error"),
]


@pytest.mark.parametrize(("code", "cls", "message"), CODE_ERRORS)
async def test_each_code_raises_its_typed_error(
    client: AsyncLemft,
    api: Any,
    no_sleep: list[float],
    code: int,
    cls: type[APIError],
    message: str,
) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(code=code, message=message))

    with raises_clean(cls) as info:
        await client.with_options(max_retries=0).orders.retrieve("ord_1")

    error = info.value
    assert type(error) is cls
    assert isinstance(error, APIError)
    assert error.code == code
    assert error.message == message
    assert error.path == GET_ORDER
    assert error.status_code == 200
    assert error.traceid == route.calls.last.request.headers["traceid"]
    assert str(code) in str(error)
    assert error.traceid is not None
    assert error.traceid in str(error)


async def test_unknown_code_is_a_plain_api_error_not_retried(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(code=20001, message="new thing"))

    with raises_clean(APIError) as info:
        await client.orders.retrieve("ord_1")

    assert type(info.value) is APIError
    assert info.value.code == 20001
    assert info.value.message == "new thing"
    assert route.call_count == 1
    assert no_sleep == []


async def test_html_502_is_status_error_retried_for_a_read(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(return_value=raw(502, HTML_502))

    with raises_clean(APIStatusError) as info:
        await client.with_options(max_retries=2).orders.retrieve("ord_1")

    assert info.value.status_code == 502
    assert info.value.code is None
    assert info.value.path == GET_ORDER
    assert "nginx" not in str(info.value)  # the page is summarised, not echoed
    assert route.call_count == 3


async def test_html_403_is_status_error_not_retried(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(return_value=raw(403, HTML_403))

    with raises_clean(APIStatusError) as info:
        await client.orders.retrieve("ord_1")

    assert info.value.status_code == 403
    assert route.call_count == 1
    assert no_sleep == []


async def test_malformed_200_is_a_validation_error(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    api.post(GET_ORDER).mock(return_value=raw(200, b'{"result":"ok"}', "application/json"))

    with raises_clean(APIResponseValidationError) as info:
        await client.with_options(max_retries=0).orders.retrieve("ord_1")

    assert info.value.status_code == 200
    assert info.value.code is None


# -- request() escape hatch ----------------------------------------------------------------


async def test_request_returns_data_and_adds_common_params(client: AsyncLemft, api: Any) -> None:
    data = {"total": 0, "page_no": 1, "page_size": 10, "wallet_list": []}
    route = api.post(WALLET_LIST).mock(return_value=envelope(data))

    result = await client.request(WALLET_LIST, {"page_no": 1, "page_size": 10})

    assert result == data
    assert sent_json(route) == {
        "customer_id": 10001004,
        "app_id": 100006,
        "key": "0408ab79eb214e7d81d9fd447b5916a2",
        "page_no": 1,
        "page_size": 10,
    }


async def test_request_without_body_sends_only_common_params(client: AsyncLemft, api: Any) -> None:
    route = api.post(WALLET_LIST).mock(return_value=envelope({}))

    await client.request(WALLET_LIST)

    assert list(sent_json(route)) == ["customer_id", "app_id", "key"]


async def test_request_unknown_path_is_a_write(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post("/v1/openApi/card/new/thing").mock(return_value=raw(500, HTML_502))

    with raises_clean(OutcomeUnknownError):
        await client.request("/v1/openApi/card/new/thing", {"x": 1})

    assert route.call_count == 1
    assert no_sleep == []


async def test_request_unknown_path_as_read_is_retried(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post("/v1/openApi/card/new/thing").mock(
        side_effect=[raw(500, HTML_502), envelope({"ok": True})]
    )

    assert await client.request("/v1/openApi/card/new/thing", kind="read") == {"ok": True}
    assert route.call_count == 2


async def test_request_known_read_path_is_retried(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(side_effect=[raw(503, HTML_502), envelope({"a": 1})])

    assert await client.request(GET_ORDER, {"order_id": "ord_1"}) == {"a": 1}
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("path", "body", "kind", "error"),
    [
        ("v1/openApi/wallet/walletList", None, None, ValueError),
        ("https://evil.example/v1/x", None, None, ValueError),
        (WALLET_LIST, [("page_no", 1)], None, TypeError),
        (WALLET_LIST, None, "delete", ValueError),
    ],
)
async def test_request_bad_arguments_are_refused_before_sending(
    client: AsyncLemft, api: Any, path: str, body: Any, kind: Any, error: type[Exception]
) -> None:
    route = api.post(WALLET_LIST).mock(return_value=envelope({}))

    with raises_clean(error):
        await client.request(path, body, kind=kind)

    assert not route.called


# -- with_options / lifecycle --------------------------------------------------------------


async def test_with_options_shares_the_pool_and_applies_options(
    client: AsyncLemft, api: Any
) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))

    copy = client.with_options(timeout=5.0, max_retries=1)

    assert copy._transport.http is client._transport.http
    assert copy.max_retries == 1
    assert client.max_retries == 5
    await copy.orders.retrieve("ord_1")
    await client.orders.retrieve("ord_1")
    copy_timeout, original_timeout = (c.request.extensions["timeout"] for c in route.calls)
    assert copy_timeout["read"] == 5.0
    assert original_timeout["read"] == 30.0


async def test_with_options_namespaces_use_the_copy_settings(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(code=10004))
    assert client.orders is client.orders  # cache the namespace on the original first

    with raises_clean(TooManyRequestsError):
        await client.with_options(max_retries=0).orders.retrieve("ord_1")

    assert route.call_count == 1


async def test_closing_the_copy_leaves_the_original_usable(client: AsyncLemft, api: Any) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    copy = client.with_options(max_retries=0)

    await copy.aclose()

    assert not client._transport.http.is_closed
    with raises_clean(RuntimeError, match="closed"):
        await copy.orders.retrieve("ord_1")
    await client.orders.retrieve("ord_1")
    assert route.call_count == 1


async def test_async_with_closes_and_later_calls_fail(api: Any) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    async with make_client() as client:
        await client.orders.retrieve("ord_1")

    assert client._transport.http.is_closed
    with raises_clean(RuntimeError, match="closed"):
        await client.orders.retrieve("ord_1")
    with raises_clean(RuntimeError, match="closed"):
        await client.request(GET_ORDER, {"order_id": "ord_1"})
    assert route.call_count == 1


async def test_a_callers_http_client_is_not_closed(api: Any) -> None:
    api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    async with httpx.AsyncClient() as http:
        async with make_client(http_client=http) as client:
            await client.orders.retrieve("ord_1")
        assert not http.is_closed
    assert http.is_closed


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"timeout": None}, TypeError),
        ({"timeout": 0}, ValueError),
        ({"timeout": True}, ValueError),
        ({"max_retries": -1}, ValueError),
        ({"max_retries": True}, ValueError),
    ],
)
async def test_with_options_validates(
    client: AsyncLemft, options: dict[str, Any], error: type[Exception]
) -> None:
    with raises_clean(error):
        client.with_options(**options)
