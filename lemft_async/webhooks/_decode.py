"""From verified bytes to a typed event: JSON, envelope, kind, payload model.

The body is the flat payload plus envelope fields (*inferred*, docs/notifications.md):
``eventTag`` (or ``event_tag``) and ``notify_id`` (or ``notifyId``). They are removed from
``data``. The tag comes from the body, else the ``eventTag`` header, else nothing (the route
may pin the kind). The body wins over the header because only the body is signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .._core._codec import loads
from ._errors import WebhookPayloadInvalid
from ._events import (
    EVENT_KINDS,
    EventKind,
    WebhookEvent,
    WebhookEventBase,
    event_class,
    kind_for_tag,
)
from ._headers import HeadersLike, HeaderValues, header_values
from ._verify import DEFAULT_SCHEME, WebhookScheme

__all__ = ["check_kind", "decode_event", "decode_payload", "parse_event", "route_event"]


def decode_payload(body: bytes) -> dict[str, Any]:
    """Strict UTF-8 JSON object, fractions as ``Decimal``, numbers bounded (the one core
    decoder); ``WebhookPayloadInvalid`` else.

    Errors are raised outside the ``except`` blocks so they carry no chained exception
    holding the body (``UnicodeDecodeError.object`` is the whole payload).
    """
    problem: WebhookPayloadInvalid | None = None
    value: Any = None
    try:
        value = loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        problem = WebhookPayloadInvalid("not_utf8", "webhook body is not valid UTF-8")
    except (ValueError, RecursionError):
        problem = WebhookPayloadInvalid("not_json", "webhook body is not valid JSON")
    if problem is not None:
        raise problem
    if not isinstance(value, dict):
        raise WebhookPayloadInvalid("not_object", "webhook body is not a JSON object")
    return value


def check_kind(kind: str | None) -> None:
    """Validate a pinned kind up front (a programming error, not a payload problem)."""
    if kind is not None and kind not in EVENT_KINDS:
        raise ValueError(f"kind must be one of {EVENT_KINDS} or None, got {kind!r}")


def _envelope_text(
    data: dict[str, Any], first: str, second: str, *, allow_int: bool = False
) -> str | None:
    """Pop both spellings of an envelope field; ``None`` when absent or blank."""
    one = data.pop(first, None)
    other = data.pop(second, None)
    if other is None and one.__class__ is str:
        return one or None  # the common case: one spelling, a string
    found: str | None = None
    for name, value in ((first, one), (second, other)):
        if allow_int and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise WebhookPayloadInvalid("bad_envelope", f"{name!r} must be a string")
        if found is not None and value != found:
            raise WebhookPayloadInvalid("bad_envelope", f"conflicting {first}/{second} fields")
        found = value
    return found


def _header_text(values: HeaderValues | None, key: str) -> str | None:
    if values is None:
        return None
    value = values.get(key, "")
    if value is None:
        raise WebhookPayloadInvalid("bad_envelope", f"conflicting {key!r} headers")
    return value or None


def route_event(
    tag: str | None,
    notify_id: str | None,
    values: HeaderValues | None,
    scheme: WebhookScheme,
    kind: str | None,
    tag_kinds: Mapping[str, EventKind] | None,
) -> tuple[type[WebhookEventBase], str | None, str | None]:
    """The event class, tag and notify id of a delivery from its body's envelope fields
    (``None`` when absent or blank), completed from the headers."""
    if tag is None:
        tag = _header_text(values, scheme.tag_key)
    if notify_id is None and scheme.notify_key:
        notify_id = _header_text(values, scheme.notify_key)
    tag_kind = kind_for_tag(tag, tag_kinds)
    if kind is not None and tag_kind not in ("unknown", kind):
        raise WebhookPayloadInvalid(
            "kind_mismatch", f"route expects {kind!r} events, the tag is a {tag_kind!r} event"
        )
    return event_class(kind or tag_kind), tag, notify_id


def decode_event(
    data: dict[str, Any],
    values: HeaderValues | None,
    scheme: WebhookScheme,
    kind: str | None,
    tag_kinds: Mapping[str, EventKind] | None,
) -> WebhookEvent:
    """Type a decoded payload. ``data`` is consumed (envelope fields popped); ``values``
    are the wanted headers (``header_values``), read when the body lacks a field."""
    tag = _envelope_text(data, "eventTag", "event_tag")
    if tag is None:  # read here too: a bad tag header is reported before a bad notify id
        tag = _header_text(values, scheme.tag_key)
    notify_id = _envelope_text(data, "notify_id", "notifyId", allow_int=True)
    cls, tag, notify_id = route_event(tag, notify_id, values, scheme, kind, tag_kinds)
    problem: WebhookPayloadInvalid | None = None
    try:
        # The model's core validator directly: model_validate adds a Python-level
        # wrapper that costs ~10% of a whole construct_event.
        return cls.__pydantic_validator__.validate_python(  # type: ignore[no-any-return]
            {"event_tag": tag, "notify_id": notify_id, "data": data}
        )
    except ValidationError as exc:
        # Locations and error types only: pydantic's own text quotes the input values.
        fields = tuple(
            (".".join(str(p) for p in e["loc"][1:]) or "data", e["type"])
            for e in exc.errors(include_url=False, include_input=False, include_context=False)
        )
        names = ", ".join(sorted({f for f, _ in fields}))
        problem = WebhookPayloadInvalid(
            "invalid_data", f"webhook payload has invalid field(s): {names}", fields
        )
    raise problem


def parse_event(
    payload: Mapping[str, Any],
    headers: HeadersLike | None = None,
    *,
    kind: str | None = None,
    scheme: WebhookScheme = DEFAULT_SCHEME,
    tag_kinds: Mapping[str, EventKind] | None = None,
) -> WebhookEvent:
    """Type an already-decoded (and already-verified!) payload; no signature check.

    ``headers`` supply the tag / notify id when the body lacks them; ``kind`` pins the kind
    for a route that receives one kind of notification. Unknown tags give ``UnknownEvent``.
    """
    check_kind(kind)
    if not isinstance(payload, Mapping):
        raise WebhookPayloadInvalid("not_object", "webhook payload is not a JSON object")
    values = header_values(headers, scheme.wanted) if headers is not None else None
    return decode_event(dict(payload), values, scheme, kind, tag_kinds)
