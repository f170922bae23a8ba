"""KeySecure list pagination: ``page`` counts from 0, ``size`` at most 100, items in
``data.list``.

The docs show no total count, so a page is taken to have a successor when it came back
full (``len(items) == size``); if the server does send ``total``, it is used instead.
``await client.cards.list(...)`` is one page; ``async for card in client.cards.list(...)``
walks every item of every page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from .._core._errors import APIResponseValidationError
from .._core._pagination import BasePage, BasePaginator, int_or_none

__all__ = ["KeySecurePage", "KeySecurePaginator"]

T = TypeVar("T")

Fetch = Callable[[int], Awaitable["KeySecurePage[T]"]]


class KeySecurePage(BasePage[T]):
    """One page. ``items`` are typed models; ``raw`` is the decoded ``data``.

    ``page`` and ``size`` are KeySecure's names for ``page_no`` and ``page_size``.
    """

    __slots__ = ()

    first_page_no = 0

    def __init__(
        self, *, items: list[T], page: int, size: int, total: int | None, raw: Any, fetch: Fetch[T]
    ) -> None:
        super().__init__(
            items=items, total=total, page_no=page, page_size=size, raw=raw, fetch=fetch
        )

    @property
    def page(self) -> int:
        """This page's number (from 0)."""
        return self.page_no

    @property
    def size(self) -> int:
        """The page size asked for."""
        return self.page_size

    @classmethod
    def from_data(
        cls, data: Any, *, parse: Callable[[Any], T], page: int, size: int, fetch: Fetch[T]
    ) -> KeySecurePage[T]:
        meta = data if isinstance(data, dict) else {}
        raw_items = meta.get("list")
        items = [parse(item) for item in raw_items] if isinstance(raw_items, list) else []
        return cls(
            items=items,
            page=page,
            size=size,
            total=int_or_none(meta.get("total")),
            raw=data,
            fetch=fetch,
        )

    def __repr__(self) -> str:
        return (
            f"KeySecurePage(page={self.page}, size={self.size}, total={self.total}, "
            f"items={len(self.items)})"
        )


class KeySecurePaginator(BasePaginator[T, KeySecurePage[T]]):
    """Awaitable (the requested page) and async-iterable (every item from that page on)."""

    __slots__ = ()

    def __init__(self, fetch: Fetch[T], page: int) -> None:
        super().__init__(fetch, page)

    def _is_repeat(self, page: KeySecurePage[T], following: KeySecurePage[T]) -> bool:
        # The same raw page twice in a row: the server seems to ignore ``page``.
        return bool(following.raw == page.raw)

    def _on_repeat(self, page: KeySecurePage[T], following: KeySecurePage[T]) -> None:
        raise APIResponseValidationError(
            None,
            f"page {following.page} repeated page {page.page}: the server seems to "
            "ignore 'page'; stopping instead of looping",
            None,
            None,
        )
