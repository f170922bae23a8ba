"""``construct_event``: verify the raw bytes, then decode them into a typed event."""

from __future__ import annotations

from collections.abc import Mapping

from ._decode import check_kind
from ._events import EventKind, WebhookEvent
from ._headers import HeadersLike, header_values
from ._onepass import decode_body
from ._verify import (
    DEFAULT_SCHEME,
    DEFAULT_TOLERANCE,
    ApiKeys,
    WebhookScheme,
    normalize_keys,
    normalize_tolerance,
    raw_bytes,
    verify_headers,
)

__all__ = ["construct_event"]


def construct_event(
    raw_body: bytes,
    headers: HeadersLike,
    *,
    api_key: ApiKeys,
    tolerance: float | None = DEFAULT_TOLERANCE,
    kind: str | None = None,
    scheme: WebhookScheme = DEFAULT_SCHEME,
    now: float | None = None,
    tag_kinds: Mapping[str, EventKind] | None = None,
) -> WebhookEvent:
    """Verify a notification (see ``verify``) and return its typed event.

    ``kind`` pins the event kind for a route (``"card"``, ``"order"`` ...); a tag of another
    known kind is then a ``WebhookPayloadError``. Raises ``WebhookVerificationFailed`` when
    not authentic, ``WebhookPayloadInvalid`` when authentic but undecodable.
    """
    body = raw_body if raw_body.__class__ is bytes else raw_bytes(raw_body)
    keys = normalize_keys(api_key)  # cached per secret: checked and prepared once
    window = normalize_tolerance(tolerance)
    if kind is not None:
        check_kind(kind)
    values = header_values(headers, scheme.wanted)
    verify_headers(body, values, keys, window, scheme, now)
    return decode_body(body, values, scheme, kind, tag_kinds)
