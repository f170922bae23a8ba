"""Typed errors for what HTTP hands back, shared by every transport.

A transport exception (refused, timed out, reset) becomes ``APIConnectionError`` or
``APITimeoutError``; an answer that is not the API's envelope becomes ``APIStatusError``
(an HTTP error page, e.g. from a proxy) or ``APIResponseValidationError`` (HTTP success
but an unreadable body). Messages describe the answer, never echo it: it could hold
card data.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._codec import loads
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    LemftError,
)

__all__ = ["as_sdk_error", "envelope_code", "load_payload", "not_an_envelope"]


def load_payload(response: httpx.Response) -> Any:
    """The decoded JSON body (money as ``Decimal``), or ``None`` when it is not JSON."""
    try:
        return loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: absurdly nested JSON is an unreadable answer, not a crash.
        return None


def envelope_code(value: Any) -> int | None:
    """A business ``code`` as an int: an int (not a bool) or a short digit string.

    Anything else (``0.5``, ``true``, ``1e99999``) is not a code, so the answer is not an
    envelope: counting ``0.5`` as 0 would turn a failure into a success.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text.startswith("-") else text
        if digits.isdigit() and len(digits) <= 10:
            return int(text)
    return None


def not_an_envelope(
    response: httpx.Response, *, expected: str, path: str, traceid: str | None = None
) -> APIError:
    """The error for an answer that is not ``expected`` (e.g. ``"a LEMFT envelope"``)."""
    status = response.status_code
    kind = response.headers.get("content-type", "unknown content type").split(";")[0]
    detail = (
        f"HTTP {status} with a body that is not {expected} ({kind}, {len(response.content)} bytes)"
    )
    if status >= 400:
        return APIStatusError(None, detail, traceid, path, status_code=status)
    return APIResponseValidationError(None, detail, traceid, path, status_code=status)


def as_sdk_error(error: BaseException, *, path: str, traceid: str | None = None) -> LemftError:
    """``error`` itself when it is already ours; a connection or timeout error otherwise."""
    if isinstance(error, LemftError):
        return error
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if isinstance(error, httpx.DecodingError):
        return APIResponseValidationError(
            None, f"the answer could not be decoded ({type(error).__name__})", traceid, path
        )
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"request timed out ({reason})", path=path, traceid=traceid)
    return APIConnectionError(f"connection error ({reason})", path=path, traceid=traceid)
