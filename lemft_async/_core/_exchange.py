"""One HTTP exchange under a deadline and a size cap.

httpx's timeouts bound each network operation (connect, one read, one write), not the
exchange: an answer that drips a byte just inside the read timeout holds the call, and
the endpoint's gate, for as long as the server likes. Here the whole attempt (connect,
send, and reading the whole answer) runs under one deadline, and the answer is read as a
stream and refused once it exceeds ``max_bytes`` (also after decompression), so a huge
answer costs at most ``max_bytes`` of memory.
"""

from __future__ import annotations

import math
from typing import Any

import anyio
import httpx

from ._errors import APIResponseValidationError

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "APIResponseTooLargeError",
    "DeadlineExceeded",
    "deadline_of",
    "exchange",
]

DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024
"""8 MiB: a 1000-card list page is about 360 KiB."""


class APIResponseTooLargeError(APIResponseValidationError):
    """The answer was larger than ``max_response_bytes``; it was not read in full."""


class DeadlineExceeded(httpx.TimeoutException):
    """The attempt did not complete within its ``timeout`` (the request may have arrived)."""


def deadline_of(timeout: httpx.Timeout | None) -> float | None:
    """The whole-attempt deadline a timeout stands for: its largest bound; ``None`` (no
    deadline) when reading is unbounded (``httpx.Timeout(None, connect=5)`` asks for that)."""
    if timeout is None or timeout.read is None:
        return None
    bounds = [t for t in (timeout.connect, timeout.read, timeout.write, timeout.pool) if t]
    return max(bounds) if bounds else None


async def exchange(
    http: httpx.AsyncClient,
    method: str,
    url: httpx.URL | str,
    *,
    timeout: httpx.Timeout | None,
    max_bytes: int,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request and read its whole answer within ``deadline_of(timeout)``.

    Raises ``DeadlineExceeded`` (an ``httpx.TimeoutException``) at the deadline and
    ``APIResponseTooLargeError`` for an answer over ``max_bytes``; httpx's own errors
    otherwise. The returned response is fully read (``.content`` is available).
    """
    deadline = deadline_of(timeout)
    # A bare CancelScope, not fail_after(): the same deadline without a generator-based
    # context manager on every attempt.
    scope = anyio.CancelScope(
        deadline=math.inf if deadline is None else anyio.current_time() + deadline
    )
    with scope:
        request = http.build_request(method, url, timeout=timeout, **kwargs)
        response = await http.send(request, stream=True)
        try:
            await _read_capped(response, max_bytes)
        finally:
            await response.aclose()
    if scope.cancelled_caught:
        raise DeadlineExceeded(f"the attempt did not complete within {deadline:g} s")
    return response


async def _read_capped(response: httpx.Response, max_bytes: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and len(declared) < 20 and int(declared) > max_bytes:
        raise _too_large(response, max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(response, max_bytes)
        chunks.append(chunk)
    # What Response.aread() itself does once the stream is consumed.
    response._content = b"".join(chunks)


def _too_large(response: httpx.Response, max_bytes: int) -> APIResponseTooLargeError:
    return APIResponseTooLargeError(
        None,
        f"HTTP {response.status_code} answer larger than max_response_bytes ({max_bytes}); "
        "not read",
        status_code=response.status_code,
    )
