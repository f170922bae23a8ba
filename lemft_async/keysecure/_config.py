"""KeySecure hosts, base-URL resolution and header-value checks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta, timezone

from .._core._config import resolve_base_url as _resolve_base_url

__all__ = [
    "ENVIRONMENTS",
    "check_header_value",
    "parse_utc_offset",
    "resolve_base_url",
]

ENVIRONMENTS: Mapping[str, str] = {
    "sandbox": "https://sandbox-openplatform.keysecure.io",
    "production": "https://openplatform.keysecure.io",
}


def resolve_base_url(
    environment: str | None, base_url: str | None, *, allow_insecure: bool = False
) -> str:
    """Pick the host: ``environment`` or an explicit ``base_url`` (one is required).

    Both at once is ambiguous and refused; plain http is refused for anything but
    loopback unless ``allow_insecure`` (tokens and card data would travel in clear).
    """
    return _resolve_base_url(
        environment,
        base_url,
        allow_insecure=allow_insecure,
        environments=ENVIRONMENTS,
        exposed="the Access-Token and card data",
        env_prefix="KEYSECURE",
    )


def check_header_value(name: str, value: object) -> str:
    """A non-empty, single-line header value (the message names the argument)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip() or any(c in value for c in "\r\n\0"):
        raise ValueError(f"{name} must be a non-empty single-line string")
    return value


_UTC_OFFSET = re.compile(r"^UTC(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$", re.IGNORECASE)


def parse_utc_offset(text: str) -> timezone | None:
    """``"UTC+8"`` / ``"UTC-05:30"`` / ``"UTC"`` as a fixed offset; ``None`` if not that form.

    The docs only show ``UTC+8``; this form is how the SDK converts aware datetimes in
    list time ranges into the header's zone (inferred format).
    """
    match = _UTC_OFFSET.match(text.strip())
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    if sign is None:
        return timezone.utc
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)
