"""The gateway's field rules, written from Lemon's pages (not shared with the client).

Documented (Lemon "Create Payment Order" and "Payout" tables): ``amount`` a positive integer
number of minor units, a multiple of 100; ``phoneNumber`` 10 digits starting 6-9;
``payerEmail`` with ``@`` and ``.`` and at least 2 characters before the ``@``;
``accountName`` 2-48 characters; order ids ``String(30)``. Inferred: currency is three
uppercase letters, URLs are absolute http(s), ids hold no whitespace. Values arrive as form
text, so every rule reads a ``str``; a broken rule raises ``ValueError`` saying why.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = [
    "account_name",
    "amount",
    "currency",
    "email",
    "order_id",
    "phone",
    "url",
]

ID_MAX = 30
_AMOUNT_DIGITS = 18  # far above any amount; int() of 20,000 digits is refused by Python

_PHONE = re.compile(r"[6-9][0-9]{9}")
_EMAIL = re.compile(r"[^@\s]{2,}@[^@\s]+\.[^@\s.]+")
_CURRENCY = re.compile(r"[A-Z]{3}")


def amount(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise ValueError("must be an integer number of minor units")
    if len(text) > _AMOUNT_DIGITS:
        raise ValueError(f"must be at most {_AMOUNT_DIGITS} digits")
    value = int(text)
    if value <= 0:
        raise ValueError(f"must be positive, got {value}")
    if value % 100:
        raise ValueError(f"must be a multiple of 100 minor units, got {value}")
    return value


def order_id(text: str) -> str:
    if len(text) > ID_MAX:
        raise ValueError(f"must be at most {ID_MAX} characters, got {len(text)}")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ValueError("must not contain whitespace or control characters")
    return text


def phone(text: str) -> str:
    if not _PHONE.fullmatch(text):
        raise ValueError("must be 10 digits starting with 6-9")
    return text


def email(text: str) -> str:
    if not _EMAIL.fullmatch(text):
        raise ValueError("must be an email with 2+ characters before '@' and a '.' after it")
    return text


def account_name(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    if not 2 <= len(text) <= 48:
        raise ValueError(f"must be 2 to 48 characters, got {len(text)}")
    return text


def currency(text: str) -> str:
    if not _CURRENCY.fullmatch(text):
        raise ValueError(f"must be a 3-letter uppercase currency code, got {text!r}")
    return text


def url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http(s) URL")
    return text
