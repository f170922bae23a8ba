"""Response models (lenient, exact money) and the exact-decimal JSON codec."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from lemft_async import AsyncLemft
from lemft_async._core._codec import dumps, loads
from lemft_async.types import (
    BillCategory,
    BillType,
    CardType,
    InOutType,
    Order,
    OrderDetail,
    OrderStatus,
    OrderType,
    Wallet,
    WalletStatus,
)
from tests.answers import ORDER, WALLET
from tests.seeds import SEED_GET_ORDER_RESPONSE, SEED_WALLET_LIST_RESPONSE
from tests.unit.conftest import GET_ORDER, WALLET_LIST, raw

# -- the two documented responses, end to end ------------------------------------------------


async def test_seed_get_order_response_decodes(client: AsyncLemft, api: Any) -> None:
    api.post(GET_ORDER).mock(return_value=raw(200, SEED_GET_ORDER_RESPONSE, "application/json"))

    detail = await client.orders.retrieve("ord_MEP9vKJi")

    order = detail.order_info
    assert order.order_id == "ord_MEP9vKJi"
    assert order.amount == Decimal("20")
    assert isinstance(order.fee, Decimal)
    assert order.fee == Decimal("0.4")
    assert str(order.fee) == "0.4"
    assert order.card_type is CardType.VIRTUAL
    assert order.order_type is OrderType.TOP_UP
    assert order.status is OrderStatus.COMPLETED
    assert order.holder_id == ""
    assert order.track_supplier == ""
    assert order.track_at == "out_10002000004"  # the docs' odd value, kept as text
    assert order.complete_at == datetime(2025, 2, 19, 5, 33, 57)
    assert order.create_at == datetime(2025, 2, 19, 5, 33, 57)
    (bill,) = detail.order_bill_list
    assert bill.bill_type is BillType.CARD_TOP_UP
    assert bill.in_out_type is InOutType.EXPENSE
    assert bill.transaction_time == datetime(2025, 2, 19, 5, 33, 56)
    assert [(b.bill_category, b.amount) for b in bill.bill_list] == [
        (BillCategory.TOP_UP, Decimal("20")),
        (BillCategory.HANDLING_FEE, Decimal("0.4")),
    ]
    assert all(isinstance(b.amount, Decimal) for b in bill.bill_list)
    assert sum(b.amount or 0 for b in bill.bill_list) == Decimal("20.4")


async def test_seed_wallet_list_response_decodes(client: AsyncLemft, api: Any) -> None:
    api.post(WALLET_LIST).mock(return_value=raw(200, SEED_WALLET_LIST_RESPONSE, "application/json"))

    page = await client.wallets.list()

    assert (page.total, page.page_no, page.page_size) == (2, 1, 10)
    assert not page.has_next_page()
    hkd, usd = page.items
    assert usd.available_balance == Decimal("9865.29")
    assert isinstance(usd.available_balance, Decimal)
    assert str(usd.available_balance) == "9865.29"
    assert hkd.available_balance == Decimal("10020")
    assert hkd.freeze_balance == Decimal("0")
    assert (hkd.wallet_id, usd.wallet_id) == (100008, 100007)
    assert usd.wallet_sn == "f5ac9324657f47568a58428e2cdad955"
    assert usd.status is WalletStatus.NORMAL
    assert usd.create_at == datetime(2024, 1, 31, 9, 49, 2)


# -- lenient models -------------------------------------------------------------------------


def test_unknown_fields_are_kept() -> None:
    order = Order.model_validate(
        {**ORDER, "order_id": "ord_1", "new_field": {"x": 1}, "fee": "1.20"}
    )

    assert order.model_extra == {"new_field": {"x": 1}}
    assert getattr(order, "new_field") == {"x": 1}  # noqa: B009 - attribute access is the API
    assert order.fee == Decimal("1.20")


def test_known_enum_is_a_member_unknown_is_kept_as_int() -> None:
    known = Order.model_validate({**ORDER, "card_type": 1, "status": "4"})
    unknown = Order.model_validate({**ORDER, "card_type": 9, "status": 42})

    assert known.card_type is CardType.PHYSICAL
    assert known.status is OrderStatus.UNDER_REVIEW
    assert unknown.card_type == 9
    assert type(unknown.card_type) is int
    assert type(unknown.status) is int
    assert unknown.status == 42


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("   ", None),
        (None, None),
        ("2025-02-19 05:33:57", datetime(2025, 2, 19, 5, 33, 57)),
        ("2025-02-19T05:33:57", datetime(2025, 2, 19, 5, 33, 57)),
        ("2025-02-19 05:33:57.250000", datetime(2025, 2, 19, 5, 33, 57, 250000)),
        ("out_10002000004", "out_10002000004"),
        ("19/02/2025", "19/02/2025"),
    ],
)
def test_dates(value: Any, expected: Any) -> None:
    assert Order.model_validate({**ORDER, "create_at": value}).create_at == expected


def test_parsed_dates_are_naive() -> None:
    # The docs do not state the zone; the SDK must not guess one.
    created = Order.model_validate({**ORDER, "create_at": "2025-02-19 05:33:57"}).create_at
    assert isinstance(created, datetime)
    assert created.tzinfo is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("9865.29"), Decimal("9865.29")),
        (20, Decimal("20")),
        ("0.40", Decimal("0.40")),
        ("", None),
        (0.1, Decimal("0.1")),  # a hand-built float goes via its shortest repr, not binary
    ],
)
def test_money(value: Any, expected: Any) -> None:
    wallet = Wallet.model_validate({**WALLET, "available_balance": value})
    assert wallet.available_balance == expected
    assert str(wallet.available_balance) == str(expected)


def test_money_that_is_not_a_number_fails_validation() -> None:
    with pytest.raises(ValueError, match="available_balance"):
        Wallet.model_validate({**WALLET, "available_balance": "lots"})


def test_card_data_is_masked_in_reprs() -> None:
    order = Order.model_validate(
        {**ORDER, "card_no": "4111111111111111", "cvv": "987", "pin": "2468"}
    )

    text = repr(order)
    assert "4111111111111111" not in text
    assert "411111******1111" in text
    assert "987" not in text
    assert "2468" not in text
    assert "ord_1" in text


def test_missing_bills_default_to_empty() -> None:
    detail = OrderDetail.model_validate({"order_info": ORDER})
    assert detail.order_bill_list == []
    assert detail.order_info.order_id == "ord_1"


def test_an_order_detail_without_its_order_does_not_fit() -> None:
    # order_info and its ids are documented as always present; typed code relies on them.
    with pytest.raises(ValidationError) as missing:
        OrderDetail.model_validate({})
    assert [e["loc"] for e in missing.value.errors()] == [("order_info",)]
    with pytest.raises(ValidationError) as blank:
        OrderDetail.model_validate({"order_info": {"order_id": "", "out_order_id": "o"}})
    assert [e["loc"] for e in blank.value.errors()] == [("order_info", "order_id")]


# -- _json.dumps -------------------------------------------------------------------------------


def test_dumps_is_compact_and_keeps_insertion_order() -> None:
    assert dumps({"b": 1, "a": [1, 2], "c": {"z": None, "y": "x"}}) == (
        b'{"b":1,"a":[1,2],"c":{"z":null,"y":"x"}}'
    )


def test_dumps_keeps_non_ascii_as_utf8() -> None:
    out = dumps({"name": "持卡人 Zoë"})
    assert out == '{"name":"持卡人 Zoë"}'.encode()
    assert b"\\u" not in out


def test_dumps_escapes_what_json_must_escape() -> None:
    assert dumps({"q": 'a"b\\c\n'}) == b'{"q":"a\\"b\\\\c\\n"}'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("20.00"), b"20.00"),
        (Decimal("0.1") + Decimal("0.2"), b"0.3"),
        (Decimal("-0.001"), b"-0.001"),
        (Decimal("1E+2"), b"100"),
        (Decimal("1.5E-7"), b"0.00000015"),
        (Decimal("12345678901234567890.123456789"), b"12345678901234567890.123456789"),
    ],
)
def test_dumps_writes_decimal_digits_exactly(value: Decimal, text: bytes) -> None:
    assert dumps({"amount": value}) == b'{"amount":' + text + b"}"


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_dumps_refuses_non_finite_decimals(value: Decimal) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        dumps({"amount": value})


@pytest.mark.parametrize(
    ("value", "where"),
    [
        (1.5, "''"),
        ({"amount": 1.5}, "'amount'"),
        ({"a": [{"b": 2.0}]}, "'a[0].b'"),
        ([0, [1, float("nan")]], "'[1][1]'"),
    ],
)
def test_dumps_refuses_floats_and_names_where(value: Any, where: str) -> None:
    with pytest.raises(TypeError, match="float") as info:
        dumps(value)
    assert f"at {where}" in str(info.value)


def test_dumps_writes_bools_as_bools_and_int_enums_as_ints() -> None:
    assert dumps({"on": True, "off": False, "n": 1, "type": CardType.VIRTUAL}) == (
        b'{"on":true,"off":false,"n":1,"type":2}'
    )


@pytest.mark.parametrize("value", [{1: "a"}, {"s": {1, 2}}, {"b": b"bytes"}, {"o": object()}])
def test_dumps_refuses_what_json_cannot_hold(value: Any) -> None:
    with pytest.raises(TypeError):
        dumps(value)


def test_dumps_writes_tuples_as_arrays() -> None:
    assert dumps({"t": (1, "a")}) == b'{"t":[1,"a"]}'


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_json_values)
def test_dumps_matches_stdlib_for_plain_json(value: Any) -> None:
    assert dumps(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12))
def test_decimal_round_trips_exactly(value: Decimal) -> None:
    decoded = loads(dumps({"v": value}))["v"]
    assert decoded == value
    if value == value.to_integral_value() and "." not in format(value, "f"):
        assert isinstance(decoded, int)
    else:
        assert isinstance(decoded, Decimal)


# -- _json.loads -------------------------------------------------------------------------------


def test_loads_gives_decimal_for_fractions_and_int_for_integers() -> None:
    data = loads(b'{"a":9865.29,"b":20,"c":0.4,"d":1e3,"e":-0}')

    assert data == {
        "a": Decimal("9865.29"),
        "b": 20,
        "c": Decimal("0.4"),
        "d": Decimal("1E+3"),
        "e": 0,
    }
    assert [type(v) for v in data.values()] == [Decimal, int, Decimal, Decimal, int]
    assert str(data["a"]) == "9865.29"
