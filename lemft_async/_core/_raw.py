"""``with_raw_response``: the parsed result together with what the HTTP exchange said.

``client.<namespace>.with_raw_response.<method>(...)`` runs the method as usual and
returns a ``RawResponse``: the status code and headers of the answer, the ``traceid``,
how many retries the call took and how long the whole call lasted, and ``parse()`` (the
same object the plain method returns). It is implemented once: the wrapper (``to_raw``)
installs a capture for the duration of the method, and ``BaseTransport.call`` records the
finished call into it. A call started inside another (KeySecure's token fetch) is not
recorded: the capture is hidden while a call runs.

Nothing here keeps the request: no body, no signature, no credential, no token.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx
from typing_extensions import ParamSpec

if TYPE_CHECKING:
    from ._call import Call

__all__ = ["Capture", "RawResponse", "hide_capture", "restore_capture", "to_raw"]

T = TypeVar("T")
P = ParamSpec("P")


class RawResponse(Generic[T]):
    """One finished call: the answer's status and headers, and the parsed result."""

    __slots__ = ("_parsed", "elapsed", "headers", "retries_taken", "status_code", "traceid")

    def __init__(
        self,
        *,
        status_code: int,
        headers: httpx.Headers,
        traceid: str,
        retries_taken: int,
        elapsed: float,
        parsed: T,
    ) -> None:
        self.status_code = status_code
        """The HTTP status of the answer (of the last attempt)."""
        self.headers = headers
        """The answer's headers (case-insensitive)."""
        self.traceid = traceid
        """The call's trace id (the same on every attempt)."""
        self.retries_taken = retries_taken
        """How many times the call was retried (0: the first attempt answered)."""
        self.elapsed = elapsed
        """Seconds the whole call took: waiting at the gate, every attempt and backoff."""
        self._parsed = parsed

    def parse(self) -> T:
        """The result the plain method returns (for a LEMFT list: the page)."""
        return self._parsed

    def __repr__(self) -> str:
        return (
            f"RawResponse(status_code={self.status_code}, traceid={self.traceid!r}, "
            f"retries_taken={self.retries_taken}, elapsed={self.elapsed:.3f})"
        )


class Capture:
    """Where ``BaseTransport.call`` records the last call it finished."""

    __slots__ = ("elapsed", "headers", "retries", "status_code", "traceid")

    def __init__(self) -> None:
        self.status_code: int | None = None
        self.headers = httpx.Headers()
        self.traceid = ""
        self.retries = 0
        self.elapsed = 0.0

    def record(self, call: Call[Any], elapsed: float) -> None:
        response = call.response
        self.status_code = response.status_code if response is not None else None
        self.headers = response.headers if response is not None else httpx.Headers()
        self.traceid = call.traceid
        self.retries = call.retries
        self.elapsed = elapsed

    def response(self, parsed: T) -> RawResponse[T]:
        if self.status_code is None:
            raise RuntimeError("with_raw_response: the method sent no request")
        return RawResponse(
            status_code=self.status_code,
            headers=self.headers,
            traceid=self.traceid,
            retries_taken=self.retries,
            elapsed=self.elapsed,
            parsed=parsed,
        )


_CAPTURE: ContextVar[Capture | None] = ContextVar("lemft_async_raw_capture", default=None)


def hide_capture() -> tuple[Capture | None, Token[Capture | None] | None]:
    """The capture of the running raw call (if any), hidden from calls nested in it."""
    capture = _CAPTURE.get()
    if capture is None:
        return None, None
    return capture, _CAPTURE.set(None)


def restore_capture(token: Token[Capture | None] | None) -> None:
    if token is not None:
        _CAPTURE.reset(token)


def to_raw(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """``method`` returning a ``RawResponse`` of its result (same arguments, same errors)."""

    @functools.wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        capture = Capture()
        token = _CAPTURE.set(capture)
        try:
            result = await method(*args, **kwargs)
        finally:
            _CAPTURE.reset(token)
        return capture.response(result)

    return raw
