"""Argument checks shared by every client: raised before any request is sent.

Each raises ``TypeError`` for a wrong type and ``ValueError`` for a bad value, naming the
argument, never echoing a secret.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import httpx

__all__ = [
    "build_params",
    "check_id",
    "check_int",
    "check_int_at_least",
    "check_max_response_bytes",
    "check_max_retries",
    "check_money",
    "check_text",
    "check_timeout",
    "coerce_id",
    "optional",
]

T = TypeVar("T")


def build_params(
    params: Mapping[str, Any],
    extra_body: Mapping[str, Any] | None,
    *,
    name: str = "extra_body",
    reserved: Collection[str] = (),
    hints: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Drop unset (``None``) params, then add ``extra_body``; a clash is an error.

    ``reserved`` names fields the client sets itself (refused in ``extra_body`` even when
    not among ``params``); ``hints`` adds a sentence to the clash message per field.
    """
    hints = hints or {}
    if extra_body is not None and not isinstance(extra_body, Mapping):
        raise TypeError(f"{name} must be a mapping, got {type(extra_body).__name__}")
    body = {k: v for k, v in params.items() if v is not None}
    if extra_body:
        clash = sorted((set(body) | set(reserved)) & set(extra_body))
        if clash:
            hint = next((hints[k] for k in clash if k in hints), "")
            raise ValueError(f"{name} repeats parameter(s) already given: {', '.join(clash)}{hint}")
        body.update(extra_body)
    return body


def optional(check: Callable[..., T], name: str, value: object, **options: Any) -> T | None:
    """``check(name, value, **options)``, or ``None`` (not sent) when ``value`` is ``None``."""
    return None if value is None else check(name, value, **options)


def check_id(name: str, value: object) -> str:
    """An opaque identifier: a non-empty string (ints are accepted and sent as text)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    text = str(value)
    if not text.strip():
        raise ValueError(f"{name} must not be empty")
    return text


_MAX_AMOUNT = Decimal(10) ** 15
_MAX_DECIMALS = 8


def check_money(name: str, value: object, *, allow_zero: bool = False) -> Decimal:
    """An amount in major units as ``Decimal``; floats are refused (they are inexact)."""
    if isinstance(value, bool | float):
        raise TypeError(
            f"{name} must be a Decimal, int or str, not {type(value).__name__}: binary floats "
            f"cannot represent money exactly (use Decimal('{value}'))"
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int | str):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{name} is not a number: {value!r}") from None
    else:
        raise TypeError(f"{name} must be a Decimal, int or str, got {type(value).__name__}")
    if not amount.is_finite():
        raise ValueError(f"{name} must be finite")
    # copy_abs() and adjusted() use no context: abs() on 1E+999999999 raises decimal.Overflow.
    if amount.adjusted() >= 15 or amount.copy_abs() >= _MAX_AMOUNT:
        raise ValueError(f"{name} is implausibly large (>= 10^15)")
    if amount.is_signed():
        # -0 included: a sign on an amount is a mistake, whatever its size.
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {amount}")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_MAX_DECIMALS:
        raise ValueError(f"{name} has more than {_MAX_DECIMALS} decimal places")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {amount}")
    return amount


def check_text(name: str, value: object, *, max_length: int | None = None) -> str:
    """A free-text field: a non-empty ``str`` (optionally bounded)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters, got {len(value)}")
    return value


def check_int(name: str, value: object) -> int:
    """An int code (enum members are ints too); bools refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return int(value)


def check_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    """Seconds (or an ``httpx.Timeout``) as the timeout every request uses."""
    if isinstance(value, httpx.Timeout):
        return value
    if value is None:
        raise TypeError("timeout=None would wait forever; pass seconds (e.g. 30.0)")
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {value!r}")
    return httpx.Timeout(float(value), connect=min(float(value), 10.0))


def check_max_retries(value: int) -> int:
    """An int >= 0: how many times a retryable failure is retried."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"max_retries must be an int >= 0, got {value!r}")
    return value


def coerce_id(name: str, value: int | str) -> int:
    """An id given as an int or a digit string (environment variables are text)."""
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise ValueError(f"{name} must be a positive integer, got a non-numeric string")
        return int(text)
    return value


def check_int_at_least(name: str, value: object, minimum: int) -> int:
    """An int option (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


def check_max_response_bytes(value: object) -> int:
    """The largest answer a client reads, in bytes: at least 1 KiB."""
    return check_int_at_least("max_response_bytes", value, 1024)
