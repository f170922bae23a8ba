"""Client-side checks run before any request, each naming the field it rejects.

Documented on Lemon's "Create Payment Order" table: ``amount`` a positive int multiple of
100 (minor units); ``phoneNumber`` 10 digits starting 6-9; ``payerEmail`` with ``@`` and
``.`` and at least 2 characters before the ``@``; ``accountName`` 2-48 characters; order ids
``String(30)``. The rest (currency shape, URL shape, no whitespace in ids) is *inferred*.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "ID_MAX_LENGTH",
    "check_account_name",
    "check_amount",
    "check_currency",
    "check_email",
    "check_extra",
    "check_flag",
    "check_id",
    "check_phone",
    "check_url",
    "new_mch_order_no",
]

ID_MAX_LENGTH = 30
"""``mchOrderNo`` / ``payOrderId`` / ``agentpayOrderId`` are ``String(30)`` in the docs."""

_PHONE = re.compile(r"[6-9][0-9]{9}")
# Documented: "must include @ and ., at least 2 characters before @"; the dot is required
# in the domain part (inferred: a dot in the local part alone is not an address).
_EMAIL = re.compile(r"[^@\s]{2,}@[^@\s]+\.[^@\s.]+")
_CURRENCY = re.compile(r"[A-Z]{3}")


MAX_AMOUNT_MINOR = 10**15
"""Largest amount sent, in minor units (*inferred*: Lemon's pages state no bound)."""


def _need_str(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def check_amount(name: str, value: object) -> int:
    """A positive int in minor units that is a multiple of 100 (whole rupees)."""
    if isinstance(value, bool) or not isinstance(value, int):
        hint = ""
        if isinstance(value, float | Decimal):
            hint = " (amounts are int minor units: use rupees_to_minor(Decimal('100')) -> 10000)"
        raise TypeError(f"{name} must be an int in minor units, got {type(value).__name__}{hint}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int in minor units, got {value}")
    if value >= MAX_AMOUNT_MINOR:
        raise ValueError(f"{name} is implausibly large (>= 10^15 minor units)")
    if value % 100:
        raise ValueError(
            f"{name} must be a multiple of 100 minor units (whole rupees), got {value}"
        )
    return int(value)


def check_id(name: str, value: object, *, max_length: int = ID_MAX_LENGTH) -> str:
    """An identifier: 1..``max_length`` characters, printable, no whitespace."""
    text = _need_str(name, value)
    if not text:
        raise ValueError(f"{name} must not be empty")
    if len(text) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters, got {len(text)}")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ValueError(f"{name} must not contain whitespace or control characters")
    return text


def check_phone(name: str, value: object) -> str:
    """Indian mobile: 10 digits, the first 6-9."""
    text = _need_str(name, value)
    if not _PHONE.fullmatch(text):
        raise ValueError(f"{name} must be 10 digits starting with 6-9, e.g. '6888889999'")
    return text


def check_email(name: str, value: object) -> str:
    """``xx@domain.tld`` with at least two characters before the ``@``."""
    text = _need_str(name, value)
    if not _EMAIL.fullmatch(text):
        raise ValueError(
            f"{name} must be an email address with at least 2 characters before '@' and a '.' "
            "in the domain, e.g. 'payer@example.com'"
        )
    return text


def check_account_name(name: str, value: object) -> str:
    """2 to 48 characters, not blank."""
    text = _need_str(name, value)
    if not text.strip():
        raise ValueError(f"{name} must not be blank")
    if not 2 <= len(text) <= 48:
        raise ValueError(f"{name} must be 2 to 48 characters, got {len(text)}")
    return text


def check_currency(name: str, value: object) -> str:
    """Three uppercase letters (ISO 4217 shape; inferred)."""
    text = _need_str(name, value)
    if not _CURRENCY.fullmatch(text):
        raise ValueError(f"{name} must be a 3-letter uppercase currency code, got {text!r}")
    return text


def check_url(name: str, value: object) -> str:
    """An absolute http(s) URL (where the gateway sends callbacks or the payer)."""
    text = _need_str(name, value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be an absolute http(s) URL")
    return text


def check_flag(name: str, value: object) -> bool:
    """A real ``bool`` (sent as ``true``/``false``)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


def check_extra(name: str, value: object) -> Mapping[str, Any]:
    """A non-empty JSON object (sent and signed as compact key-sorted JSON)."""
    if not isinstance(value, Mapping) or not value:
        raise TypeError(f"{name} must be a non-empty mapping, e.g. {{'value': 'AIRP0000001'}}")
    if not all(isinstance(k, str) for k in value):
        raise TypeError(f"{name} keys must be str")
    return value


def new_mch_order_no() -> str:
    """A fresh merchant order number: 30 hex characters (the documented maximum)."""
    return uuid.uuid4().hex[:ID_MAX_LENGTH]
