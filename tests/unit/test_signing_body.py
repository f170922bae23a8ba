"""The signed bytes: body encoding, the HMAC rule, and money in the body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

import pytest

from lemft_async import AsyncLemft
from lemft_async._signing import compute_signature, signature_matches
from tests.answers import OPENED_ORDER, ORDER_DETAIL
from tests.conftest import FAKE_API_KEY, FAKE_KEY
from tests.unit.conftest import (
    GET_ORDER,
    OPEN_CARD,
    WALLET_LIST,
    envelope,
    make_client,
    raises_clean,
    sent_json,
)

# The docs' walletList "Body 参数" example (lemft-openapi.md §5), exactly.
SEED_WALLET_LIST_REQUEST = """{
    "customer_id": 10001004,
    "app_id": 100006,
    "key": "0408ab79eb214e7d81d9fd447b5916a2",
    "page_no": 1,
    "page_size": 10
}"""

# The docs' getOrder "Body 参数" example, exactly.
SEED_GET_ORDER_REQUEST = """{
    "customer_id": 10001004,
    "app_id": 100006,
    "key": "0408ab79eb214e7d81d9fd447b5916a2",
    "order_id": "ord_FL6Efqv7"
}"""

WALLETS_PAGE = {"total": 0, "page_no": 1, "page_size": 10, "wallet_list": []}


def _hmac_hex(body: bytes, timestamp: int) -> str:
    # Independent of the SDK: the documented rule, body string then timestamp.
    return hmac.new(
        FAKE_API_KEY.encode(), body + str(timestamp).encode(), hashlib.sha256
    ).hexdigest()


def _compact(seed: str) -> bytes:
    return json.dumps(json.loads(seed), separators=(",", ":")).encode()


async def test_seed_wallet_list_request_bytes_and_signature(
    client: AsyncLemft, api: Any, fixed_time: int
) -> None:
    route = api.post(WALLET_LIST).mock(return_value=envelope(WALLETS_PAGE))

    await client.wallets.list(page_no=1, page_size=10)

    request = route.calls.last.request
    expected_body = (
        b'{"customer_id":10001004,"app_id":100006,'
        b'"key":"0408ab79eb214e7d81d9fd447b5916a2","page_no":1,"page_size":10}'
    )
    assert request.content == expected_body
    assert request.content == _compact(SEED_WALLET_LIST_REQUEST)
    assert request.headers["timestamp"] == "1697696752"
    assert request.headers["signature"] == _hmac_hex(expected_body, 1697696752)


async def test_signature_does_not_match_a_different_body_or_time(
    client: AsyncLemft, api: Any, fixed_time: int
) -> None:
    route = api.post(WALLET_LIST).mock(return_value=envelope(WALLETS_PAGE))

    await client.wallets.list(page_no=2, page_size=10)

    request = route.calls.last.request
    seed = _compact(SEED_WALLET_LIST_REQUEST)
    assert request.headers["signature"] != _hmac_hex(seed, fixed_time)
    assert request.headers["signature"] != _hmac_hex(request.content, fixed_time + 1)
    assert request.headers["signature"] == _hmac_hex(request.content, fixed_time)


async def test_seed_get_order_request_bytes(client: AsyncLemft, api: Any, fixed_time: int) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))

    await client.orders.retrieve("ord_FL6Efqv7")

    request = route.calls.last.request
    assert request.content == _compact(SEED_GET_ORDER_REQUEST)
    assert request.headers["signature"] == _hmac_hex(request.content, fixed_time)


async def test_decimal_sum_is_sent_exactly_and_signed(
    client: AsyncLemft, api: Any, fixed_time: int
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope({"order_id": "ord_1"}))
    amount = Decimal("0.1") + Decimal("0.2")

    await client.request(OPEN_CARD, {"out_order_id": "o-1", "bin_id": "cpi_1", "amount": amount})

    body = route.calls.last.request.content
    assert b'"amount":0.3,' in body or body.endswith(b'"amount":0.3}')
    assert b"0.30000000000000004" not in body
    assert route.calls.last.request.headers["signature"] == _hmac_hex(body, fixed_time)


async def test_decimal_trailing_zeros_are_kept_on_the_wire(client: AsyncLemft, api: Any) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope(OPENED_ORDER))

    await client.request(OPEN_CARD, {"out_order_id": "o-1", "amount": Decimal("20.00")})

    assert sent_json(route) == {
        "customer_id": 10001004,
        "app_id": 100006,
        "key": FAKE_KEY,
        "out_order_id": "o-1",
        "amount": 20,
    }
    assert route.calls.last.request.content.endswith(b'"amount":20.00}')


async def test_float_amount_is_refused_before_sending(client: AsyncLemft, api: Any) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope(OPENED_ORDER))

    with raises_clean(TypeError, match="amount") as info:
        await client.request(OPEN_CARD, {"out_order_id": "o-1", "amount": 0.3})

    assert "Decimal" in str(info.value)
    assert not route.called


async def test_float_nested_in_extra_body_is_refused_before_sending(
    client: AsyncLemft, api: Any
) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))

    with raises_clean(TypeError, match=r"meta\.fee"):
        await client.orders.retrieve("ord_1", extra_body={"meta": {"fee": 1.5}})

    assert not route.called


async def test_common_params_come_first_then_operation_params_in_order(
    client: AsyncLemft, api: Any
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope(OPENED_ORDER))

    await client.request(OPEN_CARD, {"zeta": 1, "alpha": "a", "out_order_id": "o-1"})

    assert list(sent_json(route)) == [
        "customer_id",
        "app_id",
        "key",
        "zeta",
        "alpha",
        "out_order_id",
    ]


@pytest.mark.parametrize("field", ["key", "customer_id", "app_id"])
async def test_common_param_in_body_is_refused_before_sending(
    client: AsyncLemft, api: Any, field: str
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope(OPENED_ORDER))

    with raises_clean(ValueError, match=field):
        await client.request(OPEN_CARD, {field: "other", "out_order_id": "o-1"})

    assert not route.called


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("hex", lambda d: d.hex()),
        ("HEX", lambda d: d.hex().upper()),
        ("base64", lambda d: base64.b64encode(d).decode()),
    ],
)
async def test_signature_encoding_option(
    api: Any, fixed_time: int, encoding: str, expected: Any
) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(ORDER_DETAIL))
    async with make_client(signature_encoding=encoding) as client:
        await client.orders.retrieve("ord_1")

    request = route.calls.last.request
    digest = hmac.new(
        FAKE_API_KEY.encode(), request.content + str(fixed_time).encode(), hashlib.sha256
    ).digest()
    assert request.headers["signature"] == expected(digest)


def test_unknown_signature_encoding_is_refused() -> None:
    with raises_clean(ValueError, match="signature_encoding"):
        make_client(signature_encoding="hex64")


def test_compute_signature_matches_hmac_and_signature_matches_checks_it() -> None:
    body = b'{"min":0,"max":1000}'
    good = hmac.new(b"test-secret-not-real", body + b"1697696752", hashlib.sha256).hexdigest()

    assert compute_signature("test-secret-not-real", body, 1697696752) == good
    assert signature_matches(["other-not-real", "test-secret-not-real"], body, "1697696752", good)
    assert signature_matches(["test-secret-not-real"], body, "1697696752", good.upper())
    assert not signature_matches(["test-secret-not-real"], body, "1697696753", good)
    assert not signature_matches(["test-secret-not-real"], body + b" ", "1697696752", good)
    assert not signature_matches(["other-not-real"], body, "1697696752", good)
    assert not signature_matches(["test-secret-not-real"], body, "1697696752", "é" + good)


async def test_open_card_sends_decimal_sum_exactly(
    client: AsyncLemft, api: Any, fixed_time: int
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope({"order_id": "ord_1"}))

    await client.orders.open_card(
        bin_id="cpi_1", amount=Decimal("0.1") + Decimal("0.2"), out_order_id="o-1"
    )

    body = route.calls.last.request.content
    assert sent_json(route)["amount"] == Decimal("0.3")
    assert b'"amount":0.3,' in body
    assert route.calls.last.request.headers["signature"] == _hmac_hex(body, fixed_time)


async def test_open_card_refuses_a_float_amount_before_sending(
    client: AsyncLemft, api: Any
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope(OPENED_ORDER))

    with raises_clean(TypeError, match="amount") as info:
        await client.orders.open_card(bin_id="cpi_1", amount=0.3, out_order_id="o-1")

    assert "Decimal" in str(info.value)
    assert not route.called
