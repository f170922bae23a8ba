"""Choosing the target host, the same rule for every client.

There is no default host: a payment SDK must not silently pick one. A client is given an
``environment`` (one of the API's named hosts) or a ``base_url``, never both; plain http
is refused for anything but loopback unless ``allow_insecure=True``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

__all__ = ["resolve_base_url"]


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
    environments: Mapping[str, str],
    exposed: str = "signatures and card data",
    env_prefix: str | None = None,
) -> str:
    """Pick the base URL; refuse ambiguity and plain http to anything but loopback.

    ``environments`` names the API's hosts (may be empty: then ``base_url`` is required).
    ``exposed`` says what plain http would put on the wire, for the refusal message;
    ``env_prefix`` names the variables that could have set the host (``LEMFT``).
    """
    if environment is not None and base_url is not None:
        raise ValueError("pass either environment= or base_url=, not both (ambiguous target host)")
    if base_url is None:
        if environment is None:
            named = " or ".join(f"environment={e!r}" for e in environments)
            variables = (
                ""
                if env_prefix is None
                else f" (or set {env_prefix}_ENVIRONMENT or {env_prefix}_BASE_URL)"
                if environments
                else f" (or set {env_prefix}_BASE_URL)"
            )
            raise ValueError(
                f"no target host: pass {named + ', or ' if named else ''}base_url='https://...'"
                + variables
            )
        if environment not in environments:
            raise ValueError(
                f"environment must be one of {sorted(environments)}, got {environment!r}"
            )
        return environments[environment]
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a str, got {type(base_url).__name__}")
    # Error messages never echo the URL: it may carry credentials (user:password@).
    try:
        parts = urlsplit(base_url)
        hostname = parts.hostname
    except ValueError:
        raise ValueError("base_url is not a valid URL") from None
    if parts.username or parts.password:
        raise ValueError("base_url must not carry credentials (user:password@)")
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        raise ValueError(
            f"base_url must be an http(s) URL with a host (got scheme {parts.scheme!r})"
        )
    if parts.query or parts.fragment:
        raise ValueError("base_url must not carry a query or a fragment")
    if parts.scheme.lower() == "http" and not allow_insecure and not _is_loopback(hostname):
        raise ValueError(
            f"refusing plain http to non-loopback host {hostname!r}: {exposed} "
            "would travel unencrypted. Use https, or pass allow_insecure=True."
        )
    # One spelling per host: the gate is keyed by base URL, so HTTP://X:443 and http://x
    # must not be two gates for one server.
    netloc = parts.netloc.lower()
    default_port = {"https": ":443", "http": ":80"}[parts.scheme.lower()]
    if netloc.endswith(default_port):
        netloc = netloc[: -len(default_port)]
    return f"{parts.scheme.lower()}://{netloc}{parts.path}".rstrip("/")
