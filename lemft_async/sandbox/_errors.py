"""The business rejection a handler raises; the app turns it into a LEMFT envelope."""

from __future__ import annotations

__all__ = [
    "PARAM_ERROR",
    "SERVER_ERROR",
    "SIGNATURE_ERROR",
    "TIMESTAMP_ERROR",
    "TOO_MANY_REQUESTS",
    "ConservationError",
    "Reject",
    "param_error",
]

PARAM_ERROR = 10001
SIGNATURE_ERROR = 10002
TIMESTAMP_ERROR = 10003
TOO_MANY_REQUESTS = 10004
SERVER_ERROR = 10005

# The documented messages (API Call Description); the sandbox appends which field or rule.
MESSAGES = {
    PARAM_ERROR: "param error",
    SIGNATURE_ERROR: "signature error",
    TIMESTAMP_ERROR: "request time exceeded limit",
    TOO_MANY_REQUESTS: "currently too many requests, try again later",
    SERVER_ERROR: "system error",
}


class Reject(Exception):
    """A request the sandbox refuses with a LEMFT ``code`` and a message saying why."""

    def __init__(self, code: int, detail: str = "") -> None:
        self.code = code
        base = MESSAGES.get(code, "error")
        self.message = f"{base}: {detail}" if detail else base
        super().__init__(self.message)


def param_error(detail: str) -> Reject:
    """A 10001 whose message names the field, e.g. ``param error: missing field bin_id``."""
    return Reject(PARAM_ERROR, detail)


class ConservationError(AssertionError):
    """Money was created or lost: the sandbox's books do not balance (a sandbox bug)."""
