"""End to end through ``sandbox.client()``: every ``payments.*`` method, and the money."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lemft_async import AsyncLemft, ParamError
from lemft_async.sandbox import Sandbox

from .conftest import ManualClock, assert_populated

PROCESSING, COMPLETED, FAILED = 0, 1, 2


async def approved_payee(client: AsyncLemft, method: str = "pmd_usd_local") -> str:
    payee = await client.payees.create(
        pay_method_id=method,
        account_name="Sandbox Supplier Ltd",
        account_no="000123456789",
        currency="USD",
        country="US",
    )
    await client.payees.apply(payee.payee_id or "")
    return payee.payee_id or ""


async def usd(client: AsyncLemft) -> Decimal:
    balance = (await client.wallets.list(currency="USD")).items[0].available_balance
    assert balance is not None
    return balance


async def test_reasons(client: AsyncLemft) -> None:
    reasons = await client.payments.reasons()
    assert [r.code for r in reasons][:2] == ["supplier_payment", "salary"]


async def test_create_list_retrieve(client: AsyncLemft, sandbox: Sandbox) -> None:
    payee_id = await approved_payee(client)
    before = await usd(client)
    payment = await client.payments.create(
        payee_id=payee_id,
        amount=Decimal("100.00"),
        currency="USD",
        reason="supplier_payment",
        remark="invoice 42",
    )
    assert payment.fee == Decimal("2")  # pmd_usd_local: fixed 2.00, rate 0
    assert before - await usd(client) == Decimal("102.00")
    fetched = await client.payments.retrieve(payment.payment_id or "")
    assert_populated(fetched, empty=("reject_reason",))
    assert fetched.status == COMPLETED
    found = await client.payments.list(out_order_id=payment.out_order_id)
    assert [p.payment_id for p in found.items] == [payment.payment_id]
    assert (await client.payments.list(payee_id=payee_id, status=COMPLETED)).total == 1
    assert (await client.payments.list(start_time="2999-01-01 00:00:00")).total == 0
    assert sandbox.state.executions(payment.out_order_id or "") == 1
    sandbox.state.check_conservation()


async def test_fee_mode_2_takes_the_fee_out_of_the_amount(client: AsyncLemft) -> None:
    payee_id = await approved_payee(client)
    before = await usd(client)
    payment = await client.payments.create(
        payee_id=payee_id, amount=Decimal("100"), currency="USD", fee_mode=2
    )
    assert (payment.fee_mode, payment.fee) == (2, Decimal("2"))
    assert before - await usd(client) == Decimal("100")


async def test_refusals_name_the_field(client: AsyncLemft) -> None:
    draft = await client.payees.create(
        pay_method_id="pmd_usd_local",
        account_name="A",
        account_no="1",
        currency="USD",
        country="US",
    )
    with pytest.raises(ParamError, match=r"cannot pay payee_id .* created"):
        await client.payments.create(payee_id=draft.payee_id or "", amount="10", currency="USD")
    payee_id = await approved_payee(client)
    with pytest.raises(ParamError, match=r"currency HKD does not match"):
        await client.payments.create(payee_id=payee_id, amount="10", currency="HKD")
    with pytest.raises(ParamError, match=r"amount 0.50 is outside"):
        await client.payments.create(payee_id=payee_id, amount="0.5", currency="USD")
    with pytest.raises(ParamError, match=r"reason 'gift' is not one of"):
        await client.payments.create(payee_id=payee_id, amount="10", currency="USD", reason="gift")
    with pytest.raises(ParamError, match=r"wallet_id 1 is not"):
        await client.payments.create(payee_id=payee_id, amount="10", currency="USD", wallet_id=1)


async def test_insufficient_balance_debits_nothing() -> None:
    async with Sandbox(wallets={"USD": Decimal("50.00")}) as sandbox:
        client = sandbox.client()
        payee_id = await approved_payee(client)
        with pytest.raises(ParamError, match=r"insufficient wallet balance"):
            await client.payments.create(
                payee_id=payee_id, amount="49", currency="USD", out_order_id="pay-1"
            )
        assert await usd(client) == Decimal("50")
        assert sandbox.state.executions("pay-1") == 0
        assert (await client.payments.list()).total == 0


async def test_a_payee_with_processing_payments_cannot_be_deleted() -> None:
    async with Sandbox(order_delay=10, clock=ManualClock()) as sandbox:
        client = sandbox.client()
        payee_id = await approved_payee(client)
        await sandbox.advance(10)
        await client.payments.create(payee_id=payee_id, amount="10", currency="USD")
        with pytest.raises(ParamError, match=r"has payments still processing"):
            await client.payees.delete(payee_id)
        await sandbox.advance(10)
        await client.payees.delete(payee_id)


async def test_failed_payment_is_refunded_after_the_delay() -> None:
    clock = ManualClock()
    async with Sandbox(order_delay=30, payment_fail_rate=1.0, clock=clock) as sandbox:
        client = sandbox.client()
        payee_id = await approved_payee(client)
        await sandbox.advance(30)
        before = await usd(client)
        payment = await client.payments.create(payee_id=payee_id, amount="10", currency="USD")
        assert payment.status == PROCESSING
        assert before - await usd(client) == Decimal("12")
        sandbox.state.check_conservation()
        await sandbox.advance(30)
        failed = await client.payments.retrieve(payment.payment_id or "")
        assert failed.status == FAILED
        assert failed.reject_reason
        assert await usd(client) == before
        sandbox.state.check_conservation()
        tags = [n.event_tag for n in sandbox.outbox if n.event_tag.startswith("payment.")]
        assert tags == ["payment.status.processing", "payment.status.failed"]
