"""``Call``: the state of one logical call, handed to every step of the attempt loop."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._endpoint import Endpoint
from ._ids import uuid4_hex

if TYPE_CHECKING:
    from ._telemetry import CallObserver

__all__ = ["NO_REFERENCES", "Call"]

T = TypeVar("T")

# Shared, read-only: most calls have no extra headers and no references.
_NO_HEADERS: Mapping[str, str] = MappingProxyType({})
NO_REFERENCES: Mapping[str, str] = MappingProxyType({})


class Call(Generic[T]):
    """The state of one logical call, handed to every step.

    Slotted (no ``__dict__``) and lean: a call queued at a gate keeps it alive, so nothing
    is allocated here before it is needed (``traceid`` and ``done`` are made on first use).
    """

    __slots__ = (
        "_done",
        "_traceid",
        "auth",
        "content",
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
    )

    def __init__(
        self,
        endpoint: Endpoint,
        path: str,
        content: Any,
        parse: Callable[[Any], T] | None,
        max_retries: int,
        timeout: httpx.Timeout | None,
        traceid: str | None,
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
        self._traceid = traceid
        self.references = references
        self.headers: Mapping[str, str] = headers or _NO_HEADERS
        """Sent after the API's own headers (``default_headers``, ``extra_headers``); the
        protected ones were refused before the call."""
        self.retries = 0
        self.response: httpx.Response | None = None
        self.auth: Any = None
        """The credential an attempt used (KeySecure's token)."""
        self._done: set[str] | None = None
        self.observer: CallObserver | None = None
        """The telemetry's view of this call; ``None`` (no work at all) when it is off."""

    @property
    def traceid(self) -> str:
        """The ``traceid`` header of every attempt: the given one, or a fresh uuid4 hex made
        on first use (when the first attempt is signed, or an error names it)."""
        traceid = self._traceid
        if traceid is None:
            traceid = self._traceid = uuid4_hex()
        return traceid

    @property
    def done(self) -> set[str]:
        """Recoveries already applied in this call (each runs at most once)."""
        if self._done is None:
            self._done = set()
        return self._done

    @property
    def is_write(self) -> bool:
        return self.endpoint.kind == "write"
