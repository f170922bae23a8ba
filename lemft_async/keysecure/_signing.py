"""The KeySecure V1 callback signature (docs: Code Utilities, 10.1 ``SignUtils``).

Documented (Java): a ``TreeMap`` (code-point order, case-sensitive) of ``appId``, the
``Timestamp`` header as ``timestamp``, and every top-level field of the body's ``data``
(``id`` and ``action`` are NOT signed). Null values are skipped, empty strings kept
(``k=``). Strings are used as-is, every other value as fastjson ``toJSONString``. Pairs
are joined ``k=v&k=v``; the signature is lowercase hex HMAC-SHA256 keyed with the secret.

Rendering details that follow from the Java but are not spelled out (*inferred*):
numbers keep the exact text they had in the body (``1.50`` stays ``1.50``; a
``Decimal`` renders like Java's ``BigDecimal.toString``), booleans are ``true``/``false``,
nested objects and arrays are compact JSON in body order without escaping non-ASCII, and
``null`` members of nested objects are dropped (fastjson's default). Nested key order is
the weakest point of the scheme (it depends on the sender's JSON library); the callbacks
seen so far are flat apart from ``merchant_info``/``fee_detail``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any

from .._core._codec import JsonNumber, encode, to_plain

__all__ = [
    "JsonNumber",
    "base_string",
    "render_value",
    "sign_v1",
    "signature_matches",
    "to_plain",
]


def render_value(value: Any) -> str | None:
    """One ``data`` value as it appears in the base string; ``None`` means skipped."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    # Decimal as Java's BigDecimal.toString would write it; null members dropped (fastjson).
    return encode(value, drop_nulls=True, decimal_text=str)


def base_string(app_id: str, timestamp: str, data: Mapping[str, Any] | None) -> str:
    """The V1 string to sign: sorted ``k=v`` pairs joined with ``&``."""
    params: dict[str, str] = {}
    for key, value in (data or {}).items():
        rendered = render_value(value)
        if rendered is not None:
            params[str(key)] = rendered
    # The Java puts appId/timestamp first and then putAll(data), so a non-null data
    # field with either name wins: mirror that exactly.
    params.setdefault("appId", app_id)
    params.setdefault("timestamp", timestamp)
    return "&".join(f"{k}={params[k]}" for k in sorted(params))


def sign_v1(
    secret: str | bytes, app_id: str, timestamp: str, data: Mapping[str, Any] | None
) -> str:
    """Lowercase hex HMAC-SHA256 of the V1 base string."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    message = base_string(app_id, timestamp, data).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_matches(
    secrets: Iterable[str | bytes], app_id: str, timestamp: str, data: Any, signature: str
) -> bool:
    """True if ``signature`` matches for any secret; each compare is constant-time and
    every secret is tried (no early exit). Hex is compared case-insensitively."""
    given = signature.strip().lower()
    if not given.isascii():
        return False
    message = base_string(app_id, timestamp, data).encode("utf-8")
    ok = False
    for secret in secrets:
        key = secret.encode("utf-8") if isinstance(secret, str) else secret
        expected = hmac.new(key, message, hashlib.sha256).hexdigest()
        ok |= hmac.compare_digest(expected.encode("ascii"), given.encode("ascii"))
    return ok
