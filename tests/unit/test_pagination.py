"""Page-number pagination: one page with ``await``, every item with ``async for``, against
servers that page in slightly different ways (most list endpoints are inferred, so the SDK
must not trust every echo). Every list method shares this path (``AsyncAPIResource._list``);
that each one returns a paginator is checked per namespace in ``tests/resources``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from lemft_async import AsyncLemft, AsyncPage
from lemft_async.types import Wallet
from tests.unit.conftest import WALLET_LIST, envelope, raises_clean, sent_json

ALL_WALLETS = [{"wallet_id": 100 + i, "wallet_sn": f"sn{i}", "currency": "USD"} for i in range(5)]


def paged(
    wallets: list[dict[str, Any]], *, with_total: bool = True
) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect serving ``wallets`` by the ``page_no``/``page_size`` in the body."""

    def respond(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        number, size = body["page_no"], body["page_size"]
        chunk = wallets[(number - 1) * size : number * size]
        data: dict[str, Any] = {"page_no": number, "page_size": size, "wallet_list": chunk}
        if with_total:
            data["total"] = len(wallets)
        return envelope(data)

    return respond


async def test_await_gives_one_page(client: AsyncLemft, api: Any) -> None:
    route = api.post(WALLET_LIST).mock(side_effect=paged(ALL_WALLETS))

    page = await client.wallets.list(page_size=2)

    assert isinstance(page, AsyncPage)
    assert [w.wallet_id for w in page.items] == [100, 101]
    assert all(isinstance(w, Wallet) for w in page.items)
    assert (page.total, page.page_no, page.page_size) == (5, 1, 2)
    assert len(page) == 2
    assert [w.wallet_id for w in page] == [100, 101]
    assert page.has_next_page()
    assert route.call_count == 1
    assert sent_json(route)["page_no"] == 1
    assert sent_json(route)["page_size"] == 2


async def test_next_page_until_the_last(client: AsyncLemft, api: Any) -> None:
    api.post(WALLET_LIST).mock(side_effect=paged(ALL_WALLETS))

    first = await client.wallets.list(page_size=2)
    second = await first.next_page()
    third = await second.next_page()

    assert second.page_no == 2
    assert [w.wallet_id for w in second.items] == [102, 103]
    assert [w.wallet_id for w in third.items] == [104]
    assert not third.has_next_page()
    with raises_clean(RuntimeError, match="no next page"):
        await third.next_page()


async def test_async_for_walks_every_item_and_stops(client: AsyncLemft, api: Any) -> None:
    route = api.post(WALLET_LIST).mock(side_effect=paged(ALL_WALLETS))

    seen = [w.wallet_id async for w in client.wallets.list(page_size=2)]

    assert seen == [100, 101, 102, 103, 104]
    assert route.call_count == 3
    assert [sent_json(route, i)["page_no"] for i in range(3)] == [1, 2, 3]


async def test_async_for_without_total_stops_on_an_empty_page(client: AsyncLemft, api: Any) -> None:
    route = api.post(WALLET_LIST).mock(side_effect=paged(ALL_WALLETS[:4], with_total=False))

    seen = [w.wallet_id async for w in client.wallets.list(page_size=2)]

    assert seen == [100, 101, 102, 103]
    assert route.call_count == 3  # the third page came back empty


async def test_async_for_without_total_stops_on_a_short_page(client: AsyncLemft, api: Any) -> None:
    route = api.post(WALLET_LIST).mock(side_effect=paged(ALL_WALLETS, with_total=False))

    seen = [w.wallet_id async for w in client.wallets.list(page_size=2)]

    assert seen == [100, 101, 102, 103, 104]
    assert route.call_count == 3
    assert [sent_json(route, i)["page_no"] for i in range(3)] == [1, 2, 3]


async def test_async_for_stops_on_an_empty_page_even_if_total_says_more(
    client: AsyncLemft, api: Any
) -> None:
    # A server whose ``total`` overstates the items must not make iteration spin forever.
    def respond(request: httpx.Request) -> httpx.Response:
        number = json.loads(request.content)["page_no"]
        chunk = ALL_WALLETS[:2] if number == 1 else []
        return envelope({"total": 100, "page_no": number, "page_size": 2, "wallet_list": chunk})

    route = api.post(WALLET_LIST).mock(side_effect=respond)

    seen = [w.wallet_id async for w in client.wallets.list(page_size=2)]

    assert seen == [100, 101]
    assert route.call_count == 2


async def test_empty_first_page(client: AsyncLemft, api: Any) -> None:
    route = api.post(WALLET_LIST).mock(side_effect=paged([]))

    page = await client.wallets.list(page_size=2)
    seen = [w async for w in client.wallets.list(page_size=2)]

    assert page.items == []
    assert page.total == 0
    assert not page.has_next_page()
    assert seen == []
    assert route.call_count == 2


async def test_start_page_filters_and_iter_pages(client: AsyncLemft, api: Any) -> None:
    route = api.post(WALLET_LIST).mock(side_effect=paged(ALL_WALLETS))

    pages = [
        p async for p in client.wallets.list(currency="USD", page_no=2, page_size=2).iter_pages()
    ]

    assert [p.page_no for p in pages] == [2, 3]
    assert [[w.wallet_id for w in p.items] for p in pages] == [[102, 103], [104]]
    assert all(sent_json(route, i)["currency"] == "USD" for i in range(2))
    assert "wallet_sn" not in sent_json(route)  # unset filters are not sent


async def test_a_server_that_ignores_page_no_cannot_loop_forever(
    client: AsyncLemft, api: Any
) -> None:
    # An inferred endpoint may expect other paging names and always answer page 1 (echoing
    # page_no 1). The SDK asks for page 2, sees page 1 again and stops, instead of
    # re-requesting for ever or yielding duplicates. Four answers at most; more would fail.
    page_one = {"total": 5, "page_no": 1, "page_size": 2, "wallet_list": ALL_WALLETS[:2]}
    route = api.post(WALLET_LIST).mock(side_effect=[envelope(page_one)] * 4)

    seen = [w.wallet_id async for w in client.wallets.list(page_size=2)]

    assert [sent_json(route, i)["page_no"] for i in range(route.call_count)] == [1, 2]
    assert seen == [100, 101]  # the repeated page is not yielded twice


@pytest.mark.parametrize("page_no", [1, 3])
async def test_awaiting_returns_exactly_the_requested_page(
    client: AsyncLemft, api: Any, page_no: int
) -> None:
    route = api.post(WALLET_LIST).mock(
        return_value=envelope({"total": 9, "page_no": page_no, "page_size": 2, "wallet_list": []})
    )

    page = await client.wallets.list(page_no=page_no, page_size=2)

    assert route.call_count == 1
    assert sent_json(route)["page_no"] == page_no
    assert page.page_no == page_no


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"page_size": 0}, ValueError),
        ({"page_no": 0}, ValueError),
        ({"page_no": True}, TypeError),
        ({"page_size": "10"}, TypeError),
        ({"extra_body": {"page_no": 3}}, ValueError),
        ({"currency": "USD", "extra_body": {"currency": "HKD"}}, ValueError),
    ],
)
async def test_bad_paging_arguments_are_refused_before_sending(
    client: AsyncLemft, api: Any, options: dict[str, Any], error: type[Exception]
) -> None:
    route = api.post(WALLET_LIST).mock(side_effect=paged(ALL_WALLETS))

    with raises_clean(error):
        await client.wallets.list(**options)

    assert not route.called


async def test_extra_body_is_sent(client: AsyncLemft, api: Any) -> None:
    route = api.post(WALLET_LIST).mock(side_effect=paged(ALL_WALLETS))

    await client.wallets.list(extra_body={"status": 1})

    assert sent_json(route)["status"] == 1
