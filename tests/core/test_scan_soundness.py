"""The compiled exactness check (``_core/_scan.c``) is sound: whenever it says a body is
exact, pydantic-core's ``validate_json`` (fractions turned into the ``Decimal`` of their
float's text, as ``_schemas.exact_json`` does) gives what the exact decoder
``_codec.loads`` gives: the same types and, for every ``Decimal``, the same digits.

It is also never more conservative than the Python rule, and it does say "exact" for the
documented kind of body, so the soundness property below is not vacuous.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from lemft_async._core._codec import encode, loads
from lemft_async._core._onepass import exact_in_python
from lemft_async._core._schemas import exact_json

from .._exact import compiled_check, same

ANY = TypeAdapter(Any)


@pytest.fixture(autouse=True)
def _built() -> None:
    # Every test of this file is about the compiled check: skip (or fail) them all.
    compiled_check()


def one_pass_value(body: bytes) -> tuple[bool, Any]:
    """(True, value) when ``validate_json`` reads ``body`` (fractions as the one pass turns
    them into ``Decimal``); (False, None) when it refuses it: then the exact path judges."""
    try:
        return True, exact_json(ANY.validate_json(body))
    except ValidationError:
        return False, None


def check_sound(body: bytes) -> bool:
    """Assert soundness for ``body``; True when the compiled check said exact and the
    one-pass read succeeded (the premise of the property held)."""
    if not compiled_check()(body):
        return False
    read, value = one_pass_value(body)
    if not read:
        return False  # refused by the validator: the exact path judges it
    # What one pass read, the exact decoder must read too, to the very same value.
    expected = loads(body)
    assert same(value, expected), (body, value, expected)
    return True


# -- generated JSON documents -------------------------------------------------------------

WS = st.sampled_from(["", "", "", " ", "\n", "\t", "\r\n", "  "])

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=22)


@st.composite
def number_literal(draw: st.DrawFn) -> str:
    """A JSON number in any written form: sign, integer part, fraction, exponent."""
    sign = draw(st.sampled_from(["", "", "-"]))
    integer = draw(
        st.one_of(
            st.just("0"),
            st.integers(1, 9).map(str),
            st.integers(1, 10**30).map(str),
            st.sampled_from(["9223372036854775807", "9223372036854775808", "9" * 19, "1" * 20]),
        )
    )
    fraction = draw(
        st.one_of(
            st.just(""),
            DIGITS.map(lambda d: "." + d),
            st.sampled_from([".0", ".5", ".25", ".10", ".0001", ".00001", ".000123", ".4"]),
        )
    )
    exponent = draw(
        st.one_of(
            st.just(""),
            st.just(""),
            st.tuples(
                st.sampled_from(["e", "E"]),
                st.sampled_from(["", "+", "-"]),
                st.integers(0, 120).map(str),
            ).map("".join),
        )
    )
    return sign + integer + fraction + exponent


@st.composite
def widest_fraction(draw: st.DrawFn) -> str:
    """A fraction at the rule's edge: 15 (or 16) significant digits, or just above 1e-4,
    where reading through a float must still give every digit back."""
    total = draw(st.sampled_from([15, 15, 16, 14]))
    whole = draw(st.integers(0, total - 1))
    integer = "0" if whole == 0 else draw(st.integers(10 ** (whole - 1), 10**whole - 1).map(str))
    lead = draw(st.sampled_from(["", "", "0", "00", "000"])) if whole == 0 else ""
    width = max(1, total - whole - len(lead))
    digits = draw(st.text(alphabet="0123456789", min_size=width, max_size=width))
    last = draw(st.sampled_from("123456789"))
    sign = draw(st.sampled_from(["", "-"]))
    return f"{sign}{integer}.{lead}{digits[:-1]}{last}"


def decimal_literal(value: Decimal, form: str) -> str:
    if form == "fixed":
        return format(value, "f")
    if form == "lower":
        return str(value).lower()
    return str(value)


DECIMALS = st.builds(
    decimal_literal,
    st.decimals(allow_nan=False, allow_infinity=False).filter(
        lambda d: -40 < d.adjusted() < 40 and len(str(d)) <= 60
    ),
    st.sampled_from(["fixed", "str", "lower"]),
)

EXACT_LOOKING = st.sampled_from(
    [
        *("0.4", "10.25", "-3.5", "9865.29", "123456789012.345", "0.0001", "1.5", "20", "-0"),
        *("0", "0.10", "20.00", "0.00001", "1E-7", "1e5", "2.5E+3", "-0.0", "1234567890123456.5"),
        *("0.000123", "99999999999999.9", "0.123456789012345", "12345678901234.5"),
    ]
)

NUMBERS = st.one_of(
    EXACT_LOOKING,
    number_literal(),
    widest_fraction(),
    DECIMALS,
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.integers(min_value=-(2**63), max_value=2**64).map(str),
)

# String content: plain text, the characters a scanner must get right, number look-alikes.
STRING_PIECES = st.one_of(
    st.text(max_size=6),
    st.sampled_from(
        [
            *('"', "\\", '\\"', "\\\\", '\\\\"', "1e5", "0.10", "NaN", "Infinity", "-1"),
            *("1.50", "12345678901234567890123", "é", "\U0001f600", "\x00", "\x1f", "/", "'"),
        ]
    ),
)


def json_string(text: str, ascii_only: bool) -> str:
    return json.dumps(text, ensure_ascii=ascii_only)


RAW_ESCAPES = st.sampled_from(
    [
        *("\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\u005c", "\\u0022"),
        *("\\\\", '\\"', "\\ud83d\\ude00"),
        "\\ud800",  # a lone surrogate: the exact decoder reads it, the validator refuses it
    ]
)


@st.composite
def raw_string(draw: st.DrawFn) -> str:
    """A JSON string literal written by hand with escapes (also ones json.dumps never writes,
    and runs of backslashes before a quote)."""
    parts = draw(
        st.lists(
            st.one_of(
                RAW_ESCAPES,
                st.text(
                    alphabet=st.characters(blacklist_characters='"\\', min_codepoint=0x20),
                    max_size=5,
                ),
                st.sampled_from(["1e5", "0.10", "NaN", "-", "20.00", "1.", "9" * 21]),
            ),
            max_size=6,
        )
    )
    return '"' + "".join(parts) + '"'


STRINGS = st.one_of(
    st.builds(json_string, st.lists(STRING_PIECES, max_size=5).map("".join), st.booleans()),
    raw_string(),
    st.sampled_from(['"1e5"', '"0.10"', '"NaN"', '"x\\"y"', '"\\\\"', '"a\\\\\\"1e5"']),
)

SCALARS = st.one_of(
    NUMBERS,
    NUMBERS,
    STRINGS,
    st.sampled_from(["true", "false", "null", "NaN", "Infinity", "-Infinity"]),
)

KEYS = st.one_of(
    st.sampled_from(['"a"', '"b"', '"balance"', '"1e5"', '"0.10"', '"k\\"1.50"', '"\\\\"']),
    STRINGS,
)


@st.composite
def json_array(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    items = draw(st.lists(inner, max_size=4))
    sep = draw(WS) + "," + draw(WS)
    return "[" + draw(WS) + sep.join(items) + draw(WS) + "]"


@st.composite
def json_object(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    members = draw(st.lists(st.tuples(KEYS, inner), max_size=4))
    colon = draw(WS) + ":" + draw(WS)
    sep = draw(WS) + "," + draw(WS)
    return "{" + draw(WS) + sep.join(k + colon + v for k, v in members) + draw(WS) + "}"


TEXT_DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(json_array(inner), json_object(inner)),
    max_leaves=12,
)

# The same kind of documents as Python values, written by the SDK's own encoder
# (``encode`` writes a Decimal in fixed point: Decimal("1E+5") as 100000).
PY_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**22), max_value=10**22),
    st.decimals(allow_nan=False, allow_infinity=False).filter(lambda d: -30 < d.adjusted() < 30),
    st.sampled_from([Decimal(t) for t in ("0.4", "10.25", "20.00", "0.0001", "-0", "1E-7")]),
    st.lists(STRING_PIECES, max_size=4).map("".join),
)
PY_VALUES = st.recursive(
    PY_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.lists(STRING_PIECES, max_size=2).map("".join), inner, max_size=4),
    ),
    max_leaves=12,
)


@st.composite
def document(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 3)) == 0:
        text = encode(draw(PY_VALUES))
    else:
        text = draw(WS) + draw(TEXT_DOCUMENTS) + draw(WS)
    return text.encode("utf-8", "surrogatepass")


SETTINGS = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- properties ----------------------------------------------------------------------------


@SETTINGS
@given(body=document())
def test_what_the_compiled_check_calls_exact_is_read_exactly_in_one_pass(body: bytes) -> None:
    held = check_sound(body)
    event("premise held" if held else "premise did not hold")


@SETTINGS
@given(
    value=st.one_of(NUMBERS, DECIMALS),
    context=st.sampled_from(["{0}", "[{0}]", '{{"a":{0}}}', '["x\\"y",{0},"z"]', " {0} "]),
)
def test_each_number_form_alone_is_read_exactly_when_called_exact(value: str, context: str) -> None:
    body = context.format(value).encode()
    if check_sound(body):
        # The literal itself, digit for digit (not only equal to the exact decoder).
        number = loads(value)
        read = one_pass_value(value.encode())[1]
        assert same(read, number)
        if isinstance(number, Decimal):
            assert str(number) == str(Decimal(value))


def _is_json(body: bytes) -> bool:
    try:
        loads(body)
    except (ValueError, RecursionError):
        return False
    return True


@SETTINGS
@given(body=document())
def test_the_python_rule_is_at_least_as_conservative_as_the_compiled_one(body: bytes) -> None:
    # Claimed for JSON (what the exact decoder reads); on other bytes (e.g. "1.e5") both
    # answers are moot: the validator refuses the body and the exact path judges it.
    if exact_in_python(body) and _is_json(body):
        assert compiled_check()(body), body


def has_fraction(value: Any) -> bool:
    if isinstance(value, Decimal):
        return True
    if isinstance(value, dict):
        return any(has_fraction(v) for v in value.values())
    return isinstance(value, list) and any(has_fraction(v) for v in value)


def test_a_meaningful_share_of_the_generated_documents_is_exact() -> None:
    # The soundness property is not vacuous: its premise holds for many generated bodies.
    check = compiled_check()
    seen = {"all": 0, "exact": 0, "held": 0, "held with a fraction": 0}

    @settings(max_examples=400, deadline=None, derandomize=True, database=None)
    @given(body=document())
    def run(body: bytes) -> None:
        seen["all"] += 1
        seen["exact"] += check(body)
        if check_sound(body):
            seen["held"] += 1
            seen["held with a fraction"] += has_fraction(loads(body))

    run()
    assert seen["all"] >= 300
    assert seen["exact"] >= seen["all"] // 5, seen
    assert seen["held"] >= seen["all"] // 5, seen
    assert seen["held with a fraction"] >= seen["all"] // 20, seen


# -- fixed bodies --------------------------------------------------------------------------

EXACT_BODIES = [
    b'{"a":0.4,"b":[20,"x\\"y"],"c":"1e5"}',
    b'{"fee":0.4,"amount":20,"balance":10.25,"limit":-3.5}',
    b'{"q":"say \\"1e5\\" twice","w":"\\\\","n":1.5}',
    b'{"id":"5e3f","n":"123456789012345678901234","m":"a 1e5","t":"NaN"}',
    b'{"version":"v1.50","x":"\\\\\\"0.10"}',
    b" [ 0.0001 , 9865.29 , 123456789012.345 , -0 , 9223372036854775807 ] ",
    b'{"deep":{"r":[1.5,{"s":[0.25,"Infinity"]}]},"u":"\\u00e9\\ud83d\\ude00"}',
    b'"just text with 1e5 and 0.10"',
    b"-9999999999999999999",
    b"{}",
]

CHANGED_BODIES = [
    b'{"a":0.10}',
    b'{"a":20.00}',
    b'{"a":"x\\"y","b":1e5}',
    b'{"a":NaN}',
    b'{"a":-Infinity}',
    b'{"a":"\\\\\\\\","b":2.5E+3}',
]
"""Read through a float, these come out otherwise (or are read where the exact decoder
refuses them)."""

CONSERVATIVE_BODIES = [
    b'{"a":"\\\\","b":0.00001}',
    b'{"a":1234567890123456.5}',
    b'{"a":12345678901234567890}',
    b'["\\"",1.0]',
]
"""Refused although one pass would happen to read them right (the rule's margin)."""

NOT_EXACT_BODIES = CHANGED_BODIES + CONSERVATIVE_BODIES


@pytest.mark.parametrize("body", EXACT_BODIES)
def test_documented_kinds_of_body_are_exact_for_the_compiled_check(body: bytes) -> None:
    assert compiled_check()(body)
    assert check_sound(body)  # and read exactly


@pytest.mark.parametrize("body", NOT_EXACT_BODIES)
def test_the_refused_bodies_are_not_exact(body: bytes) -> None:
    assert not compiled_check()(body)


def _one_pass_differs(body: bytes) -> bool:
    read, value = one_pass_value(body)
    assert read  # the validator reads each of them
    try:
        expected = loads(body)
    except ValueError:
        return True  # NaN / Infinity: read by the validator, refused by the exact decoder
    return not same(value, expected)


@pytest.mark.parametrize("body", CHANGED_BODIES)
def test_one_pass_would_really_change_the_refused_bodies(body: bytes) -> None:
    # Why they must be refused: the soundness check above would catch a wrong True.
    assert _one_pass_differs(body)


@pytest.mark.parametrize("body", CONSERVATIVE_BODIES)
def test_some_refused_bodies_are_only_the_rules_margin(body: bytes) -> None:
    assert not _one_pass_differs(body)


# -- odd input -----------------------------------------------------------------------------

ODD_BODIES = [
    b'{"a":"unterminated',
    b'"\\',
    b'"\\\\',
    b"",
    b"-",
    b"--1",
    b"1.",
    b"0.",
    b"1.e5",
    b"[1,",
    b"{",
    b"\\",
    b'"',
    b"\xff\xfe",
    b'{"a":"\xed\xa0\x80"}',
    b'{"a":1.5',
    b"\x00",
    b"-" * 1000,
    b'"' + b"\\" * 999,
]


@pytest.mark.parametrize("body", ODD_BODIES)
def test_truncated_or_invalid_json_gives_a_bool(body: bytes) -> None:
    answer = compiled_check()(body)
    assert type(answer) is bool
    # Whatever it says, one pass never reads such bytes: the validator refuses them.
    assert not one_pass_value(body)[0]


def _any_input() -> Callable[[object], bool]:
    # The stub says bytes; the C function takes any object with the buffer protocol.
    return cast("Callable[[object], bool]", compiled_check())


def test_the_check_reads_any_contiguous_buffer() -> None:
    check = _any_input()
    exact, not_exact = b'{"a":0.4,"s":"1e5"}', b'{"a":0.40}'
    for wrap in (bytes, bytearray, memoryview):
        assert check(wrap(exact)) is True
        assert check(wrap(not_exact)) is False
    # A slice of a buffer is read as its own bytes, not the whole underlying object.
    view = memoryview(b'{"a":0.4}  ,0.40')
    assert check(view[:9]) is True
    assert check(view[9:]) is False


def test_the_check_refuses_what_is_not_a_contiguous_buffer() -> None:
    check = _any_input()
    with pytest.raises(TypeError):
        check('{"a":0.4}')
    with pytest.raises(TypeError):
        check(None)
    with pytest.raises(TypeError):
        check(12)
    with pytest.raises(BufferError):
        check(memoryview(b'{"a":0.40}')[::2])
