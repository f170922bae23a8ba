"""From a decoded answer to the operation's model: the parse step of every LEMFT call.

The transport decodes the answer once, exactly (``_core._codec.loads``: fractions as
``Decimal``), and calls the parse step inside the attempt, so an answer that does not fit
is judged by the transport's one rule (a read fails, a write is an unknown outcome).

The second pass is kept cheap: each model is validated by its pydantic-core validator
directly (``model_validate`` adds a Python frame per item, which on a 1000-card page is
1000 frames), and the field types validate natively (``_core._schemas``). It is not merged
into one ``validate_json`` pass over the bytes: pydantic-core reads a JSON fraction into a
``Decimal`` field through a binary float (``0.10`` becomes ``Decimal('0.1')``, a long
literal loses digits), which money cannot afford (``tests/core/test_decode_exact.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from ._core._errors import APIResponseValidationError
from ._core._pagination import extract_items

if TYPE_CHECKING:
    from ._resource import Spec

__all__ = [
    "as_object",
    "echoed_ids",
    "entity_parser",
    "fill_echo",
    "items_parser",
    "unwrap",
    "validator_of",
]

M = TypeVar("M", bound=BaseModel)


def validator_of(model: type[M]) -> Callable[[Any], M]:
    """``model``'s pydantic-core validation of Python data (``model_validate`` without its
    Python-level wrapper)."""
    return model.__pydantic_validator__.validate_python


def as_object(data: Any, cast_to: type[BaseModel]) -> dict[str, Any]:
    """An entity answer is a JSON object, or ``null`` (accepted without details, *inferred*
    for writes such as a status change); a list or a scalar where an entity was expected
    does not fit (for a write: an unknown outcome)."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise APIResponseValidationError(
            None, f"expected a {cast_to.__name__} object, got {type(data).__name__}"
        )
    return data


def fill_echo(fields: dict[str, Any], name: str, sent: Any) -> dict[str, Any]:
    """``fields`` with ``sent`` as ``<name>`` when the answer left it empty (before the model
    is validated, so a required id the request named is there); an answer naming another
    value (another order than the one sent) does not fit: for a write, the outcome of ours
    is unknown. Runs inside the attempt, so the transport applies that rule."""
    echoed = fields.get(name)
    if echoed is None or echoed == "":
        return {**fields, name: sent}
    if str(echoed) != str(sent):
        raise APIResponseValidationError(None, f"the answer carries another {name}")
    return fields


def echoed_ids(
    spec: Spec, cast_to: type[BaseModel], params: Mapping[str, Any], echo: str | None
) -> list[tuple[str, Any]]:
    """What a write's answer is completed with: ``echo`` (e.g. the generated
    ``out_order_id``), then every id the request named that the model requires
    (``holders.update``'s ``holder_id``). An id the server assigns (a new order's
    ``order_id``) is never filled in: an answer without it is an unknown outcome."""
    names = [] if echo is None else [echo]
    fields = cast_to.model_fields
    names += [
        name
        for name, param in spec.params.items()
        if param.always and name != echo and name in fields and fields[name].is_required()
    ]
    return [(name, params[name]) for name in names if params.get(name) is not None]


def unwrap(data: Any, wrapper: str | None) -> Any:
    """Detail responses are inferred to wrap the entity as ``<entity>_info`` (as getOrder's
    ``order_info``); accept the bare entity too. A wrapper that is there but not an object
    is returned as it is, so it is refused as an answer that does not fit."""
    if wrapper and isinstance(data, dict) and wrapper in data:
        return data[wrapper]
    return data


def entity_parser(
    cast_to: type[M], wrapper: str | None = None, echoes: Iterable[tuple[str, Any]] = ()
) -> Callable[[Any], M]:
    """The parse step of a one-entity answer: unwrapped, completed with ``echoes``, typed."""
    validate = validator_of(cast_to)
    filled = tuple(echoes)

    def parse(data: Any) -> M:
        fields = as_object(unwrap(data, wrapper), cast_to)
        for name, sent in filled:
            fields = fill_echo(fields, name, sent)
        return validate(fields)

    return parse


def items_parser(item_type: type[M], list_key: str | None) -> Callable[[Any], list[M]]:
    """The parse step of an unpaginated list: a bare array, or the ``list_key`` array."""
    validate = validator_of(item_type)

    def parse(data: Any) -> list[M]:
        items = data if isinstance(data, list) else extract_items(data, list_key)
        return [validate(item) for item in items]

    return parse
