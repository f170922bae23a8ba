"""What a call logs, in one place: operation, path template, attempt, outcome, duration,
traceid and references. Never a body, a header, a credential or a filled path (it may
hold a card number). ``LEMFT_LOG=info`` shows each success, retry and final failure;
``debug`` adds each failed attempt with its HTTP status and duration; an unknown outcome
is a WARNING (someone has to reconcile it).
"""

from __future__ import annotations

import logging
from typing import Any

from ._call import Call
from ._errors import APIError

__all__ = ["CallLog", "short"]


def short(error: BaseException) -> str:
    """``code 10004``, ``HTTP 502`` or the exception type: never the message."""
    if isinstance(error, APIError):
        return f"code {error.code}" if error.code is not None else f"HTTP {error.status_code}"
    return type(error).__name__


def _refs(call: Call[Any]) -> str | None:
    return ", ".join(f"{k}={v}" for k, v in call.references.items()) or None


class CallLog:
    """The log lines of one transport (``label`` prefixes the operation: ``"payin "``)."""

    __slots__ = ("label", "log")

    def __init__(self, log: logging.Logger, label: str) -> None:
        self.log = log
        self.label = label

    def _head(self, call: Call[Any]) -> tuple[str, str]:
        return self.label + call.endpoint.name, call.endpoint.path

    def ok(self, call: Call[Any], seconds: float) -> None:
        if self.log.isEnabledFor(logging.INFO):
            self.log.info(
                "%s %s ok in %.1f ms (attempt %d, traceid=%s)",
                *self._head(call),
                seconds * 1000,
                call.retries + 1,
                call.traceid,
            )

    def attempt_failed(self, call: Call[Any], error: BaseException, seconds: float) -> None:
        if self.log.isEnabledFor(logging.DEBUG):
            status = call.response.status_code if call.response is not None else "-"
            self.log.debug(
                "%s %s attempt %d: %s (HTTP %s) in %.1f ms (traceid=%s)",
                *self._head(call),
                call.retries + 1,
                short(error),
                status,
                seconds * 1000,
                call.traceid,
            )

    def retry(self, call: Call[Any], error: BaseException, delay: float) -> None:
        if self.log.isEnabledFor(logging.INFO):
            self.log.info(
                "%s %s: %s; retry %d/%d in %.3f s (traceid=%s)",
                *self._head(call),
                short(error),
                call.retries + 1,
                call.max_retries,
                delay,
                call.traceid,
            )

    def failed(self, call: Call[Any], error: BaseException) -> None:
        if self.log.isEnabledFor(logging.INFO):
            self.log.info(
                "%s %s failed: %s after %d attempt(s) (traceid=%s)",
                *self._head(call),
                short(error),
                call.retries + 1,
                call.traceid,
            )

    def unknown(self, call: Call[Any], cause: BaseException) -> None:
        self.log.warning(
            "%s %s: outcome unknown (%s), not re-sent; reconcile with %s (traceid=%s)",
            *self._head(call),
            type(cause).__name__,
            _refs(call) or "the traceid",
            call.traceid,
        )

    def cancelled_write(self, call: Call[Any]) -> None:
        self.log.warning(
            "%s %s: cancelled after the request was sent; the outcome is unknown, "
            "reconcile before retrying (reference=%s, traceid=%s)",
            *self._head(call),
            _refs(call),
            call.traceid,
        )

    def resynced(self, call: Call[Any], code: object, offset: float) -> None:
        self.log.info(
            "%s: %s, clock offset now %+.3f s; retrying (traceid=%s)",
            self.label + call.endpoint.name,
            code,
            offset,
            call.traceid,
        )
