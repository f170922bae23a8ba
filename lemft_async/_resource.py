"""Base class of the resource namespaces. Resources build params; the client sends them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from ._core._checks import (
    build_params,
    check_id,
    check_int,
    check_money,
    check_text,
    optional,
)
from ._core._pagination import extract_items
from ._pagination import AsyncPage, AsyncPaginator

if TYPE_CHECKING:
    from ._client import AsyncLemft

__all__ = [
    "DEFAULT_MAX_PAGE_SIZE",
    "AsyncAPIResource",
    "build_params",
    "check_id",
    "check_int",
    "check_money",
    "check_page",
    "check_text",
    "check_time",
    "new_out_order_id",
    "optional",
    "out_order_id_param",
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


def unwrap(data: Any, wrapper: str | None) -> Any:
    """Detail responses are inferred to wrap the entity as ``<entity>_info`` (as getOrder's
    ``order_info``); accept the bare entity too."""
    if wrapper and isinstance(data, dict) and isinstance(data.get(wrapper), dict):
        return data[wrapper]
    return data


def new_out_order_id() -> str:
    """A fresh merchant order id (32 hex chars), used like an idempotency key."""
    return uuid.uuid4().hex


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


class AsyncAPIResource:
    """A namespace such as ``client.wallets``; knows operation names, never HTTP.

    Each method checks its arguments, builds the operation's params and hands them to the
    client with how to parse the answer; the transport parses inside the attempt, so a
    write whose accepted answer does not fit is an unknown outcome (one rule, in core).
    """

    _namespace: str = ""

    def __init__(self, client: AsyncLemft) -> None:
        self._client = client

    def _operation(self, method: str) -> str:
        return f"{self._namespace}.{method}"

    async def _call(
        self,
        method: str,
        params: Mapping[str, Any],
        cast_to: type[M],
        *,
        extra_body: Mapping[str, Any] | None = None,
        wrapper: str | None = None,
    ) -> M:
        def parse(data: Any) -> M:
            data = unwrap(data, wrapper)
            return cast_to.model_validate(data if isinstance(data, dict) else {})

        return await self._client._call_operation(  # type: ignore[no-any-return]
            self._operation(method), lemft_params(params, extra_body), parse
        )

    async def _call_items(
        self,
        method: str,
        params: Mapping[str, Any],
        item_type: type[M],
        *,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[M]:
        """An unpaginated list (reference data); the item key is taken from the catalogue."""
        operation = self._operation(method)
        list_key = self._client._endpoint(operation).list_key

        def parse(data: Any) -> list[M]:
            items = data if isinstance(data, list) else extract_items(data, list_key)
            return [item_type.model_validate(item) for item in items]

        return await self._client._call_operation(  # type: ignore[no-any-return]
            operation, lemft_params(params, extra_body), parse
        )

    async def _call_raw(
        self,
        method: str,
        params: Mapping[str, Any],
        *,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Any:
        return await self._client._call_operation(
            self._operation(method), lemft_params(params, extra_body), None
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
    ) -> AsyncPaginator[M]:
        check_page(page_no, page_size, max_page_size=self._client._max_page_size)
        operation = self._operation(method)
        list_key = self._client._endpoint(operation).list_key
        base = lemft_params(params, extra_body)
        if "page_no" in base or "page_size" in base:
            raise ValueError("pass page_no/page_size as arguments, not in extra_body")

        async def fetch(number: int) -> AsyncPage[M]:
            def parse(data: Any) -> AsyncPage[M]:
                return AsyncPage.from_data(
                    data,
                    list_key=list_key,
                    parse=item_type.model_validate,
                    requested_page_no=number,
                    requested_page_size=page_size,
                    fetch=fetch,
                )

            body = {**base, "page_no": number, "page_size": page_size}
            return await self._client._call_operation(  # type: ignore[no-any-return]
                operation, body, parse
            )

        return AsyncPaginator(fetch, page_no)
