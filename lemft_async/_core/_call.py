"""``Call``: the state of one logical call, handed to every step of the attempt loop."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._endpoint import Endpoint

if TYPE_CHECKING:
    from ._telemetry import CallObserver

__all__ = ["Call"]

T = TypeVar("T")


class Call(Generic[T]):
    """The state of one logical call, handed to every step."""

    __slots__ = (
        "auth",
        "content",
        "done",
        "endpoint",
        "headers",
        "max_retries",
        "observer",
        "parse",
        "path",
        "references",
        "response",
        "retries",
        "timeout",
        "traceid",
    )

    def __init__(
        self,
        endpoint: Endpoint,
        path: str,
        content: Any,
        parse: Callable[[Any], T] | None,
        max_retries: int,
        timeout: httpx.Timeout | None,
        traceid: str,
        references: Mapping[str, str],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.path = path
        """The URL path sent (templates filled); errors and logs name ``endpoint.path``, the
        template, since a filled path may hold a card number."""
        self.content = content
        """The encoded request (bytes or form fields), built once: every attempt sends it."""
        self.parse = parse
        self.max_retries = max_retries
        self.timeout = timeout
        self.traceid = traceid
        self.references = references
        self.headers: Mapping[str, str] = headers or {}
        """Sent after the API's own headers (``default_headers``, ``extra_headers``); the
        protected ones were refused before the call."""
        self.retries = 0
        self.response: httpx.Response | None = None
        self.auth: Any = None
        """The credential an attempt used (KeySecure's token)."""
        self.done: set[str] = set()
        """Recoveries already applied in this call (each runs at most once)."""
        self.observer: CallObserver | None = None
        """The telemetry's view of this call; ``None`` (no work at all) when it is off."""

    @property
    def is_write(self) -> bool:
        return self.endpoint.kind == "write"
