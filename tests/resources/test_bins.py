"""``client.bins`` against respx (all paths inferred)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
import respx

from lemft_async import APIError, AsyncLemft, ParamError
from lemft_async.types import Bin, BinFees, BinLimits, CardType
from tests.resources.conftest import (
    assert_refused_before_sending,
    envelope,
    expected,
    pages,
    path,
    sent,
)

BIN_LIST = path("card/bin/binList")
GET_BIN = path("card/bin/getBin")
GET_BIN_FEE = path("card/bin/getBinFee")
GET_BIN_LIMIT = path("card/bin/getBinLimit")

BIN: dict[str, Any] = {
    "bin_id": "cpi_6530de6a2f1c7",
    "bin": "907152",
    "bin_name": "USD virtual",
    "card_brand": "VISA",
    "currency": "USD",
    "card_type": 2,
    "status": 1,
    "create_at": "2024-01-31 09:49:02",
}
FEES: dict[str, Any] = {
    "bin_id": "cpi_6530de6a2f1c7",
    "currency": "USD",
    "open_card_fee": 1.5,
    "recharge_fee_rate": 0.02,
    "recharge_fee_min": 0.4,
}
LIMITS: dict[str, Any] = {
    "bin_id": "cpi_6530de6a2f1c7",
    "currency": "USD",
    "min_open_amount": 10,
    "max_open_amount": 10000.99,
    "min_recharge_amount": 5.5,
    "max_recharge_amount": 5000,
    "max_balance": 20000,
    "single_trade_limit": 2500.25,
    "daily_trade_limit": 5000,
}


async def test_list_body_and_decoding(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(BIN_LIST).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 10, "bin_list": [BIN]})
    )

    page = await client.bins.list(currency="USD", card_type=CardType.VIRTUAL)

    assert sent(route) == expected(currency="USD", card_type=2, page_no=1, page_size=10)
    (item,) = page.items
    assert isinstance(item, Bin)
    assert item.bin_id == "cpi_6530de6a2f1c7"
    assert item.card_type is CardType.VIRTUAL


async def test_list_async_for_walks_pages(client: AsyncLemft, api: respx.MockRouter) -> None:
    bins = [{**BIN, "bin_id": f"cpi_{i}"} for i in range(5)]
    route = api.post(BIN_LIST).mock(side_effect=pages("bin_list", bins))

    seen = [b.bin_id async for b in client.bins.list(page_size=2)]

    assert seen == [f"cpi_{i}" for i in range(5)]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2, 3]


@pytest.mark.parametrize("data", [{"bin_info": BIN}, BIN], ids=["bin_info", "bare"])
async def test_retrieve(client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]) -> None:
    route = api.post(GET_BIN).mock(return_value=envelope(data))

    item = await client.bins.retrieve("cpi_6530de6a2f1c7")

    assert sent(route) == expected(bin_id="cpi_6530de6a2f1c7")
    assert isinstance(item, Bin)
    assert item.bin == "907152"
    assert item.card_brand == "VISA"


@pytest.mark.parametrize("data", [{"fee_info": FEES}, FEES], ids=["fee_info", "bare"])
async def test_fees(client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]) -> None:
    route = api.post(GET_BIN_FEE).mock(return_value=envelope(data))

    fees = await client.bins.fees(bin_id="cpi_6530de6a2f1c7")

    assert sent(route) == expected(bin_id="cpi_6530de6a2f1c7")
    assert isinstance(fees, BinFees)
    assert fees.open_card_fee == Decimal("1.5")
    assert fees.recharge_fee_rate == Decimal("0.02")
    assert isinstance(fees.recharge_fee_min, Decimal)


@pytest.mark.parametrize("data", [{"limit_info": LIMITS}, LIMITS], ids=["limit_info", "bare"])
async def test_limits(client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]) -> None:
    route = api.post(GET_BIN_LIMIT).mock(return_value=envelope(data))

    limits = await client.bins.limits("cpi_6530de6a2f1c7")

    assert sent(route) == expected(bin_id="cpi_6530de6a2f1c7")
    assert isinstance(limits, BinLimits)
    assert limits.max_open_amount == Decimal("10000.99")
    assert limits.single_trade_limit == Decimal("2500.25")
    assert limits.min_open_amount == Decimal("10")


async def test_unknown_code_is_a_plain_api_error_and_not_retried(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(GET_BIN).mock(return_value=envelope(code=20031, message="bin not found"))

    with pytest.raises(APIError) as info:
        await client.bins.retrieve("cpi_missing")

    assert type(info.value) is APIError
    assert (info.value.code, info.value.message, info.value.path) == (
        20031,
        "bin not found",
        GET_BIN,
    )
    assert route.call_count == 1


async def test_param_error_on_fees(client: AsyncLemft, api: respx.MockRouter) -> None:
    api.post(GET_BIN_FEE).mock(return_value=envelope(code=10001, message="param error"))

    with pytest.raises(ParamError, match="param error"):
        await client.bins.fees("cpi_x")


Call = Callable[[AsyncLemft], Awaitable[object]]


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.bins.retrieve(""), ValueError, "bin_id"),
        (lambda c: c.bins.retrieve(None), TypeError, "bin_id"),
        (lambda c: c.bins.fees("  "), ValueError, "bin_id"),
        (lambda c: c.bins.limits(1.0), TypeError, "bin_id"),
        (lambda c: c.bins.list(card_type="2"), TypeError, "card_type"),
        (lambda c: c.bins.list(page_no=0), ValueError, "page_no"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, call: Call, error: type[Exception], field: str
) -> None:
    await assert_refused_before_sending(client, api, call, error, field)


async def test_extra_body_merged_and_clash_refused(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(GET_BIN_LIMIT).mock(return_value=envelope(LIMITS))

    await client.bins.limits("cpi_1", extra_body={"currency": "USD"})
    assert sent(route) == expected(bin_id="cpi_1", currency="USD")

    with pytest.raises(ValueError, match="bin_id"):
        await client.bins.limits("cpi_1", extra_body={"bin_id": "cpi_2"})
    assert route.call_count == 1
