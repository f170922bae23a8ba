"""An out_order_id is executed at most once, across orders and payments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lemft_async import AsyncLemft, ParamError
from lemft_async.sandbox import Sandbox

from .conftest import OPEN_CARD, USD_VIRTUAL, RawCaller
from .test_e2e_payments import approved_payee, usd


async def test_same_out_order_id_twice_is_10001_and_executed_once(
    client: AsyncLemft, sandbox: Sandbox
) -> None:
    first = await client.orders.open_card(bin_id=USD_VIRTUAL, amount="10", out_order_id="dup-1")
    balance = await usd(client)
    with pytest.raises(ParamError, match=r"out_order_id already exists: dup-1"):
        await client.orders.open_card(bin_id=USD_VIRTUAL, amount="10", out_order_id="dup-1")
    assert sandbox.state.executions("dup-1") == 1
    assert await usd(client) == balance
    found = await client.orders.list(out_order_id="dup-1")
    assert [o.order_id for o in found.items] == [first.order_id]
    assert len(sandbox.state.cards) == 1


async def test_recharge_and_payment_share_the_namespace(
    client: AsyncLemft, sandbox: Sandbox
) -> None:
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount="10", out_order_id="id-A")
    with pytest.raises(ParamError, match=r"out_order_id already exists"):
        await client.orders.recharge(card_id=order.card_id or "", amount="5", out_order_id="id-A")
    payee_id = await approved_payee(client)
    await client.payments.create(
        payee_id=payee_id, amount="10", currency="USD", out_order_id="id-B"
    )
    with pytest.raises(ParamError, match=r"out_order_id already exists: id-B"):
        await client.orders.open_card(bin_id=USD_VIRTUAL, amount="10", out_order_id="id-B")
    with pytest.raises(ParamError, match=r"out_order_id already exists: id-B"):
        await client.payments.create(
            payee_id=payee_id, amount="10", currency="USD", out_order_id="id-B"
        )
    assert (sandbox.state.executions("id-A"), sandbox.state.executions("id-B")) == (1, 1)
    assert sandbox.state.record_for("id-B") == next(iter(sandbox.state.payments))
    sandbox.state.check_conservation()


async def test_repeated_raw_requests_with_one_id_execute_once() -> None:
    # Plain signed HTTP (no SDK): the first is carried out, every repeat is refused.
    async with Sandbox() as sandbox:
        raw = RawCaller(sandbox)
        params = {"bin_id": USD_VIRTUAL, "amount": 10, "out_order_id": "race-1"}
        async with raw.http:
            answers = [await raw.call(OPEN_CARD, params) for _ in range(3)]
    assert [a["code"] for a in answers] == [0, 10001, 10001]
    assert sandbox.state.executions("race-1") == 1
    assert sandbox.state.executions("never") == 0
    assert Decimal(answers[0]["data"]["order_info"]["amount"]) == 10
