"""Page-from-0 pagination: one page, every page, every item; with and without ``total``."""

from __future__ import annotations

from typing import Any

import pytest

from lemft_async import APIResponseValidationError
from lemft_async.keysecure import KeySecurePage, KeySecurePaginator


def make_fetch(pages: list[dict[str, Any]], asked: list[int]) -> Any:
    async def fetch(number: int) -> KeySecurePage[int]:
        asked.append(number)
        return KeySecurePage.from_data(
            pages[number] if number < len(pages) else {"list": []},
            parse=int,
            page=number,
            size=2,
            fetch=fetch,
        )

    return fetch


async def test_walks_full_pages_until_a_short_one() -> None:
    asked: list[int] = []
    pages = [{"list": ["1", "2"]}, {"list": ["3", "4"]}, {"list": ["5"]}]
    items = [i async for i in KeySecurePaginator(make_fetch(pages, asked), 0)]
    assert items == [1, 2, 3, 4, 5]
    assert asked == [0, 1, 2]


async def test_an_exactly_full_last_page_costs_one_empty_fetch() -> None:
    asked: list[int] = []
    pages = [{"list": ["1", "2"]}]
    assert [i async for i in KeySecurePaginator(make_fetch(pages, asked), 0)] == [1, 2]
    assert asked == [0, 1]


async def test_total_stops_without_the_empty_fetch() -> None:
    asked: list[int] = []
    pages = [{"list": ["1", "2"], "total": 4}, {"list": ["3", "4"], "total": 4}]
    paginator = KeySecurePaginator(make_fetch(pages, asked), 0)
    assert [p.items async for p in paginator.iter_pages()] == [[1, 2], [3, 4]]
    assert asked == [0, 1]


async def test_await_gives_the_requested_page_and_next_page_checks() -> None:
    asked: list[int] = []
    pages = [{"list": ["1", "2"]}, {"list": ["3"]}]
    page = await KeySecurePaginator(make_fetch(pages, asked), 1)
    assert page.page == 1
    assert page.items == [3]
    assert len(page) == 1
    assert list(page) == [3]
    assert not page.has_next_page()
    with pytest.raises(RuntimeError, match="no next page"):
        await page.next_page()
    assert "page=1" in repr(page)


async def test_unexpected_data_gives_an_empty_page() -> None:
    asked: list[int] = []
    page = await KeySecurePaginator(make_fetch([{"rows": [1]}], asked), 0)
    assert page.items == []
    assert not page.has_next_page()
    assert page.raw == {"rows": [1]}


async def test_a_server_ignoring_page_cannot_loop_forever() -> None:
    asked: list[int] = []

    async def same_page(number: int) -> KeySecurePage[int]:
        asked.append(number)
        return KeySecurePage.from_data(
            {"list": ["1", "2"]}, parse=int, page=number, size=2, fetch=same_page
        )

    seen: list[int] = []

    async def walk() -> None:
        async for item in KeySecurePaginator(same_page, 0):
            seen.append(item)

    with pytest.raises(APIResponseValidationError, match="ignore 'page'"):
        await walk()
    assert seen == [1, 2]
    assert asked == [0, 1]
