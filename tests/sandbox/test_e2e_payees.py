"""End to end through ``sandbox.client()``: every ``payees.*`` method, and the review."""

from __future__ import annotations

from typing import Any

import pytest

from lemft_async import AsyncLemft, ParamError
from lemft_async.sandbox import Sandbox

from .conftest import ManualClock, assert_populated

CREATED, PENDING, APPROVED, REJECTED = 0, 1, 2, 3


async def _create(client: AsyncLemft, **extra: Any) -> str:
    payee = await client.payees.create(
        pay_method_id="pmd_usd_local",
        account_name="Sandbox Supplier Ltd",
        account_no="000123456789",
        currency="USD",
        country="US",
        **extra,
    )
    return payee.payee_id or ""


async def test_reference_lists(client: AsyncLemft) -> None:
    sources = await client.payees.funding_sources()
    purposes = await client.payees.payment_purposes()
    assert "business_income" in [s.code for s in sources]
    assert "goods_trade" in [p.code for p in purposes]
    for item in [*sources, *purposes]:
        assert_populated(item)


async def test_create_update_apply_list_retrieve_delete(client: AsyncLemft) -> None:
    payee_id = await _create(
        client,
        bank_name="Sandbox Bank",
        bank_code="SBX0001",
        address="1 Example Road",
        email="ap@example.com",
        fund_source="business_income",
        payment_purpose="goods_trade",
        remark="first",
    )
    payee = await client.payees.retrieve(payee_id)
    assert_populated(payee, empty=("reject_reason",))
    assert payee.status == CREATED
    updated = await client.payees.update(payee_id, bank_name="Other Bank", payee_type=2)
    assert (updated.bank_name, updated.payee_type) == ("Other Bank", 2)
    applied = await client.payees.apply(payee_id)  # order_delay=0: reviewed at once
    assert applied.status == APPROVED
    assert await client.payees.retrieve(payee_id) == applied
    assert (await client.payees.list(status=APPROVED)).total == 1
    assert (await client.payees.list(currency="HKD")).total == 0
    with pytest.raises(ParamError, match=r"cannot edit payee_id .* approved"):
        await client.payees.update(payee_id, bank_name="x")
    with pytest.raises(ParamError, match=r"cannot apply for payee_id .* approved"):
        await client.payees.apply(payee_id)
    await client.payees.delete(payee_id)
    with pytest.raises(ParamError, match=r"payee_id .* not found"):
        await client.payees.retrieve(payee_id)


async def test_server_checks_codes_and_currency(client: AsyncLemft) -> None:
    with pytest.raises(ParamError, match=r"fund_source 'nope' is not one of"):
        await _create(client, fund_source="nope")
    with pytest.raises(ParamError, match=r"currency HKD does not match pay_method_id"):
        await client.payees.create(
            pay_method_id="pmd_usd_local",
            account_name="A",
            account_no="1",
            currency="HKD",
            country="HK",
        )


async def test_review_takes_order_delay_and_can_reject() -> None:
    clock = ManualClock()
    async with Sandbox(order_delay=60, payee_reject_rate=1.0, clock=clock) as sandbox:
        client = sandbox.client()
        payee_id = await _create(client)
        await client.payees.apply(payee_id)
        await sandbox.advance(59)
        assert (await client.payees.retrieve(payee_id)).status == PENDING
        await sandbox.advance(1)
        rejected = await client.payees.retrieve(payee_id)
        assert rejected.status == REJECTED
        assert rejected.reject_reason
        edited = await client.payees.update(payee_id, account_name="Fixed Name Ltd")
        assert (edited.status, edited.reject_reason) == (CREATED, "")
        tags = [n.event_tag for n in sandbox.outbox]
        assert tags == ["payee.status.pending", "payee.status.rejected"]
