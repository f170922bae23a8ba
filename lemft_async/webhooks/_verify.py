"""Is this notification authentic and fresh? (ARCHITECTURE §6, default scheme inferred.)

Default scheme (*inferred*: LEMFT does not document notification signing; this is the
documented *request* rule applied to notifications, and what the embedded sandbox sends):
header ``timestamp`` = UTC Unix seconds, header ``signature`` = lowercase hex
``HMAC-SHA256(api_key, raw_body + timestamp)``. Everything is configurable with a
``WebhookScheme``: header names, encoding, message layout, several signatures per header.

Order of checks: headers present and unambiguous, timestamp well-formed, signature (any
secret, constant-time, with keys prepared once: ``_keys``), then the ±``tolerance`` window.
Checking the signature before the window means "stale"/"future" are only ever reported
for genuine notifications, which is what an operator debugging clock skew needs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .._signing import SIGNATURE_ENCODINGS, SignatureEncoding
from ._errors import WebhookVerificationFailed
from ._headers import HeadersLike, HeaderValues, header_values
from ._keys import PreparedKeys, prepared_keys

__all__ = [
    "DEFAULT_SCHEME",
    "DEFAULT_TOLERANCE",
    "ApiKeys",
    "WebhookScheme",
    "normalize_keys",
    "normalize_tolerance",
    "raw_bytes",
    "verify",
    "verify_headers",
]

DEFAULT_TOLERANCE = 300
MAX_SIGNATURES = 8
"""At most this many candidates are read from one signature header (bounds the HMAC work)."""
_MAX_TIMESTAMP_DIGITS = 15

ApiKeys = str | bytes | Iterable[str | bytes]
"""One signing secret, or several (any of them may match: key rotation)."""


@dataclass(frozen=True)
class WebhookScheme:
    """How notifications are signed. The defaults are *inferred* (see module docstring).

    ``message(body, timestamp) -> bytes`` replaces the signed layout (default
    ``body + timestamp``); ``signature_separator`` lets one header carry several
    signatures (e.g. ``","``), any of which may match. Header names are case-insensitive.
    ``event_tag_header`` is read when the body carries no tag. ``notify_id_header`` (off by
    default) is read for de-duplication only when set: headers are not covered by the
    signature, so by default a delivery's identity comes from the signed body alone.
    """

    timestamp_header: str = "timestamp"
    signature_header: str = "signature"
    event_tag_header: str = "eventTag"
    notify_id_header: str | None = None
    encoding: SignatureEncoding = "hex"
    message: Callable[[bytes, str], bytes] | None = None
    signature_separator: str | None = None
    # Lowercased names, computed once (the hot path never lowercases the configuration).
    ts_key: str = field(init=False, repr=False, compare=False)
    sig_key: str = field(init=False, repr=False, compare=False)
    tag_key: str = field(init=False, repr=False, compare=False)
    notify_key: str = field(init=False, repr=False, compare=False)
    wanted: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = []
        names = ("timestamp_header", "signature_header", "event_tag_header", "notify_id_header")
        for name in names:
            value = getattr(self, name)
            if name == "notify_id_header" and value is None:
                keys.append("")  # opted out (the default): never read
                continue
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty header name")
            keys.append(value.strip().lower())
        if self.encoding not in SIGNATURE_ENCODINGS:
            raise ValueError(
                f"encoding must be one of {SIGNATURE_ENCODINGS}, got {self.encoding!r}"
            )
        if self.message is not None and not callable(self.message):
            raise TypeError("message must be a callable (body: bytes, timestamp: str) -> bytes")
        if self.signature_separator is not None and (
            not isinstance(self.signature_separator, str) or not self.signature_separator
        ):
            raise ValueError("signature_separator must be a non-empty string or None")
        for attr, key in zip(("ts_key", "sig_key", "tag_key", "notify_key"), keys, strict=True):
            object.__setattr__(self, attr, key)
        object.__setattr__(self, "wanted", frozenset(k for k in keys if k))


DEFAULT_SCHEME = WebhookScheme()


def raw_bytes(raw_body: object) -> bytes:
    """The body as received. ``str`` is refused: text was decoded and may not re-encode
    to the signed bytes (re-serialised JSON is the classic cause of failed verification)."""
    if isinstance(raw_body, bytes):
        return raw_body
    if isinstance(raw_body, bytearray | memoryview):
        return bytes(raw_body)
    if isinstance(raw_body, str):
        raise TypeError(
            "raw_body must be the raw request bytes (e.g. `await request.body()`), not str: "
            "decoded or re-serialised JSON does not match the signature"
        )
    raise TypeError(f"raw_body must be bytes, got {type(raw_body).__name__}")


def normalize_keys(api_key: ApiKeys) -> PreparedKeys:
    """The non-empty secrets, checked and prepared for signing (cached per value); the
    messages never include a secret."""
    return prepared_keys(api_key)


def normalize_tolerance(tolerance: float | None) -> float | None:
    """Seconds allowed between the ``timestamp`` header and now, both ways; ``None``: off."""
    if tolerance is None:
        return None
    if tolerance.__class__ is int and tolerance >= 0:
        return float(tolerance)  # the common case (the default 300), on the hot path
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float):
        raise TypeError(f"tolerance must be seconds or None, got {type(tolerance).__name__}")
    if not math.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    return float(tolerance)


def _fail(reason: str, message: str, header: str | None = None) -> WebhookVerificationFailed:
    return WebhookVerificationFailed(reason, message, header)  # type: ignore[arg-type]


def _missing(values: HeaderValues, scheme: WebhookScheme) -> WebhookVerificationFailed:
    """The error for an absent, blank or ambiguous required header (timestamp first)."""
    for key, name in (
        (scheme.ts_key, scheme.timestamp_header),
        (scheme.sig_key, scheme.signature_header),
    ):
        value = values.get(key, "")
        if value is None:
            return _fail("ambiguous_header", f"conflicting {name!r} headers", name)
        if not value:
            return _fail("missing_header", f"missing {name!r} header", name)
    raise AssertionError("both headers are present")  # pragma: no cover - callers check


def verify_headers(
    body: bytes,
    values: HeaderValues,
    keys: PreparedKeys,
    tolerance: float | None,
    scheme: WebhookScheme,
    now: float | None,
) -> int:
    """Verify with already-normalized inputs; returns the verified timestamp."""
    ts_text = values.get(scheme.ts_key, "")
    sig_text = values.get(scheme.sig_key, "")
    if not (ts_text and sig_text):
        raise _missing(values, scheme)
    if not (len(ts_text) <= _MAX_TIMESTAMP_DIGITS and ts_text.isascii() and ts_text.isdigit()):
        raise _fail(
            "bad_timestamp",
            f"{scheme.timestamp_header!r} header is not integer seconds",
            scheme.timestamp_header,
        )
    if scheme.message is None:
        # body, then the timestamp, fed to the HMAC one after the other (no copy of body).
        first, second = body, ts_text.encode("ascii")
    else:
        first, second = scheme.message(body, ts_text), b""
        if not isinstance(first, bytes):
            raise TypeError("WebhookScheme.message must return bytes")
    if scheme.signature_separator is None:
        candidates: Sequence[str] = (sig_text,)
    else:
        parts = (p.strip() for p in sig_text.split(scheme.signature_separator))
        candidates = [p for p in parts if p][:MAX_SIGNATURES]
    if not keys.matches(first, second, candidates, scheme.encoding):
        raise _fail("bad_signature", "webhook signature does not match any configured secret")
    timestamp = int(ts_text)
    if tolerance is not None:
        age = (time.time() if now is None else now) - timestamp
        if age > tolerance:
            raise _fail("stale", "webhook timestamp is older than the tolerance")
        if -age > tolerance:
            raise _fail("future", "webhook timestamp is further in the future than the tolerance")
    return timestamp


def verify(
    raw_body: bytes,
    headers: HeadersLike,
    *,
    api_key: ApiKeys,
    tolerance: float | None = DEFAULT_TOLERANCE,
    scheme: WebhookScheme = DEFAULT_SCHEME,
    now: float | None = None,
) -> None:
    """Check a notification's signature and timestamp over the **raw** body bytes.

    ``api_key``: the signing secret, or several (rotation: any may match).
    ``tolerance``: seconds allowed between the ``timestamp`` header and ``now`` (default
    the current time), in both directions; ``None`` disables the window (replays!).
    Raises ``WebhookVerificationFailed`` (a ``WebhookVerificationError``) with ``.reason``;
    ``TypeError``/``ValueError`` for misuse (``str`` body, empty secret).
    """
    body = raw_bytes(raw_body)
    keys = normalize_keys(api_key)
    window = normalize_tolerance(tolerance)
    verify_headers(body, header_values(headers, scheme.wanted), keys, window, scheme, now)
