"""Credentials, hosts and the checks made before any client exists."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

__all__ = [
    "ENVIRONMENTS",
    "Credentials",
    "Environment",
    "env_settings",
    "resolve_base_url",
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


def coerce_id(name: str, value: int | str) -> int:
    """An id given as an int or a digit string (environment variables are text)."""
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise ValueError(f"{name} must be a positive integer, got a non-numeric string")
        return int(text)
    return value


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_base_url(
    environment: str | None,
    base_url: str | None,
    *,
    allow_insecure: bool = False,
    environments: Mapping[str, str] = ENVIRONMENTS,
    default_environment: str | None = None,
    exposed: str = "signatures and card data",
) -> str:
    """Pick the base URL; refuse ambiguity and plain http to anything but loopback.

    ``environments`` names the API's hosts (LEMFT's by default) and ``default_environment``
    is used when neither argument is given (LEMFT has none: a target must be chosen).
    ``exposed`` says what plain http would put on the wire, for the refusal message.
    """
    if environment is not None and base_url is not None:
        raise ValueError("pass either environment= or base_url=, not both (ambiguous target host)")
    if base_url is None:
        if environment is None:
            environment = default_environment
        if environment is None:
            raise ValueError(
                "no target: pass environment='sandbox' or environment='production', "
                "or base_url='https://...'"
            )
        if environment not in environments:
            raise ValueError(
                f"environment must be one of {sorted(environments)}, got {environment!r}"
            )
        return environments[environment]
    # Error messages never echo the URL: it may carry credentials (user:password@).
    try:
        parts = urlsplit(base_url)
        hostname = parts.hostname
    except ValueError:
        raise ValueError("base_url is not a valid URL") from None
    if parts.username or parts.password:
        raise ValueError("base_url must not carry credentials (user:password@)")
    if parts.scheme not in ("http", "https") or not hostname:
        raise ValueError(
            f"base_url must be an http(s) URL with a host (got scheme {parts.scheme!r})"
        )
    if parts.query or parts.fragment:
        raise ValueError("base_url must not carry a query or a fragment")
    if parts.scheme == "http" and not allow_insecure and not _is_loopback(hostname):
        raise ValueError(
            f"refusing plain http to non-loopback host {hostname!r}: {exposed} "
            "would travel unencrypted. Use https, or pass allow_insecure=True."
        )
    return base_url.rstrip("/")


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
