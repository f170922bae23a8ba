"""The client's view of the server clock.

Both LEMFT (10003) and KeySecure (1005) refuse a request whose timestamp is too far from
server time. After such a refusal the offset is re-learnt from the server's ``Date``
header and kept for every later call of the client (and its ``with_options`` copies).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timezone

__all__ = ["Clock"]


@dataclass
class Clock:
    """Wall clock (``source``, epoch seconds) plus the learnt server offset."""

    source: Callable[[], float] = field(default=time.time)
    offset: float = 0.0

    def now(self) -> float:
        """Server-adjusted epoch seconds."""
        return self.source() + self.offset

    def timestamp(self) -> int:
        """Server-adjusted whole epoch seconds (LEMFT's ``timestamp`` header)."""
        return int(self.now())

    def now_ms(self) -> int:
        """Server-adjusted epoch milliseconds (KeySecure's 13-digit ``Timestamp`` header)."""
        return int(self.now() * 1000)

    def resync(self, date_header: str | None) -> bool:
        """Adopt the server's clock from an HTTP ``Date``; False if absent or unparseable.

        ``Date`` has one-second resolution and is truncated, so the learnt time errs
        towards the past, which the servers accept (KeySecure refuses only the future).
        """
        if not date_header:
            return False
        try:
            parsed = email.utils.parsedate_to_datetime(date_header)
            if parsed.tzinfo is None:
                # "-0000" means UTC with the zone unknown (RFC 5322): never the local zone.
                parsed = parsed.replace(tzinfo=timezone.utc)
            server = parsed.timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        self.offset = server - self.source()
        return True
