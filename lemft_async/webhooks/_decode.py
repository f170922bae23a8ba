"""From verified bytes to a typed event: JSON, envelope, kind, payload model.

The body is the flat payload plus envelope fields (*inferred*, docs/notifications.md):
``eventTag`` (or ``event_tag``) and ``notify_id`` (or ``notifyId``). They are removed from
``data``. The tag comes from the body, else the ``eventTag`` header, else nothing (the route
may pin the kind). The body wins over the header because only the body is signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from pydantic import BaseModel, BeforeValidator, ValidationError

from .._core._codec import loads
from .._core._models import _parse_datetime
from ._errors import WebhookPayloadInvalid
from ._events import (
    EVENT_KINDS,
    EventKind,
    WebhookEvent,
    WebhookEventBase,
    event_class,
    kind_for_tag,
)
from ._headers import HeadersLike, HeaderView
from ._verify import DEFAULT_SCHEME, WebhookScheme

__all__ = ["check_kind", "decode_event", "decode_payload", "parse_event"]


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


def _datetime_fields(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(
        info.alias or name
        for name, info in model.model_fields.items()
        if any(isinstance(m, BeforeValidator) and m.func is _parse_datetime for m in info.metadata)
    )


_DATE_FIELDS: Final[dict[type[WebhookEventBase], tuple[str, ...]]] = {}


def _date_fields(cls: type[WebhookEventBase]) -> tuple[str, ...]:
    fields = _DATE_FIELDS.get(cls)
    if fields is None:
        data_type = cls.model_fields["data"].annotation
        is_model = isinstance(data_type, type) and issubclass(data_type, BaseModel)
        fields = _datetime_fields(data_type) if is_model else ()  # type: ignore[arg-type]
        _DATE_FIELDS[cls] = fields
    return fields


def _prefill_datetimes(cls: type[WebhookEventBase], data: dict[str, Any]) -> None:
    # Speed only: the models' validator tries strptime formats (~13 us each, measured).
    # For text already in the canonical "YYYY-MM-DD HH:MM:SS" form, fromisoformat gives the
    # identical value in ~0.3 us; the round-trip check guarantees that, and any other text
    # is left untouched for the model's own validator.
    for name in _date_fields(cls):
        text = data.get(name)
        if isinstance(text, str) and len(text) == 19:
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                continue
            if parsed.isoformat(" ") == text:
                data[name] = parsed


def _envelope_text(data: dict[str, Any], *names: str, allow_int: bool = False) -> str | None:
    found: str | None = None
    for name in names:
        if name not in data:
            continue
        value = data.pop(name)
        if allow_int and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise WebhookPayloadInvalid("bad_envelope", f"{name!r} must be a string")
        if found is not None and value != found:
            raise WebhookPayloadInvalid("bad_envelope", f"conflicting {'/'.join(names)} fields")
        found = value
    return found


def _header_text(view: HeaderView | None, key: str) -> str | None:
    if view is None:
        return None
    value, ambiguous = view.get(key)
    if ambiguous:
        raise WebhookPayloadInvalid("bad_envelope", f"conflicting {key!r} headers")
    return value


def decode_event(
    data: dict[str, Any],
    view: HeaderView | None,
    scheme: WebhookScheme,
    kind: str | None,
    tag_kinds: Mapping[str, EventKind] | None,
) -> WebhookEvent:
    """Type a decoded payload. ``data`` is consumed (envelope fields popped)."""
    tag = _envelope_text(data, "eventTag", "event_tag")
    if tag is None:
        tag = _header_text(view, scheme.tag_key)
    notify_id = _envelope_text(data, "notify_id", "notifyId", allow_int=True)
    if notify_id is None and scheme.notify_key:
        notify_id = _header_text(view, scheme.notify_key)
    tag_kind = kind_for_tag(tag, tag_kinds)
    if kind is not None and tag_kind not in ("unknown", kind):
        raise WebhookPayloadInvalid(
            "kind_mismatch", f"route expects {kind!r} events, the tag is a {tag_kind!r} event"
        )
    cls = event_class(kind or tag_kind)
    _prefill_datetimes(cls, data)
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
    view = HeaderView(headers, scheme.wanted) if headers is not None else None
    return decode_event(dict(payload), view, scheme, kind, tag_kinds)
