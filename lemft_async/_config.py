"""LEMFT's credentials, named hosts and ``LEMFT_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ._core._checks import coerce_id

__all__ = [
    "ENVIRONMENTS",
    "Credentials",
    "Environment",
    "env_settings",
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


def env_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read ``LEMFT_*`` variables into constructor keyword arguments.

    Error messages name the variable, never its value.
    """
    env = os.environ if environ is None else environ
    missing = [
        name
        for name in ("LEMFT_CUSTOMER_ID", "LEMFT_APP_ID", "LEMFT_KEY", "LEMFT_API_KEY")
        if not env.get(name)
    ]
    if missing:
        raise ValueError(f"missing environment variable(s): {', '.join(missing)}")
    settings: dict[str, Any] = {
        "customer_id": coerce_id("LEMFT_CUSTOMER_ID", env["LEMFT_CUSTOMER_ID"]),
        "app_id": coerce_id("LEMFT_APP_ID", env["LEMFT_APP_ID"]),
        "key": env["LEMFT_KEY"],
        "api_key": env["LEMFT_API_KEY"],
    }
    environment, base_url = env.get("LEMFT_ENVIRONMENT"), env.get("LEMFT_BASE_URL")
    if environment and base_url:
        raise ValueError("set LEMFT_ENVIRONMENT or LEMFT_BASE_URL, not both")
    if not environment and not base_url:
        raise ValueError("set LEMFT_ENVIRONMENT (sandbox|production) or LEMFT_BASE_URL")
    if environment:
        settings["environment"] = environment
    if base_url:
        settings["base_url"] = base_url
    return settings
