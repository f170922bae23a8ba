"""Lists on a synchronous client: a page you can read, and every item of every page.

``client.cards.list(page_size=50)`` returns a ``SyncPaginator``: ``for card in ...`` walks
every item of every page; ``.page()`` is the requested page alone (what ``await`` gives on
the async client). Pages are fetched on the background loop, one at a time, when needed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Generic, TypeVar

from ._pagination import BasePage, BasePaginator
from ._portal import LoopThread

__all__ = ["SyncPage", "SyncPaginator"]

T = TypeVar("T")


class SyncPage(Generic[T]):
    """One page of a list. ``items`` are typed models; ``raw`` is the decoded answer."""

    __slots__ = ("_loop", "_owner", "_page")

    def __init__(self, loop: LoopThread, page: BasePage[T], *, owner: object = None) -> None:
        self._loop = loop
        self._page = page
        self._owner = owner  # keeps the client (and so its loop) alive

    @property
    def items(self) -> list[T]:
        return self._page.items

    @property
    def total(self) -> int | None:
        return self._page.total

    @property
    def page_no(self) -> int:
        return self._page.page_no

    @property
    def page_size(self) -> int:
        return self._page.page_size

    @property
    def raw(self) -> Any:
        return self._page.raw

    def has_next_page(self) -> bool:
        return self._page.has_next_page()

    def next_page(self) -> SyncPage[T]:
        """The following page (``RuntimeError`` when there is none: see ``has_next_page``)."""
        return SyncPage(self._loop, self._loop.call(self._page.next_page), owner=self._owner)

    def __iter__(self) -> Iterator[T]:
        return iter(self._page.items)

    def __len__(self) -> int:
        return len(self._page.items)

    def __repr__(self) -> str:
        return (
            f"SyncPage(page_no={self.page_no}, page_size={self.page_size}, "
            f"total={self.total}, items={len(self)})"
        )


class SyncPaginator(Generic[T]):
    """What a list method of a sync client returns: ``.page()`` for the requested page,
    ``for item in ...`` for every item of every page from there."""

    __slots__ = ("_loop", "_owner", "_paginator")

    def __init__(
        self, loop: LoopThread, paginator: BasePaginator[T, Any], *, owner: object = None
    ) -> None:
        self._loop = loop
        self._paginator = paginator
        self._owner = owner  # keeps the client (and so its loop) alive

    def page(self) -> SyncPage[T]:
        """The requested page (on the async client: ``await client.x.list(...)``)."""
        page: BasePage[T] = self._loop.call(_first, self._paginator)
        return SyncPage(self._loop, page, owner=self._owner)

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """Every page from the requested one (stops on a repeated page, as the async one)."""
        pages: AsyncIterator[BasePage[T]] = self._paginator.iter_pages()
        try:
            while True:
                found, page = self._loop.call(_step, pages)
                if not found:
                    return
                yield SyncPage(self._loop, page, owner=self._owner)
        finally:
            # Left early (break, error): close the walk on its own loop.
            if not self._loop.stopped and not self._loop.in_loop_thread():
                self._loop.call(_close, pages)

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items


async def _first(paginator: BasePaginator[T, Any]) -> Any:
    return await paginator


async def _step(pages: AsyncIterator[BasePage[T]]) -> tuple[bool, Any]:
    # StopAsyncIteration does not cross the portal as itself: answer a flag instead.
    try:
        return True, await pages.__anext__()
    except StopAsyncIteration:
        return False, None


async def _close(pages: AsyncIterator[Any]) -> None:
    aclose = getattr(pages, "aclose", None)
    if aclose is not None:
        await aclose()
