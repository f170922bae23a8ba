"""LEMFT pages: ``await`` one page, or ``async for`` every item of every page.

LEMFT lists take ``page_no`` / ``page_size`` and answer ``total``, ``page_no``,
``page_size`` and a ``<thing>_list`` array (documented for wallets, inferred elsewhere).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from ._core._pagination import BasePage, BasePaginator, extract_items, int_or_none

__all__ = ["AsyncPage", "AsyncPaginator"]

T = TypeVar("T")
P = TypeVar("P", bound="BasePage[Any]")

PageFetcher = Callable[[int], Awaitable["AsyncPage[T]"]]


class AsyncPage(BasePage[T]):
    """One page of a list. ``items`` are typed models; ``raw`` is the decoded ``data``."""

    __slots__ = ()

    @classmethod
    def from_data(
        cls,
        data: Any,
        *,
        list_key: str | None,
        parse: Callable[[Any], T],
        requested_page_no: int,
        requested_page_size: int,
        fetch: PageFetcher[T],
    ) -> AsyncPage[T]:
        return cls.of(
            [parse(item) for item in extract_items(data, list_key)],
            data if isinstance(data, dict) else {},
            requested_page_no=requested_page_no,
            requested_page_size=requested_page_size,
            raw=data,
            fetch=fetch,
        )

    @classmethod
    def of(
        cls,
        items: list[T],
        meta: Mapping[str, Any],
        *,
        requested_page_no: int,
        requested_page_size: int,
        raw: Any,
        fetch: PageFetcher[T],
    ) -> AsyncPage[T]:
        """A page of typed ``items`` and the answer's ``total``/``page_size`` (``meta``)."""
        return cls(
            items=items,
            total=int_or_none(meta.get("total")),
            # The page asked for, not the echo: a server that ignores page_no must not make
            # next_page() re-request the same page for ever (the echo stays in ``raw``).
            page_no=requested_page_no,
            page_size=int_or_none(meta.get("page_size")) or requested_page_size,
            raw=raw,
            fetch=fetch,
        )

    def __repr__(self) -> str:
        return (
            f"AsyncPage(page_no={self.page_no}, page_size={self.page_size}, "
            f"total={self.total}, items={len(self.items)})"
        )


class AsyncPaginator(BasePaginator[T, AsyncPage[T]]):
    """What a list method returns: awaitable (first page) and async-iterable (all items)."""

    __slots__ = ()
