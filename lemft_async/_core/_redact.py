"""Masking of card data and secrets wherever the package prints a value.

Two rules, applied to every repr/str of models, events and errors:

- **by value**: a card number is recognised wherever it appears (any field, unknown extra
  fields, nested data, free text such as a server ``message``): 13-19 digits, with or
  without single spaces, dashes or dots between them, passing the Luhn check. It is shown as
  first 6 / last 4 (the PCI DSS display rule).
- **by key**: fields whose name (case-insensitive, ``_``/``-`` ignored) says card number
  (``card_no``, ``cardNumber``, ``card_pan``, ``pan``...) are masked the same way whatever
  their value; CVV, PIN, expiry, passwords, keys, tokens and secrets are hidden entirely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = [
    "is_card_number",
    "is_pan_key",
    "is_secret_key",
    "mask_card_no",
    "mask_deep",
    "mask_text",
    "mask_value",
    "scrub",
]

_PAN_KEYS = frozenset({"cardno", "cardnumber", "cardnum", "pan", "cardpan", "accountnumber"})
_SECRET_KEYS = frozenset(
    {
        "cvv",
        "cvv2",
        "cvc",
        "cvc2",
        "cvn",
        "pin",
        "pincode",
        "pinblock",
        "password",
        "passwd",
        "key",
        "apikey",
        "apisecret",
        "secret",
        "signature",
        "sign",
        "accesstoken",
        "clientaccesstoken",
        "token",
        "expiry",
        "expirydate",
        "expiration",
        "expirationdate",
        "expdate",
        "exp",
        "expyear",
        "expmonth",
        "expiryyear",
        "expirymonth",
        "expirationyear",
        "expirationmonth",
        "validthru",
        "validthrough",
        "securitycode",
        "cardsecuritycode",
        "cardverificationcode",
    }
)
# Suffixes that mark a secret in longer names (``card_cvv``, ``new_pin``, ``card_expiry``).
_SECRET_SUFFIXES = (
    "cvv",
    "cvc",
    "cvv2",
    "cvc2",
    "pin",
    "password",
    "secret",
    "expiry",
    "securitycode",
)
# Prefixes too: ``cvv_code``, ``cvc_value``, ``pin_block``.
_SECRET_PREFIXES = ("cvv", "cvc", "pinblock", "pincode", "securitycode")

# Runs of digit groups joined by single spaces, dashes or dots; card numbers are looked for
# inside each run (a PAN may stand next to other numbers: "1 4111 1111 1111 1111 2").
_RUN = re.compile(r"\d+(?:[ .-]\d+)*")
_GROUP = re.compile(r"\d+")


def _normal(key: str) -> str:
    return "".join(c for c in key.lower() if c.isalnum())


def is_pan_key(key: str) -> bool:
    """Does a field named ``key`` hold a card number?"""
    name = _normal(key)
    return name in _PAN_KEYS or name.endswith(("cardno", "cardnumber", "cardpan"))


def is_secret_key(key: str) -> bool:
    """Does a field named ``key`` hold a CVV, PIN, expiry, password, key or token?"""
    name = _normal(key)
    return (
        name in _SECRET_KEYS or name.endswith(_SECRET_SUFFIXES) or name.startswith(_SECRET_PREFIXES)
    )


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_card_number(text: str) -> bool:
    """13-19 digits (single spaces/dashes/dots allowed between them) passing the Luhn check."""
    digits = text.replace(" ", "").replace("-", "").replace(".", "")
    return 13 <= len(digits) <= 19 and digits.isdigit() and digits.isascii() and _luhn(digits)


def mask_card_no(card_no: object) -> str:
    """First 6 and last 4 digits, the rest as ``*`` (PCI DSS display rule)."""
    text = str(card_no).replace(" ", "").replace("-", "").replace(".", "")
    if len(text) <= 10:
        return "*" * len(text)
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"


def mask_text(text: str) -> str:
    """``text`` with every card number in it masked (free text, e.g. a server message)."""
    if len(text) < 13:
        return text

    return _RUN.sub(_mask_run, text)


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if sum(c.isdigit() for c in run) < 13:
        return run
    groups = [(g.start(), g.end()) for g in _GROUP.finditer(run)]
    out: list[str] = []
    done = 0  # index in ``run`` up to which output is written
    i = 0
    while i < len(groups):
        hit = None
        # The longest window of whole groups starting here that is a card number.
        for j in range(len(groups) - 1, i - 1, -1):
            start, end = groups[i][0], groups[j][1]
            digits = "".join(run[a:b] for a, b in groups[i : j + 1])
            if 13 <= len(digits) <= 19 and _luhn(digits):
                hit = (start, end, digits, j)
                break
        if hit is None:
            i += 1
            continue
        start, end, digits, j = hit
        out.append(run[done:start])
        out.append(mask_card_no(digits))
        done = end
        i = j + 1
    out.append(run[done:])
    return "".join(out)


def mask_value(name: str, value: object) -> object:
    """``value`` as it may appear in a repr, given the field ``name`` it is held under."""
    if value is None or value == "":
        return value
    if is_secret_key(name):
        return "***"
    if is_pan_key(name) and isinstance(value, str | int) and not isinstance(value, bool):
        return mask_card_no(value)
    return mask_deep(value)


def mask_deep(value: object) -> object:
    """Card numbers (by key and by value) and secrets hidden at any depth."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value) if value < 10**19 else ""
        return mask_card_no(text) if text and is_card_number(text) else value
    if isinstance(value, Mapping):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_deep(v) for v in value]
    return value


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each of ``secrets`` (credentials a server may echo) and every card
    number replaced. Secrets shorter than 4 characters are left alone (too common)."""
    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, "***")
    return mask_text(text)
