"""``sign_callback``: the headers of a KeySecure V1 callback, for testing your receiver.

The exact inverse of ``CallbackVerifier`` / ``AsyncKeySecure.construct_event``: the
signature is computed from the body's ``data`` as decoded by the verifier (numbers keep
their exact text), with ``appId`` and the millisecond ``Timestamp`` (see ``_signing``).
A client's ``callback_app_id`` / ``callback_secret`` default to its ``api_key`` /
``api_secret``: sign with those.
"""

from __future__ import annotations

import time

from .._core._codec import loads
from ._signing import sign_v1

__all__ = ["sign_callback"]


def _timestamp_ms(value: int | str | None) -> str:
    if value is None:
        return str(int(time.time() * 1000))
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"timestamp must be Unix milliseconds (int or digits), got {value!r}")
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"timestamp must be non-negative integer milliseconds, got {value!r}")
    return text


def sign_callback(
    body: bytes,
    *,
    app_id: str,
    secret: str,
    timestamp: int | str | None = None,
    timezone: str = "UTC+8",
) -> dict[str, str]:
    """The headers to send with ``body``, the raw JSON ``{"id", "action", "data"}``.

    ``timestamp`` is Unix **milliseconds** (default: now). Returns ``Content-Type``,
    ``Timestamp``, ``Signature``, ``Sign-Version: V1`` and ``Timezone``.

    >>> body = b'{"id":"e1","action":"Card_update","data":{"card_no":"C0001"}}'
    >>> headers = sign_callback(body, app_id=api_key, secret=api_secret)
    >>> client.construct_event(body, headers)   # verifies
    """
    if not isinstance(body, bytes | bytearray):
        raise TypeError(f"body must be the raw bytes you will send, got {type(body).__name__}")
    for name, value in (("app_id", app_id), ("secret", secret)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string")
    try:
        decoded = loads(bytes(body), keep_numbers=True)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ValueError("body is not JSON") from None
    if not isinstance(decoded, dict):
        raise ValueError('body must be a JSON object {"id", "action", "data"}')
    data = decoded.get("data")
    if data is not None and not isinstance(data, dict):
        raise ValueError("body's data must be a JSON object")
    stamp = _timestamp_ms(timestamp)
    return {
        "Content-Type": "application/json",
        "Timestamp": stamp,
        "Signature": sign_v1(secret, app_id, stamp, data),
        "Sign-Version": "V1",
        "Timezone": timezone,
    }
