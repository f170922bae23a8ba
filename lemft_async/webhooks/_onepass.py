"""A verified delivery from its bytes to a typed event in pydantic-core, where that is exact.

The exact path (``decode_payload``: the core decoder, then ``decode_event`` on the dict) is
the rule. When the compiled exactness check is built (``_core._onepass.exact_compiled``:
proving a 1 KiB body exact costs ~0.1 us there, ~5 us in Python) and says the body's numbers
read exactly, the event is built from the bytes instead: the payload model (known from the
route's kind or the tag header, else from the envelope fields read natively first) is
validated straight from the JSON, the body's envelope fields are read from its unknown
fields, checked against that kind and taken out as the exact path pops them. Anything out
of the ordinary (both spellings of an envelope field, a notify id sent as a number, an
unknown kind, a body that does not validate) takes the exact path, which judges it and
raises its errors.
``tests/webhooks/test_onepass_events.py`` compares both paths on generated deliveries.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaValidator, core_schema

from .._core._onepass import exact_compiled
from ._decode import decode_event, decode_payload, route_event
from ._events import (
    MEMO_TAG_LENGTH,
    EventKind,
    WebhookEvent,
    WebhookEventBase,
    event_class,
    kind_for_tag,
)
from ._headers import HeaderValues
from ._verify import WebhookScheme

__all__ = ["decode_body"]

ENVELOPE_FIELDS = ("eventTag", "event_tag", "notify_id", "notifyId")

# The envelope fields as text or null (anything else fails it: the exact path's rules).
_ENVELOPE = SchemaValidator(
    core_schema.typed_dict_schema(
        {
            name: core_schema.typed_dict_field(
                core_schema.nullable_schema(core_schema.str_schema(strict=True)), required=False
            )
            for name in ENVELOPE_FIELDS
        },
        extra_behavior="ignore",
    )
)


@cache
def _payload_model(cls: type[WebhookEventBase]) -> type[BaseModel] | None:
    # The typed ``data`` of an event class; None for UnknownEvent's plain dict, or for a
    # model with a field of an envelope field's name (the exact path pops those first).
    model = cls.model_fields["data"].annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    names: set[object] = set(model.model_fields)
    for field in model.model_fields.values():
        names.update((field.alias, field.validation_alias))
    # Unknown fields kept: the envelope fields are read from them in one pass.
    kept = model.model_config.get("extra") == "allow"
    return model if kept and not names & set(ENVELOPE_FIELDS) else None


def _guess(
    values: HeaderValues | None,
    scheme: WebhookScheme,
    kind: str | None,
    tag_kinds: Mapping[str, EventKind] | None,
) -> tuple[type[WebhookEventBase], type[BaseModel]] | None:
    # The class (and its payload model) a delivery most likely has before its body is read:
    # the route's kind, else the tag header's. The body's own tag is checked afterwards.
    if kind is None:
        tag = values.get(scheme.tag_key) if values is not None else None
        if not tag:
            return None
        if tag_kinds is not None:
            return _of_kind(kind_for_tag(tag, tag_kinds))
        found = _guessed.get(tag, _UNSEEN)
        if found is _UNSEEN:
            found = _of_kind(kind_for_tag(tag))
            if len(tag) <= MEMO_TAG_LENGTH and len(_guessed) < _GUESSED_MAX:
                _guessed[tag] = found
        return found  # type: ignore[return-value]
    return _of_kind(kind)


@cache
def _of_kind(kind: str) -> tuple[type[WebhookEventBase], type[BaseModel]] | None:
    cls = event_class(kind)
    model = _payload_model(cls)
    return None if model is None else (cls, model)


# The guess per tag header (no tag_kinds): a receiver sees the same few tags over and over.
# Bounded like kind_for_tag's memory (count and length), so a sender inventing tags cannot
# grow it.
_guessed: dict[str, object] = {}
_GUESSED_MAX = 512
_UNSEEN = object()


def _take_envelope(fields: dict[str, Any]) -> tuple[str | None, str | None] | None:
    """Pop the envelope fields: (tag, notify id) as the exact path reads them ("" counts as
    absent), or None when it must judge them: both spellings of one, or a value that is
    not text."""
    tag = _pop_either(fields, "eventTag", "event_tag")
    notify_id = _pop_either(fields, "notify_id", "notifyId")
    if tag.__class__ not in _TEXT_OR_NONE or notify_id.__class__ not in _TEXT_OR_NONE:
        return None
    return tag or None, notify_id or None


_TEXT_OR_NONE = (str, type(None))
_BOTH = object()


def _pop_either(fields: dict[str, Any], first: str, second: str) -> Any:
    one = fields.pop(first, None)
    other = fields.pop(second, None)
    if other is None:
        return one
    return other if one is None else _BOTH


def _validate(model: type[BaseModel], body: bytes) -> BaseModel | None:
    try:
        return model.__pydantic_validator__.validate_json(body)  # type: ignore[no-any-return]
    except ValidationError:
        return None


def _one_pass(
    body: bytes,
    values: HeaderValues | None,
    scheme: WebhookScheme,
    kind: str | None,
    tag_kinds: Mapping[str, EventKind] | None,
) -> WebhookEvent | None:
    guessed = _guess(values, scheme, kind, tag_kinds)
    if guessed is None:
        return _unguessed(body, values, scheme, kind, tag_kinds)
    cls, model = guessed
    # One pass: the envelope fields are among the payload model's unknown fields.
    data = _validate(model, body)
    if data is None:
        return None
    extra = data.__pydantic_extra__
    envelope = _take_envelope(extra) if extra else (None, None)
    if envelope is None:
        return None
    tag, notify_id = envelope
    if not (
        # The common case, where route_event would answer the guess unchanged: the body's
        # tag is the header's the guess came from, and nothing is left to read from headers.
        kind is None
        and tag_kinds is None
        and tag is not None
        and values is not None
        and tag == values.get(scheme.tag_key)
        and (notify_id is not None or not scheme.notify_key)
    ):
        routed, tag, notify_id = route_event(tag, notify_id, values, scheme, kind, tag_kinds)
        if routed is not cls:
            return None  # the body's tag is of another kind than the header's
    if extra is not None:  # (emptied above: the envelope fields were popped)
        data.__pydantic_fields_set__.difference_update(ENVELOPE_FIELDS)
    return _event(cls, tag, notify_id, data)


def _unguessed(
    body: bytes,
    values: HeaderValues | None,
    scheme: WebhookScheme,
    kind: str | None,
    tag_kinds: Mapping[str, EventKind] | None,
) -> WebhookEvent | None:
    # No kind known before the body: the envelope fields are read natively first.
    try:
        envelope = _take_envelope(_ENVELOPE.validate_json(body))
    except ValidationError:
        return None
    if envelope is None:
        return None
    cls, tag, notify_id = route_event(*envelope, values, scheme, kind, tag_kinds)
    model = _payload_model(cls)
    data = None if model is None else _validate(model, body)
    if data is None:
        return None
    extra = data.__pydantic_extra__
    if extra:
        for name in ENVELOPE_FIELDS:
            extra.pop(name, None)
        data.__pydantic_fields_set__.difference_update(ENVELOPE_FIELDS)
    return _event(cls, tag, notify_id, data)


def _event(
    cls: type[WebhookEventBase], tag: str | None, notify_id: str | None, data: BaseModel
) -> WebhookEvent:
    # A model instance as ``data`` is taken as it is (pydantic does not revalidate it).
    event: WebhookEvent = cls.__pydantic_validator__.validate_python(
        {"event_tag": tag, "notify_id": notify_id, "data": data}
    )
    return event


def decode_body(
    body: bytes,
    values: HeaderValues | None,
    scheme: WebhookScheme,
    kind: str | None,
    tag_kinds: Mapping[str, EventKind] | None,
) -> WebhookEvent:
    """The typed event of a verified body: in one pass when that is exact, else the exact
    path (whose errors are ``WebhookPayloadInvalid``)."""
    if exact_compiled is not None and exact_compiled(body):
        event = _one_pass(body, values, scheme, kind, tag_kinds)
        if event is not None:
            return event
    return decode_event(decode_payload(body), values, scheme, kind, tag_kinds)
