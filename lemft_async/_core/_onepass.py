"""One pass from bytes to models, taken only where it is provably as exact as two.

pydantic-core's ``validate_json`` is the fastest way from an answer's bytes to typed models,
but it reads a JSON fraction through a binary float: ``0.10`` becomes ``Decimal('0.1')``
and a long literal loses digits. The exact path (``_codec.loads``, then validation of the
decoded data) has no such loss and stays the rule. This module says when the fast path
gives the very same result: :func:`exact_in_one_pass` accepts a body only when each
fraction in it, read through a float, comes back digit for digit (at most 15 significant
digits, no trailing zero, no exponent, not below ``1e-4``), no integer is long enough to
leave the exact range, and there is no ``NaN``/``Infinity`` (which the exact decoder
refuses). The documented answers (``"fee": 0.4``, ``"amount": 20``) are of that kind; a
body that is not (``20.00``, ``1E-7``) takes the exact path. The check runs compiled when the
package was built with its C accelerator (``_scan.c``), else in Python, where it is
conservative: a look-alike inside a string (``"v1.50"``) only sends the body to the exact
path.

The JSON side of the field types (``_schemas``) and of the models' unknown fields
(``_models``) turn such a float into the ``Decimal`` of its text, so the models built in one
pass equal the exact path's, which ``tests/core/test_onepass.py`` checks on generated
answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import CoreSchema, SchemaValidator, core_schema

from ._accelerators import accelerator

__all__ = [
    "MAX_SIGNIFICANT",
    "ONE_PASS_MIN_BYTES",
    "OnePass",
    "code_envelope",
    "exact_compiled",
    "exact_in_one_pass",
    "exact_in_python",
    "list_in",
    "model_in",
    "try_one_pass",
]

T = TypeVar("T")

MAX_SIGNIFICANT = 15
"""Significant digits a fraction may have for its float to give its text back: every
decimal of 15 digits is the shortest text of its double, so no other is printed."""

# Every '.' with the digits after it and the letter that may start an exponent; the
# literal first character lets the regex engine jump from '.' to '.'.
_FRACTION = re.compile(rb"\.([0-9]*)([eE]?)")
_DIGITS = bytes.maketrans(b"0123456789E", b"0000000000e")
# Literal searches go through compiled patterns: the regex engine's literal scan is about
# three times faster than ``bytes.find`` for these short needles (measured on a 355 KiB page).
_NAN = re.compile(rb"NaN")
_INFINITY = re.compile(rb"Infinity")
_EXPONENT = re.compile(rb"0e")  # in the translated body: a digit, then an exponent letter
# sys.maxsize has 19 digits: longer integers stay on the exact path.
_LONG_INTEGER = re.compile(b"0" * 20)
_BEFORE_NUMBER = frozenset(b" \t\r\n:,[")
_AFTER_NUMBER = frozenset(b" \t\r\n,]}")
_NUMBER_CHARS = frozenset(b"0123456789.eE+-")


class OnePass(Generic[T]):
    """A decode step's result that is already the parse step's result (built in one pass)."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


def _fraction_is_exact(digits: bytes, exponent: bytes) -> bool:
    if not digits:
        return True  # "1." or a '.' in text: not a JSON number
    if exponent or digits[-1:] == b"0" or digits.startswith(b"0000"):
        return False
    return len(digits) <= MAX_SIGNIFICANT


def _is_number_at(body: bytes, at: int) -> bool:
    """Whether the run of number characters around ``body[at]`` stands where a JSON number
    can (between structural characters), rather than inside a string."""
    start = at
    while start > 0 and body[start - 1] in _NUMBER_CHARS:
        start -= 1
    end = at
    while end < len(body) and body[end] in _NUMBER_CHARS:
        end += 1
    return (start == 0 or body[start - 1] in _BEFORE_NUMBER) and (
        end == len(body) or body[end] in _AFTER_NUMBER
    )


def _any_number_at(body: bytes, digits: bytes, marker: re.Pattern[bytes]) -> bool:
    return any(_is_number_at(body, found.start()) for found in marker.finditer(digits))


@cache
def _integer_part(width: int) -> re.Pattern[bytes]:
    return re.compile(b"0" * width + rb"\.")


def exact_in_python(body: bytes) -> bool:
    """True when ``validate_json(body)`` reads every number of ``body`` exactly: the rule in
    Python, conservative about look-alikes inside strings."""
    if _NAN.search(body) or _INFINITY.search(body):
        return False
    longest = 0
    for digits, exponent in set(_FRACTION.findall(body)):
        if not _fraction_is_exact(digits, exponent):
            return False
        longest = max(longest, len(digits))
    digits_only = body.translate(_DIGITS)
    # An integer part that with its fraction exceeds the significant digits (conservative:
    # measured against the longest fraction of the body).
    if longest and _integer_part(MAX_SIGNIFICANT - longest + 1).search(digits_only):
        return False
    return not (
        _any_number_at(body, digits_only, _EXPONENT)
        or _any_number_at(body, digits_only, _LONG_INTEGER)
    )


exact_compiled: Callable[[bytes], bool] | None
"""The same check compiled (``_scan.c``, built with the package when a C compiler is there):
one pass over the bytes, about 5x faster, and exact about strings (a number-like text inside
a string is not a number), so it takes one pass for a few bodies the Python rule sends to
the exact path; both only say ``True`` for bodies one pass reads exactly."""
_scan = accelerator("_scan")
exact_compiled = None if _scan is None else _scan.exact_in_one_pass

exact_in_one_pass: Callable[[bytes], bool] = exact_compiled or exact_in_python
"""True when ``validate_json(body)`` reads every number of ``body`` exactly (compiled when
built, else ``exact_in_python``)."""

ONE_PASS_MIN_BYTES = 2048 if exact_compiled is None else 0
"""Smaller answers take the exact path. Compiled, the check costs ~0.1 us for 1 KiB and one
pass wins at every size (576-byte getOrder answer: 7.7 vs 10.3 us; a 105-byte page: 4.2 vs
4.8 us). In Python it has a fixed cost that one pass only wins back from a few KiB on
(measured: 1.2x slower at 0.5 KiB, 0.9x at 3.7 KiB, 0.84x at 36 KiB)."""


def try_one_pass(
    parse: object, body: bytes, *, min_bytes: int = ONE_PASS_MIN_BYTES
) -> OnePass[Any] | None:
    """``parse``'s one-pass result for a success ``body``, or ``None``: the parse step has no
    one-pass form, the body is shorter than ``min_bytes`` or not exact in one pass, or it
    does not validate that way (an error code, another shape), and the exact decoder and
    the parse step judge it."""
    one_pass = getattr(parse, "one_pass", None)
    if one_pass is None or len(body) < min_bytes or not exact_in_one_pass(body):
        return None
    try:
        return OnePass(one_pass(body))
    except ValidationError:
        return None


def model_in(model: type[BaseModel], key: str | None = None) -> CoreSchema:
    """``model``'s schema, or that of an object holding it at ``key`` (other keys ignored)."""
    schema = model.__pydantic_core_schema__
    if key is None:
        return schema
    return core_schema.typed_dict_schema(
        {key: core_schema.typed_dict_field(schema)}, extra_behavior="ignore"
    )


def list_in(item: type[BaseModel], key: str, *optional: str) -> CoreSchema:
    """An object holding a list of ``item`` at ``key`` and, if there, the ``optional`` keys
    as they were sent."""
    fields = {
        name: core_schema.typed_dict_field(core_schema.any_schema(), required=False)
        for name in optional
    }
    fields[key] = core_schema.typed_dict_field(
        core_schema.list_schema(item.__pydantic_core_schema__)
    )
    return core_schema.typed_dict_schema(fields, extra_behavior="ignore")


@cache
def _success_code() -> CoreSchema:
    # 0 as a JSON integer: not false, not 0.0, not "0" (those take the exact path's rules).
    return core_schema.chain_schema(
        [core_schema.int_schema(strict=True), core_schema.literal_schema([0])]
    )


def code_envelope(data: CoreSchema) -> SchemaValidator:
    """A validator of ``{"code": 0, "data": <data>}``, the success answer of LEMFT's and
    KeySecure's envelope; anything else (an error code, another shape) fails it."""
    return SchemaValidator(
        core_schema.typed_dict_schema(
            {
                "code": core_schema.typed_dict_field(_success_code()),
                "data": core_schema.typed_dict_field(data),
            },
            extra_behavior="ignore",
        )
    )
