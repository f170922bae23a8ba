"""LEMFT's business codes (10001-10005) on the core error hierarchy (ARCHITECTURE §5.6).

The base classes live in ``lemft_async._core._errors`` and are re-exported here and from
``lemft_async`` (their documented import path).
"""

from __future__ import annotations

from ._core._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    LemftError,
    OutcomeUnknownError,
    WebhookError,
    WebhookPayloadError,
    WebhookVerificationError,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "LemftError",
    "OutcomeUnknownError",
    "ParamError",
    "ServerError",
    "SignatureError",
    "TimestampError",
    "TooManyRequestsError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "error_for_code",
]


class ParamError(APIError):
    """10001 param error: a missing or invalid parameter, or wrong key/app_id/customer_id."""

    default_code = 10001


class SignatureError(APIError):
    """10002 signature error: the signature did not match (check ``api_key``)."""

    default_code = 10002


class TimestampError(APIError):
    """10003 request time exceeded limit: the ``timestamp`` header was outside the window."""

    default_code = 10003


class TooManyRequestsError(APIError):
    """10004: another call to the same URL was in flight. The server did not act."""

    default_code = 10004


class ServerError(APIError):
    """10005 system error. For a state-changing call the outcome is unknown."""

    default_code = 10005


_BY_CODE: dict[int, type[APIError]] = {
    10001: ParamError,
    10002: SignatureError,
    10003: TimestampError,
    10004: TooManyRequestsError,
    10005: ServerError,
}


def error_for_code(
    code: int,
    message: str,
    *,
    traceid: str | None = None,
    path: str | None = None,
    status_code: int | None = None,
) -> APIError:
    """Build the typed error for a LEMFT business code; unknown codes give ``APIError``."""
    cls = _BY_CODE.get(code, APIError)
    return cls(code, message, traceid, path, status_code=status_code)
