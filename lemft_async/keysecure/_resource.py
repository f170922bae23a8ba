"""Base of the KeySecure namespaces: they build params, the client sends them."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError
from typing_extensions import Unpack

from .._core._errors import APIResponseValidationError
from .._core._options import RequestOptions
from .._core._transport import fields_of
from ._pagination import KeySecurePage, KeySecurePaginator
from ._params import check_page

if TYPE_CHECKING:
    from ._client import AsyncKeySecure

__all__ = ["KeySecureResource", "maybe_await", "parse_model"]

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")


async def maybe_await(value: R | Awaitable[R]) -> R:
    """Let user hooks (decrypt/encrypt) be plain or async functions."""
    if inspect.isawaitable(value):
        return await value
    return value


def parse_model(cast_to: type[M], data: Any, *, path: str) -> M:
    """Validate ``data`` into ``cast_to``; a malformed field is an SDK error naming the
    field only (pydantic's message would echo the value, possibly card data)."""
    try:
        return cast_to.model_validate(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        raise APIResponseValidationError(
            None, f"malformed {cast_to.__name__} in the answer: {fields_of(exc)}", None, path
        ) from None


class KeySecureResource:
    """A namespace such as ``client.cards``: checks arguments and builds the call; the
    transport parses the answer inside the attempt (an accepted write whose answer does
    not fit is an unknown outcome, one rule in core).

    Every method takes the per-call options (``**options: Unpack[RequestOptions]``) and
    hands them to ``_call``/``_model``/``_paginate``, which check them before any request.
    """

    def __init__(self, client: AsyncKeySecure) -> None:
        self._client = client

    async def _call(
        self,
        operation: str,
        *,
        path_params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Any:
        settings = self._client._call_settings(options)
        return await self._client._call(
            operation, path_params=path_params, body=body, settings=settings
        )

    async def _model(
        self,
        operation: str,
        cast_to: type[M],
        *,
        path_params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> M:
        settings = self._client._call_settings(options)

        def parse(data: Any) -> M:
            if data is None:
                data = {}  # accepted without details
            if not isinstance(data, dict):
                # A list or a scalar where an entity was expected does not fit (for a
                # write: an unknown outcome, decided by the transport).
                raise APIResponseValidationError(
                    None, f"expected a {cast_to.__name__} object, got {type(data).__name__}"
                )
            return cast_to.model_validate(data)

        return await self._client._call(  # type: ignore[no-any-return]
            operation, path_params=path_params, body=body, parse=parse, settings=settings
        )

    def _paginate(
        self,
        operation: str,
        body: Mapping[str, Any],
        item_type: type[M],
        *,
        page: int,
        size: int,
        **options: Unpack[RequestOptions],
    ) -> KeySecurePaginator[M]:
        check_page(page, size)
        settings = self._client._call_settings(options)
        if "page" in body or "size" in body:
            raise ValueError("pass page/size as arguments, not in extra_body")
        base = dict(body)

        async def fetch(number: int) -> KeySecurePage[M]:
            def parse(data: Any) -> KeySecurePage[M]:
                return KeySecurePage.from_data(
                    data, parse=item_type.model_validate, page=number, size=size, fetch=fetch
                )

            return await self._client._call(  # type: ignore[no-any-return]
                operation,
                body={**base, "page": number, "size": size},
                parse=parse,
                settings=settings,
            )

        return KeySecurePaginator(fetch, page)
