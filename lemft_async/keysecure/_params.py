"""Client-side argument checks, made before any request is sent.

Each raises ``ValueError``/``TypeError`` with a message naming the field. The documented
rules checked here: ``page`` from 0, ``size`` at most 100, ``start_time``/``end_time`` as
``yyyy-MM-dd`` or ``yyyy-MM-dd HH:mm:ss`` with the end not before the start (1019) and at
most 90 days apart (1020), transfer ``balance`` with at most 2 decimals, merchant unique
numbers at most 64 characters.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from .._core._checks import check_id, check_money

__all__ = [
    "MAX_PAGE_SIZE",
    "MAX_RANGE",
    "TimeValue",
    "check_digits",
    "check_id",
    "check_page",
    "check_transfer_amount",
    "check_unique_no",
    "time_range",
]

TimeValue = date | str
"""A list bound: ``date``, ``datetime`` (a ``date`` subclass) or ``yyyy-MM-dd[ HH:mm:ss]``."""

MAX_PAGE_SIZE = 100
MAX_RANGE = timedelta(days=90)
_DATE = "%Y-%m-%d"
_DATETIME = "%Y-%m-%d %H:%M:%S"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def check_page(page: int, size: int) -> None:
    """``page`` counts from 0; ``size`` is 1..100 (documented)."""
    for name, value in (("page", page), ("size", size)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if page < 0:
        raise ValueError(f"page must be >= 0 (pages count from 0), got {page}")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"size must be between 1 and {MAX_PAGE_SIZE}, got {size}")


def check_unique_no(name: str, value: object) -> str:
    """A merchant-side unique number: non-empty, at most 64 characters (documented)."""
    text = check_id(name, value)
    if len(text) > 64:
        raise ValueError(f"{name} must be at most 64 characters, got {len(text)}")
    return text


def check_digits(name: str, value: object, length: int) -> str:
    """Exactly ``length`` ASCII digits, given as a string (leading zeros matter)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str of {length} digits, got {type(value).__name__}")
    if len(value) != length or not value.isascii() or not value.isdigit():
        raise ValueError(f"{name} must be exactly {length} digits")
    return value


def check_transfer_amount(name: str, value: object) -> str:
    """A positive amount with at most 2 decimals, as the string the API expects."""
    amount: Decimal = check_money(name, value)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError(f"{name} supports at most 2 decimal places, got {amount}")
    return format(amount, "f")


def _one_time(name: str, value: object, tz: timezone | None) -> tuple[str, datetime, bool]:
    """(wire text, comparable naive datetime, has a time part)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            if tz is None:
                raise ValueError(
                    f"{name} is timezone-aware but the client's timezone header is not of the "
                    "form 'UTC+8': pass a naive datetime in that zone, or a string"
                )
            value = value.astimezone(tz).replace(tzinfo=None)
        value = value.replace(microsecond=0)
        return value.strftime(_DATETIME), value, True
    if isinstance(value, date):
        return value.strftime(_DATE), datetime(value.year, value.month, value.day), False
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a date, datetime or str, got {type(value).__name__}")
    text = value.strip()
    for pattern, fmt, timed in ((_DATE_RE, _DATE, False), (_DATETIME_RE, _DATETIME, True)):
        if pattern.match(text):
            try:
                return text, datetime.strptime(text, fmt), timed
            except ValueError:
                break
    raise ValueError(f"{name} must be 'yyyy-MM-dd' or 'yyyy-MM-dd HH:mm:ss', got {value!r}")


def time_range(start_time: object, end_time: object, tz: timezone | None) -> tuple[str, str]:
    """Validate a list query's range and return both values as wire text.

    Dates and naive datetimes are read in the client's ``Timezone`` header (what the
    server does); aware datetimes are converted into it. Inferred boundary reading:
    values are compared as written (a date is its midnight); an equal start and end is
    accepted only for dates (one whole day).
    """
    start_text, start, start_timed = _one_time("start_time", start_time, tz)
    end_text, end, end_timed = _one_time("end_time", end_time, tz)
    if end < start or (end == start and (start_timed or end_timed)):
        raise ValueError("end_time must be after start_time (server code 1019)")
    if end - start > MAX_RANGE:
        raise ValueError("start_time to end_time must span at most 90 days (server code 1020)")
    return start_text, end_text
