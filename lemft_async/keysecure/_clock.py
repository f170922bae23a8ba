"""The client's view of the server clock, in Unix milliseconds.

KeySecure rejects a ``Timestamp`` more than 60 s off server time, and any future one, with
1005. After a 1005 the offset is re-learnt from the server's ``Date`` header. The same
server-adjusted time is used to decide when the Access-Token is about to expire.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Clock"]


@dataclass
class Clock:
    """Wall clock (``source``, epoch seconds) plus the learnt server offset."""

    source: Callable[[], float] = field(default=time.time)
    offset: float = 0.0

    def now(self) -> float:
        """Server-adjusted epoch seconds."""
        return self.source() + self.offset

    def now_ms(self) -> int:
        """Server-adjusted epoch milliseconds (the 13-digit ``Timestamp`` header)."""
        return int(self.now() * 1000)

    def resync(self, date_header: str | None) -> bool:
        """Adopt the server's clock from an HTTP ``Date``; False if absent or unparseable.

        ``Date`` has one-second resolution and is truncated, so the learnt time errs
        towards the past, which the server accepts (it refuses only the future).
        """
        if not date_header:
            return False
        try:
            server = email.utils.parsedate_to_datetime(date_header).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        self.offset = server - self.source()
        return True
