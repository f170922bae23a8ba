"""End to end through ``sandbox.client()``: every ``wallets.*`` method."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lemft_async import AsyncLemft, ParamError
from lemft_async.sandbox import Sandbox
from lemft_async.types import InOutType, TransactionStatus, WalletStatus

from .conftest import PREFIX, USD_VIRTUAL, RawCaller, assert_populated


async def test_list_and_retrieve(client: AsyncLemft) -> None:
    page = await client.wallets.list()
    assert page.total == 2
    assert [w.currency for w in page.items] == ["USD", "HKD"]
    for wallet in page.items:
        assert_populated(wallet)
        assert wallet.status == WalletStatus.NORMAL
    usd = page.items[0]
    assert usd.available_balance == Decimal("100000.00")
    again = await client.wallets.retrieve(usd.wallet_id or 0)
    assert again == usd


async def test_list_filters_and_walks_every_page(client: AsyncLemft) -> None:
    hkd = await client.wallets.list(currency="HKD")
    assert [w.currency for w in hkd.items] == ["HKD"]
    assert hkd.total == 1
    walked = [w.currency async for w in client.wallets.list(page_size=1)]
    assert walked == ["USD", "HKD"]
    assert (await client.wallets.list(wallet_name="nope")).items == []


async def test_retrieve_unknown_wallet_is_a_param_error(client: AsyncLemft) -> None:
    with pytest.raises(ParamError, match=r"wallet_id 1 not found"):
        await client.wallets.retrieve(1)


async def test_ledger_records_every_movement_with_balances(
    client: AsyncLemft, sandbox: Sandbox
) -> None:
    order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("20"))
    page = await client.wallets.list_transactions(currency="USD")
    assert page.total == 1
    record = page.items[0]
    assert_populated(record, empty=("reject_reason", "remark"))
    assert record.in_out_type == InOutType.EXPENSE
    assert record.status == TransactionStatus.APPROVED
    assert record.record_id == order.order_id
    assert record.out_transaction_id == order.out_order_id
    assert record.amount == Decimal("20") + (order.fee or 0)
    assert record.before_balance == Decimal("100000")
    assert record.after_balance == record.before_balance - record.amount
    assert len(record.transaction_id or "") == 46
    detail = await client.wallets.retrieve_transaction(record.transaction_id or "")
    assert detail.transaction_list == [record]
    assert (await client.wallets.list_transactions(in_out_type=1)).total == 0
    sandbox.state.check_conservation()


async def test_transactions_filter_by_time(client: AsyncLemft) -> None:
    await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("1"))
    future = await client.wallets.list_transactions(start_time="2999-01-01 00:00:00")
    past = await client.wallets.list_transactions(end_time="2000-01-01 00:00:00")
    everything = await client.wallets.list_transactions(
        start_time="2000-01-01 00:00:00", end_time="2999-01-01 00:00:00"
    )
    assert (future.total, past.total, everything.total) == (0, 0, 1)


async def test_retrieve_unknown_transaction_is_a_param_error(client: AsyncLemft) -> None:
    with pytest.raises(ParamError, match=r"transaction_id"):
        await client.wallets.retrieve_transaction("3000nothing")


async def test_exchange_rate(client: AsyncLemft) -> None:
    rate = await client.wallets.exchange_rate(
        from_currency="USD", to_currency="HKD", amount=Decimal("10")
    )
    assert_populated(rate)
    assert rate.rate == Decimal("7.8")
    assert rate.amount == Decimal("78")
    same = await client.wallets.exchange_rate(from_currency="USD", to_currency="USD")
    assert same.rate == 1
    assert same.amount is None
    with pytest.raises(ParamError, match=r"from_currency XYZ"):
        await client.wallets.exchange_rate(from_currency="XYZ", to_currency="USD")


TRANSACTION_FIELDS = [
    "record_id",
    "transaction_id",
    "out_transaction_id",
    "in_out_type",
    "transaction_type",
    "transaction_desc",
    "amount",
    "currency",
    "before_balance",
    "after_balance",
    "status",
    "reject_reason",
    "remark",
    "transaction_time",
    "create_at",
]


async def test_get_transaction_answers_the_documented_shape(
    raw: RawCaller, client: AsyncLemft
) -> None:
    await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("1"))
    [record] = (await client.wallets.list_transactions()).items
    answer = await raw.call(
        PREFIX + "wallet/getTransaction", {"transaction_id": record.transaction_id}
    )
    assert list(answer["data"]) == ["transaction_list"]
    [wire] = answer["data"]["transaction_list"]
    assert list(wire) == TRANSACTION_FIELDS
