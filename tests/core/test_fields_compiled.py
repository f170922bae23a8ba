"""The compiled field validators (``_core/_fields.c``) read every value as the native schemas do.

With the accelerator built, each field type (``Money``, ``LemftDateTime``, the open enums of
LEMFT, Payin and KeySecure) is one C call that decides its common values and hands every
other value to the native schema (pydantic-core branches, then the Python rule). Each test
builds the same fields twice, with and without the C path, and compares them on generated
Python and JSON input: the same value of the same type, the same error (type, location,
message), the same dumps and JSON Schema. ``tests/core/test_native_schemas.py`` compares
each path with the rules themselves (``make test`` runs it again with the accelerators
switched off).
"""

import copy
import gc
import json
import pickle
import sys
import warnings
import weakref
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from lemft_async._core._models import LemftDateTime, LemftModel, Money
from lemft_async.keysecure._constants import CardStatus
from lemft_async.payin._status import PayinStatus
from lemft_async.types import Bill, Card, Order
from lemft_async.types.constants import OrderStatus
from tests._exact import FIELD_NAMES, compiled_fields, field_types_model, same
from tests.core.test_native_schemas import VALUES

FIELDS = FIELD_NAMES


build = field_types_model


@pytest.fixture(scope="module")
def models() -> tuple[type[BaseModel], type[BaseModel]]:
    return build(compiled=True), build(compiled=False)


def outcome(validate: Any, field: str, value: Any) -> tuple[str, Any]:
    try:
        got = getattr(validate(value), field)
    except ValidationError as exc:
        return ("error", repr(exc.errors(include_url=False)))
    except ArithmeticError as exc:  # Decimal('sNaN') breaks comparisons on both sides
        return ("raised", type(exc).__name__)
    return ("value", got)


def agree(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] == b[0] == "value":
        # A float NaN (kept as sent by an enum field) is not equal to itself: its repr is.
        return same(a[1], b[1]) or (type(a[1]) is type(b[1]) is float and repr(a) == repr(b))
    return a == b


MORE_TEXTS = st.sampled_from(
    [
        "2025-02-30 00:00:00",
        "2023-02-29 12:00:00",
        "2024-02-29 12:00:00",
        "0000-01-01 00:00:00",
        "9999-12-31 23:59:59",
        "2025-02-19 24:00:00",
        "2025-02-19 23:59:60",
        "2025-13-01 00:00:00",
        "2025-02-19_05:33:57",
        "2025-02-19t05:33:57",
        "2025-02-19 05:33:57 ",
        " 2025-02-19 05:33:57",
        "２０２５-02-19 05:33:57",
        "éa",
        "a ",
        "_x",
        "Z",
        "Active ",
        "active",
    ]
)
PY_VALUES = st.one_of(
    VALUES,
    MORE_TEXTS,
    st.datetimes(),
    st.sampled_from(list(OrderStatus) + list(PayinStatus) + list(CardStatus)),
)


@settings(max_examples=2000, deadline=None)
@given(field=st.sampled_from(FIELDS), value=PY_VALUES, strict=st.sampled_from([None, True, False]))
def test_python_input_reads_as_without_the_c_path(
    models: tuple[type[BaseModel], type[BaseModel]], field: str, value: Any, strict: bool | None
) -> None:
    # A runtime ``strict`` flag does not change what the C path gives (documented): the
    # native schema's branches turned with it (strict=True refused an int amount; an
    # explicit strict=False read 0.0 as Decimal('0'), against the rule's Decimal('0.0')).
    compiled, native = models
    got = outcome(lambda v: compiled.model_validate({field: v}, strict=strict), field, value)
    wanted = outcome(lambda v: native.model_validate({field: v}), field, value)
    assert agree(got, wanted), (got, wanted)


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e-100, 9.99e-101, 1e101, 9.99e100, -1e-100, -1e101, 5e-324]),
    st.text(max_size=25),
    MORE_TEXTS,
    st.sampled_from(["2025-02-19 05:33:57", "", "out_10002000004", "10.25", "Active"]),
)
JSON_VALUES = st.one_of(
    JSON_SCALARS,
    st.lists(JSON_SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=3), JSON_SCALARS, max_size=2),
)


@settings(max_examples=2000, deadline=None)
@given(field=st.sampled_from(FIELDS), value=JSON_VALUES)
def test_json_input_reads_as_without_the_c_path(
    models: tuple[type[BaseModel], type[BaseModel]], field: str, value: Any
) -> None:
    compiled, native = models
    text = json.dumps({field: value})
    got = outcome(compiled.model_validate_json, field, text)
    wanted = outcome(native.model_validate_json, field, text)
    assert agree(got, wanted), (text, got, wanted)


@settings(max_examples=300, deadline=None)
@given(
    money=st.one_of(
        st.none(), st.integers(-(10**6), 10**6), st.decimals(places=4, allow_nan=False)
    ),
    when=st.one_of(
        st.none(), st.datetimes().map(lambda d: d.replace(microsecond=0).isoformat(" "))
    ),
    status=st.one_of(st.none(), st.integers(-3, 9)),
    text_status=st.one_of(st.none(), st.sampled_from([m.value for m in CardStatus] + ["New"])),
)
def test_dumps_are_those_without_the_c_path(
    models: tuple[type[BaseModel], type[BaseModel]],
    money: Any,
    when: Any,
    status: Any,
    text_status: Any,
) -> None:
    compiled, native = models
    values = {"money": money, "when": when, "status": status, "text_status": text_status}
    try:
        wanted = native.model_validate(values)
    except ValidationError:
        with pytest.raises(ValidationError):
            compiled.model_validate(values)
        return
    got = compiled.model_validate(values)
    assert same(got.model_dump(), wanted.model_dump())
    assert got.model_dump(mode="json") == wanted.model_dump(mode="json")
    assert got.model_dump_json() == wanted.model_dump_json()


def test_json_schemas_are_those_without_the_c_path(
    models: tuple[type[BaseModel], type[BaseModel]],
) -> None:
    compiled, native = models
    for mode in ("validation", "serialization"):
        assert compiled.model_json_schema(mode=mode) == native.model_json_schema(mode=mode)


def test_the_shipped_models_take_the_c_path() -> None:
    compiled_fields()
    shipped: list[tuple[type[BaseModel], str]] = [
        (Order, "status"),
        (Order, "amount"),
        (Card, "use_at"),
    ]
    for model, field in shipped:
        schema: Any = model.__pydantic_core_schema__
        while "fields" not in schema:
            schema = schema["schema"]
        field_schema = schema["fields"][field]["schema"]["schema"]
        assert field_schema["python_schema"]["type"] == "function-plain"
        assert field_schema["json_schema"]["type"] == "function-plain"
    order = Order.model_validate_json(
        '{"order_id": "o", "out_order_id": "x", "status": 1, "fee": 0.4, "amount": 20,'
        ' "track_at": "out_1", "create_at": "2025-02-19 05:33:57", "complete_at": ""}'
    )
    assert order.status is OrderStatus.COMPLETED
    assert (str(order.fee), str(order.amount)) == ("0.4", "20")
    assert order.track_at == "out_1"
    assert order.create_at == datetime(2025, 2, 19, 5, 33, 57)
    assert order.complete_at is None


def test_out_of_range_amounts_fail_at_the_field_as_before(
    models: tuple[type[BaseModel], type[BaseModel]],
) -> None:
    compiled, _ = models
    for value in (Decimal("1E+101"), Decimal("1E-101"), "1" * 101):
        with pytest.raises(ValidationError) as caught:
            compiled.model_validate({"money": value})
        (error,) = caught.value.errors()
        assert (error["type"], error["loc"]) == ("lemft_amount", ("money",))
        assert "1" * 20 not in str(caught.value)  # hide_input_in_errors still holds


# The C type itself: its arguments, errors, references.


def test_bad_arguments_are_refused() -> None:
    fields = compiled_fields()
    with pytest.raises(ValueError, match="unknown field kind"):
        fields.Fast(99, {}, print)
    with pytest.raises(TypeError, match="callable"):
        fields.Fast(fields.ENUM, {}, 3)
    with pytest.raises(TypeError):
        fields.Fast(fields.ENUM, [], print)
    with pytest.raises(TypeError, match="bounds"):
        fields.Fast(fields.MONEY, {}, print)
    with pytest.raises(TypeError):
        fields.Fast(fields.MONEY, {}, print, low=1e-100, high=Decimal(10))
    fast = fields.Fast(fields.DATETIME, {}, lambda value: ("fallback", value))
    with pytest.raises(TypeError, match="one value"):
        fast()
    with pytest.raises(TypeError, match="one value"):
        fast(1, 2)
    with pytest.raises(TypeError, match="keyword"):
        fast(value=1)


def test_what_c_does_not_decide_goes_to_the_fallback_once() -> None:
    fields = compiled_fields()
    seen: list[Any] = []

    def fallback(value: Any) -> Any:
        seen.append(value)
        return "fallback"

    when = fields.Fast(fields.DATETIME, {}, fallback)
    text = "out_10002000004"
    assert when(text) is text
    assert when("") is None
    assert when(None) is None
    assert when("2025-02-19 05:33:57") == datetime(2025, 2, 19, 5, 33, 57)
    assert seen == []
    assert when("2025-02-19T05:33:57") == datetime(2025, 2, 19, 5, 33, 57)
    assert seen == []
    odd = ["2025-02-30 00:00:00", "2025-02-19 05:33:57.5", "2025-02-19t05:33:57", " x", "é", 7]
    for value in odd:
        assert when(value) == "fallback"
    assert seen == odd

    seen.clear()
    kind = fields.Fast(fields.ENUM, {1: OrderStatus.COMPLETED}, fallback)
    assert kind(1) is OrderStatus.COMPLETED
    assert (kind(2), kind(True), kind("1")) == ("fallback",) * 3
    assert seen == [2, True, "1"]

    seen.clear()
    bounds = {"low": Decimal("1e-100"), "high": Decimal("1e101")}
    money = fields.Fast(fields.MONEY, {}, fallback, **bounds)
    money_json = fields.Fast(fields.MONEY_JSON, {}, fallback, **bounds)
    amount = Decimal("-0.40")
    assert money(amount) is amount
    assert str(money(20)) == "20"
    assert (str(money("-9865.29")), str(money_json("0.10"))) == ("-9865.29", "0.10")
    assert seen == []
    assert money(0.4) == "fallback"  # a float is only read as JSON input
    assert str(money_json(0.4)) == "0.4"
    assert str(money_json(-1e-100)) == "-1E-100"
    for value in (Decimal(0), Decimal("NaN"), Decimal("sNaN"), Decimal("1e101"), True, "1."):
        assert money(value) == "fallback"
    for value in ("1" * 101, " 1", "1e5", "-", ".5", "１"):
        assert money_json(value) == "fallback"
    for value in (0.0, -0.0, 1e101, 9e-101):
        assert money_json(value) == "fallback"
    assert len(seen) == 17


def test_errors_of_the_fallback_propagate() -> None:
    fields = compiled_fields()

    def fallback(value: Any) -> Any:
        raise LookupError(value)

    with pytest.raises(LookupError):
        fields.Fast(fields.ENUM, {}, fallback)(5)


def test_references_are_neither_leaked_nor_lost() -> None:
    fields = compiled_fields()
    member = OrderStatus.COMPLETED
    kind = fields.Fast(fields.ENUM, {1: member}, lambda value: value)
    when = fields.Fast(fields.DATETIME, {}, lambda value: value)
    money = fields.Fast(
        fields.MONEY, {}, lambda value: value, low=Decimal("1e-100"), high=Decimal("1e101")
    )
    text, amount = "out_" + "1" * 10, Decimal("1.5")
    before = [sys.getrefcount(x) for x in (member, text, amount)]
    for _ in range(10_000):
        kind(1)
        when(text)
        money(amount)
        money(Decimal("NaN"))
        when("2025-02-30 00:00:00")
    assert [sys.getrefcount(x) for x in (member, text, amount)] == before


def test_a_cycle_through_the_fallback_is_collected() -> None:
    fields = compiled_fields()

    class Holder:
        fast: Any = None

        def __call__(self, value: Any) -> Any:
            return value

    holder = Holder()
    holder.fast = fields.Fast(fields.ENUM, {}, holder)
    assert holder in gc.get_referents(holder.fast)
    alive = weakref.ref(holder)
    del holder
    gc.collect()
    assert alive() is None


def test_an_uninitialised_validator_refuses_to_run() -> None:
    fields = compiled_fields()
    bare = fields.Fast.__new__(fields.Fast)
    with pytest.raises(TypeError, match="not initialised"):
        bare("1")
    with pytest.raises(TypeError, match="not initialised"):
        pickle.dumps(bare)


def test_validators_and_adapters_pickle_and_copy() -> None:
    fields = compiled_fields()
    money = fields.Fast(fields.MONEY, {}, str, low=Decimal("1e-100"), high=Decimal("1e101"))
    twin = pickle.loads(pickle.dumps(money))  # noqa: S301 (our own bytes)
    assert (str(twin(Decimal("2.50"))), twin(0.5)) == ("2.50", "0.5")
    kind = copy.deepcopy(fields.Fast(fields.ENUM, {1: OrderStatus.COMPLETED}, str))
    assert kind(1) is OrderStatus.COMPLETED
    adapter = TypeAdapter(Money)
    assert str(pickle.loads(pickle.dumps(adapter)).validate_python("1.50")) == "1.50"  # noqa: S301
    assert str(copy.deepcopy(adapter).validate_json("0.4")) == "0.4"
    when = copy.deepcopy(TypeAdapter(LemftDateTime))
    assert when.validate_python("2025-02-30 00:00:00") == "2025-02-30 00:00:00"  # fallback


def _python_schema_type(model: type[BaseModel], field: str) -> str:
    schema: Any = model.__pydantic_core_schema__
    while "fields" not in schema:
        schema = schema["schema"]
    found: str = schema["fields"][field]["schema"]["schema"]["python_schema"]["type"]
    return found


@pytest.mark.parametrize(
    "config",
    [
        ConfigDict(strict=True),
        ConfigDict(str_strip_whitespace=True),
        ConfigDict(str_to_lower=True),
        ConfigDict(str_max_length=3),
        ConfigDict(coerce_numbers_to_str=True),
        ConfigDict(use_enum_values=True),
        ConfigDict(regex_engine="python-re"),
    ],
)
def test_a_config_the_c_path_cannot_honour_keeps_the_native_schema(config: ConfigDict) -> None:
    compiled_fields()

    class Mine(LemftModel):
        model_config = config
        when: LemftDateTime = None
        money: Money = None

    class Neutral(LemftModel):
        model_config = ConfigDict(validate_assignment=True, title="x")
        when: LemftDateTime = None

    assert _python_schema_type(Mine, "when") == "nullable"
    assert _python_schema_type(Neutral, "when") == "function-plain"
    if config.get("str_strip_whitespace"):
        assert Mine.model_validate({"when": " Active "}).when == "Active"


def test_values_kept_as_sent_dump_without_warnings() -> None:
    compiled_fields()
    bill = Bill.model_validate({"bill_category": "abc", "amount": "1.50"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bill.model_dump() == {"bill_category": "abc", "amount": Decimal("1.50")}
        assert bill.model_dump_json() == '{"bill_category":"abc","amount":"1.50"}'
