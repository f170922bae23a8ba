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
from ._events import EventKind, WebhookEvent, WebhookEventBase, event_class, kind_for_tag
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


def _envelope_of(fields: Mapping[str, Any]) -> tuple[str | None, str | None] | None:
    """(tag, notify id) as the exact path reads them ("" counts as absent), or None when it
    must judge them: both spellings of one, or a value that is not text."""
    found: list[str | None] = []
    for first, second in (("eventTag", "event_tag"), ("notify_id", "notifyId")):
        one, other = fields.get(first), fields.get(second)
        if one is not None and other is not None:
            return None
        value = one if other is None else other
        if value is not None and value.__class__ is not str:
            return None
        found.append(value or None)
    return found[0], found[1]


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
        kind = kind_for_tag(tag, tag_kinds)
    cls = event_class(kind)
    model = _payload_model(cls)
    return None if model is None else (cls, model)


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
    data: BaseModel | None = None
    if guessed is not None:
        # One pass: the envelope fields are among the payload model's unknown fields.
        data = _validate(guessed[1], body)
        if data is None:
            return None
        envelope = _envelope_of(data.__pydantic_extra__ or {})
    else:
        try:
            envelope = _envelope_of(_ENVELOPE.validate_json(body))
        except ValidationError:
            return None
    if envelope is None:
        return None
    cls, tag, notify_id = route_event(*envelope, values, scheme, kind, tag_kinds)
    if data is None:
        model = _payload_model(cls)
        data = None if model is None else _validate(model, body)
    elif guessed is None or cls is not guessed[0]:
        return None  # the body's tag is of another kind than the header's
    if data is None:
        return None
    extra = data.__pydantic_extra__
    if extra:
        fields_set = data.__pydantic_fields_set__
        for name in ENVELOPE_FIELDS:
            if name in extra:
                del extra[name]
                fields_set.discard(name)
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
