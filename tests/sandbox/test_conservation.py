"""Money is conserved over 500 seeded random operations, checked after every step."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest

from lemft_async import AsyncLemft, ParamError
from lemft_async.sandbox import ConservationError, Sandbox

from .conftest import HKD_VIRTUAL, HOLDER, USD_PHYSICAL, USD_VIRTUAL, ManualClock

STEPS = 500
BINS = (USD_VIRTUAL, USD_VIRTUAL, HKD_VIRTUAL, USD_PHYSICAL)
OPERATIONS = (
    *("open", "open", "recharge", "freeze", "unfreeze", "cancel", "activate"),
    *("pay", "trade", "trade", "refund", "advance", "deposit"),
)


def _amount(rng: random.Random, high: int) -> Decimal:
    return Decimal(rng.randint(0, high * 100)) / 100


async def _payee(client: AsyncLemft, sandbox: Sandbox, currency: str, method: str) -> str:
    payee = await client.payees.create(
        pay_method_id=method,
        account_name="Conservation Ltd",
        account_no="42",
        currency=currency,
        country="US" if currency == "USD" else "HK",
    )
    await client.payees.apply(payee.payee_id or "")
    await sandbox.advance(60)
    return payee.payee_id or ""


async def _step(
    rng: random.Random, client: AsyncLemft, sandbox: Sandbox, payees: dict[str, str]
) -> str:
    """One random operation; returns its name (refusals are part of the game)."""
    cards = list(sandbox.state.cards)
    op = rng.choice(OPERATIONS)
    if op == "open":
        bin_id = rng.choice(BINS)
        holder = HOLDER if bin_id == USD_PHYSICAL else None
        await client.orders.open_card(
            bin_id=bin_id, amount=_amount(rng, 400) + 10, holder_id=holder
        )
    elif op == "recharge" and cards:
        await client.orders.recharge(card_id=rng.choice(cards), amount=_amount(rng, 300) + 10)
    elif op in ("freeze", "unfreeze", "cancel", "activate") and cards:
        await getattr(client.cards, op)(rng.choice(cards))
    elif op == "pay":
        currency = rng.choice(["USD", "HKD"])
        await client.payments.create(
            payee_id=payees[currency],
            amount=_amount(rng, 500) + 1,
            currency=currency,
            fee_mode=rng.choice([1, 2]),
        )
    elif op == "trade" and cards:
        sandbox.simulate_trade(rng.choice(cards), _amount(rng, 200) + Decimal("0.01"))
    elif op == "refund" and cards:
        card_id = rng.choice(cards)
        spent = sandbox.state.total_money()  # exercise the books mid-run too
        assert spent
        try:
            sandbox.simulate_trade(card_id, Decimal("0.50"), trade_type=rng.choice([2, 3]))
        except ValueError:
            return "refund-refused"
    elif op == "advance":
        await sandbox.advance(rng.choice([1, 10, 30, 61]))
    elif op == "deposit":
        sandbox.deposit(rng.choice(["USD", "HKD"]), _amount(rng, 1000) + 1)
    return op


async def test_money_is_conserved_over_500_random_operations() -> None:
    rng = random.Random(20240131)
    async with Sandbox(
        order_delay=30,
        clock=ManualClock(),
        order_fail_rate=0.1,
        payment_fail_rate=0.2,
        wallets={"USD": Decimal("20000.00"), "HKD": Decimal("50000.00")},
        seed=3,
    ) as sandbox:
        client = sandbox.client()
        payees = {
            "USD": await _payee(client, sandbox, "USD", "pmd_usd_local"),
            "HKD": await _payee(client, sandbox, "HKD", "pmd_hkd_fps"),
        }
        done: Counter[str] = Counter()
        refused: Counter[str] = Counter()
        for _ in range(STEPS):
            try:
                done[await _step(rng, client, sandbox, payees)] += 1
            except ParamError as exc:
                refused[exc.message.split(":")[1].strip().split(" ")[0]] += 1
            sandbox.state.check_conservation()
        await sandbox.advance(3600)
        books = sandbox.state.check_conservation()
    # The run must have done real work of every kind, not only refusals.
    for op in ("open", "recharge", "freeze", "cancel", "pay", "trade", "advance", "deposit"):
        assert done[op] >= 5, (op, done, refused)
    assert sum(refused.values()) >= 10  # lifecycle refusals happened too
    statuses = Counter(o.status for o in sandbox.state.orders.values())
    assert statuses[1] > 50
    assert statuses[2] > 0  # some orders were refunded (order_fail_rate)
    assert statuses[0] == 0  # nothing left processing after the last advance
    assert books["USD"]["fees"] > 0
    assert books["USD"]["paid_out"] > 0
    assert books["USD"]["spent"] > 0


async def test_the_check_catches_money_created_from_nothing(sandbox: Sandbox) -> None:
    sandbox.state.check_conservation()
    wallet = next(iter(sandbox.state.wallets.values()))
    wallet.available_balance += Decimal("0.01")
    with pytest.raises(ConservationError, match=r"USD: total .* != expected"):
        sandbox.state.check_conservation()


async def test_the_check_catches_a_ledger_that_does_not_add_up(
    client: AsyncLemft, sandbox: Sandbox
) -> None:
    await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10"))
    record = next(iter(sandbox.state.transactions.values()))
    record.after_balance += 1
    with pytest.raises(ConservationError, match=r"does not add up"):
        sandbox.state.check_conservation()


async def test_the_check_catches_a_wallet_that_differs_from_its_ledger(
    client: AsyncLemft, sandbox: Sandbox
) -> None:
    await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("10"))
    card = next(iter(sandbox.state.cards.values()))
    wallet = next(iter(sandbox.state.wallets.values()))
    # Move money between two buckets: the totals still match, the ledger does not.
    card.balance -= 1
    wallet.available_balance += 1
    with pytest.raises(ConservationError, match=r"differs from its ledger"):
        sandbox.state.check_conservation()
