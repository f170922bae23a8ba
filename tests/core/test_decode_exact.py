"""Money arrives digit for digit through every client's real path, and why one pass is rationed.

The SDK validates a LEMFT answer from its bytes in one pass only when ``_core._onepass``
shows that exact for the body (``tests/core/test_onepass.py``); otherwise it decodes with
its exact decoder (fractions as ``Decimal``) and validates the result natively. The
literals below take both paths (``0.10`` the exact one, ``9865.29`` one pass). The last test
keeps the reason checked: pydantic-core's ``validate_json`` reads a JSON fraction into a
``Decimal`` field through a binary float; if a release reads them exactly, it fails and the
rationing can be reconsidered.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from decimal import Decimal

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from lemft_async import AsyncLemft, webhooks
from lemft_async.keysecure import AsyncKeySecure
from lemft_async.payin import AsyncPayin, sign

from ..conftest import BASE_URL, FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from ..keysecure.conftest import API_KEY, API_SECRET, TOKEN_PATH, token_response
from ..keysecure.conftest import BASE as KS_BASE
from ..payin.conftest import BASE_URL as PAYIN_BASE
from ..payin.conftest import MCH_ID, SECRET, json_response

LITERALS = [
    "0.1000000000000000055511151231257827",
    "0.10",
    "20.00",
    "0.30000000000000004",
    "12345678901234567890.123456789",
    "99999999999999999999.99",
    "9865.29",
    "1E-7",
    "1e5",
    "2.5E+3",
    "-0.0",
    "0.000001",
    "20",
]


def exact(value: object, literal: str) -> bool:
    """The same digits and exponent as ``Decimal(literal)``, not merely an equal value."""
    return type(value) is Decimal and value.as_tuple() == Decimal(literal).as_tuple()


def lemft_client(transport: httpx.AsyncBaseTransport | None = None) -> AsyncLemft:
    return AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=transport) if transport else None,
    )


def lemft_answer(data: str) -> httpx.Response:
    body = '{"code":0,"message":"success","data":' + data + "}"
    return httpx.Response(200, content=body.encode(), headers={"content-type": "application/json"})


def order_data(literal: str) -> str:
    return (
        '{"order_info":{"order_id":"o1","out_order_id":"x1","amount":' + literal + ',"fee":'
        f'{literal},"status":1}},"order_bill_list":[{{"bill_type":2,"bill_list":'
        f'[{{"bill_category":3,"amount":{literal}}}]}}]}}'
    )


@pytest.mark.parametrize("literal", LITERALS)
async def test_lemft_amounts_are_exact_in_an_entity_and_a_page(literal: str) -> None:
    cards = f'{{"total":1,"card_list":[{{"card_id":"c1","balance":{literal},"limit":{literal}}}]}}'
    with respx.mock(base_url=BASE_URL) as router:
        router.post("/v1/openApi/card/order/getOrder").mock(
            return_value=lemft_answer(order_data(literal))
        )
        router.post("/v1/openApi/card/card/cardList").mock(return_value=lemft_answer(cards))
        async with lemft_client() as client:
            detail = await client.orders.retrieve("o1")
            page = await client.cards.list()
    assert exact(detail.order_info.amount, literal)
    assert exact(detail.order_info.fee, literal)
    assert exact(detail.order_bill_list[0].bill_list[0].amount, literal)
    assert exact(page.items[0].balance, literal)
    assert exact(page.items[0].limit, literal)


@pytest.mark.parametrize("literal", LITERALS)
async def test_keysecure_amounts_are_exact_as_numbers_and_as_text(literal: str) -> None:
    body = (
        '{"code":0,"msg":"success","data":{"consume_no":"K1","amount":'
        + literal
        + f',"fee":"{literal}"}}}}'
    )
    with respx.mock(base_url=KS_BASE) as router:
        router.get(TOKEN_PATH).mock(return_value=token_response())
        router.get("/open-api/v1/card/consume/K1/info").mock(
            return_value=httpx.Response(200, content=body.encode())
        )
        async with AsyncKeySecure(
            api_key=API_KEY, api_secret=API_SECRET, environment="sandbox"
        ) as client:
            consumption = await client.consumptions.retrieve("K1")
    assert exact(consumption.amount, literal)
    assert exact(consumption.fee, literal)


@pytest.mark.parametrize("minor", [1, 10000, 123456789012345678901, 999999999999999])
async def test_payin_amounts_stay_exact_minor_units(minor: int) -> None:
    fields = {
        "retCode": "SUCCESS",
        "mchOrderNo": "M-1",
        "payOrderId": "P1",
        "status": 2,
        "amount": minor,
    }
    with respx.mock(base_url=PAYIN_BASE) as router:
        router.post("/api/pay/orderquery").mock(
            return_value=json_response({**fields, "sign": sign(fields, SECRET)})
        )
        async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url=PAYIN_BASE) as client:
            order = await client.query_order(mch_order_no="M-1")
    assert type(order.amount) is int
    assert order.amount == minor
    assert order.amount_rupees == Decimal(minor) / 100


@pytest.mark.parametrize("literal", LITERALS)
def test_webhook_amounts_are_exact(literal: str) -> None:
    body = ('{"eventTag":"card.status.active","card_id":"c1","balance":' + literal + "}").encode()
    timestamp = str(int(time.time()))
    digest = hmac.new(FAKE_API_KEY.encode(), body + timestamp.encode(), hashlib.sha256)
    headers = {"timestamp": timestamp, "signature": digest.hexdigest()}
    event = webhooks.construct_event(body, headers, api_key=FAKE_API_KEY)
    assert isinstance(event, webhooks.CardEvent)
    assert exact(event.data.balance, literal)


def _retrieve(data: str) -> Decimal | None:
    def answer(request: httpx.Request) -> httpx.Response:
        return lemft_answer(data)

    async def run() -> Decimal | None:
        async with lemft_client(httpx.MockTransport(answer)) as client:
            return (await client.orders.retrieve("o1")).order_info.fee

    return asyncio.run(run())


LONG_DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: d.is_finite() and d.adjusted() > -90 and d.adjusted() < 90 and len(str(d)) <= 60
)


@settings(max_examples=60, deadline=None)
@given(value=LONG_DECIMALS, fixed=st.booleans())
def test_any_decimal_literal_arrives_exactly(value: Decimal, fixed: bool) -> None:
    # Written as the server would (fixed point, or with an exponent), read by the real
    # client path: the same digits come out.
    literal = format(value, "f") if fixed else str(value)
    if "." not in literal and "E" not in literal.upper():
        literal += ".0"  # a JSON integer would decode as int, also exactly
    assert exact(_retrieve(order_data(literal)), literal)


def test_pydantic_validate_json_is_not_exact_for_decimal() -> None:
    # Why the SDK keeps its own decoder: pydantic-core reads JSON fractions through float.
    adapter = TypeAdapter(Decimal)
    assert str(adapter.validate_json("0.10")) != "0.10"
    assert adapter.validate_json("0.1000000000000000055511151231257827") == Decimal("0.1")
