"""The exception hierarchy (ARCHITECTURE §5.6).

Messages name the operation, the path and the traceid; they never carry a request
body, a credential or a signature.
"""

from __future__ import annotations

from typing import Any, ClassVar

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


class LemftError(Exception):
    """Base of every exception this package raises on purpose."""


class APIError(LemftError):
    """The server answered, and the answer was not a success.

    ``code`` is the LEMFT business code (``None`` when the body was not an envelope),
    ``status_code`` the HTTP status.
    """

    default_code: ClassVar[int | None] = None

    def __init__(
        self,
        code: int | None = None,
        message: str = "",
        traceid: str | None = None,
        path: str | None = None,
        *,
        status_code: int | None = None,
    ) -> None:
        self.code = code if code is not None else self.default_code
        self.message = message
        self.traceid = traceid
        self.path = path
        self.status_code = status_code
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"[{self.code}] {self.message}" if self.code is not None else self.message
        where = []
        if self.path:
            where.append(f"path={self.path}")
        if self.status_code is not None:
            where.append(f"http={self.status_code}")
        if self.traceid:
            where.append(f"traceid={self.traceid}")
        return f"{head} ({', '.join(where)})" if where else head

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_api_error,
            (type(self), self.code, self.message, self.traceid, self.path, self.status_code),
        )


def _rebuild_api_error(
    cls: type[APIError],
    code: int | None,
    message: str,
    traceid: str | None,
    path: str | None,
    status_code: int | None,
) -> APIError:
    return cls(code, message, traceid, path, status_code=status_code)


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


class APIStatusError(APIError):
    """An HTTP error whose body was not a LEMFT envelope (a proxy or gateway page)."""


class APIResponseValidationError(APIError):
    """HTTP success, but the body was not a decodable ``{"code","message","data"}`` envelope."""


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


class APIConnectionError(LemftError):
    """No usable answer came back: the connection failed or broke.

    When this reaches you, the SDK has already retried what was safe to retry.
    """

    def __init__(
        self,
        message: str = "connection error",
        *,
        path: str | None = None,
        traceid: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.traceid = traceid
        suffix = ", ".join(f"{k}={v}" for k, v in (("path", path), ("traceid", traceid)) if v)
        super().__init__(f"{message} ({suffix})" if suffix else message)


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(
        self,
        message: str = "request timed out",
        *,
        path: str | None = None,
        traceid: str | None = None,
    ) -> None:
        super().__init__(message, path=path, traceid=traceid)


class OutcomeUnknownError(APIConnectionError):
    """A state-changing call may or may not have been carried out, and was NOT re-sent.

    Raised for writes (card orders, top-ups, payments, card status changes ...) when the
    request may have reached the server but no definitive answer came back: a timeout
    after sending, a dropped connection, a 10005, an HTTP 5xx or an undecodable body.
    Reconcile with ``out_order_id`` (when the operation has one) or ``traceid`` before
    trying again, e.g. ``await client.orders.list(out_order_id=err.out_order_id)``.

    Catch it *before* ``APIConnectionError``: blindly re-sending a write on this error
    can move money twice.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None,
        path: str | None,
        traceid: str | None,
        out_order_id: str | None = None,
        cause: BaseException | None = None,
    ) -> None:
        self.operation = operation
        self.out_order_id = out_order_id
        self.cause = cause
        parts = [message]
        if operation:
            parts.append(f"operation={operation}")
        if out_order_id:
            parts.append(f"out_order_id={out_order_id}")
        super().__init__("; ".join(parts), path=path, traceid=traceid)


class WebhookError(LemftError):
    """Base of the two webhook errors."""


class WebhookVerificationError(WebhookError):
    """The notification is not authentic: forged, stale, from the future or missing headers.

    Answer with a 4xx and do not process it.
    """


class WebhookPayloadError(WebhookError):
    """The notification is authentic but its payload could not be decoded."""
