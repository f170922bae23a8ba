"""The native schemas of the lenient field types read every value as their rules do.

``_core._schemas`` puts pydantic-core branches in front of each rule. Each test builds the
same field twice: with the rule alone (the reference: the validators as they were before
the native branches, including the date parser without its pre-check) and with the
shipped type, then compares them on generated input: the same value of the same type, or
an error on both sides.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator, ValidationError, WrapValidator

from lemft_async._core._models import (
    LemftDateTime,
    Money,
    _parse_money,
    enum_value,
    lenient_time,
    str_enum_value,
)
from lemft_async.keysecure._constants import CardStatus, str_enum
from lemft_async.payin._status import PayinStatus
from lemft_async.types import Card, Order
from lemft_async.types.constants import CardType, OrderStatus

_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")


def _reference_datetime_from_text(text: str) -> datetime | None:
    # The parser before this change, verbatim: no pre-check, no native branch.
    if len(text) == 19 and text[10] == " ":
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


_reference_time = lenient_time(_reference_datetime_from_text)


class Reference(BaseModel):
    money: Annotated[Decimal | None, BeforeValidator(_parse_money)] = None
    when: Annotated[datetime | str | None, BeforeValidator(_reference_time)] = None
    status: Annotated[OrderStatus | int | None, WrapValidator(enum_value(OrderStatus)._rule)] = None
    payin: Annotated[PayinStatus | int, WrapValidator(enum_value(PayinStatus)._rule)] = 0
    text_status: Annotated[CardStatus | str | None, str_enum(CardStatus)] = None


class Shipped(BaseModel):
    money: Money = None
    when: LemftDateTime = None
    status: Annotated[OrderStatus | int | None, enum_value(OrderStatus)] = None
    payin: Annotated[PayinStatus | int, enum_value(PayinStatus)] = 0
    text_status: Annotated[CardStatus | str | None, str_enum_value(CardStatus)] = None


FIELDS = ("money", "when", "status", "payin", "text_status")


def outcome(model: type[BaseModel], field: str, value: Any) -> tuple[str, str]:
    try:
        got = getattr(model.model_validate({field: value}), field)
    except ValidationError:
        return ("error", "")
    except ArithmeticError as exc:  # Decimal('sNaN') breaks the enum lookup on both sides
        return ("raised", type(exc).__name__)
    return (type(got).__name__, repr(got))


NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            Decimal("0"),
            Decimal("0.00"),
            Decimal("-0"),
            Decimal("0E-150"),
            Decimal("1E-100"),
            Decimal("1E-101"),
            Decimal("9.99E+100"),
            Decimal("1E+101"),
            Decimal("-1E+101"),
            Decimal("-1E-100"),
            10**200,
            True,
            False,
        ]
    ),
)
TEXTS = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[ -]?[0-9]{1,4}(\.[0-9]{0,4})?([eE][+-]?[0-9]{1,4})?\s?\Z"),
    st.from_regex(r"\A[0-9]{4}-[0-9]{1,2}-[0-9 ]{1,2}[ Tt_][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}\Z"),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,8})?Z?\Z"),
    st.datetimes().map(lambda d: d.isoformat(" ")),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(list(CardStatus)).map(lambda m: m.value),
    st.sampled_from(
        ["", " ", "  2 ", "1", "-3", "٣", "x", "Active", "out_10002000004", "2025-02-19T05:33:57Z"]
    ),
    st.sampled_from(["0." + "1" * 98, "0." + "1" * 99, "1" * 101, "NaN", "-Infinity", "1_000"]),
)
VALUES = st.one_of(st.none(), NUMBERS, TEXTS, st.just([1]), st.just({"a": 1}))


@settings(max_examples=1500, deadline=None)
@given(field=st.sampled_from(FIELDS), value=VALUES)
def test_every_value_reads_as_the_rule_reads_it(field: str, value: Any) -> None:
    assert outcome(Shipped, field, value) == outcome(Reference, field, value)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (
            "money",
            Decimal("0.1000000000000000055511151231257827"),
            "0.1000000000000000055511151231257827",
        ),
        ("money", Decimal("20.00"), "20.00"),
        ("money", 20, "20"),
        ("money", "100.00", "100.00"),
        ("money", "0.10", "0.10"),
        ("money", Decimal("-5.5"), "-5.5"),
        ("money", Decimal("0.00"), "0.00"),
    ],
)
def test_amounts_stay_digit_for_digit(field: str, value: Any, expected: str) -> None:
    got = getattr(Shipped.model_validate({field: value}), field)
    assert type(got) is Decimal
    assert str(got) == expected


@pytest.mark.parametrize(
    "value", [Decimal("1E+101"), Decimal("1E-101"), Decimal("-1E+101"), "1e999999999", "1" * 101]
)
def test_absurd_amounts_are_still_refused(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Shipped.model_validate({"money": value})
    assert caught.value.errors()[0]["loc"] == ("money",)


def test_the_documented_shapes_take_the_native_branches() -> None:
    order = Order.model_validate(
        {
            "order_id": "o",
            "out_order_id": "x",
            "status": 1,
            "card_type": 9,
            "amount": 20,
            "fee": Decimal("0.4"),
            "track_at": "out_10002000004",
            "complete_at": "2025-02-19 05:33:57",
            "create_at": "",
        }
    )
    assert order.status is OrderStatus.COMPLETED
    assert type(order.card_type) is int
    assert order.card_type == 9
    assert str(order.amount) == "20"
    assert str(order.fee) == "0.4"
    assert order.track_at == "out_10002000004"
    assert order.complete_at == datetime(2025, 2, 19, 5, 33, 57)
    assert order.create_at is None
    card = Card.model_validate({"card_id": "c", "card_type": 2, "use_at": "2025-02-19T05:33:57Z"})
    assert card.card_type is CardType.VIRTUAL
    assert card.use_at == "2025-02-19T05:33:57Z"  # ISO with a zone: kept as text, as before


def test_dumps_and_json_schema_are_those_of_the_rule() -> None:
    values = {
        "money": Decimal("10.50"),
        "when": "2025-02-19 05:33:57",
        "status": 1,
        "payin": 2,
        "text_status": "Active",
    }
    shipped, reference = Shipped.model_validate(values), Reference.model_validate(values)
    assert shipped.model_dump() == reference.model_dump()
    assert shipped.model_dump_json() == reference.model_dump_json()
    assert Shipped.model_json_schema()["properties"] == Reference.model_json_schema()["properties"]
    # JSON input takes the rule itself (pydantic-core would read fractions through a float).
    text = json.dumps({"money": "10.50", "when": "2025-02-19 05:33:57", "status": "1"})
    assert Shipped.model_validate_json(text).model_dump() == (
        Reference.model_validate_json(text).model_dump()
    )
