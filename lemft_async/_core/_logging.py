"""Logger ``lemft_async`` (masking lives in ``_redact``).

Nothing here ever formats a body, a credential, a signature or card data: the transport
logs only the operation, path, outcome code, attempt, duration and traceid.
``LEMFT_LOG=info|debug`` attaches a stderr handler at that level.
"""

from __future__ import annotations

import logging
import os

__all__ = ["RedactingFilter", "child_logger", "logger", "setup_from_env"]


class RedactingFilter(logging.Filter):
    """A second guard on the package logger: whatever a log record carries (its message
    and arguments, rendered), card numbers in it are masked before any handler sees it.
    The first guard is that nothing logs a body, a credential or card data at all."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ._redact import mask_text  # _redact is pure; imported here to keep this module first

        text = record.getMessage()
        masked = mask_text(text)
        if masked != text:
            record.msg, record.args = masked, None
        return True


_FILTER = RedactingFilter()
logger = logging.getLogger("lemft_async")
logger.addFilter(_FILTER)


def child_logger(name: str) -> logging.Logger:
    """``lemft_async.<name>`` with the redacting filter (a logger's filters are not
    inherited by its children, so each package logger gets its own)."""
    child = logger.getChild(name)
    if _FILTER not in child.filters:
        child.addFilter(_FILTER)
    return child


def setup_from_env() -> None:
    level = os.environ.get("LEMFT_LOG", "").strip().lower()
    if level not in ("info", "debug"):
        return
    if not any(getattr(h, "_lemft", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler._lemft = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
