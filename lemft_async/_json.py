"""Exact-decimal JSON.

Requests are encoded once, compactly, with ``Decimal`` written digit for digit; those
bytes are what gets signed and sent. Responses decode every JSON number with a fraction
to ``Decimal`` (integers stay ``int``), so money never passes through binary float.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

__all__ = ["dumps", "loads"]

# The C-accelerated string escaper from the stdlib; byte-for-byte what json.dumps writes.
_encode_str = json.encoder.encode_basestring


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"cannot encode non-finite Decimal {value!r} as a JSON number")
    # Fixed-point keeps the caller's digits ("20.00" stays "20.00") and never emits an
    # exponent, which some servers' number parsers reject.
    return format(value, "f")


def _encode(value: Any, out: list[str], where: str) -> None:
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
        out.append(_decimal_text(value))
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
            if not first:
                out.append(",")
            first = False
            out.append(_encode_str(k))
            out.append(":")
            _encode(v, out, f"{where}.{k}" if where else k)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out, f"{where}[{i}]")
        out.append("]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} at {where!r} as JSON")


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, keys in insertion order, Decimal exact, floats refused."""
    out: list[str] = []
    _encode(value, out, "")
    return "".join(out).encode("utf-8")


# Built once: json.loads(..., parse_float=...) would build a new decoder on every call.
def _no_constant(name: str) -> Any:
    # NaN / Infinity are not JSON and must never become a float amount.
    raise ValueError(f"non-finite number {name} in JSON")


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant)


def loads(data: bytes | str) -> Any:
    """Decode JSON with numbers that have a fraction or exponent as ``Decimal``."""
    text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    return _DECODER.decode(text)
