"""Reading a few named headers from whatever the web framework hands over.

Accepted: any ``Mapping[str, str]`` (names in any case), ``httpx.Headers``, Starlette
``Headers``, or an iterable of ``(name, value)`` pairs of ``str`` or ``bytes`` (the ASGI
``scope["headers"]`` list). One pass lowercases each name once and keeps only the wanted
ones, so the hot path never builds a full case-folded copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["HeaderValues", "HeadersLike", "header_values"]

HeadersLike = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]
"""A mapping (any case), ``httpx.Headers``, Starlette ``Headers`` or ``(name, value)`` pairs."""


def _text(value: object, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        # ASGI gives raw bytes; latin-1 maps every byte to one char, so nothing is lost
        # and a non-ASCII byte can never match an ASCII signature by accident.
        return bytes(value).decode("latin-1")
    raise TypeError(f"webhook header {what} must be str or bytes, got {type(value).__name__}")


def _pairs(headers: Any) -> Iterable[Any]:
    multi = getattr(headers, "multi_items", None)
    if callable(multi):
        # httpx.Headers: .items() would join repeated headers with ", ".
        return multi()  # type: ignore[no-any-return]
    if isinstance(headers, Mapping):
        # Starlette's Headers.items() already lists repeated headers one by one.
        return headers.items()
    if isinstance(headers, str | bytes) or not isinstance(headers, Iterable):
        raise TypeError(
            "headers must be a mapping, httpx.Headers, starlette Headers or (name, value) "
            f"pairs, got {type(headers).__name__}"
        )
    return headers


HeaderValues = dict[str, "str | None"]
"""Wanted lowercase name -> stripped value; ``None`` when the header came more than once
with different values (ambiguous). A name never sent is absent; read with ``.get(k, "")``."""


# Per wanted set: header name as sent -> its lowercase form if wanted, else "". A receiver
# sees the same few spellings over and over, and a str's hash is kept with it, so one
# lookup replaces lowercasing and hashing every name of every delivery. Bounded: a sender
# inventing names cannot grow it (count and length), and other names are lowercased as before.
_known: dict[frozenset[str], dict[str, str]] = {}
_KNOWN_NAMES = 256
_KNOWN_LENGTH = 64
_KNOWN_SETS = 16


def _names(wanted: frozenset[str]) -> dict[str, str]:
    table = _known.get(wanted)
    if table is None:
        table = {}
        if len(_known) < _KNOWN_SETS:
            _known[wanted] = table
    return table


def _wanted_name(raw_name: object, wanted: frozenset[str], table: dict[str, str]) -> str:
    """The lowercase name if wanted, else "" (and remembered for a str name)."""
    name = raw_name if raw_name.__class__ is str else _text(raw_name, "name")
    lowered = name.lower()
    found = lowered if lowered in wanted else ""
    if raw_name.__class__ is str and len(name) <= _KNOWN_LENGTH and len(table) < _KNOWN_NAMES:
        table[name] = found
    return found


def header_values(headers: HeadersLike, wanted: frozenset[str]) -> HeaderValues:
    """The wanted headers of ``headers`` in one pass (each new name lowercased once).

    Repeats of one value count as one; different values make the name ambiguous. A plain
    dict (the common case) is read without per-pair unpacking checks; a flat dict is what
    the callers read, so no view object is built per delivery.
    """
    found: HeaderValues = {}
    table = _names(wanted)
    if headers.__class__ is dict:
        for raw_name, raw_value in headers.items():
            name = table.get(raw_name) if raw_name.__class__ is str else None
            if name is None:
                name = _wanted_name(raw_name, wanted, table)
            if name:
                value = raw_value if raw_value.__class__ is str else _text(raw_value, "value")
                value = value.strip()
                if name not in found:
                    found[name] = value
                elif found[name] != value:
                    found[name] = None  # ambiguous, and stays so whatever comes after
        return found
    for pair in _pairs(headers):
        try:
            raw_name, raw_value = pair
        except (TypeError, ValueError):
            raise TypeError("each header must be a (name, value) pair") from None
        name = table.get(raw_name) if raw_name.__class__ is str else None
        if name is None:
            name = _wanted_name(raw_name, wanted, table)
        if name:
            value = raw_value if raw_value.__class__ is str else _text(raw_value, "value")
            value = value.strip()
            if name not in found:
                found[name] = value
            elif found[name] != value:
                found[name] = None
    return found
