"""Logger ``lemft_async`` (masking lives in ``_redact``).

Nothing here ever formats a body, a credential, a signature or card data: the transport
logs only the operation, path, outcome code, attempt, duration and traceid.
``LEMFT_LOG=info|debug`` attaches a stderr handler at that level.
"""

from __future__ import annotations

import logging
import os

__all__ = ["logger", "setup_from_env"]

logger = logging.getLogger("lemft_async")


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
