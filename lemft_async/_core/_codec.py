"""Exact-decimal JSON: the one encoder and the one decoder of the package.

Requests are encoded once, compactly, with ``Decimal`` written digit for digit; those
bytes are what gets signed and sent. Answers decode every JSON number with a fraction or
exponent to ``Decimal`` (integers stay ``int``), so money never passes through binary
float; ``keep_numbers=True`` keeps each number as its exact text instead (KeySecure signs
numbers as they were written).

Numbers are bounded: a 10-byte literal such as ``1e99999999`` would otherwise make a later
``int()`` run for minutes. A number with a fraction or exponent longer than
``MAX_NUMBER_CHARS`` characters or with an exponent beyond ``MAX_EXPONENT`` is a
``ValueError`` (an unreadable answer); integers are bounded by the interpreter's own limit
on integer digits (4300 by default; where it is switched off, by ``MAX_NUMBER_CHARS`` too).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "MAX_EXPONENT",
    "MAX_NUMBER_CHARS",
    "JsonNumber",
    "dumps",
    "encode",
    "encode_members",
    "loads",
]

MAX_NUMBER_CHARS = 100
"""Longest number token with a fraction or exponent accepted (money needs far fewer)."""
MAX_EXPONENT = 100
"""Largest ``|exponent|`` accepted in an answer's number."""

# The C-accelerated string escaper from the stdlib (``"``, ``\\`` and control characters;
# non-ASCII kept): byte-for-byte what json.dumps(ensure_ascii=False) writes.
_encode_str = json.encoder.encode_basestring


class JsonNumber:
    """A JSON number token kept as the exact text of the body (``loads(keep_numbers=True)``)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def value(self) -> int | Decimal:
        """``int`` for integers, ``Decimal`` otherwise (money never becomes a float)."""
        if any(c in self.text for c in ".eE"):
            return Decimal(self.text)
        return int(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JsonNumber) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"JsonNumber({self.text})"


def fixed_point(value: Decimal) -> str:
    """Fixed-point text: keeps the caller's digits ("20.00" stays "20.00") and never emits
    an exponent, which some servers' number parsers reject."""
    return format(value, "f")


def _encode(
    value: Any,
    out: list[str],
    where: str,
    drop_nulls: bool,
    decimal_text: Callable[[Decimal], str],
) -> None:
    # bool before int: bool is a subclass of int.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_encode_str(value))
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot encode non-finite Decimal {value!r} at {where!r}")
        out.append(decimal_text(value))
    elif isinstance(value, JsonNumber):
        out.append(value.text)
    elif isinstance(value, float):
        raise TypeError(
            f"float value {value!r} at {where!r} refused: binary floats cannot represent money "
            "exactly. Pass a decimal.Decimal (e.g. Decimal('10.50')), an int, or a str."
        )
    elif isinstance(value, Mapping):
        out.append("{")
        first = True
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(
                    f"JSON object keys must be str, got {type(k).__name__} at {where!r}"
                )
            if v is None and drop_nulls:
                continue
            if not first:
                out.append(",")
            first = False
            out.append(_encode_str(k))
            out.append(":")
            _encode(v, out, f"{where}.{k}" if where else k, drop_nulls, decimal_text)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out, f"{where}[{i}]", drop_nulls, decimal_text)
        out.append("]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} at {where!r} as JSON")


def _flat_members(value: dict[Any, Any], decimal_text: Callable[[Decimal], str]) -> str | None:
    """The members of a flat object (``str`` keys; exactly ``str``, ``int`` or finite
    ``Decimal`` values: a request's usual params) as ``_encode`` writes them, in one loop;
    ``None`` for anything else (nested, ``None``, bool, float, subclasses), which the
    general encoder then writes or refuses with its own messages."""
    parts: list[str] = []
    for k, v in value.items():
        kind = type(v)
        if kind is str:
            text = _encode_str(v)
        elif kind is int:
            text = int.__repr__(v)
        elif kind is Decimal and v.is_finite():
            text = decimal_text(v)
        else:
            return None
        if type(k) is not str:
            return None
        parts.append(f"{_encode_str(k)}:{text}")
    return ",".join(parts)


def encode(
    value: Any,
    *,
    drop_nulls: bool = False,
    decimal_text: Callable[[Decimal], str] = fixed_point,
) -> str:
    """Compact JSON text, keys in insertion order, Decimal exact, floats refused.

    ``drop_nulls`` leaves out object members whose value is ``None`` (fastjson's default,
    which KeySecure's signature follows); ``decimal_text`` renders a ``Decimal``.
    """
    if type(value) is dict:
        members = _flat_members(value, decimal_text)
        if members is not None:
            return f"{{{members}}}"
    out: list[str] = []
    _encode(value, out, "", drop_nulls, decimal_text)
    return "".join(out)


def encode_members(value: Mapping[str, Any]) -> str:
    """``encode(value)`` of an object without its braces: its members, to be written
    after others (a request's common params) in one object."""
    members = _flat_members(value, fixed_point) if type(value) is dict else None
    return encode(value)[1:-1] if members is None else members


def dumps(value: Any) -> bytes:
    """``encode(value)`` as UTF-8: the bytes a request body is signed and sent as."""
    return encode(value).encode("utf-8")


def _no_constant(name: str) -> Any:
    # NaN / Infinity are not JSON and must never become a float amount.
    raise ValueError(f"non-finite number {name} in JSON")


def _checked(text: str) -> str:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"JSON number of {len(text)} characters refused")
    cut = max(text.find("e"), text.find("E"))
    if cut >= 0:
        exponent = text[cut + 1 :].lstrip("+-")
        if len(exponent) > 3 or int(exponent) > MAX_EXPONENT:
            raise ValueError("JSON number with an absurd exponent refused")
    return text


def _int(text: str) -> int:
    return int(_checked(text))


def _decimal(text: str) -> Decimal:
    # Called from the C scanner for every fraction: the usual short number without an
    # exponent is checked inline, in this one frame.
    if len(text) <= MAX_NUMBER_CHARS and "e" not in text and "E" not in text:
        return Decimal(text)
    return Decimal(_checked(text))


def _number(text: str) -> JsonNumber:
    return JsonNumber(_checked(text))


# Integers: the C scanner's own int() is several times faster than a Python hook, and
# CPython >= 3.10.7 refuses integer text over sys.get_int_max_str_digits() (4300) digits.
_INT: Callable[[str], int] = int if getattr(sys, "get_int_max_str_digits", lambda: 0)() else _int
# Built once: json.loads(..., parse_float=...) would build a new decoder on every call.
_DECODER = json.JSONDecoder(parse_float=_decimal, parse_int=_INT, parse_constant=_no_constant)
_EXACT_DECODER = json.JSONDecoder(
    parse_float=_number, parse_int=_number, parse_constant=_no_constant
)
_Scan = Callable[[str, int], tuple[Any, int]]
_PLAIN: tuple[json.JSONDecoder, _Scan] = (_DECODER, _DECODER.scan_once)  # type: ignore[attr-defined]
_EXACT: tuple[json.JSONDecoder, _Scan] = (_EXACT_DECODER, _EXACT_DECODER.scan_once)  # type: ignore[attr-defined]


def loads(data: bytes | str, *, keep_numbers: bool = False) -> Any:
    """Decode JSON: numbers with a fraction or exponent as ``Decimal``, integers as ``int``
    (or every number as a ``JsonNumber`` with ``keep_numbers``). Raises ``ValueError``
    (also for an out-of-bounds number), ``UnicodeDecodeError`` or ``RecursionError``."""
    text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    decoder, scan = _EXACT if keep_numbers else _PLAIN
    # The C scanner straight from the first character: what decode() does for a body with
    # no surrounding whitespace, without its two whitespace regexes. Anything else (leading
    # or trailing whitespace, extra data) goes through decode() for its rules and error;
    # an error inside the value is the same JSONDecodeError either way.
    try:
        value, end = scan(text, 0)
    except StopIteration:
        return decoder.decode(text)
    if end != len(text):
        return decoder.decode(text)
    return value


def to_plain(value: Any) -> Any:
    """Replace every ``JsonNumber`` by ``int``/``Decimal``, recursively."""
    if isinstance(value, JsonNumber):
        return value.value()
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value
