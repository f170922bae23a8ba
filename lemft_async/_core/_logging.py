"""Logger ``lemft_async`` and redaction helpers.

Nothing here ever formats a body, a credential, a signature or card data: the transport
logs only the operation, path, outcome code, attempt, duration and traceid.
``LEMFT_LOG=info|debug`` attaches a stderr handler at that level.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

__all__ = [
    "PAN_FIELDS",
    "SECRET_FIELDS",
    "logger",
    "mask_card_no",
    "mask_deep",
    "mask_value",
    "setup_from_env",
]

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


def mask_value(name: str, value: object) -> object:
    """``value`` as it may appear in a repr, given the field ``name`` it is held under."""
    if not value:
        return value
    key = name.lower()
    if key in PAN_FIELDS:
        return mask_card_no(value)
    if key in SECRET_FIELDS:
        return "***"
    return mask_deep(value)


def mask_deep(value: object) -> object:
    """Card numbers, CVV, PIN and secrets hidden at any depth of dicts and lists."""
    if isinstance(value, Mapping):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_deep(v) for v in value]
    return value


def mask_card_no(card_no: object) -> str:
    """First 6 and last 4 digits, the rest as ``*`` (PCI DSS display rule)."""
    text = str(card_no)
    if len(text) <= 10:
        return "*" * len(text)
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"
