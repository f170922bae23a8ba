"""``client.orders`` against respx: open_card / recharge (money-moving writes), list and the
documented getOrder. Bulk ``open_cards`` is in ``test_orders_bulk.py``."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError
from lemft_async.types import (
    BillCategory,
    BillType,
    CardType,
    InOutType,
    Order,
    OrderDetail,
    OrderStatus,
    OrderType,
)
from tests.resources.conftest import (
    assert_refused_before_sending,
    envelope,
    expected,
    pages,
    path,
    sent,
)
from tests.seeds import DOC_ORDER_DETAIL

OPEN_CARD = path("card/order/openCard")
RECHARGE = path("card/order/recharge")
ORDER_LIST = path("card/order/orderList")
GET_ORDER = path("card/order/getOrder")

HEX32 = re.compile(r"[0-9a-f]{32}")

ORDER: dict[str, Any] = {
    "order_id": "ord_5uY0AjUE",
    "bin_id": "cpi_6530de6a2f1c7",
    "card_type": 2,
    "order_type": 1,
    "amount": 20.5,
    "fee": 1.25,
    "currency": "USD",
    "card_id": "",
    "status": 0,
    "create_at": "2025-03-03 02:42:11",
}
LISTED: dict[str, Any] = {**ORDER, "out_order_id": "my-order-1"}
"""A listed order carries its out_order_id (no request names it to fill it in)."""


# -- orders.retrieve (documented) -----------------------------------------------------------------


async def test_retrieve_sends_the_documented_body(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(DOC_ORDER_DETAIL))

    await client.orders.retrieve("ord_FL6Efqv7")

    request = route.calls.last.request
    assert request.url.path == GET_ORDER
    # Byte for byte the docs' second request example.
    assert request.content == (
        b'{"customer_id":10001004,"app_id":100006,"key":"0408ab79eb214e7d81d9fd447b5916a2",'
        b'"order_id":"ord_FL6Efqv7"}'
    )
    assert list(sent(route)) == ["customer_id", "app_id", "key", "order_id"]


async def test_retrieve_accepts_order_id_by_name(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(DOC_ORDER_DETAIL))

    await client.orders.retrieve(order_id="ord_neuWgSwV")

    assert sent(route) == expected(order_id="ord_neuWgSwV")


async def test_retrieve_decodes_the_documented_example(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    api.post(GET_ORDER).mock(return_value=envelope(DOC_ORDER_DETAIL))

    detail = await client.orders.retrieve("ord_MEP9vKJi")

    assert isinstance(detail, OrderDetail)
    info = detail.order_info
    assert isinstance(info, Order)
    assert info.card_type is CardType.VIRTUAL
    assert info.order_type is OrderType.TOP_UP
    assert info.status is OrderStatus.COMPLETED
    assert info.amount == Decimal("20")
    assert info.fee == Decimal("0.4")
    assert isinstance(info.fee, Decimal)
    assert info.holder_id == ""
    assert info.track_at == "out_10002000004"  # the docs' quirk: not a date, kept as text
    assert info.complete_at == datetime(2025, 2, 19, 5, 33, 57)
    (bill,) = detail.order_bill_list
    assert bill.bill_type is BillType.CARD_TOP_UP
    assert bill.in_out_type is InOutType.EXPENSE
    assert bill.transaction_time == datetime(2025, 2, 19, 5, 33, 56)
    assert [(b.bill_category, b.amount) for b in bill.bill_list] == [
        (BillCategory.TOP_UP, Decimal("20")),
        (BillCategory.HANDLING_FEE, Decimal("0.4")),
    ]


async def test_retrieve_param_error(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(GET_ORDER).mock(return_value=envelope(code=10001, message="param error"))

    with pytest.raises(ParamError) as info:
        await client.orders.retrieve("ord_missing")

    assert (info.value.code, info.value.message, info.value.path) == (
        10001,
        "param error",
        GET_ORDER,
    )
    assert info.value.traceid == route.calls.last.request.headers["traceid"]
    assert route.call_count == 1


# -- orders.open_card / orders.recharge -----------------------------------------------------------


@pytest.mark.parametrize("data", [{"order_info": ORDER}, ORDER], ids=["order_info", "bare"])
async def test_open_card_body_and_decoding(
    client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope(data))

    order = await client.orders.open_card(
        bin_id="cpi_6530de6a2f1c7",
        amount=Decimal("20.50"),
        out_order_id="my-order-1",
        holder_id="h_1",
        card_type=CardType.VIRTUAL,
        mark="batch 7",
    )

    assert sent(route) == expected(
        bin_id="cpi_6530de6a2f1c7",
        amount=Decimal("20.50"),
        out_order_id="my-order-1",
        holder_id="h_1",
        card_type=2,
        mark="batch 7",
    )
    assert b'"amount":20.50' in route.calls.last.request.content
    assert isinstance(order, Order)
    assert order.order_id == "ord_5uY0AjUE"
    assert order.amount == Decimal("20.5")
    assert order.status is OrderStatus.PROCESSING
    assert order.out_order_id == "my-order-1"  # the server omitted it; the SDK fills it in


async def test_open_card_generates_a_fresh_out_order_id(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope({"order_info": {"order_id": "o"}}))

    first = await client.orders.open_card(bin_id="cpi_1", amount="10")
    second = await client.orders.open_card(bin_id="cpi_1", amount=10)

    ids = [sent(route, 0)["out_order_id"], sent(route, 1)["out_order_id"]]
    assert all(HEX32.fullmatch(i) for i in ids)
    assert ids[0] != ids[1]
    assert [first.out_order_id, second.out_order_id] == ids
    assert sent(route, 0) == expected(bin_id="cpi_1", amount=Decimal("10"), out_order_id=ids[0])


async def test_an_answer_about_another_out_order_id_is_outcome_unknown(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    # The answer names another order than the one sent: ours may or may not exist.
    route = api.post(OPEN_CARD).mock(
        return_value=envelope({"order_info": {**ORDER, "out_order_id": "someone-else"}})
    )

    with pytest.raises(OutcomeUnknownError, match="another out_order_id") as info:
        await client.orders.open_card(bin_id="cpi_1", amount=10, out_order_id="mine-1")

    assert route.call_count == 1
    assert info.value.out_order_id == "mine-1"


async def test_an_answer_echoing_our_out_order_id_is_accepted(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    api.post(OPEN_CARD).mock(
        return_value=envelope({"order_info": {**ORDER, "out_order_id": "mine-1"}})
    )
    order = await client.orders.open_card(bin_id="cpi_1", amount=10, out_order_id="mine-1")
    assert order.out_order_id == "mine-1"


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("timed out"), envelope(code=10005, message="system error")],
    ids=["read-timeout", "10005"],
)
async def test_open_card_unknown_outcome_carries_out_order_id_and_is_not_resent(
    client: AsyncLemft, api: respx.MockRouter, no_sleep: list[float], failure: Any
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=[failure])

    with pytest.raises(OutcomeUnknownError) as info:
        await client.orders.open_card(bin_id="cpi_1", amount=Decimal("5"))

    assert route.call_count == 1
    assert no_sleep == []
    generated = sent(route)["out_order_id"]
    assert HEX32.fullmatch(generated)
    assert info.value.out_order_id == generated
    assert info.value.operation == "orders.open_card"
    assert generated in str(info.value)


@pytest.mark.parametrize("data", [{"order_info": ORDER}, ORDER], ids=["order_info", "bare"])
async def test_recharge_body_and_decoding(
    client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]
) -> None:
    route = api.post(RECHARGE).mock(return_value=envelope({**data}))

    order = await client.orders.recharge(
        card_id="cid_1", amount=Decimal("0.01"), out_order_id="top-1"
    )

    assert sent(route) == expected(card_id="cid_1", amount=Decimal("0.01"), out_order_id="top-1")
    assert order.fee == Decimal("1.25")
    assert order.out_order_id == "top-1"


async def test_recharge_generates_out_order_id_and_reports_it_on_timeout(
    client: AsyncLemft, api: respx.MockRouter, no_sleep: list[float]
) -> None:
    route = api.post(RECHARGE).mock(
        side_effect=[envelope({"order_info": ORDER}), httpx.ReadTimeout("timed out")]
    )

    order = await client.orders.recharge(card_id="cid_1", amount=5)
    with pytest.raises(OutcomeUnknownError) as info:
        await client.orders.recharge(card_id="cid_1", amount=5)

    first, second = sent(route, 0)["out_order_id"], sent(route, 1)["out_order_id"]
    assert HEX32.fullmatch(first)
    assert HEX32.fullmatch(second)
    assert first != second
    assert order.out_order_id == first
    assert info.value.out_order_id == second
    assert route.call_count == 2


# -- orders.list ----------------------------------------------------------------------------------


async def test_list_body_and_decoding(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(ORDER_LIST).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 10, "order_list": [LISTED]})
    )

    page = await client.orders.list(
        out_order_id="my-order-1",
        card_id="cid_1",
        order_type=OrderType.OPEN_CARD,
        status=OrderStatus.PROCESSING,
        start_time=datetime(2025, 3, 1),
        end_time="2025-03-31 23:59:59",
    )

    assert sent(route) == expected(
        out_order_id="my-order-1",
        card_id="cid_1",
        order_type=1,
        status=0,
        start_time="2025-03-01 00:00:00",
        end_time="2025-03-31 23:59:59",
        page_no=1,
        page_size=10,
    )
    (order,) = page.items
    assert order.order_type is OrderType.OPEN_CARD
    assert order.fee == Decimal("1.25")


async def test_list_async_for_walks_pages(client: AsyncLemft, api: respx.MockRouter) -> None:
    orders = [{**LISTED, "order_id": f"ord_{i}"} for i in range(5)]
    route = api.post(ORDER_LIST).mock(side_effect=pages("order_list", orders))

    seen = [o.order_id async for o in client.orders.list(page_no=2, page_size=2)]

    # Starting from page 2 walks pages 2 and 3 only.
    assert seen == ["ord_2", "ord_3", "ord_4"]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [2, 3]


# -- validation and extra_body --------------------------------------------------------------------

Call = Callable[[AsyncLemft], Awaitable[object]]


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.orders.open_card(bin_id="cpi_1", amount=10.5), TypeError, "amount"),
        (lambda c: c.orders.open_card(bin_id="cpi_1", amount="-1"), ValueError, "amount"),
        (lambda c: c.orders.open_card(bin_id="cpi_1", amount="ten"), ValueError, "amount"),
        (lambda c: c.orders.open_card(bin_id="cpi_1", amount="NaN"), ValueError, "amount"),
        (lambda c: c.orders.open_card(bin_id="", amount=1), ValueError, "bin_id"),
        (
            lambda c: c.orders.open_card(bin_id="cpi_1", amount=1, out_order_id="x" * 65),
            ValueError,
            "out_order_id",
        ),
        (
            lambda c: c.orders.open_card(bin_id="cpi_1", amount=1, out_order_id=""),
            ValueError,
            "out_order_id",
        ),
        (
            lambda c: c.orders.open_card(bin_id="cpi_1", amount=1, card_type="virtual"),
            TypeError,
            "card_type",
        ),
        (lambda c: c.orders.recharge(card_id="cid_1", amount=0), ValueError, "amount"),
        (lambda c: c.orders.recharge(card_id="cid_1", amount=True), TypeError, "amount"),
        (lambda c: c.orders.recharge(card_id=None, amount=1), TypeError, "card_id"),
        (lambda c: c.orders.retrieve(""), ValueError, "order_id"),
        (lambda c: c.orders.list(order_type="1"), TypeError, "order_type"),
        (lambda c: c.orders.list(start_time="2025-03-01"), ValueError, "start_time"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, call: Call, error: type[Exception], field: str
) -> None:
    await assert_refused_before_sending(client, api, call, error, field)


async def test_extra_body_merged_and_clash_refused(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(OPEN_CARD).mock(return_value=envelope({"order_info": ORDER}))

    await client.orders.open_card(
        bin_id="cpi_1", amount=1, out_order_id="o-1", extra_body={"holder_email": "a@b.co"}
    )
    assert sent(route) == expected(
        bin_id="cpi_1", amount=1, out_order_id="o-1", holder_email="a@b.co"
    )

    # out_order_id is always set (generated when not given), so extra_body may not repeat it.
    with pytest.raises(ValueError, match="out_order_id"):
        await client.orders.open_card(bin_id="cpi_1", amount=1, extra_body={"out_order_id": "x"})
    assert route.call_count == 1
