"""KeySecure list pagination: ``page`` counts from 0, ``size`` at most 100, items in
``data.list``.

The docs show no total count, so a page is taken to have a successor when it came back
full (``len(items) == size``); if the server does send ``total``, it is used instead.
``await client.cards.list(...)`` is one page; ``async for card in client.cards.list(...)``
walks every item of every page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, TypeVar

from .._errors import APIResponseValidationError

__all__ = ["KeySecurePage", "KeySecurePaginator"]

T = TypeVar("T")

Fetch = Callable[[int], Awaitable["KeySecurePage[T]"]]


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class KeySecurePage(Generic[T]):
    """One page. ``items`` are typed models; ``raw`` is the decoded ``data``."""

    __slots__ = ("_fetch", "items", "page", "raw", "size", "total")

    def __init__(
        self, *, items: list[T], page: int, size: int, total: int | None, raw: Any, fetch: Fetch[T]
    ) -> None:
        self.items = items
        self.page = page
        self.size = size
        self.total = total
        self.raw = raw
        self._fetch = fetch

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
            total=_int_or_none(meta.get("total")),
            raw=data,
            fetch=fetch,
        )

    def has_next_page(self) -> bool:
        if not self.items:
            return False
        if self.total is not None:
            return (self.page + 1) * self.size < self.total
        return len(self.items) >= self.size

    async def next_page(self) -> KeySecurePage[T]:
        if not self.has_next_page():
            raise RuntimeError("no next page: check has_next_page() first")
        return await self._fetch(self.page + 1)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"KeySecurePage(page={self.page}, size={self.size}, total={self.total}, "
            f"items={len(self.items)})"
        )


class KeySecurePaginator(Generic[T]):
    """Awaitable (the requested page) and async-iterable (every item from that page on)."""

    __slots__ = ("_fetch", "_page")

    def __init__(self, fetch: Fetch[T], page: int) -> None:
        self._fetch = fetch
        self._page = page

    def __await__(self) -> Generator[Any, None, KeySecurePage[T]]:
        return self._fetch(self._page).__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    async def iter_pages(self) -> AsyncIterator[KeySecurePage[T]]:
        """Every page, starting from the requested one.

        A server that ignores ``page`` would hand back the same full page forever; the
        same raw page twice in a row stops the walk with an error instead.
        """
        page = await self._fetch(self._page)
        while True:
            yield page
            if not page.has_next_page():
                return
            following = await page.next_page()
            if following.raw == page.raw:
                raise APIResponseValidationError(
                    None,
                    f"page {following.page} repeated page {page.page}: the server seems to "
                    "ignore 'page'; stopping instead of looping",
                    None,
                    None,
                )
            page = following
