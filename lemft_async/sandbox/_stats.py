"""What the server saw: requests, 10004 rejections and concurrency per path, and faults."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SandboxStats"]


@dataclass
class SandboxStats:
    """Counters keyed by request path (``Counter``: a missing path reads as 0)."""

    requests: Counter[str] = field(default_factory=Counter)
    """Every request that reached the app, whatever its answer."""
    rejections: Counter[str] = field(default_factory=Counter)
    """10004 answers: a request arrived while another to the same path was in flight."""
    max_in_flight: Counter[str] = field(default_factory=Counter)
    """The most requests ever admitted at once per path (1 when clients gate correctly)."""
    codes: Counter[int] = field(default_factory=Counter)
    """Envelope answers by LEMFT code (0 = success)."""
    faults: Counter[str] = field(default_factory=Counter)
    """Injected faults by kind: error, error_applied, drop, connect_fail, slow, timeout,
    malformed."""

    def reset(self) -> None:
        """Zero every counter."""
        for counter in (self.requests, self.rejections, self.max_in_flight, self.codes):
            counter.clear()
        self.faults.clear()

    def as_dict(self) -> dict[str, Any]:
        """A plain-dict snapshot (for ``--json`` output and logs)."""
        return {
            "requests": dict(self.requests),
            "rejections": dict(self.rejections),
            "max_in_flight": dict(self.max_in_flight),
            "codes": {str(k): v for k, v in self.codes.items()},
            "faults": dict(self.faults),
        }
