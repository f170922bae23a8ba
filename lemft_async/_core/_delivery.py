"""The receiver core's data: one raw ``Delivery`` in, one ``Reply`` out, ``Verified`` between.

Kept apart from ``BaseReceiver`` (``_receiver``) and the framework adapters (``_asgi``) so
both can use them without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._codec import loads

__all__ = ["Delivery", "Reply", "Verified", "header_map"]


@dataclass(frozen=True)
class Reply:
    """The HTTP answer for one delivery, whichever API sent it.

    ``reason`` is a short code for logs and tests (``ok``, ``duplicate``, ``in_progress``,
    a verification/payload reason, ...); ``handled`` is True only when the handlers ran
    (and returned) for this delivery; ``event`` is the verified event, if any.
    """

    status: int
    body: bytes
    reason: str
    event: Any = None
    handled: bool = False
    media_type: str = "application/json"

    @property
    def acknowledged(self) -> bool:
        """True when the sender will consider the delivery done (HTTP 200)."""
        return self.status == 200

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body decoded (JSON replies only); numbers with a fraction are ``Decimal``."""
        return loads(self.body)


@dataclass(frozen=True)
class Delivery:
    """One raw delivery: body bytes, headers (a mapping or ASGI pairs), query, method."""

    body: bytes
    headers: Any = ()
    query: str = ""
    method: str = "POST"

    def header(self, name: str) -> str | None:
        """Case-insensitive lookup; the last value wins (for non-signature headers only)."""
        return header_map(self.headers).get(name.lower())


@dataclass(frozen=True)
class Verified:
    """What ``verify_delivery`` proved: the event and its de-duplication key.

    ``key`` must come from signed content only; ``None`` skips de-duplication (a request
    that needs a fresh answer each time, such as KeySecure's ``Auth``).
    """

    event: Any
    key: str | None


def header_map(headers: Any) -> dict[str, str]:
    """Lower-cased ``name -> value`` from a mapping or ASGI ``(bytes, bytes)`` pairs."""
    items: Iterable[Any] = headers.items() if isinstance(headers, Mapping) else headers or ()
    out: dict[str, str] = {}
    for name, value in items:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        out[str(name).lower()] = str(value)
    return out
