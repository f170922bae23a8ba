"""Time in the sandbox: a business clock tests can move, and the wall clock for signatures.

Two clocks on purpose. The *business* clock (``clock() + advanced``) drives delays, record
times and notification redelivery, so a test can ``await sandbox.advance(3600)`` without
waiting. The *wall* clock (plus ``clock_skew``) is what the signature ``timestamp`` window
and the ``Date`` header use: jumping business time must not make a test's freshly signed
requests look stale.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

__all__ = ["BusinessClock", "format_time", "http_date"]


def format_time(epoch: float) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC, the docs' date-time format."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


def http_date(epoch: float) -> str:
    """An RFC 7231 ``Date`` header value."""
    return email.utils.formatdate(epoch, usegmt=True)


class BusinessClock:
    """``clock()`` (default ``time.time``) plus the seconds added by ``advance``."""

    __slots__ = ("_base", "advanced")

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._base = clock or time.time
        self.advanced = 0.0

    def now(self) -> float:
        return self._base() + self.advanced

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"cannot move the clock backwards ({seconds} s)")
        self.advanced += seconds

    def text(self) -> str:
        return format_time(self.now())
