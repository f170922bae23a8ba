"""``client.cards`` against respx: details, lifecycle writes, trades, merchant score."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError, ServerError
from lemft_async.types import Card, CardTrade, MerchantScore
from tests.resources.conftest import (
    assert_refused_before_sending,
    envelope,
    expected,
    pages,
    path,
    sent,
)

CARD_LIST = path("card/card/cardList")
GET_CARD = path("card/card/getCard")
TRADE_LIST = path("card/card/tradeList")
MERCHANT_SCORE = path("card/card/merchantTradeScore")

# The documented Card webhook payload example (the SDK's Card model follows it).
CARD: dict[str, Any] = {
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "order_id": "ord_5uY0AjUE",
    "out_order_id": "platform_ord_5uY0AjUE",
    "app_id": 100005,
    "bin_id": "cpi_6530de6a2f1c7",
    "holder_id": "",
    "card_no": "907152573585214424064",
    "balance": 10,
    "limit": 10.25,
    "expiry": "03/28",
    "cvv": "345",
    "pin": "",
    "status": 2,
    "use_at": "2025-03-03 02:42:11",
    "close_at": "",
    "end_at": "",
    "mark": "",
}
TRADE: dict[str, Any] = {
    "trade_id": "trd_1",
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "trade_type": 1,
    "trade_result": 1,
    "amount": 12.34,
    "currency": "USD",
    "fee": 0.1,
    "merchant_name": "SHOP",
    "trade_time": "2025-03-04 10:00:00",
}


async def test_list_body_and_decoding(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(CARD_LIST).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 10, "card_list": [CARD]})
    )

    page = await client.cards.list(
        card_id="cid_sxdwXPRxtXt6Ch4n", bin_id="cpi_6530de6a2f1c7", holder_id="h_1", status=2
    )

    assert sent(route) == expected(
        card_id="cid_sxdwXPRxtXt6Ch4n",
        bin_id="cpi_6530de6a2f1c7",
        holder_id="h_1",
        status=2,
        page_no=1,
        page_size=10,
    )
    (card,) = page.items
    assert isinstance(card, Card)
    assert card.card_no == "907152573585214424064"
    assert card.balance == Decimal("10")
    assert card.limit == Decimal("10.25")


async def test_list_async_for_walks_pages(client: AsyncLemft, api: respx.MockRouter) -> None:
    cards = [{**CARD, "card_id": f"cid_{i}"} for i in range(4)]
    route = api.post(CARD_LIST).mock(side_effect=pages("card_list", cards))

    seen = [c.card_id async for c in client.cards.list(page_size=3)]

    assert seen == ["cid_0", "cid_1", "cid_2", "cid_3"]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2]


@pytest.mark.parametrize("data", [{"card_info": CARD}, CARD], ids=["card_info", "bare"])
async def test_retrieve(client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]) -> None:
    route = api.post(GET_CARD).mock(return_value=envelope(data))

    card = await client.cards.retrieve("cid_sxdwXPRxtXt6Ch4n")

    assert sent(route) == expected(card_id="cid_sxdwXPRxtXt6Ch4n")
    assert isinstance(card, Card)
    assert (card.cvv, card.expiry, card.status) == ("345", "03/28", 2)
    assert card.use_at == datetime(2025, 3, 3, 2, 42, 11)
    assert card.close_at is None


async def test_retrieve_read_is_retried_on_10005(
    client: AsyncLemft, api: respx.MockRouter, no_sleep: list[float]
) -> None:
    route = api.post(GET_CARD).mock(
        side_effect=[envelope(code=10005, message="system error"), envelope(CARD)]
    )

    card = await client.cards.retrieve("cid_sxdwXPRxtXt6Ch4n")

    assert card.card_id == "cid_sxdwXPRxtXt6Ch4n"
    assert route.call_count == 2
    assert len(no_sleep) == 1


# -- lifecycle writes ----------------------------------------------------------------------------

LIFECYCLE = ["activate", "freeze", "unfreeze", "cancel"]
LIFECYCLE_PATHS = {
    "activate": path("card/card/activate"),
    "freeze": path("card/card/freeze"),
    "unfreeze": path("card/card/unfreeze"),
    "cancel": path("card/card/cancel"),
}


@pytest.mark.parametrize("method", LIFECYCLE)
async def test_status_change_body_and_card_info(
    client: AsyncLemft, api: respx.MockRouter, method: str
) -> None:
    route = api.post(LIFECYCLE_PATHS[method]).mock(
        return_value=envelope({"card_info": {**CARD, "status": 3, "mark": "frozen by ops"}})
    )

    card = await getattr(client.cards, method)("cid_sxdwXPRxtXt6Ch4n", remark="ops ticket 42")

    assert sent(route) == expected(card_id="cid_sxdwXPRxtXt6Ch4n", remark="ops ticket 42")
    assert isinstance(card, Card)
    assert card.status == 3
    assert card.mark == "frozen by ops"


@pytest.mark.parametrize("method", LIFECYCLE)
async def test_status_change_without_remark_and_empty_answer(
    client: AsyncLemft, api: respx.MockRouter, method: str
) -> None:
    # The answer's shape is inferred: a write may well return no data at all.
    route = api.post(LIFECYCLE_PATHS[method]).mock(return_value=envelope(None))

    card = await getattr(client.cards, method)(card_id="cid_1")

    assert sent(route) == expected(card_id="cid_1")
    assert isinstance(card, Card)
    assert card.card_id == "cid_1"  # the id is kept even though the server omitted it


@pytest.mark.parametrize("method", LIFECYCLE)
async def test_status_change_timeout_is_outcome_unknown_and_not_resent(
    client: AsyncLemft, api: respx.MockRouter, no_sleep: list[float], method: str
) -> None:
    route = api.post(LIFECYCLE_PATHS[method]).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(OutcomeUnknownError) as info:
        await getattr(client.cards, method)("cid_1")

    assert route.call_count == 1
    assert no_sleep == []
    assert info.value.operation == f"cards.{method}"
    assert info.value.path == LIFECYCLE_PATHS[method]
    assert info.value.traceid == route.calls.last.request.headers["traceid"]


async def test_freeze_10005_is_outcome_unknown(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(LIFECYCLE_PATHS["freeze"]).mock(
        return_value=envelope(code=10005, message="system error")
    )

    with pytest.raises(OutcomeUnknownError) as info:
        await client.cards.freeze("cid_1")

    assert isinstance(info.value.cause, ServerError)
    assert route.call_count == 1


async def test_freeze_param_error(client: AsyncLemft, api: respx.MockRouter) -> None:
    api.post(LIFECYCLE_PATHS["freeze"]).mock(
        return_value=envelope(code=10001, message="card status not allowed")
    )

    with pytest.raises(ParamError) as info:
        await client.cards.freeze("cid_1")

    assert info.value.code == 10001
    assert info.value.message == "card status not allowed"
    assert info.value.path == LIFECYCLE_PATHS["freeze"]


# -- trades and score -----------------------------------------------------------------------------


async def test_list_trades_body_and_decoding(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(TRADE_LIST).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 5, "trade_list": [TRADE]})
    )

    page = await client.cards.list_trades(
        card_id="cid_sxdwXPRxtXt6Ch4n",
        trade_type=1,
        start_time=datetime(2025, 3, 1),
        end_time="2025-03-31 23:59:59",
        page_size=5,
    )

    assert sent(route) == expected(
        card_id="cid_sxdwXPRxtXt6Ch4n",
        trade_type=1,
        start_time="2025-03-01 00:00:00",
        end_time="2025-03-31 23:59:59",
        page_no=1,
        page_size=5,
    )
    (trade,) = page.items
    assert isinstance(trade, CardTrade)
    assert trade.amount == Decimal("12.34")
    assert trade.fee == Decimal("0.1")
    assert trade.trade_time == datetime(2025, 3, 4, 10, 0, 0)


async def test_list_trades_walks_pages(client: AsyncLemft, api: respx.MockRouter) -> None:
    trades = [{**TRADE, "trade_id": f"trd_{i}"} for i in range(3)]
    route = api.post(TRADE_LIST).mock(side_effect=pages("trade_list", trades))

    seen = [t.trade_id async for t in client.cards.list_trades(card_id="cid_1", page_size=2)]

    assert seen == ["trd_0", "trd_1", "trd_2"]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2]


@pytest.mark.parametrize(
    "data",
    [
        {"score_info": {"score": 92.5, "level": "A", "trade_count": 100, "decline_rate": 0.03}},
        {"score": 92.5, "level": "A", "trade_count": 100, "decline_rate": 0.03},
    ],
    ids=["score_info", "bare"],
)
async def test_merchant_score(
    client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]
) -> None:
    route = api.post(MERCHANT_SCORE).mock(return_value=envelope(data))

    score = await client.cards.merchant_score(
        start_time="2025-03-01 00:00:00", end_time=datetime(2025, 3, 31, 23, 59, 59)
    )

    assert sent(route) == expected(start_time="2025-03-01 00:00:00", end_time="2025-03-31 23:59:59")
    assert isinstance(score, MerchantScore)
    assert score.score == Decimal("92.5")
    assert score.decline_rate == Decimal("0.03")
    assert (score.level, score.trade_count) == ("A", 100)


async def test_merchant_score_without_filters_sends_only_common_params(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(MERCHANT_SCORE).mock(return_value=envelope({}))

    await client.cards.merchant_score()

    assert sent(route) == expected()


# -- validation and extra_body -------------------------------------------------------------------

Call = Callable[[AsyncLemft], Awaitable[object]]


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.cards.retrieve(""), ValueError, "card_id"),
        (lambda c: c.cards.activate(None), TypeError, "card_id"),
        (lambda c: c.cards.freeze(" "), ValueError, "card_id"),
        (lambda c: c.cards.freeze("cid_1", remark="x" * 256), ValueError, "remark"),
        (lambda c: c.cards.unfreeze("cid_1", remark=5), TypeError, "remark"),
        (lambda c: c.cards.cancel(["cid_1"]), TypeError, "card_id"),
        (lambda c: c.cards.list(status="active"), TypeError, "status"),
        (lambda c: c.cards.list(bin_id=""), ValueError, "bin_id"),
        (lambda c: c.cards.list_trades(end_time="yesterday"), ValueError, "end_time"),
        (lambda c: c.cards.list_trades(start_time=1700000000), TypeError, "start_time"),
        (lambda c: c.cards.merchant_score(start_time="2025-03-01"), ValueError, "start_time"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, call: Call, error: type[Exception], field: str
) -> None:
    await assert_refused_before_sending(client, api, call, error, field)


async def test_extra_body_merged_and_clash_refused(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(LIFECYCLE_PATHS["freeze"]).mock(return_value=envelope({}))

    await client.cards.freeze("cid_1", extra_body={"reason_code": 7})
    assert sent(route) == expected(card_id="cid_1", reason_code=7)

    with pytest.raises(ValueError, match="remark"):
        await client.cards.freeze("cid_1", remark="a", extra_body={"remark": "b"})
    assert route.call_count == 1
