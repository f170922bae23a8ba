"""Auto-pagination of resource lists against servers that page in slightly different ways
(most list endpoints are inferred, so the SDK must not trust every echo)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from lemft_async import AsyncLemft
from tests.resources.conftest import envelope, path, sent

BIN_LIST = path("card/bin/binList")


def bins(*ids: str) -> list[dict[str, str]]:
    return [{"bin_id": i} for i in ids]


async def test_without_total_a_short_page_is_the_last(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(BIN_LIST).mock(
        side_effect=[
            envelope({"bin_list": bins("a", "b")}),
            envelope({"bin_list": bins("c")}),
        ]
    )

    seen = [b.bin_id async for b in client.bins.list(page_size=2)]

    assert seen == ["a", "b", "c"]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2]


async def test_without_total_an_empty_page_ends_the_walk(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(BIN_LIST).mock(
        side_effect=[envelope({"bin_list": bins("a", "b")}), envelope({"bin_list": []})]
    )

    seen = [b.bin_id async for b in client.bins.list(page_size=2)]

    assert seen == ["a", "b"]
    assert route.call_count == 2


async def test_iter_pages_yields_each_page(client: AsyncLemft, api: respx.MockRouter) -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        number = json.loads(request.content)["page_no"]
        items = {1: bins("a", "b"), 2: bins("c")}[number]
        return envelope({"total": 3, "page_no": number, "page_size": 2, "bin_list": items})

    api.post(BIN_LIST).mock(side_effect=serve)

    pages = [page async for page in client.bins.list(page_size=2).iter_pages()]

    assert [[b.bin_id for b in p.items] for p in pages] == [["a", "b"], ["c"]]
    assert [p.page_no for p in pages] == [1, 2]


async def test_a_server_that_ignores_page_no_cannot_loop_forever(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    # An inferred endpoint may expect other paging names and always answer page 1 (echoing
    # page_no 1). The SDK asks for page 2, sees page 1 again and stops, instead of
    # re-requesting for ever or yielding duplicates. Four answers at most; more would fail.
    page_one = {"total": 5, "page_no": 1, "page_size": 2, "bin_list": bins("a", "b")}
    route = api.post(BIN_LIST).mock(side_effect=[envelope(page_one)] * 4)

    seen = [b.bin_id async for b in client.bins.list(page_size=2)]

    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2]
    assert seen == ["a", "b"]  # the repeated page is not yielded twice


@pytest.mark.parametrize("page_no", [1, 3])
async def test_awaiting_returns_exactly_the_requested_page(
    client: AsyncLemft, api: respx.MockRouter, page_no: int
) -> None:
    route = api.post(BIN_LIST).mock(
        return_value=envelope({"total": 9, "page_no": page_no, "page_size": 2, "bin_list": []})
    )

    page = await client.bins.list(page_no=page_no, page_size=2)

    assert route.call_count == 1
    assert sent(route)["page_no"] == page_no
    assert page.page_no == page_no
