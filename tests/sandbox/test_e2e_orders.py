"""End to end through ``sandbox.client()``: every ``orders.*`` method, documented shapes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lemft_async import AsyncLemft, ParamError
from lemft_async.sandbox import Sandbox
from lemft_async.types import BillCategory, BillType, InOutType, OrderStatus, OrderType

from .conftest import GET_ORDER, HOLDER, USD_PHYSICAL, USD_VIRTUAL, RawCaller, assert_populated

ORDER_INFO_FIELDS = [
    "order_id",
    "bin_id",
    "holder_id",
    "out_order_id",
    "card_type",
    "order_type",
    "amount",
    "fee",
    "currency",
    "card_id",
    "status",
    "track_code",
    "track_supplier",
    "track_at",
    "complete_at",
    "create_at",
]
VIRTUAL_EMPTY = ("holder_id", "track_code", "track_supplier", "track_at")


async def test_open_card_debits_amount_plus_fee_and_bills_it(
    client: AsyncLemft, sandbox: Sandbox
) -> None:
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("100.00"))
    assert_populated(order, empty=VIRTUAL_EMPTY)
    # fee = open_card_fee 1.00 + max(100 x 1.5 %, 0.50) = 2.50
    assert (order.amount, order.fee) == (Decimal("100"), Decimal("2.5"))
    assert order.status == OrderStatus.COMPLETED
    assert order.order_type == OrderType.OPEN_CARD
    wallet = (await client.wallets.list(currency="USD")).items[0]
    assert wallet.available_balance == Decimal("100000") - Decimal("102.50")
    detail = await client.orders.retrieve(order.order_id or "")
    assert detail.order_info == order
    [bill] = detail.order_bill_list
    assert (bill.bill_type, bill.in_out_type) == (BillType.OPEN_CARD, InOutType.EXPENSE)
    assert [(line.bill_category, line.amount) for line in bill.bill_list] == [
        (BillCategory.CARD_OPENING_FEE, Decimal("1")),
        (BillCategory.PRE_TOP_UP, Decimal("100")),
        (BillCategory.HANDLING_FEE, Decimal("1.5")),
    ]
    assert sandbox.state.executions(order.out_order_id or "") == 1


async def test_get_order_answers_exactly_the_documented_shape(
    raw: RawCaller, client: AsyncLemft
) -> None:
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("20"))
    answer = await raw.call(GET_ORDER, {"order_id": order.order_id})
    assert answer["code"] == 0
    data = answer["data"]
    assert list(data) == ["order_info", "order_bill_list"]
    assert list(data["order_info"]) == ORDER_INFO_FIELDS
    for bill in data["order_bill_list"]:
        assert list(bill) == ["bill_type", "in_out_type", "transaction_time", "bill_list"]
        for line in bill["bill_list"]:
            assert list(line) == ["bill_category", "amount"]
    assert data["order_info"]["amount"] == 20
    assert data["order_info"]["fee"] == Decimal("1.5")


async def test_recharge_bills_top_up_and_handling_fee(client: AsyncLemft) -> None:
    opened = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10"))
    top_up = await client.orders.recharge(card_id=opened.card_id or "", amount=Decimal("20"))
    assert top_up.order_type == OrderType.TOP_UP
    assert top_up.fee == Decimal("0.5")  # max(20 x 1.5 %, 0.50)
    [bill] = (await client.orders.retrieve(top_up.order_id or "")).order_bill_list
    assert bill.bill_type == BillType.CARD_TOP_UP
    assert [(b.bill_category, b.amount) for b in bill.bill_list] == [
        (BillCategory.TOP_UP, Decimal("20")),
        (BillCategory.HANDLING_FEE, Decimal("0.5")),
    ]
    card = await client.cards.retrieve(opened.card_id or "")
    assert (card.balance, card.limit) == (Decimal("30"), Decimal("30"))


async def test_physical_card_needs_a_holder_and_ships(client: AsyncLemft) -> None:
    with pytest.raises(ParamError, match=r"missing field holder_id"):
        await client.orders.open_card(bin_id=USD_PHYSICAL, amount=Decimal("50"))
    order = await client.orders.open_card(
        bin_id=USD_PHYSICAL, amount=Decimal("50"), holder_id=HOLDER
    )
    assert_populated(order)
    assert order.track_supplier == "Sandbox Post"


async def test_list_filters_and_reconciles_by_out_order_id(client: AsyncLemft) -> None:
    first = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("1"))
    await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("2"))
    await client.orders.recharge(card_id=first.card_id or "", amount=Decimal("5"))
    everything = await client.orders.list()
    assert everything.total == 3
    assert everything.items[0].order_type == OrderType.TOP_UP  # newest first
    found = await client.orders.list(out_order_id=first.out_order_id)
    assert [o.order_id for o in found.items] == [first.order_id]
    assert (await client.orders.list(order_type=OrderType.TOP_UP)).total == 1
    assert (await client.orders.list(card_id=first.card_id)).total == 2
    assert (await client.orders.list(status=OrderStatus.PROCESSING)).total == 0
    assert (await client.orders.list(out_order_id="never-used")).items == []


async def test_retrieve_unknown_order_is_a_param_error(client: AsyncLemft) -> None:
    with pytest.raises(ParamError, match=r"order_id 'ord_nope' not found"):
        await client.orders.retrieve("ord_nope")
