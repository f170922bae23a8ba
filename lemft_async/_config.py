"""LEMFT's credentials, named hosts and ``LEMFT_*`` environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ._core._env import EnvOption

__all__ = [
    "ENVIRONMENTS",
    "LEMFT_VARIABLES",
    "Credentials",
    "Environment",
]

Environment = Literal["sandbox", "production"]

ENVIRONMENTS: Mapping[str, str] = {
    "sandbox": "https://api.sandbox.lemft.com",
    "production": "https://api.lemft.com",
}


def _mask(secret: str) -> str:
    return "***" if secret else "''"


@dataclass(frozen=True)
class Credentials:
    """The four values every call needs. ``key`` and ``api_key`` never appear in reprs."""

    customer_id: int
    app_id: int
    key: str = field(repr=False)
    """Authorization key bound to ``app_id``; sent in every body as ``"key"``."""
    api_key: str = field(repr=False)
    """Signing secret for HMAC-SHA256; never sent, never logged."""

    def __post_init__(self) -> None:
        for name in ("customer_id", "app_id"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, got {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{name} must be a positive integer")
        for name in ("key", "api_key"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string")

    def __repr__(self) -> str:
        return (
            f"Credentials(customer_id={self.customer_id}, app_id={self.app_id}, "
            f"key={_mask(self.key)}, api_key={_mask(self.api_key)})"
        )


LEMFT_VARIABLES = (
    EnvOption("customer_id", "LEMFT_CUSTOMER_ID"),
    EnvOption("app_id", "LEMFT_APP_ID"),
    EnvOption("key", "LEMFT_KEY"),
    EnvOption("api_key", "LEMFT_API_KEY"),
)
"""Constructor arguments read from the environment when omitted (and the host from
``LEMFT_ENVIRONMENT`` or ``LEMFT_BASE_URL``)."""
