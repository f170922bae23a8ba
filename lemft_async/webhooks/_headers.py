"""Reading a few named headers from whatever the web framework hands over.

Accepted: any ``Mapping[str, str]`` (names in any case), ``httpx.Headers``, Starlette
``Headers``, or an iterable of ``(name, value)`` pairs of ``str`` or ``bytes`` (the ASGI
``scope["headers"]`` list). One pass lowercases each name once and keeps only the wanted
ones, so the hot path never builds a full case-folded copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["HeaderView", "HeadersLike"]

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
    if type(headers) is dict:  # the common case, checked first: it is the hot path
        return headers.items()
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


class HeaderView:
    """The values of the wanted headers (lowercase names), every occurrence kept."""

    __slots__ = ("_found",)

    def __init__(self, headers: HeadersLike, wanted: frozenset[str]) -> None:
        found: dict[str, list[str]] = {}
        for pair in _pairs(headers):
            try:
                raw_name, raw_value = pair
            except (TypeError, ValueError):
                raise TypeError("each header must be a (name, value) pair") from None
            # Exact-type checks first: cheaper than isinstance on every header.
            name = raw_name if raw_name.__class__ is str else _text(raw_name, "name")
            name = name.lower()
            if name in wanted:
                value = raw_value if raw_value.__class__ is str else _text(raw_value, "value")
                found.setdefault(name, []).append(value)
        self._found = found

    def get(self, name: str) -> tuple[str | None, bool]:
        """``(value, ambiguous)`` for lowercase ``name``: ``None`` if absent or blank.

        Repeats of one value count as one; different values make it ambiguous.
        """
        values = self._found.get(name)
        if not values:
            return None, False
        first = values[0].strip()
        for other in values[1:]:
            if other.strip() != first:
                return None, True
        return (first or None), False
