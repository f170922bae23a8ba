"""The documented LEMFT signature, written out here rather than borrowed from the SDK.

``signature = HMAC-SHA256(apiKey, body + timestamp)`` over the exact body bytes. The
output encoding is not documented; lowercase hex is inferred, and hex is compared in any
letter case. Keeping a second copy means a signing bug in the SDK shows up as a 10002.
"""

from __future__ import annotations

import hmac

__all__ = ["sign", "signature_ok"]


def sign(api_key: str, body: bytes, timestamp: str | int) -> str:
    """Lowercase-hex HMAC-SHA256 of ``body + timestamp`` keyed with ``api_key``."""
    message = body + str(timestamp).encode("ascii")
    return hmac.digest(api_key.encode("utf-8"), message, "sha256").hex()


def signature_ok(api_key: str, body: bytes, timestamp: str, signature: str) -> bool:
    """True when ``signature`` (hex, any case) signs ``body + timestamp``; constant time."""
    try:
        given = signature.strip().lower().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(sign(api_key, body, timestamp).encode("ascii"), given)
