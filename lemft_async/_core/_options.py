"""Per-call options every API method takes, and the settings one call is sent with.

``timeout=``, ``max_retries=`` and ``extra_headers=`` are keyword-only on every method of
every client (``**options: Unpack[RequestOptions]``); each is checked like the
constructor's, before any request. ``extra_headers`` (and the ``default_headers`` a
client was built with) are sent after the SDK's own headers, except the ones that
authenticate or frame the request (``protected``), which are refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

import httpx

from ._checks import check_max_retries

__all__ = [
    "FRAMING_HEADERS",
    "CallSettings",
    "RequestOptions",
    "check_headers",
    "resolve_call_settings",
]

FRAMING_HEADERS = frozenset({"content-type", "content-length", "host", "transfer-encoding"})
"""Headers no client lets a caller set: httpx and the encoded body decide them."""


class RequestOptions(TypedDict, total=False):
    """The per-call options of every API method (all optional, keyword-only)."""

    timeout: float | httpx.Timeout
    """This call's timeout (seconds or ``httpx.Timeout``), instead of the client's."""
    max_retries: int
    """How many times this call's retryable failures are retried (``0``: never)."""
    extra_headers: Mapping[str, str]
    """Headers sent with this call after the SDK's own (authentication headers refused)."""


_OPTION_NAMES = frozenset(RequestOptions.__annotations__)


@dataclass(frozen=True)
class CallSettings:
    """What one call is sent with: the options merged over the client's defaults."""

    timeout: httpx.Timeout
    max_retries: int
    headers: Mapping[str, str]


def check_headers(name: str, value: object, protected: Iterable[str]) -> dict[str, str]:
    """``value`` as a dict of header names to values; a protected name (case-insensitive)
    or a malformed name or value raises before any request."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping of header names to values")
    refused = frozenset(protected)
    headers: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key or not _is_token(key):
            raise ValueError(f"{name}: {key!r} is not a valid header name")
        if key.lower() in refused:
            raise ValueError(
                f"{name} cannot set {key!r}: the SDK sets it (signing, authentication or "
                "framing headers cannot be overridden)"
            )
        if not isinstance(item, str):
            raise TypeError(f"{name}[{key!r}] must be a str, got {type(item).__name__}")
        if any(c in item for c in "\r\n\0"):
            raise ValueError(f"{name}[{key!r}] must not contain line breaks")
        headers[key] = item
    return headers


def _is_token(name: str) -> bool:
    return all(c.isascii() and (c.isalnum() or c in "!#$%&'*+-.^_`|~") for c in name)


def resolve_call_settings(
    options: Mapping[str, Any],
    *,
    timeout: httpx.Timeout,
    max_retries: int,
    default_headers: Mapping[str, str],
    protected: Iterable[str],
    check_timeout: Callable[[Any], httpx.Timeout],
) -> CallSettings:
    """The settings of one call: ``options`` checked and merged over the defaults."""
    unknown = sorted(set(options) - _OPTION_NAMES)
    if unknown:
        raise TypeError(
            f"unexpected keyword argument(s) {', '.join(unknown)} "
            f"(per-call options: {', '.join(sorted(_OPTION_NAMES))})"
        )
    headers: Mapping[str, str] = default_headers
    if "extra_headers" in options:
        extra = check_headers("extra_headers", options["extra_headers"], protected)
        if extra:
            merged = httpx.Headers(default_headers)
            merged.update(extra)  # case-insensitive: a caller's value replaces the default
            headers = merged
    return CallSettings(
        timeout=check_timeout(options["timeout"]) if "timeout" in options else timeout,
        max_retries=(
            check_max_retries(options["max_retries"]) if "max_retries" in options else max_retries
        ),
        headers=headers,
    )
