"""Bounds, masking and clear errors: progress callbacks, absurd amounts, card-like extra
fields, repeated pages, out_order_id clashes."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import httpx
import pytest
import respx

from lemft_async import AsyncLemft, BulkProgress
from lemft_async.types import Card, Wallet
from tests.resources.conftest import envelope, path

OPEN_CARD = path("card/order/openCard")
WALLETS = path("wallet/walletList")


def _issued(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    return envelope({"order_info": {"order_id": "ord_" + body["out_order_id"][:8], "status": 1}})


async def test_a_failing_progress_callback_does_not_cancel_the_orders(
    client: AsyncLemft, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=_issued)
    seen: list[int] = []

    def broken(progress: BulkProgress) -> None:
        seen.append(progress.done)
        raise RuntimeError("progress bar crashed")

    with caplog.at_level(logging.WARNING, logger="lemft_async"):
        outcomes = await client.orders.open_cards(
            [{"bin_id": "cpi_1", "amount": Decimal("5")} for _ in range(6)],
            on_progress=broken,
            concurrency=2,
        )

    assert route.call_count == 6
    assert all(o.ok for o in outcomes)
    assert sorted(seen) == [1, 2, 3, 4, 5, 6]
    assert "on_progress raised RuntimeError" in caplog.text


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("1e999999"), "implausibly large"),
        ("1000000000000000", "implausibly large"),
        (Decimal("0.000000001"), "decimal places"),
    ],
)
async def test_absurd_amounts_are_refused_before_sending(
    client: AsyncLemft, api: respx.MockRouter, amount: object, message: str
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=_issued)
    with pytest.raises(ValueError, match=message):
        await client.orders.open_card(bin_id="cpi_1", amount=amount)
    assert route.called is False


async def test_largest_plausible_amount_still_goes_through(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=_issued)
    await client.orders.open_card(bin_id="cpi_1", amount=Decimal("999999999999999.99"))
    assert b'"amount":999999999999999.99' in route.calls[0].request.content


def test_card_like_extra_fields_are_masked_in_reprs() -> None:
    card = Card.model_validate(
        {"card_id": "cid_1", "card_number": "4111111111111111", "cvv2": "123", "pin_code": "9876"}
    )
    text = repr(card)
    assert "4111111111111111" not in text
    assert "411111******1111" in text
    assert "123" not in text
    assert "9876" not in text
    assert card.model_extra == {
        "card_number": "4111111111111111",
        "cvv2": "123",
        "pin_code": "9876",
    }


def test_ordinary_fields_are_not_masked() -> None:
    wallet = Wallet.model_validate(
        {"wallet_id": 1, "wallet_sn": "d55d8975d44c4b89", "currency": "USD"}
    )
    assert "d55d8975d44c4b89" in repr(wallet)


async def test_a_server_repeating_full_pages_without_total_stops(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    def same_page(request: httpx.Request) -> httpx.Response:
        return envelope({"wallet_list": [{"wallet_id": 1}, {"wallet_id": 2}]})

    route = api.post(WALLETS).mock(side_effect=same_page)
    items = [w async for w in client.wallets.list(page_size=2)]
    assert [w.wallet_id for w in items] == [1, 2]
    assert route.call_count == 2


async def test_out_order_id_in_extra_body_gets_a_helpful_message(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(OPEN_CARD).mock(side_effect=_issued)
    with pytest.raises(ValueError, match="pass out_order_id= instead"):
        await client.orders.open_card(
            bin_id="cpi_1", amount=Decimal("1"), extra_body={"out_order_id": "mine"}
        )
    assert route.called is False
