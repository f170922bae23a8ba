"""The encoder's flat fast path and LEMFT's pre-encoded common params write the very bytes
the general encoder writes (the body is signed), and every id is a uuid4 in hex."""

from __future__ import annotations

import functools
import json
import uuid
from decimal import Decimal
from enum import IntEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lemft_async._config import Credentials
from lemft_async._core._codec import _encode, dumps, encode, encode_members, fixed_point
from lemft_async._core._ids import uuid4_hex
from lemft_async._resource import new_out_order_id
from lemft_async._transport import LemftTransport, encode_body
from tests.unit.conftest import make_client


def general(value: Any) -> str:
    """What the recursive encoder alone writes (no fast path)."""
    out: list[str] = []
    _encode(value, out, "", False, fixed_point)
    return "".join(out)


texts = st.text()  # every code point: quotes, backslashes, controls, non-ASCII, surrogates
ints = st.integers(min_value=-(10**30), max_value=10**30)
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 40
)
flat = st.dictionaries(texts, st.one_of(texts, ints, decimals), max_size=8)


@given(flat)
def test_a_flat_object_is_written_as_the_general_encoder_writes_it(value: dict[str, Any]) -> None:
    assert encode(value) == general(value)
    assert encode_members(value) == general(value)[1:-1]


@given(st.dictionaries(texts, st.one_of(texts, ints), max_size=8))
def test_a_flat_object_of_text_and_ints_is_what_json_dumps_writes(value: dict[str, Any]) -> None:
    assert encode(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Kind(IntEnum):
    VIRTUAL = 2


class Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {"a": None},
        {"a": True, "b": False},
        {"card_type": Kind.VIRTUAL},
        {"a": Text("x")},
        {"a": {"b": [1, Decimal("2.50")]}},
        {"a": []},
        {1: "int key"},
        {"a": "x", 2: "late int key"},
    ],
    ids=repr,
)
def test_anything_not_flat_takes_the_general_encoder(value: dict[Any, Any]) -> None:
    try:
        expected = general(value)
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc).split(" at ")[0]):
            encode(value)
        with pytest.raises(TypeError):
            encode_members(value)
        return
    assert encode(value) == expected
    assert encode_members(value) == expected[1:-1]


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        ({"amount": 1.5}, TypeError, "float value 1.5 at 'amount' refused"),
        ({"amount": Decimal("NaN")}, ValueError, "non-finite Decimal"),
        ({"amount": Decimal("-Infinity")}, ValueError, "non-finite Decimal"),
        ({"x": object()}, TypeError, "cannot encode object at 'x'"),
    ],
)
def test_refusals_are_the_general_encoders(value: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        encode(value)
    with pytest.raises(error, match=match):
        encode_members(value)


def test_decimals_keep_their_digits_and_never_get_an_exponent() -> None:
    value = {"a": Decimal("20.00"), "b": Decimal("1E+3"), "c": Decimal("-0.000001"), "d": 7}
    assert encode(value) == '{"a":20.00,"b":1000,"c":-0.000001,"d":7}'


@functools.cache
def _transport() -> LemftTransport:
    return make_client()._transport  # one for every example (nothing is sent)


params = st.dictionaries(
    texts.filter(lambda k: k not in ("customer_id", "app_id", "key")),
    st.one_of(texts, ints, decimals, st.none(), st.booleans(), st.lists(ints, max_size=3)),
    max_size=6,
)


@given(params)
def test_lemft_bodies_are_byte_identical_to_encoding_the_whole_object(
    value: dict[str, Any],
) -> None:
    transport = _transport()
    assert transport.encode_body(value) == encode_body(transport.credentials, value)
    assert transport.encode_body(value) == dumps(
        {"customer_id": 10001004, "app_id": 100006, "key": transport.credentials.key, **value}
    )


def test_lemft_bodies_start_with_the_common_params_and_refuse_them_in_params() -> None:
    transport = make_client(key='k"\\\u00e9')._transport
    assert (
        transport.encode_body({})
        == b'{"customer_id":10001004,"app_id":100006,"key":"k\\"\\\\\xc3\xa9"}'
    )
    assert transport.encode_body({"order_id": "o"}).endswith(b',"order_id":"o"}')
    for name in ("customer_id", "app_id", "key"):
        with pytest.raises(ValueError, match=f"{name} are set by the client"):
            transport.encode_body({name: 1})
        with pytest.raises(ValueError, match=f"{name} are set by the client"):
            encode_body(Credentials(1, 2, "k", "s"), {name: 1})


def test_ids_are_version_4_uuids_in_hex() -> None:
    seen = set()
    for make in (uuid4_hex, new_out_order_id):
        for _ in range(200):
            text = make()
            assert len(text) == 32
            assert text == text.lower()
            parsed = uuid.UUID(hex=text)
            assert parsed.hex == text
            assert parsed.version == 4
            assert parsed.variant == uuid.RFC_4122
            seen.add(text)
    assert len(seen) == 400
