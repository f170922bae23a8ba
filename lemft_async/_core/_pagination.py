"""Page-numbered pagination, the part every API shares.

A list method returns a paginator: ``await`` it for the requested page, ``async for`` it
for every item of every page from there. Each API says how it reads a page from its answer
(LEMFT's ``page_no``/``page_size`` from 1, KeySecure's ``page``/``size`` from 0).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Sequence
from typing import Any, ClassVar, Generic, TypeVar, cast

from ._logging import logger

__all__ = ["BasePage", "BasePaginator", "DeferredRaw", "extract_items", "int_or_none"]

T = TypeVar("T")
P = TypeVar("P", bound="BasePage[Any]")


def extract_items(data: Any, list_key: str | None) -> list[Any]:
    """The item array of a list response.

    Uses ``list_key`` when present; otherwise, because most list keys are inferred, falls
    back to ``list``, ``items``, ``records``, then the only list-valued field.
    """
    if not isinstance(data, dict):
        return []
    for candidate in (list_key, "list", "items", "records"):
        if candidate and isinstance(data.get(candidate), list):
            return list(data[candidate])
    lists = [v for v in data.values() if isinstance(v, list)]
    return list(lists[0]) if len(lists) == 1 else []


def int_or_none(value: Any) -> int | None:
    """A count from an answer (``total``, ``page_size``) as an int, or ``None`` when it is
    not one. Booleans are not counts; digit strings are accepted (some servers send them)."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DeferredRaw:
    """A page's ``raw`` not decoded yet (the page was built from the bytes in one pass):
    calling it decodes it."""

    __slots__ = ()

    def __call__(self) -> Any:
        raise NotImplementedError


class BasePage(Generic[T]):
    """One page of a page-numbered list; each API adds how it reads its answer.

    Without a ``total`` a page is taken to have a successor when it came back full.
    """

    __slots__ = ("_fetch", "_raw", "items", "page_no", "page_size", "total")

    first_page_no: ClassVar[int] = 1
    """The number of the first page (the ``total`` check counts the pages before this one)."""

    def __init__(
        self,
        *,
        items: Sequence[T],
        total: int | None,
        page_no: int,
        page_size: int,
        raw: Any,
        fetch: Callable[[int], Awaitable[BasePage[T]]],
    ) -> None:
        self.items: list[T] = list(items)
        self.total = total
        self.page_no = page_no
        self.page_size = page_size
        self._raw = raw
        self._fetch = fetch

    @property
    def raw(self) -> Any:
        """The answer's decoded ``data`` (decoded on first use when the page was built in
        one pass)."""
        if isinstance(self._raw, DeferredRaw):
            self._raw = self._raw()
        return self._raw

    def has_next_page(self) -> bool:
        if not self.items:
            return False
        if self.total is not None:
            return (self.page_no - self.first_page_no + 1) * self.page_size < self.total
        return len(self.items) >= self.page_size

    async def next_page(self: P) -> P:
        if not self.has_next_page():
            raise RuntimeError("no next page: check has_next_page() first")
        # The fetcher builds pages of this same class.
        return cast(P, await self._fetch(self.page_no + 1))

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class BasePaginator(Generic[T, P]):
    """What a list method returns: awaitable (the requested page) and async-iterable (every
    item from that page on). A subclass decides what a repeated page means."""

    __slots__ = ("_fetch", "_page_no")

    def __init__(self, fetch: Callable[[int], Awaitable[P]], page_no: int) -> None:
        self._fetch = fetch
        self._page_no = page_no

    def __await__(self) -> Generator[Any, None, P]:
        return self._fetch(self._page_no).__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    async def iter_pages(self) -> AsyncIterator[P]:
        """Every page, starting from the requested one.

        A server that ignores the page number would hand back the same page for ever;
        a repeat ends the walk (see ``_on_repeat``).
        """
        page = await self._fetch(self._page_no)
        while True:
            yield page
            if not page.has_next_page():
                return
            following = await page.next_page()
            if self._is_repeat(page, following):
                self._on_repeat(page, following)
                return
            page = following

    def _is_repeat(self, page: P, following: P) -> bool:
        return bool(following.items == page.items)

    def _on_repeat(self, page: P, following: P) -> None:
        logger.warning(
            "page %d repeated page %d; stopping pagination", following.page_no, page.page_no
        )
