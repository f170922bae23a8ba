"""Base class of the resource namespaces. Resources build params; the client sends them.

Each namespace declares, once, the parameter spec of each of its operations (``_specs``:
wire name -> check); its methods keep explicit typed signatures and hand their arguments
(``locals()``) to one shared path (``_get``, ``_list``, ``_items``, ``_send``) that checks
them in spec order, drops unset ones, merges ``extra_body`` and calls the client. The
spec and the signature are compared when the class is defined, so they cannot drift.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel

from ._core._checks import (
    build_params,
    check_id,
    check_int,
    check_money,
    check_text,
    optional,
)
from ._core._ids import uuid4_hex
from ._core._options import CallSettings, RequestOptions
from ._pagination import AsyncPage, AsyncPaginator
from ._parse import PageParse, echoed_ids, entity_parser, items_parser, unwrap

if TYPE_CHECKING:
    from ._client import AsyncLemft

__all__ = [
    "AS_IS",
    "DEFAULT_MAX_PAGE_SIZE",
    "ID",
    "MONEY",
    "OPT_ID",
    "OPT_INT",
    "OPT_TEXT",
    "OPT_TIME",
    "OUT_ORDER_ID",
    "REMARK",
    "TEXT",
    "TIME_RANGE",
    "AsyncAPIResource",
    "Changes",
    "Param",
    "RequestOptions",
    "Spec",
    "build_params",
    "check_id",
    "check_int",
    "check_money",
    "check_page",
    "check_text",
    "check_time",
    "new_out_order_id",
    "opt",
    "optional",
    "out_order_id_param",
    "req",
    "unwrap",
]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def check_time(name: str, value: object) -> str:
    """A time filter: ``datetime`` (formatted as the docs write times) or that text."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str):
        try:
            datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            msg = f"{name} must look like 'YYYY-MM-DD HH:MM:SS', got {value!r}"
            raise ValueError(msg) from None
        return value
    raise TypeError(f"{name} must be a datetime or str, got {type(value).__name__}")


def new_out_order_id() -> str:
    """A fresh merchant order id (32 hex chars, a uuid4), used like an idempotency key."""
    return uuid4_hex()


def out_order_id_param(value: object) -> str:
    """The given ``out_order_id`` (checked), or a fresh one when ``None``."""
    if value is None:
        return new_out_order_id()
    return check_text("out_order_id", value, max_length=64)


DEFAULT_MAX_PAGE_SIZE = 100
"""Largest ``page_size`` sent (*inferred*: the docs give no bound; the sandbox's 1-100).
Override with ``AsyncLemft(max_page_size=...)``."""


def check_page(page_no: int, page_size: int, *, max_page_size: int = DEFAULT_MAX_PAGE_SIZE) -> None:
    """``page_no`` >= 1 and ``1 <= page_size <= max_page_size``, before any request."""
    for name, value in (("page_no", page_no), ("page_size", page_size)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    if page_size > max_page_size:
        raise ValueError(
            f"page_size must be at most {max_page_size}, got {page_size} "
            "(AsyncLemft(max_page_size=...) raises the bound)"
        )


_OUT_ORDER_ID_HINT = {
    "out_order_id": (
        " (out_order_id is always set: pass out_order_id= instead; one is generated when omitted)"
    )
}


def lemft_params(params: Mapping[str, Any], extra_body: Mapping[str, Any] | None) -> dict[str, Any]:
    """``build_params`` with LEMFT's hint for an ``out_order_id`` given twice."""
    return build_params(params, extra_body, hints=_OUT_ORDER_ID_HINT)


# -- parameter specs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """How one wire parameter is checked: ``check(name, value, **options)``.

    ``check=None`` sends the value as given. An optional param (``always=False``) that is
    ``None`` is not checked and not sent; ``always=True`` runs the check on ``None`` too
    (a required argument's check refuses it; ``OUT_ORDER_ID`` generates one).
    """

    check: Callable[..., Any] | None = None
    always: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)

    def apply(self, name: str, value: object) -> Any:
        if self.check is None or (value is None and not self.always):
            return value
        return self.check(name, value, **self.options)


def req(check: Callable[..., Any], **options: Any) -> Param:
    """A required parameter: ``check`` always runs (and refuses ``None``)."""
    return Param(check, True, options)


def opt(check: Callable[..., Any] | None = None, **options: Any) -> Param:
    """An optional parameter: checked only when given; ``None`` is not sent."""
    return Param(check, False, options)


def _out_order_id(name: str, value: object) -> str:
    return out_order_id_param(value)


ID = req(check_id)
TEXT = req(check_text)
MONEY = req(check_money)
AS_IS = opt()
OPT_ID = opt(check_id)
OPT_INT = opt(check_int)
OPT_TEXT = opt(check_text)
OPT_TIME = opt(check_time)
REMARK = opt(check_text, max_length=255)
OUT_ORDER_ID = Param(_out_order_id, always=True)
"""The merchant order id of a money-moving write: the given one (checked) or a fresh one."""
TIME_RANGE: Mapping[str, Param] = {"start_time": OPT_TIME, "end_time": OPT_TIME}
"""The time filters of the ledgers and lists that take them: ``Spec(..., **TIME_RANGE)``."""


class Spec:
    """The parameters of one operation, in the order they are checked and sent."""

    def __init__(self, **params: Param) -> None:
        self.params: dict[str, Param] = params

    def build(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Checked params from a method's arguments (unset ones stay ``None``: not sent)."""
        return {name: param.apply(name, arguments[name]) for name, param in self.params.items()}


class Changes(Spec):
    """An edit: besides its ``always`` params (the identifier), at least one field (or
    ``extra_body``) must be given."""


@functools.cache
def _plain_parser(cast_to: type[M], wrapper: str | None) -> Callable[[Any], M]:
    """The parse step of an entity answer completed with nothing (reads): the same for
    every call, so made once (a call keeps nothing of its own for it)."""
    return entity_parser(cast_to, wrapper)


_items_parser = functools.cache(items_parser)
"""An unpaginated list's parse step, the same for every call: made once per type and key."""


# Arguments every method takes besides its spec's params: paging and per-call options
# (``extra_body`` and ``**options: Unpack[RequestOptions]``: timeout, max_retries,
# extra_headers).
_PAGING = ("page_no", "page_size")
_CALL_OPTIONS = ("extra_body", "options")
_NOT_PARAMS = frozenset({"self", *_PAGING, *_CALL_OPTIONS})


class AsyncAPIResource:
    """A namespace such as ``client.wallets``; knows operation names, never HTTP.

    Each method checks its arguments, builds the operation's params and hands them to the
    client with how to parse the answer; the transport parses inside the attempt, so a
    write whose accepted answer does not fit is an unknown outcome (one rule, in core).

    A subclass declares ``_specs`` (method name -> ``Spec``); a method passes ``locals()``
    to ``_get``/``_list``/``_items``/``_send``, which take the spec's params, the paging
    arguments and the per-call options (``_call_options``: the one place they are read).
    """

    _namespace: str = ""
    _specs: ClassVar[Mapping[str, Spec]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for method, spec in cls._specs.items():
            signature = inspect.signature(getattr(cls, method))
            names = set(signature.parameters) - _NOT_PARAMS
            if names != set(spec.params):
                raise TypeError(
                    f"{cls.__name__}.{method}: the signature's parameters {sorted(names)} "
                    f"differ from its spec's {sorted(spec.params)}"
                )
            options = signature.parameters.get("options")
            if options is None or options.kind is not inspect.Parameter.VAR_KEYWORD:
                raise TypeError(
                    f"{cls.__name__}.{method} must take **options: Unpack[RequestOptions]"
                )

    def __init__(self, client: AsyncLemft) -> None:
        self._client = client

    def _operation(self, method: str) -> str:
        return f"{self._namespace}.{method}"

    # -- the declarative path: a method's arguments in, checked params out ------------------

    def _params(self, method: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The checked params of ``method`` (raised before any request)."""
        spec = self._specs[method]
        params = spec.build(arguments)
        if isinstance(spec, Changes):
            fields = [name for name, param in spec.params.items() if not param.always]
            if all(params[name] is None for name in fields) and not arguments["extra_body"]:
                raise ValueError(f"{self._operation(method)} needs at least one field to change")
        return params

    def _call_options(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The per-call options among a method's arguments (keyword args of ``_call`` & co):
        ``extra_body``, and the call's settings (``timeout``, ``max_retries``,
        ``extra_headers`` checked over the client's defaults, before any request)."""
        return {
            "extra_body": arguments["extra_body"],
            "settings": self._client._call_settings(arguments["options"]),
        }

    # Every step from a method to the transport is a plain method returning the call's
    # awaitable, not a coroutine of its own: a call waiting its turn at the gate keeps
    # the method's frame and the attempt loop's alive, none of these.

    def _get(
        self,
        method: str,
        cast_to: type[M],
        arguments: Mapping[str, Any],
        *,
        wrapper: str | None = None,
        echo: str | None = None,
    ) -> Awaitable[M]:
        """One entity: ``return await self._get("retrieve", Bin, locals(), wrapper=...)``.

        ``echo`` names a param copied onto the result when the answer leaves it empty
        (a generated ``out_order_id``, the ``card_id`` a status change was for).
        """
        params = self._params(method, arguments)
        # Reads are not completed: a read's answer without its id does not fit its model.
        is_write = self._client._endpoint(self._operation(method)).kind == "write"
        return self._call(
            method,
            params,
            cast_to,
            wrapper=wrapper,
            echoes=echoed_ids(self._specs[method], cast_to, params, echo) if is_write else (),
            extra_body=arguments["extra_body"],
            settings=self._client._call_settings(arguments["options"]),
        )

    def _list(
        self, method: str, item_type: type[M], arguments: Mapping[str, Any]
    ) -> AsyncPaginator[M]:
        """A paginated list: ``return self._list("list", Bin, locals())``."""
        params = self._params(method, arguments)
        return self._paginate(
            method,
            params,
            item_type,
            page_no=arguments["page_no"],
            page_size=arguments["page_size"],
            **self._call_options(arguments),
        )

    def _items(
        self, method: str, item_type: type[M], arguments: Mapping[str, Any]
    ) -> Awaitable[list[M]]:
        """An unpaginated reference list: ``return await self._items(...)``."""
        params = self._params(method, arguments)
        return self._call_items(method, params, item_type, **self._call_options(arguments))

    def _send(self, method: str, arguments: Mapping[str, Any]) -> Awaitable[Any]:
        """An operation whose answer is not decoded (e.g. a delete)."""
        params = self._params(method, arguments)
        return self._call_raw(method, params, **self._call_options(arguments))

    # -- the calls -------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        params: Mapping[str, Any],
        cast_to: type[M],
        *,
        extra_body: Mapping[str, Any] | None = None,
        settings: CallSettings | None = None,
        wrapper: str | None = None,
        echoes: Iterable[tuple[str, Any]] = (),
    ) -> Awaitable[M]:
        filled = tuple(echoes)
        parse = (
            entity_parser(cast_to, wrapper, filled) if filled else _plain_parser(cast_to, wrapper)
        )
        return self._client._call_operation(
            self._operation(method), lemft_params(params, extra_body), parse, settings
        )

    def _call_items(
        self,
        method: str,
        params: Mapping[str, Any],
        item_type: type[M],
        *,
        extra_body: Mapping[str, Any] | None = None,
        settings: CallSettings | None = None,
    ) -> Awaitable[list[M]]:
        """An unpaginated list (reference data); the item key is taken from the catalogue."""
        operation = self._operation(method)
        parse = _items_parser(item_type, self._client._endpoint(operation).list_key)
        return self._client._call_operation(
            operation, lemft_params(params, extra_body), parse, settings
        )

    def _call_raw(
        self,
        method: str,
        params: Mapping[str, Any],
        *,
        extra_body: Mapping[str, Any] | None = None,
        settings: CallSettings | None = None,
    ) -> Awaitable[Any]:
        return self._client._call_operation(
            self._operation(method), lemft_params(params, extra_body), None, settings
        )

    def _paginate(
        self,
        method: str,
        params: Mapping[str, Any],
        item_type: type[M],
        *,
        page_no: int,
        page_size: int,
        extra_body: Mapping[str, Any] | None = None,
        settings: CallSettings | None = None,
    ) -> AsyncPaginator[M]:
        check_page(page_no, page_size, max_page_size=self._client._max_page_size)
        operation = self._operation(method)
        list_key = self._client._endpoint(operation).list_key
        base = lemft_params(params, extra_body)
        if "page_no" in base or "page_size" in base:
            raise ValueError("pass page_no/page_size as arguments, not in extra_body")

        async def fetch(number: int) -> AsyncPage[M]:
            parse = PageParse(item_type, list_key, page_no=number, page_size=page_size, fetch=fetch)
            body = {**base, "page_no": number, "page_size": page_size}
            return await self._client._call_operation(  # type: ignore[no-any-return]
                operation, body, parse, settings
            )

        return AsyncPaginator(fetch, page_no)
