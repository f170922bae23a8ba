"""Logger ``lemft_async`` and redaction helpers.

Nothing here ever formats a body, a credential, a signature or card data: the transport
logs only the operation, path, outcome code, attempt, duration and traceid.
``LEMFT_LOG=info|debug`` attaches a stderr handler at that level.
"""

from __future__ import annotations

import logging
import os

__all__ = ["PAN_FIELDS", "SECRET_FIELDS", "logger", "mask_card_no", "setup_from_env"]

# Field names masked in every model repr, whatever model they appear in (also as unknown
# extra fields): card numbers show first 6 / last 4, the rest is hidden entirely.
PAN_FIELDS = frozenset({"card_no", "card_number", "cardno", "pan"})
SECRET_FIELDS = frozenset(
    {"cvv", "cvv2", "cvc", "cvc2", "pin", "pin_code", "password", "api_key", "api_secret", "secret"}
)

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


def mask_card_no(card_no: object) -> str:
    """First 6 and last 4 digits, the rest as ``*`` (PCI DSS display rule)."""
    text = str(card_no)
    if len(text) <= 10:
        return "*" * len(text)
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"
