"""``sign``: the headers a LEMFT notification carries, for testing your receiver.

The exact inverse of ``verify``: for any body, ``verify(body, sign(body, key), api_key=key)``
passes (same scheme, same secret, timestamp within the window). It signs with the scheme's
rule (default, *inferred*: lowercase hex ``HMAC-SHA256(api_key, body + timestamp)``), so a
test delivery is what the embedded sandbox sends.
"""

from __future__ import annotations

import time

from .._signing import compute_signature
from ._verify import _MAX_TIMESTAMP_DIGITS, DEFAULT_SCHEME, WebhookScheme, raw_bytes

__all__ = ["sign"]


def _timestamp(value: int | str | None) -> str:
    if value is None:
        return str(int(time.time()))
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"timestamp must be Unix seconds (int or digits), got {value!r}")
    text = str(value)
    # verify's rule exactly (ASCII digits, at most 15 of them), so sign is its inverse.
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"timestamp must be non-negative integer seconds, got {value!r}")
    if len(text) > _MAX_TIMESTAMP_DIGITS:
        raise ValueError(
            f"timestamp must be at most {_MAX_TIMESTAMP_DIGITS} digits (verify refuses "
            f"longer ones), got {len(text)}"
        )
    return text


def sign(
    body: bytes,
    api_key: str | bytes,
    timestamp: int | str | None = None,
    *,
    scheme: WebhookScheme = DEFAULT_SCHEME,
    event_tag: str | None = None,
) -> dict[str, str]:
    """The headers to send with ``body`` (the exact bytes you will POST).

    ``timestamp`` is UTC Unix seconds (default: now); ``event_tag`` adds the tag header
    (``eventTag``), which the receiver reads when the body carries no tag. Returns
    ``Content-Type``, the timestamp and the signature headers, named as ``scheme`` says.

    >>> headers = sign(b'{"eventTag":"card.status.active","card_id":"c1"}', "test-secret")
    >>> verify(body, headers, api_key="test-secret")   # passes
    """
    data = raw_bytes(body)
    if isinstance(api_key, bytes | bytearray):
        key: str | bytes = bytes(api_key)
    elif isinstance(api_key, str):
        key = api_key
    else:
        raise TypeError(f"api_key must be one secret (str or bytes), got {type(api_key).__name__}")
    if not key.strip():
        raise ValueError("api_key must not be empty")
    stamp = _timestamp(timestamp)
    if scheme.message is None:
        signature = compute_signature(key, data, stamp, scheme.encoding)
    else:
        message = scheme.message(data, stamp)
        if not isinstance(message, bytes):
            raise TypeError("WebhookScheme.message must return bytes")
        signature = compute_signature(key, message, "", scheme.encoding)
    headers = {
        "Content-Type": "application/json",
        scheme.timestamp_header: stamp,
        scheme.signature_header: signature,
    }
    if event_tag is not None:
        if not isinstance(event_tag, str) or not event_tag.strip():
            raise ValueError("event_tag must be a non-empty string")
        headers[scheme.event_tag_header] = event_tag
    return headers
