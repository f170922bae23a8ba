"""Typed errors for what HTTP hands back, shared by every transport.

A transport exception (refused, timed out, reset) becomes ``APIConnectionError`` or
``APITimeoutError``; an answer that is not the API's envelope becomes ``APIStatusError``
(an HTTP error page, e.g. from a proxy) or ``APIResponseValidationError`` (HTTP success
but an unreadable body). Messages describe the answer, never echo it: it could hold
card data.
"""

from __future__ import annotations

from collections.abc import Callable
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

__all__ = [
    "as_sdk_error",
    "decode_code_envelope",
    "envelope_code",
    "load_payload",
    "not_an_envelope",
]


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
        digits = value[1:] if value.startswith("-") else value
        # ASCII only: int() also reads fullwidth and Arabic-Indic digits ("０" would be 0).
        if digits.isascii() and digits.isdigit() and len(digits) <= 10:
            return int(value)
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


def decode_code_envelope(
    response: httpx.Response,
    *,
    message_keys: tuple[str, ...],
    error_for_code: Callable[..., APIError],
    server_text: Callable[[object], str],
    expected: str,
    path: str,
    traceid: str | None,
) -> Any:
    """The ``data`` of a ``{"code", <message>, "data"}`` answer (LEMFT's and KeySecure's
    shape); ``code != 0`` raises ``error_for_code(code, message, ...)`` with the server's
    text passed through ``server_text``; anything else is ``not_an_envelope``."""
    payload = load_payload(response)
    if isinstance(payload, dict) and "code" in payload:
        code = envelope_code(payload["code"])
        if code == 0 and response.status_code < 400:
            return payload.get("data")
        if code == 0:
            # "Success" inside an HTTP error answer is no success: the HTTP rows decide
            # (a 5xx is retried for reads and an unknown outcome for writes).
            raise not_an_envelope(response, expected=expected, path=path, traceid=traceid)
        if code is not None:
            message = next((payload[k] for k in message_keys if k in payload), None)
            raise error_for_code(
                code,
                server_text(message),
                traceid=traceid,
                path=path,
                status_code=response.status_code,
            )
    raise not_an_envelope(response, expected=expected, path=path, traceid=traceid)
