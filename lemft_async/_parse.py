"""From a decoded answer to the operation's model: the parse step of every LEMFT call.

The transport decodes the answer once, exactly (``_core._codec.loads``: fractions as
``Decimal``), and calls the parse step inside the attempt, so an answer that does not fit
is judged by the transport's one rule (a read fails, a write is an unknown outcome).

A read's parse step also has a one-pass form (``one_pass``): the success envelope and the
operation's model validated by pydantic-core straight from the bytes, which the transport
takes only when ``_core._onepass`` shows it exact for that body (pydantic-core reads a JSON
fraction through a binary float: ``0.10`` would become ``Decimal('0.1')``); any other body,
or one that does not validate that way, takes the exact decoder and the parse step, which
judge it as before. The second pass is kept cheap: each model is validated by its
pydantic-core validator directly (``model_validate`` adds a Python frame per item), and the
field types validate natively (``_core._schemas``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel
from pydantic_core import SchemaValidator

from ._core._codec import loads
from ._core._errors import APIResponseValidationError
from ._core._onepass import code_envelope, list_in, model_in
from ._core._pagination import DeferredRaw, extract_items
from ._pagination import AsyncPage

if TYPE_CHECKING:
    from ._resource import Spec

__all__ = [
    "EntityParse",
    "PageParse",
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


@cache
def _entity_envelope(cast_to: type[BaseModel], wrapper: str | None) -> SchemaValidator:
    return code_envelope(model_in(cast_to, wrapper))


@cache
def _page_envelope(item_type: type[BaseModel], list_key: str) -> SchemaValidator:
    return code_envelope(list_in(item_type, list_key, "total", "page_size"))


class EntityParse(Generic[M]):
    """The parse step of a one-entity answer: unwrapped, completed with ``echoes``, typed.
    Without echoes it can also be taken in one pass from the bytes (``one_pass``)."""

    __slots__ = ("_cast_to", "_echoes", "_envelope", "_validate", "_wrapper")

    def __init__(
        self, cast_to: type[M], wrapper: str | None, echoes: Iterable[tuple[str, Any]]
    ) -> None:
        self._cast_to = cast_to
        self._wrapper = wrapper
        self._echoes = tuple(echoes)
        self._validate = validator_of(cast_to)
        # A write's answer is completed with what was sent first: no one-pass form.
        self._envelope = None if self._echoes else _entity_envelope(cast_to, wrapper)

    def __call__(self, data: Any) -> M:
        fields = as_object(unwrap(data, self._wrapper), self._cast_to)
        for name, sent in self._echoes:
            fields = fill_echo(fields, name, sent)
        return self._validate(fields)

    @property
    def one_pass(self) -> Callable[[bytes], M] | None:
        return None if self._envelope is None else self._from_json

    def _from_json(self, body: bytes) -> M:
        assert self._envelope is not None
        data = self._envelope.validate_json(body)["data"]
        return data if self._wrapper is None else data[self._wrapper]  # type: ignore[no-any-return]


def entity_parser(
    cast_to: type[M], wrapper: str | None = None, echoes: Iterable[tuple[str, Any]] = ()
) -> EntityParse[M]:
    """The parse step of a one-entity answer (see ``EntityParse``)."""
    return EntityParse(cast_to, wrapper, echoes)


class _DecodedData(DeferredRaw):
    """A page's ``raw`` when the page was built in one pass: the answer's ``data``, decoded
    exactly when first asked for."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __call__(self) -> Any:
        return loads(self._body).get("data")


class PageParse(Generic[M]):
    """The parse step of one list page (``AsyncPage``), with its one-pass form."""

    __slots__ = ("_envelope", "_fetch", "_list_key", "_page_no", "_page_size", "_validate")

    def __init__(
        self,
        item_type: type[M],
        list_key: str | None,
        *,
        page_no: int,
        page_size: int,
        fetch: Callable[[int], Awaitable[AsyncPage[M]]],
    ) -> None:
        self._validate = validator_of(item_type)
        self._list_key = list_key
        self._page_no = page_no
        self._page_size = page_size
        self._fetch = fetch
        self._envelope = None if list_key is None else _page_envelope(item_type, list_key)

    def __call__(self, data: Any) -> AsyncPage[M]:
        return AsyncPage.from_data(
            data,
            list_key=self._list_key,
            parse=self._validate,
            requested_page_no=self._page_no,
            requested_page_size=self._page_size,
            fetch=self._fetch,
        )

    @property
    def one_pass(self) -> Callable[[bytes], AsyncPage[M]] | None:
        return None if self._envelope is None else self._from_json

    def _from_json(self, body: bytes) -> AsyncPage[M]:
        assert self._envelope is not None
        assert self._list_key is not None
        data = self._envelope.validate_json(body)["data"]
        return AsyncPage.of(
            data[self._list_key],
            data,
            requested_page_no=self._page_no,
            requested_page_size=self._page_size,
            raw=_DecodedData(body),
            fetch=self._fetch,
        )


def items_parser(item_type: type[M], list_key: str | None) -> Callable[[Any], list[M]]:
    """The parse step of an unpaginated list: a bare array, or the ``list_key`` array."""
    validate = validator_of(item_type)

    def parse(data: Any) -> list[M]:
        items = data if isinstance(data, list) else extract_items(data, list_key)
        return [validate(item) for item in items]

    return parse
