"""The server rules, checked with plain httpx + hmac (no SDK code on the request path)."""

from __future__ import annotations

import email.utils
import json
import time
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest

from lemft_async.sandbox import Sandbox

from .conftest import (
    BIN_LIST,
    GET_ORDER,
    OPEN_CARD,
    OTHER_APP,
    USD_VIRTUAL,
    WALLET_LIST,
    RawCaller,
    hmac_hex,
)

PAGE = {"page_no": 1, "page_size": 10}
API_KEY = "sandbox-api-key-not-secret"  # the sandbox's public fake signing secret
WALLET_FIELDS = [
    "wallet_id",
    "wallet_sn",
    "wallet_name",
    "customer_id",
    "currency",
    "available_balance",
    "freeze_balance",
    "status",
    "create_at",
]


async def test_signed_call_answers_the_documented_wallet_list_shape(raw: RawCaller) -> None:
    answer = await raw.call(WALLET_LIST, PAGE)
    assert answer["code"] == 0
    assert answer["message"] == "success"
    data = answer["data"]
    assert list(data) == ["total", "page_no", "page_size", "wallet_list"]
    assert (data["total"], data["page_no"], data["page_size"]) == (2, 1, 10)
    for wallet in data["wallet_list"]:
        assert list(wallet) == WALLET_FIELDS
        assert isinstance(wallet["available_balance"], int | Decimal)
        assert wallet["status"] == 1
    assert {w["currency"] for w in data["wallet_list"]} == {"USD", "HKD"}


async def test_bad_signature_is_10002(raw: RawCaller, sandbox: Sandbox) -> None:
    answer = await raw.call(WALLET_LIST, PAGE, signature="0" * 64)
    assert answer["code"] == 10002
    assert answer["data"] is None
    assert sandbox.stats.codes[10002] == 1


async def test_signature_with_another_api_key_is_10002(raw: RawCaller) -> None:
    answer = await raw.call(WALLET_LIST, PAGE, api_key="not-the-api-key")
    assert answer["code"] == 10002


async def test_signature_is_over_the_raw_bytes_received(raw: RawCaller) -> None:
    compact = raw.body(PAGE)
    pretty = json.dumps(json.loads(compact), indent=2).encode()
    ts = str(int(time.time()))
    headers = {"timestamp": ts, "Content-Type": "application/json"}
    # Signed over the compact form but the pretty form is sent: same JSON, other bytes.
    mismatched = await raw.http.post(
        WALLET_LIST,
        content=pretty,
        headers={**headers, "signature": hmac_hex(raw.credentials.api_key, compact, ts)},
    )
    assert mismatched.json()["code"] == 10002
    # Signed over exactly the bytes sent, whatever their formatting: accepted.
    matched = await raw.http.post(
        WALLET_LIST,
        content=pretty,
        headers={**headers, "signature": hmac_hex(raw.credentials.api_key, pretty, ts)},
    )
    assert matched.json()["code"] == 0


async def test_uppercase_hex_signature_is_accepted(raw: RawCaller) -> None:
    body = raw.body(PAGE)
    ts = str(int(time.time()))
    signature = hmac_hex(raw.credentials.api_key, body, ts).upper()
    answer = await raw.post(WALLET_LIST, body, timestamp=ts, signature=signature)
    assert answer.json()["code"] == 0


async def test_missing_signature_is_10002_and_missing_timestamp_is_10003(
    raw: RawCaller,
) -> None:
    body = raw.body(PAGE)
    no_signature = await raw.http.post(WALLET_LIST, content=body, headers={"timestamp": "1"})
    assert no_signature.json()["code"] == 10002
    assert "signature" in no_signature.json()["message"]
    no_timestamp = await raw.http.post(WALLET_LIST, content=body, headers={"signature": "ab"})
    assert no_timestamp.json()["code"] == 10003
    bad_timestamp = await raw.post(WALLET_LIST, body, timestamp="yesterday")
    assert bad_timestamp.json()["code"] == 10003


async def test_old_timestamp_is_10003(raw: RawCaller) -> None:
    answer = await raw.call(WALLET_LIST, PAGE, timestamp=int(time.time()) - 400)
    assert answer["code"] == 10003
    assert "old" in answer["message"]


async def test_future_timestamp_is_10003(raw: RawCaller) -> None:
    answer = await raw.call(WALLET_LIST, PAGE, timestamp=int(time.time()) + 400)
    assert answer["code"] == 10003
    assert "future" in answer["message"]


async def test_timestamp_inside_the_window_is_accepted(raw: RawCaller) -> None:
    answer = await raw.call(WALLET_LIST, PAGE, timestamp=int(time.time()) - 290)
    assert answer["code"] == 0


async def test_window_and_skew_are_configurable_and_date_header_follows_the_skew() -> None:
    async with Sandbox(timestamp_window=30, clock_skew=1000) as sandbox:
        raw = RawCaller(sandbox)
        async with raw.http:
            stale = await raw.post(WALLET_LIST, raw.body(PAGE))
            assert stale.json()["code"] == 10003
            server_now = email.utils.parsedate_to_datetime(stale.headers["date"]).timestamp()
            assert 990 <= server_now - time.time() <= 1010
            fresh = await raw.call(WALLET_LIST, PAGE, timestamp=int(server_now))
            assert fresh["code"] == 0


async def test_every_answer_carries_a_date_header(raw: RawCaller) -> None:
    ok = await raw.post(WALLET_LIST, raw.body(PAGE))
    refused = await raw.post(WALLET_LIST, raw.body(PAGE), signature="x")
    missing = await raw.http.post("/v1/openApi/nothing/here", content=b"{}")
    for response in (ok, refused, missing):
        parsed = email.utils.parsedate_to_datetime(response.headers["date"])
        assert abs(parsed.timestamp() - time.time()) < 5


async def test_two_overlapping_calls_to_one_url_one_succeeds_one_gets_10004() -> None:
    async with Sandbox(latency=0.1) as sandbox:
        raw = RawCaller(sandbox)
        answers: list[Any] = []

        async def one() -> None:
            answers.append(await raw.call(WALLET_LIST, PAGE))

        async with raw.http, anyio.create_task_group() as tg:
            tg.start_soon(one)
            tg.start_soon(one)
    assert sorted(a["code"] for a in answers) == [0, 10004]
    busy = next(a for a in answers if a["code"] == 10004)
    assert busy["message"] == "currently too many requests, try again later"
    assert sandbox.stats.rejections[WALLET_LIST] == 1
    assert sandbox.stats.max_in_flight[WALLET_LIST] == 1
    assert sandbox.stats.requests[WALLET_LIST] == 2


async def test_overlapping_calls_to_different_urls_both_succeed() -> None:
    async with Sandbox(latency=0.1) as sandbox:
        raw = RawCaller(sandbox)
        answers: list[Any] = []

        async def one(path: str) -> None:
            answers.append(await raw.call(path, PAGE))

        async with raw.http, anyio.create_task_group() as tg:
            tg.start_soon(one, WALLET_LIST)
            tg.start_soon(one, BIN_LIST)
    assert [a["code"] for a in answers] == [0, 0]
    assert sum(sandbox.stats.rejections.values()) == 0


async def test_the_one_in_flight_rule_is_per_credential_set() -> None:
    async with Sandbox(latency=0.1) as sandbox:
        sandbox.add_app(OTHER_APP)
        raw = RawCaller(sandbox)
        answers: list[Any] = []

        async def call_as(common: dict[str, Any], api_key: str | None) -> None:
            response = await raw.post(WALLET_LIST, raw.body(PAGE, **common), api_key=api_key)
            answers.append(response.json())

        other = {"app_id": OTHER_APP.app_id, "key": OTHER_APP.key}
        async with raw.http, anyio.create_task_group() as tg:
            tg.start_soon(call_as, {}, None)
            tg.start_soon(call_as, other, OTHER_APP.api_key)
    assert [a["code"] for a in answers] == [0, 0]
    assert sandbox.stats.max_in_flight[WALLET_LIST] == 2
    assert sandbox.stats.rejections[WALLET_LIST] == 0


@pytest.mark.parametrize(
    ("common", "field"),
    [
        ({"key": "0408ab79eb214e7d81d9fd447b5916a2"}, "key"),
        ({"key": ""}, "missing field key"),
        ({"customer_id": 10001001}, "customer_id"),
        ({"customer_id": "10001004"}, "customer_id must be an integer"),
        ({"app_id": 100001}, "app_id"),
        ({"app_id": None}, "missing field app_id"),
    ],
)
async def test_wrong_credentials_are_10001_naming_the_field(
    raw: RawCaller, common: dict[str, Any], field: str
) -> None:
    answer = await raw.call(WALLET_LIST, {**PAGE, **common})
    assert answer["code"] == 10001
    assert field in answer["message"]
    assert answer["message"].startswith("param error")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (WALLET_LIST, {"page_size": 10}, "missing field page_no"),
        (WALLET_LIST, {"page_no": 1, "page_size": "10"}, "page_size must be an integer"),
        (WALLET_LIST, {"page_no": 0, "page_size": 10}, "page_no must be >= 1"),
        (WALLET_LIST, {"page_no": 1, "page_size": 1000}, "page_size must be <= 100"),
        (BIN_LIST, {**PAGE, "card_type": 9}, "card_type 9 is not one of"),
        (GET_ORDER, {}, "missing field order_id"),
        (GET_ORDER, {"order_id": "ord_missing"}, "order_id 'ord_missing' not found"),
        (OPEN_CARD, {"amount": 10, "out_order_id": "o-1"}, "missing field bin_id"),
        (OPEN_CARD, {"bin_id": USD_VIRTUAL, "out_order_id": "o-1"}, "missing field amount"),
        (OPEN_CARD, {"bin_id": "cpi_x", "amount": 10, "out_order_id": "o-1"}, "bin_id"),
        (OPEN_CARD, {"bin_id": USD_VIRTUAL, "amount": "10", "out_order_id": "o"}, "amount"),
        (OPEN_CARD, {"bin_id": USD_VIRTUAL, "amount": -1, "out_order_id": "o"}, "amount"),
        (OPEN_CARD, {"bin_id": USD_VIRTUAL, "amount": 9999, "out_order_id": "o"}, "amount"),
        (OPEN_CARD, {"bin_id": USD_VIRTUAL, "amount": 10}, "missing field out_order_id"),
        (
            OPEN_CARD,
            {"bin_id": USD_VIRTUAL, "amount": 10, "out_order_id": "o", "card_type": 1},
            "card_type 1 does not match",
        ),
    ],
)
async def test_bad_or_missing_params_are_10001_naming_the_field(
    raw: RawCaller, sandbox: Sandbox, path: str, params: dict[str, Any], field: str
) -> None:
    answer = await raw.call(path, params)
    assert answer["code"] == 10001
    assert field in answer["message"]
    sandbox.state.check_conservation()
    assert not sandbox.state.orders


async def test_too_many_decimals_is_10001(raw: RawCaller) -> None:
    body = raw.body({"bin_id": USD_VIRTUAL, "out_order_id": "o-1"})[:-1] + b',"amount":10.005}'
    answer = (await raw.post(OPEN_CARD, body)).json()
    assert answer["code"] == 10001
    assert "at most 2 decimal places" in answer["message"]


async def test_unknown_extra_fields_are_ignored(raw: RawCaller) -> None:
    answer = await raw.call(WALLET_LIST, {**PAGE, "x_debug": True})
    assert answer["code"] == 0


@pytest.mark.parametrize("body", [b"not json", b"[1,2]", b'"text"'])
async def test_a_body_that_is_not_a_json_object_is_10001(raw: RawCaller, body: bytes) -> None:
    answer = (await raw.post(WALLET_LIST, body)).json()
    assert answer["code"] == 10001
    assert "body" in answer["message"]


async def test_unknown_path_is_http_404_and_get_is_405(raw: RawCaller, sandbox: Sandbox) -> None:
    missing = await raw.post("/v1/openApi/card/card/nothing", raw.body())
    assert missing.status_code == 404
    wrong_method = await raw.http.get(WALLET_LIST)
    assert wrong_method.status_code == 405
    assert sandbox.stats.requests["/v1/openApi/card/card/nothing"] == 1


async def test_traceid_is_echoed(raw: RawCaller) -> None:
    response = await raw.post(WALLET_LIST, raw.body(PAGE), headers={"traceid": "abc123"})
    assert response.headers["traceid"] == "abc123"


async def test_stats_reset_zeroes_every_counter(raw: RawCaller, sandbox: Sandbox) -> None:
    await raw.call(WALLET_LIST, PAGE)
    await raw.call(WALLET_LIST, PAGE, signature="bad")
    assert sandbox.stats.requests[WALLET_LIST] == 2
    sandbox.stats.reset()
    assert sandbox.stats.as_dict() == {
        "requests": {},
        "rejections": {},
        "max_in_flight": {},
        "codes": {},
        "faults": {},
    }


async def test_path_overrides_serve_an_operation_elsewhere() -> None:
    moved = "/v2/custom/wallets"
    async with Sandbox(path_overrides={"wallets.list": moved}) as sandbox:
        raw = RawCaller(sandbox)
        async with raw.http:
            assert (await raw.call(moved, PAGE))["code"] == 0
            assert (await raw.post(WALLET_LIST, raw.body(PAGE))).status_code == 404


async def test_plain_http_post_without_asgi_helpers_works(sandbox: Sandbox) -> None:
    # The same rules through a bare httpx client, to show nothing depends on RawCaller.
    body = b'{"customer_id":10001004,"app_id":100006,"key":"sandbox-key-00000000000000000000",'
    body += b'"page_no":1,"page_size":1}'
    ts = str(int(time.time()))
    transport = httpx.ASGITransport(app=sandbox.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
        response = await http.post(
            WALLET_LIST,
            content=body,
            headers={
                "timestamp": ts,
                "signature": hmac_hex("sandbox-api-key-not-secret", body, ts),
            },
        )
    assert response.json()["data"]["page_size"] == 1
    assert len(response.json()["data"]["wallet_list"]) == 1
