"""``reconcile``: found, absent, or unknown, by ``out_order_id`` (it never sends a write)."""

from __future__ import annotations

import json

import httpx
import respx

from lemft_async import AsyncLemft
from lemft_async.jobs import reconcile
from lemft_async.jobs._reconcile import NotFiltered
from lemft_async.sandbox import Sandbox
from tests.jobs.conftest import BIN_ID, OPEN_CARD, orders_for
from tests.resources.conftest import envelope, path

LIST = path("card/order/orderList")
GET = path("card/order/getOrder")


async def test_an_issued_order_is_found_with_its_card(sandbox: Sandbox, client: AsyncLemft) -> None:
    order = await client.orders.open_card(bin_id=BIN_ID, amount="5", out_order_id="found-1")
    found = await reconcile(client.orders, "found-1")
    assert found.found
    assert not found.absent
    assert found.order is not None
    assert found.order.order_id == order.order_id
    assert found.order.card_id == order.card_id
    assert found.matches == 1
    assert sandbox.stats.requests.get(OPEN_CARD) == 1  # only the issuing call above


async def test_an_order_never_made_is_absent(sandbox: Sandbox, client: AsyncLemft) -> None:
    found = await reconcile(client.orders, "never-sent")
    assert found.absent
    assert found.order is None
    assert found.error is None
    assert orders_for(sandbox, "never-sent") == 0


async def test_a_failing_list_call_means_unknown(sandbox: Sandbox, client: AsyncLemft) -> None:
    sandbox.inject("error", operation="orders.list", count=3)
    found = await reconcile(client.orders, "x", max_retries=0)
    assert found.verdict == "unknown"
    assert found.error is not None


async def test_a_list_that_ignores_the_filter_cannot_prove_absence(
    api: respx.MockRouter, mock_client: AsyncLemft
) -> None:
    other = {"order_id": "o1", "out_order_id": "someone-else"}
    api.post(LIST).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 10, "order_list": [other]})
    )
    found = await reconcile(mock_client.orders, "mine")
    assert found.verdict == "unknown"
    assert isinstance(found.error, NotFiltered)


async def test_a_found_order_without_a_card_is_read_again_and_kept_when_that_fails(
    api: respx.MockRouter, mock_client: AsyncLemft
) -> None:
    listed = {"order_id": "o1", "out_order_id": "mine", "status": 0, "card_id": ""}
    api.post(LIST).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 10, "order_list": [listed]})
    )
    done = {**listed, "status": 1, "card_id": "cid_1"}
    get = api.post(GET).mock(return_value=envelope({"order_info": done, "order_bill_list": []}))

    found = await reconcile(mock_client.orders, "mine")
    assert found.found
    assert found.order is not None
    assert found.order.card_id == "cid_1"
    assert json.loads(get.calls[0].request.content)["order_id"] == "o1"

    get.mock(return_value=envelope(code=10001, message="no such order"))
    kept = await reconcile(mock_client.orders, "mine")
    assert kept.found
    assert kept.order is not None
    assert kept.order.order_id == "o1"


async def test_two_orders_with_one_id_are_counted(
    api: respx.MockRouter, mock_client: AsyncLemft
) -> None:
    twice = [{"order_id": f"o{i}", "out_order_id": "mine", "card_id": "c"} for i in range(2)]
    api.post(LIST).mock(
        return_value=envelope({"total": 2, "page_no": 1, "page_size": 10, "order_list": twice})
    )
    found = await reconcile(mock_client.orders, "mine")
    assert found.found
    assert found.matches == 2


async def test_it_never_sends_a_write(api: respx.MockRouter, mock_client: AsyncLemft) -> None:
    api.post(LIST).mock(
        return_value=envelope({"total": 0, "page_no": 1, "page_size": 10, "order_list": []})
    )
    write = api.post(path("card/order/openCard")).mock(
        side_effect=AssertionError("reconcile sent a write")
    )
    assert (await reconcile(mock_client.orders, "mine")).absent
    assert write.call_count == 0
    assert isinstance(api.calls[0].request, httpx.Request)
