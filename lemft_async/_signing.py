"""The LEMFT HMAC rule, shared by the transport, the webhook verifier and the sandbox.

Documented: ``signature = HMAC-SHA256(apiKey, body + timestamp)`` where ``body`` is the
JSON string sent and ``timestamp`` the UTC Unix seconds also sent in the ``timestamp``
header. Not documented: the output encoding. The default is lowercase hex (inferred; see
the README's table of inferences), overridable with ``signature_encoding``; verifying
hex compares case-insensitively.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable
from typing import Literal

__all__ = ["SignatureEncoding", "compute_signature", "signature_matches"]

SignatureEncoding = Literal["hex", "HEX", "base64"]
SIGNATURE_ENCODINGS: tuple[SignatureEncoding, ...] = ("hex", "HEX", "base64")


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def compute_signature(
    api_key: str | bytes,
    body: bytes,
    timestamp: str | int,
    encoding: SignatureEncoding = "hex",
) -> str:
    """HMAC-SHA256 of ``body + timestamp`` keyed with ``api_key``, lowercase hex by default."""
    # One-shot hmac.digest: about twice as fast as hmac.new(...) for small messages.
    digest = hmac.digest(_as_bytes(api_key), body + str(timestamp).encode("ascii"), "sha256")
    if encoding == "hex":
        return digest.hex()
    if encoding == "HEX":
        return digest.hex().upper()
    if encoding == "base64":
        return base64.b64encode(digest).decode("ascii")
    raise ValueError(f"signature encoding must be one of {SIGNATURE_ENCODINGS}, got {encoding!r}")


def signature_matches(
    api_keys: Iterable[str | bytes],
    body: bytes,
    timestamp: str,
    signature: str,
    encoding: SignatureEncoding = "hex",
) -> bool:
    """True if ``signature`` matches for any of ``api_keys`` (hex compared in any case).

    Every key is tried (no early exit) and each comparison is constant-time.
    """
    given_text = signature.strip()
    if encoding in ("hex", "HEX"):
        given_text = given_text.lower()
        encoding = "hex"
    try:
        given = given_text.encode("ascii")
    except UnicodeEncodeError:
        return False
    ok = False
    for key in api_keys:
        expected = compute_signature(key, body, timestamp, encoding).encode("ascii")
        ok |= hmac.compare_digest(expected, given)
    return ok
