"""The error base classes every client shares (ARCHITECTURE §5.6).

Each API adds its own business-code classes on top (LEMFT's 10001-10005 live in
``lemft_async._errors``, Payin's and KeySecure's in their packages). Messages name the
operation, the path and the traceid; they never carry a request body, a credential or a
signature. Every class survives a ``pickle`` round trip with its fields (task queues and
process pools move exceptions between processes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ._redact import mask_text

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "LemftError",
    "OutcomeUnknownError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookVerificationError",
]


class LemftError(Exception):
    """Base of every exception this package raises on purpose."""


class APIError(LemftError):
    """The server answered, and the answer was not a success.

    ``code`` is the LEMFT business code (``None`` when the body was not an envelope),
    ``status_code`` the HTTP status, ``headers`` the answer's headers (set by the
    transport; ``None`` when not known).
    """

    default_code: ClassVar[int | None] = None
    headers: Mapping[str, str] | None = None

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
        # A server message may echo what was sent: card numbers are masked by value.
        message = mask_text(self.message)
        head = f"[{self.code}] {message}" if self.code is not None else message
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

    def __reduce_ex__(self, protocol: Any) -> Any:
        # ``headers`` and ``traceid`` (both may be set by the transport after construction)
        # ride along as state, also for subclasses with their own __reduce__.
        reduced = self.__reduce__()
        state = {k: v for k, v in (("headers", self.headers), ("traceid", self.traceid)) if v}
        if not state or not isinstance(reduced, tuple) or len(reduced) != 2:
            return reduced
        return (*reduced, state)


def _rebuild_api_error(
    cls: type[APIError],
    code: int | None,
    message: str,
    traceid: str | None,
    path: str | None,
    status_code: int | None,
) -> APIError:
    return cls(code, message, traceid, path, status_code=status_code)


class APIStatusError(APIError):
    """An HTTP error whose body was not a LEMFT envelope (a proxy or gateway page)."""


class APIResponseValidationError(APIError):
    """HTTP success, but the body was not a decodable ``{"code","message","data"}`` envelope."""


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
        text = mask_text(message)
        super().__init__(f"{text} ({suffix})" if suffix else text)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_kw,
            (type(self), (self.message,), {"path": self.path, "traceid": self.traceid}),
        )


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

    Raised for writes (card orders, top-ups, payments, payouts, card status changes ...)
    when the request may have reached the server but no definitive answer came back: a
    timeout after sending, a dropped connection, a server error, an HTTP 5xx, an
    undecodable body, or a success answer that does not fit its model. Reconcile with
    ``references`` (``out_order_id`` for LEMFT, ``mch_order_no`` for Payin, KeySecure's
    unique numbers) or ``traceid`` before trying again, e.g.
    ``await client.orders.list(out_order_id=err.out_order_id)``.

    Catch it *before* ``APIConnectionError``: blindly re-sending a write on this error
    can move money twice.
    """

    primary_reference: ClassVar[str] = "out_order_id"
    """The reference ``out_order_id`` returns (the one to reconcile with first)."""
    shown_references: ClassVar[tuple[str, ...]] = ("out_order_id",)
    """References named in the message (merchant-chosen ids; the rest stay on the object)."""

    def __init__(
        self,
        message: str,
        *,
        operation: str | None,
        path: str | None,
        traceid: str | None = None,
        references: Mapping[str, str] | None = None,
        out_order_id: str | None = None,
        cause: BaseException | None = None,
    ) -> None:
        self.operation = operation
        self.references: dict[str, str] = dict(references or {})
        if out_order_id is not None:
            self.references.setdefault(self.primary_reference, out_order_id)
        self.cause = cause
        self.detail = message
        parts = [message]
        if operation:
            parts.append(f"operation={operation}")
        parts.extend(
            f"{k}={self.references[k]}" for k in self.shown_references if k in self.references
        )
        super().__init__("; ".join(parts), path=path, traceid=traceid)

    @property
    def out_order_id(self) -> str | None:
        """The id to reconcile with (LEMFT ``out_order_id``, Payin ``mch_order_no``, the
        first KeySecure unique number sent), or ``None``."""
        primary = self.references.get(self.primary_reference)
        if primary is not None:
            return primary
        return next(
            (self.references[k] for k in self.shown_references if k in self.references), None
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_kw,
            (
                type(self),
                (self.detail,),
                {
                    "operation": self.operation,
                    "path": self.path,
                    "traceid": self.traceid,
                    "references": self.references,
                    "cause": self.cause,
                },
            ),
        )


def _rebuild_kw(cls: type[Exception], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Exception:
    return cls(*args, **kwargs)


class WebhookError(LemftError):
    """Base of the two webhook errors (every client's notifications and callbacks)."""

    reason: str
    """A short machine-readable cause, e.g. ``"bad_signature"`` or ``"not_json"``."""

    def __init__(self, message: str = "", *, reason: str = "unspecified") -> None:
        self.reason = reason
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_kw, (type(self), (str(self),), {"reason": self.reason}))


class WebhookVerificationError(WebhookError):
    """The notification is not authentic: forged, stale, from the future or missing headers.

    Answer with a 4xx and do not process it. ``reason`` names the check that failed.
    """

    def __init__(self, message: str = "", *, reason: str = "bad_signature") -> None:
        super().__init__(message, reason=reason)


class WebhookPayloadError(WebhookError):
    """The notification is authentic but its payload could not be decoded."""

    def __init__(self, message: str = "", *, reason: str = "invalid_data") -> None:
        super().__init__(message, reason=reason)
