"""Write safety: each test states the failure it prevents.

An answer that breaks the decoder, a business code inside an HTTP error, a successful
write whose answer does not fit its model, a write cancelled in flight, exception chains
that carry the signed request, and card data nested in unknown fields.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest

from lemft_async import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncLemft,
    OutcomeUnknownError,
    TooManyRequestsError,
)
from lemft_async.types import Order
from tests.answers import ORDER, ORDER_DETAIL
from tests.unit.conftest import GET_ORDER, OPEN_CARD, envelope, raw

DEEP = b'{"code":0,"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def _open_card(client: AsyncLemft) -> Any:
    return client.orders.open_card(bin_id="cpi_1", amount=Decimal("10"), out_order_id="o-42")


@pytest.mark.parametrize(
    "answer",
    [
        raw(200, DEEP, "application/json"),
        raw(200, b'{"code":0,"data":{"order_info":{"amount":NaN}}}', "application/json"),
        raw(200, b'{"code":0.5,"message":"?","data":null}', "application/json"),
        raw(200, b'{"code":true,"message":"?","data":null}', "application/json"),
        raw(200, b'{"code":1e999999999,"message":"?","data":null}', "application/json"),
    ],
    ids=["deep-nesting", "nan", "fractional-code", "bool-code", "huge-code"],
)
async def test_a_write_whose_answer_breaks_the_decoder_is_outcome_unknown(
    client: AsyncLemft, api: Any, no_sleep: list[float], answer: httpx.Response
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=answer)
    with pytest.raises(OutcomeUnknownError) as info:
        await _open_card(client)
    assert route.call_count == 1
    assert info.value.out_order_id == "o-42"
    assert isinstance(info.value.cause, APIResponseValidationError)


async def test_a_read_whose_answer_breaks_the_decoder_is_retried(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(
        side_effect=[raw(200, DEEP, "application/json"), envelope(ORDER_DETAIL)]
    )
    await client.orders.retrieve("ord_1")
    assert route.call_count == 2


async def test_10004_inside_an_http_error_is_not_trusted_for_a_write(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope(code=10004, status=502))
    with pytest.raises(OutcomeUnknownError) as info:
        await _open_card(client)
    assert route.call_count == 1
    assert isinstance(info.value.cause, TooManyRequestsError)


async def test_10004_inside_an_http_error_is_still_retried_for_a_read(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    route = api.post(GET_ORDER).mock(
        side_effect=[envelope(code=10004, status=502), envelope(ORDER_DETAIL)]
    )
    await client.orders.retrieve("ord_1")
    assert route.call_count == 2


async def test_a_successful_write_whose_answer_does_not_fit_is_outcome_unknown(
    client: AsyncLemft, api: Any
) -> None:
    # code 0: the card was issued. A type surprise must not read as "failed, issue again".
    route = api.post(OPEN_CARD).mock(
        return_value=envelope({"order_info": {"order_id": {"unexpected": "object"}}})
    )
    with pytest.raises(OutcomeUnknownError) as info:
        await _open_card(client)
    assert route.call_count == 1
    assert info.value.out_order_id == "o-42"
    assert "most likely carried out" in str(info.value)
    assert "order_id" in str(info.value)


async def test_a_read_whose_answer_does_not_fit_is_a_validation_error(
    client: AsyncLemft, api: Any
) -> None:
    api.post(GET_ORDER).mock(
        return_value=envelope({"order_info": {"order_id": {"unexpected": "object"}}})
    )
    with pytest.raises(APIResponseValidationError, match="order_id"):
        await client.orders.retrieve("ord_1")


async def test_a_write_cancelled_in_flight_is_logged_with_its_reference(
    client: AsyncLemft, api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(10)
        return envelope({"order_info": {}})

    api.post(OPEN_CARD).mock(side_effect=slow)
    with caplog.at_level(logging.WARNING, logger="lemft_async"):
        with anyio.move_on_after(0.05):
            await _open_card(client)
    assert "cancelled after the request was sent" in caplog.text
    assert "out_order_id=o-42" in caplog.text


async def test_a_read_cancelled_in_flight_is_not_logged(
    client: AsyncLemft, api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(10)
        return envelope({"order_info": {}})

    api.post(GET_ORDER).mock(side_effect=slow)
    with caplog.at_level(logging.WARNING, logger="lemft_async"):
        with anyio.move_on_after(0.05):
            await client.orders.retrieve("ord_1")
    assert "cancelled" not in caplog.text


async def test_connection_errors_do_not_chain_the_signed_request(
    client: AsyncLemft, api: Any, no_sleep: list[float]
) -> None:
    api.post(GET_ORDER).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        await client.with_options(max_retries=0).orders.retrieve("ord_1")
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__ is True
    assert "ConnectError" in str(info.value)


def test_card_data_nested_in_unknown_fields_is_masked_in_reprs() -> None:
    order = Order.model_validate(
        {**ORDER, "extra": {"card_no": "4111111111111111", "inner": [{"cvv": "987"}]}}
    )
    text = repr(order)
    assert "4111111111111111" not in text
    assert "411111******1111" in text
    assert "987" not in text
    assert order.model_extra == {
        "extra": {"card_no": "4111111111111111", "inner": [{"cvv": "987"}]}
    }
