"""The two webhook failures, each with a machine-readable ``reason``.

They subclass the core ``WebhookVerificationError`` / ``WebhookPayloadError`` (catch
those). Messages are fixed short texts plus header or field *names*: never a secret, an
expected or received signature, a header value or any part of the body (which may hold
a full card number).
"""

from __future__ import annotations

from typing import Any, Literal

from .._core._errors import WebhookPayloadError, WebhookVerificationError

__all__ = [
    "PayloadReason",
    "VerificationReason",
    "WebhookPayloadInvalid",
    "WebhookVerificationFailed",
]

VerificationReason = Literal[
    "missing_header", "ambiguous_header", "bad_timestamp", "bad_signature", "stale", "future"
]
PayloadReason = Literal[
    "not_utf8", "not_json", "not_object", "bad_envelope", "kind_mismatch", "invalid_data"
]


class WebhookVerificationFailed(WebhookVerificationError):
    """Not authentic (forged, stale, from the future, missing or ambiguous headers).

    ``reason`` is one of ``missing_header``, ``ambiguous_header``, ``bad_timestamp``,
    ``bad_signature``, ``stale``, ``future``; ``header`` names the header at fault, if any.
    """

    def __init__(self, reason: VerificationReason, message: str, header: str | None = None):
        self.header = header
        super().__init__(message, reason=reason)
        self.reason: VerificationReason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, str(self), self.header))


class WebhookPayloadInvalid(WebhookPayloadError):
    """Authentic, but the body could not be decoded into an event.

    ``reason`` is one of ``not_utf8``, ``not_json``, ``not_object``, ``bad_envelope``,
    ``kind_mismatch``, ``invalid_data``; for ``invalid_data``, ``fields`` lists
    ``(location, error type)`` pairs (names only, never values).
    """

    def __init__(
        self,
        reason: PayloadReason,
        message: str,
        fields: tuple[tuple[str, str], ...] = (),
    ):
        self.fields = fields
        super().__init__(message, reason=reason)
        self.reason: PayloadReason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, str(self), self.fields))
