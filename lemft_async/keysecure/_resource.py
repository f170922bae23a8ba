"""Base of the KeySecure namespaces: they build params, the client sends them."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from .._errors import APIResponseValidationError
from ._errors import KeySecureOutcomeUnknownError
from ._pagination import KeySecurePage, KeySecurePaginator
from ._params import check_page
from ._transport import _references

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
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise APIResponseValidationError(
            None, f"malformed {cast_to.__name__} in the answer: {fields}", None, path
        ) from None


class KeySecureResource:
    """A namespace such as ``client.cards``."""

    def __init__(self, client: AsyncKeySecure) -> None:
        self._client = client

    async def _call(
        self,
        operation: str,
        *,
        path_params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        return await self._client._call(operation, path_params=path_params, body=body)

    async def _model(
        self,
        operation: str,
        cast_to: type[M],
        *,
        path_params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> M:
        data = await self._call(operation, path_params=path_params, body=body)
        endpoint = self._client._endpoints[operation]
        try:
            return parse_model(cast_to, data, path=endpoint.path)
        except APIResponseValidationError as problem:
            if endpoint.kind != "write":
                raise
            # The server said success: the write most likely happened. Not a failure.
            raise KeySecureOutcomeUnknownError(
                f"the server accepted {operation} but {problem.message}; it was most likely "
                "carried out: reconcile before retrying",
                operation=operation,
                path=endpoint.path,
                references=_references(body),
                cause=problem,
            ) from None

    def _paginate(
        self,
        operation: str,
        body: Mapping[str, Any],
        item_type: type[M],
        *,
        page: int,
        size: int,
    ) -> KeySecurePaginator[M]:
        check_page(page, size)
        if "page" in body or "size" in body:
            raise ValueError("pass page/size as arguments, not in extra_body")
        base = dict(body)
        path = self._client._endpoints[operation].path

        def parse(item: Any) -> M:
            return parse_model(item_type, item, path=path)

        async def fetch(number: int) -> KeySecurePage[M]:
            data = await self._call(operation, body={**base, "page": number, "size": size})
            return KeySecurePage.from_data(data, parse=parse, page=number, size=size, fetch=fetch)

        return KeySecurePaginator(fetch, page)
