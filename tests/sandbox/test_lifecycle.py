"""Card and order lifecycles: allowed transitions, clear refusals, delays on a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from lemft_async import AsyncLemft, ParamError
from lemft_async.sandbox import Sandbox, TransactionType
from lemft_async.types import OrderStatus

from .conftest import HKD_VIRTUAL, USD_VIRTUAL, ManualClock

INACTIVE, ACTIVE, FROZEN, CLOSING, CLOSED = 1, 2, 3, 4, 5
DELAY = 30.0


@pytest.fixture
async def slow() -> AsyncIterator[tuple[Sandbox, AsyncLemft]]:
    """A sandbox whose orders and closures take ``DELAY`` seconds on a manual clock."""
    async with Sandbox(order_delay=DELAY, clock=ManualClock()) as sandbox:
        yield sandbox, sandbox.client()


async def _card(client: AsyncLemft, amount: str = "25") -> str:
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal(amount))
    return order.card_id or ""


async def _balance(client: AsyncLemft, currency: str = "USD") -> Decimal:
    value = (await client.wallets.list(currency=currency)).items[0].available_balance
    assert value is not None
    return value


async def test_freeze_of_a_closed_card_fails_with_a_clear_error(client: AsyncLemft) -> None:
    card_id = await _card(client)
    await client.cards.cancel(card_id)
    with pytest.raises(ParamError) as info:
        await client.cards.freeze(card_id)
    assert info.value.code == 10001
    assert f"cannot freeze card_id {card_id}: the card is closed" in info.value.message


async def test_freeze_of_a_closing_card_fails(slow: tuple[Sandbox, AsyncLemft]) -> None:
    sandbox, client = slow
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("5"))
    await sandbox.advance(DELAY)
    card_id = (await client.orders.retrieve(order.order_id or "")).order_info.card_id or ""
    closing = await client.cards.cancel(card_id)
    assert closing.status == CLOSING
    with pytest.raises(ParamError, match=r"the card is closing"):
        await client.cards.freeze(card_id)
    with pytest.raises(ParamError, match=r"closure was already requested"):
        await client.cards.cancel(card_id)
    with pytest.raises(ParamError, match=r"is closing; it cannot be topped up"):
        await client.orders.recharge(card_id=card_id, amount=Decimal("5"))


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("unfreeze", "cannot unfreeze card_id .* the card is active; only a frozen card"),
        ("activate", "cannot activate card_id .* the card is active"),
    ],
)
async def test_transitions_that_do_not_apply_are_refused(
    client: AsyncLemft, sandbox: Sandbox, action: str, message: str
) -> None:
    card_id = await _card(client)
    with pytest.raises(ParamError, match=message):
        await getattr(client.cards, action)(card_id)
    assert sandbox.state.cards[card_id].status == ACTIVE


async def test_freeze_twice_is_refused_and_frozen_cards_decline_purchases(
    client: AsyncLemft, sandbox: Sandbox
) -> None:
    card_id = await _card(client)
    await client.cards.freeze(card_id)
    with pytest.raises(ParamError, match=r"the card is frozen; only an active card"):
        await client.cards.freeze(card_id)
    trade = sandbox.simulate_trade(card_id, Decimal("1"))
    assert (trade.trade_result, trade.remark) == (2, "card is frozen")
    assert sandbox.state.cards[card_id].balance == Decimal("25")


async def test_order_completes_after_the_delay_and_the_card_appears_then(
    slow: tuple[Sandbox, AsyncLemft],
) -> None:
    sandbox, client = slow
    before = await _balance(client)
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10"))
    assert (order.status, order.card_id) == (OrderStatus.PROCESSING, "")
    assert before - await _balance(client) == Decimal("11.50")
    sandbox.state.check_conservation()
    await sandbox.advance(DELAY - 1)
    assert (await client.orders.retrieve(order.order_id or "")).order_info.status == 0
    await sandbox.advance(1)
    done = (await client.orders.retrieve(order.order_id or "")).order_info
    assert done.status == OrderStatus.COMPLETED
    card = await client.cards.retrieve(done.card_id or "")
    assert (card.status, card.balance, card.order_id) == (ACTIVE, Decimal("10"), order.order_id)
    sandbox.state.check_conservation()


async def test_due_work_also_runs_lazily_on_the_next_request(
    slow: tuple[Sandbox, AsyncLemft],
) -> None:
    sandbox, client = slow
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10"))
    sandbox.clock.advance(DELAY)  # no run_due(): the next request finds the work due
    detail = await client.orders.retrieve(order.order_id or "")
    assert detail.order_info.status == OrderStatus.COMPLETED


async def test_closure_refunds_the_balance_after_the_delay(
    slow: tuple[Sandbox, AsyncLemft],
) -> None:
    sandbox, client = slow
    order = await client.orders.open_card(bin_id=HKD_VIRTUAL, amount=Decimal("100"))
    await sandbox.advance(DELAY)
    card_id = (await client.orders.retrieve(order.order_id or "")).order_info.card_id or ""
    before = await _balance(client, "HKD")
    await client.cards.cancel(card_id)
    assert await _balance(client, "HKD") == before
    await sandbox.advance(DELAY)
    card = await client.cards.retrieve(card_id)
    assert (card.status, card.balance) == (CLOSED, Decimal("0"))
    assert card.end_at is not None
    assert await _balance(client, "HKD") - before == Decimal("100")
    [refund] = [
        t
        for t in sandbox.state.transactions.values()
        if t.transaction_type == TransactionType.CARD_CLOSE_REFUND
    ]
    assert (refund.in_out_type, refund.amount, refund.record_id) == (1, Decimal("100"), card_id)
    sandbox.state.check_conservation()


async def test_a_top_up_pending_when_the_card_closes_is_refunded(
    slow: tuple[Sandbox, AsyncLemft],
) -> None:
    sandbox, client = slow
    opened = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10"))
    await sandbox.advance(DELAY)
    card_id = (await client.orders.retrieve(opened.order_id or "")).order_info.card_id or ""
    before = await _balance(client)
    top_up = await client.orders.recharge(card_id=card_id, amount=Decimal("40"))
    await sandbox.advance(DELAY / 2)
    await client.cards.cancel(card_id)
    await sandbox.advance(DELAY)
    detail = await client.orders.retrieve(top_up.order_id or "")
    assert detail.order_info.status == OrderStatus.REFUNDED
    assert [b.bill_type for b in detail.order_bill_list] == [2, 3]
    assert await _balance(client) - before == Decimal("10")  # card balance back, top-up undone
    sandbox.state.check_conservation()


async def test_failed_orders_are_refunded_in_full() -> None:
    async with Sandbox(order_fail_rate=1.0) as sandbox:
        client = sandbox.client()
        before = await _balance(client)
        order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10"))
        assert (order.status, order.card_id) == (OrderStatus.REFUNDED, "")
        assert await _balance(client) == before
        assert not sandbox.state.cards
        sandbox.state.check_conservation()


async def test_insufficient_balance_debits_nothing_and_keeps_the_out_order_id_free() -> None:
    async with Sandbox(wallets={"USD": Decimal("5.00")}) as sandbox:
        client = sandbox.client()
        with pytest.raises(ParamError, match=r"insufficient wallet balance: USD 5.00 available"):
            await client.orders.open_card(
                bin_id=USD_VIRTUAL, amount=Decimal("10"), out_order_id="retry-me"
            )
        assert await _balance(client) == Decimal("5")
        assert sandbox.state.executions("retry-me") == 0
        assert not sandbox.state.transactions
        sandbox.deposit("USD", Decimal("100"))
        order = await client.orders.open_card(
            bin_id=USD_VIRTUAL, amount=Decimal("10"), out_order_id="retry-me"
        )
        assert order.status == OrderStatus.COMPLETED
        assert sandbox.state.executions("retry-me") == 1
        sandbox.state.check_conservation()


@pytest.mark.parametrize(
    ("amount", "message"),
    [("5000.01", "outside the BIN's open limits"), ("0", None)],
)
async def test_open_amount_limits(client: AsyncLemft, amount: str, message: str | None) -> None:
    if message is None:
        order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal(amount))
        assert order.fee == Decimal("1")  # the opening fee only: no handling fee on 0
        return
    with pytest.raises(ParamError, match=rf"amount {amount} is {message}"):
        await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal(amount))


async def test_top_up_limits_and_max_balance(client: AsyncLemft) -> None:
    card_id = await _card(client, "4000")
    with pytest.raises(ParamError, match=r"outside the BIN's top-up limits"):
        await client.orders.recharge(card_id=card_id, amount=Decimal("0.5"))
    for _ in range(2):
        await client.orders.recharge(card_id=card_id, amount=Decimal("8000"))
    with pytest.raises(ParamError, match=r"above the BIN's max_balance 20000"):
        await client.orders.recharge(card_id=card_id, amount=Decimal("1"))


async def test_trades_move_money_between_card_and_merchants(
    client: AsyncLemft, sandbox: Sandbox
) -> None:
    card_id = await _card(client, "30")
    assert sandbox.simulate_trade(card_id, Decimal("20")).trade_result == 1
    assert sandbox.simulate_trade(card_id, Decimal("20")).remark == "insufficient card balance"
    assert sandbox.simulate_trade(card_id, Decimal("5"), trade_type=3).trade_result == 1
    assert sandbox.state.cards[card_id].balance == Decimal("15")
    with pytest.raises(ValueError, match=r"cannot exceed what the card spent"):
        sandbox.simulate_trade(card_id, Decimal("15.01"), trade_type=2)
    with pytest.raises(ValueError, match=r"unknown card_id"):
        sandbox.simulate_trade("cid_nope", Decimal("1"))
    with pytest.raises(ValueError, match=r"at most 2 decimals"):
        sandbox.simulate_trade(card_id, Decimal("0.001"))
    with pytest.raises(TypeError, match=r"Decimal"):
        sandbox.simulate_trade(card_id, 1.5)  # type: ignore[arg-type]
    books = sandbox.state.check_conservation()
    assert books["USD"]["spent"] == Decimal("15")
