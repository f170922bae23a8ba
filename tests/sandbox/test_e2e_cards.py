"""End to end through ``sandbox.client()``: every ``cards.*`` method."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lemft_async import AsyncLemft, ParamError
from lemft_async.sandbox import Sandbox
from lemft_async.types import CardType

from .conftest import HOLDER, USD_PHYSICAL, USD_VIRTUAL, assert_populated

ACTIVE, FROZEN, CLOSED, INACTIVE = 2, 3, 5, 1


async def _virtual(client: AsyncLemft, amount: str = "50") -> str:
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal(amount))
    return order.card_id or ""


def _luhn_ok(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


async def test_retrieve_gives_a_complete_card(client: AsyncLemft) -> None:
    card = await client.cards.retrieve(await _virtual(client))
    assert_populated(card, empty=("holder_id", "pin", "close_at", "end_at", "mark"))
    assert card.status == ACTIVE
    assert card.card_type == CardType.VIRTUAL
    assert card.card_no is not None
    assert card.card_no.startswith("491090")
    assert _luhn_ok(card.card_no)
    assert card.card_no not in repr(card)
    assert card.balance == Decimal("50")


async def test_list_filters(client: AsyncLemft) -> None:
    first = await _virtual(client)
    await _virtual(client)
    await client.orders.open_card(bin_id=USD_PHYSICAL, amount=Decimal("20"), holder_id=HOLDER)
    assert (await client.cards.list()).total == 3
    assert [c.card_id for c in (await client.cards.list(card_id=first)).items] == [first]
    assert (await client.cards.list(bin_id=USD_PHYSICAL)).total == 1
    assert (await client.cards.list(holder_id=HOLDER)).total == 1
    assert (await client.cards.list(status=INACTIVE)).total == 1


async def test_freeze_unfreeze_cancel(client: AsyncLemft, sandbox: Sandbox) -> None:
    card_id = await _virtual(client)
    frozen = await client.cards.freeze(card_id, remark="lost wallet")
    assert (frozen.status, frozen.mark) == (FROZEN, "lost wallet")
    unfrozen = await client.cards.unfreeze(card_id)
    assert unfrozen.status == ACTIVE
    before = (await client.wallets.list(currency="USD")).items[0].available_balance or 0
    cancelled = await client.cards.cancel(card_id)  # order_delay=0: closed at once
    assert (cancelled.status, cancelled.balance) == (CLOSED, Decimal("0"))
    assert cancelled.close_at is not None
    assert cancelled.end_at is not None
    assert await client.cards.retrieve(card_id) == cancelled
    after = (await client.wallets.list(currency="USD")).items[0].available_balance or 0
    assert after - before == Decimal("50")
    sandbox.state.check_conservation()


async def test_activate_a_physical_card(client: AsyncLemft) -> None:
    order = await client.orders.open_card(
        bin_id=USD_PHYSICAL, amount=Decimal("20"), holder_id=HOLDER
    )
    card = await client.cards.retrieve(order.card_id or "")
    assert (card.status, card.use_at) == (INACTIVE, None)
    active = await client.cards.activate(card.card_id or "")
    assert active.status == ACTIVE
    assert active.use_at is not None
    with pytest.raises(ParamError, match=r"cannot activate .* the card is active"):
        await client.cards.activate(card.card_id or "")


async def test_trades_list_and_merchant_score(client: AsyncLemft, sandbox: Sandbox) -> None:
    card_id = await _virtual(client)
    sandbox.simulate_trade(card_id, Decimal("12.34"), merchant_name="Coffee")
    sandbox.simulate_trade(card_id, Decimal("1000"))  # more than the balance: declined
    sandbox.simulate_trade(card_id, Decimal("2.34"), trade_type=2)
    page = await client.cards.list_trades(card_id=card_id)
    assert page.total == 3
    refund, declined, purchase = page.items
    assert_populated(purchase, empty=("remark",))
    assert (purchase.trade_type, purchase.trade_result, purchase.amount) == (
        1,
        1,
        Decimal("12.34"),
    )
    assert (declined.trade_result, declined.remark) == (2, "insufficient card balance")
    assert refund.trade_type == 2
    assert (await client.cards.list_trades(trade_type=1)).total == 2
    assert (await client.cards.retrieve(card_id)).balance == Decimal("40")
    score = await client.cards.merchant_score()
    assert_populated(score)
    assert (score.trade_count, score.decline_count) == (3, 1)
    assert score.decline_rate == Decimal("0.3333")
    assert score.level == "C"
    assert score.score == Decimal("66.67")
    empty = await client.cards.merchant_score(start_time="2999-01-01 00:00:00")
    assert (empty.trade_count, empty.score, empty.level) == (0, Decimal("100"), "A")
    sandbox.state.check_conservation()


async def test_unknown_card_is_a_param_error(client: AsyncLemft) -> None:
    with pytest.raises(ParamError, match=r"card_id 'cid_nope' not found"):
        await client.cards.freeze("cid_nope")
