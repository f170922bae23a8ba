"""``client.wallets`` against respx: paths, exact bodies, decoding, errors, pagination."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
import respx

from lemft_async import AsyncLemft, AsyncPage, ParamError
from lemft_async.types import (
    ExchangeRate,
    InOutType,
    TransactionDetail,
    TransactionStatus,
    Wallet,
    WalletStatus,
    WalletTransaction,
)
from tests.resources.conftest import (
    assert_refused_before_sending,
    envelope,
    expected,
    pages,
    path,
    sent,
)
from tests.seeds import DOC_WALLET_LIST

WALLET_LIST = path("wallet/walletList")
GET_WALLET = path("wallet/getWallet")
TRANSACTION_LIST = path("wallet/transactionList")
GET_TRANSACTION = path("wallet/getTransaction")
EXCHANGE_RATE = path("wallet/getExchangeRate")


TRANSACTION: dict[str, Any] = {
    "record_id": "ord_MEP9vKJi",
    "transaction_id": "300020240221051141000010000011fe4e6b5fb723e436",
    "out_transaction_id": "pm_h1",
    "in_out_type": 2,
    "transaction_type": 7,
    "transaction_desc": "open card",
    "amount": 20.4,
    "currency": "USD",
    "before_balance": 9885.69,
    "after_balance": 9865.29,
    "status": 2,
    "reject_reason": "",
    "remark": "",
    "transaction_time": "2024-02-21 05:11:41",
    "create_at": "2024-02-21 05:11:41",
}


# -- wallets.list (documented) --------------------------------------------------------------


async def test_list_sends_the_documented_body_in_the_documented_order(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(WALLET_LIST).mock(return_value=envelope(DOC_WALLET_LIST))

    await client.wallets.list()

    request = route.calls.last.request
    assert request.url.path == WALLET_LIST
    # Byte for byte the docs' second request example: common params first, compact JSON.
    assert request.content == (
        b'{"customer_id":10001004,"app_id":100006,"key":"0408ab79eb214e7d81d9fd447b5916a2",'
        b'"page_no":1,"page_size":10}'
    )


async def test_list_filters_keep_the_documented_key_order(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(WALLET_LIST).mock(return_value=envelope(DOC_WALLET_LIST))

    await client.wallets.list(currency="USD", wallet_name="USD", wallet_sn="f5ac", page_size=50)

    body = sent(route)
    assert body == expected(
        wallet_sn="f5ac", wallet_name="USD", currency="USD", page_no=1, page_size=50
    )
    assert list(body) == [
        "customer_id",
        "app_id",
        "key",
        "wallet_sn",
        "wallet_name",
        "currency",
        "page_no",
        "page_size",
    ]


async def test_list_decodes_the_documented_example(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    api.post(WALLET_LIST).mock(return_value=envelope(DOC_WALLET_LIST))

    page = await client.wallets.list()

    assert isinstance(page, AsyncPage)
    assert (page.total, page.page_no, page.page_size) == (2, 1, 10)
    assert not page.has_next_page()
    hkd, usd = page.items
    assert isinstance(usd, Wallet)
    assert usd.wallet_id == 100007
    assert usd.available_balance == Decimal("9865.29")
    assert isinstance(usd.available_balance, Decimal)
    assert isinstance(hkd.available_balance, Decimal)
    assert hkd.available_balance == Decimal("10020")
    assert usd.status is WalletStatus.NORMAL
    assert usd.create_at == datetime(2024, 1, 31, 9, 49, 2)


async def test_list_async_for_walks_every_page(client: AsyncLemft, api: respx.MockRouter) -> None:
    wallets = [{"wallet_id": 100000 + i, "available_balance": i + 0.5} for i in range(5)]
    route = api.post(WALLET_LIST).mock(side_effect=pages("wallet_list", wallets))

    seen = [w.wallet_id async for w in client.wallets.list(currency="USD", page_size=2)]

    assert seen == [100000, 100001, 100002, 100003, 100004]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2, 3]
    # Filters travel with every page.
    assert all(sent(route, i)["currency"] == "USD" for i in range(3))


async def test_list_await_is_one_page_and_next_page_fetches_the_next(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    wallets = [{"wallet_id": i} for i in range(3)]
    route = api.post(WALLET_LIST).mock(side_effect=pages("wallet_list", wallets))

    first = await client.wallets.list(page_size=2)
    assert route.call_count == 1
    assert [w.wallet_id for w in first.items] == [0, 1]
    assert first.has_next_page()

    second = await first.next_page()
    assert [w.wallet_id for w in second.items] == [2]
    assert sent(route)["page_no"] == 2
    assert not second.has_next_page()


# -- wallets.retrieve -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [{"wallet_info": DOC_WALLET_LIST["wallet_list"][1]}, DOC_WALLET_LIST["wallet_list"][1]],
    ids=["wallet_info", "bare"],
)
async def test_retrieve(client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]) -> None:
    route = api.post(GET_WALLET).mock(return_value=envelope(data))

    wallet = await client.wallets.retrieve(100007)

    assert sent(route) == expected(wallet_id=100007)
    assert isinstance(wallet, Wallet)
    assert wallet.wallet_sn == "f5ac9324657f47568a58428e2cdad955"
    assert wallet.available_balance == Decimal("9865.29")


# -- wallets.list_transactions -----------------------------------------------------------------


async def test_list_transactions_body_and_decoding(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    data = {"total": 1, "page_no": 1, "page_size": 20, "transaction_list": [TRANSACTION]}
    route = api.post(TRANSACTION_LIST).mock(return_value=envelope(data))

    page = await client.wallets.list_transactions(
        wallet_id=100007,
        currency="USD",
        in_out_type=InOutType.EXPENSE,
        transaction_type=7,
        status=TransactionStatus.APPROVED,
        start_time=datetime(2024, 2, 1, 0, 0, 0),
        end_time="2024-02-29 23:59:59",
        page_size=20,
    )

    assert sent(route) == expected(
        wallet_id=100007,
        currency="USD",
        in_out_type=2,
        transaction_type=7,
        status=2,
        start_time="2024-02-01 00:00:00",
        end_time="2024-02-29 23:59:59",
        page_no=1,
        page_size=20,
    )
    (record,) = page.items
    assert isinstance(record, WalletTransaction)
    assert record.in_out_type is InOutType.EXPENSE
    assert record.status is TransactionStatus.APPROVED
    assert record.amount == Decimal("20.4")
    assert record.after_balance == Decimal("9865.29")
    assert record.reject_reason == ""


async def test_list_transactions_walks_pages(client: AsyncLemft, api: respx.MockRouter) -> None:
    records = [{**TRANSACTION, "transaction_id": f"t{i}"} for i in range(3)]
    route = api.post(TRANSACTION_LIST).mock(side_effect=pages("transaction_list", records))

    seen = [t.transaction_id async for t in client.wallets.list_transactions(page_size=1)]

    assert seen == ["t0", "t1", "t2"]
    assert route.call_count == 3


# -- wallets.retrieve_transaction (fields documented) -----------------------------------------


async def test_retrieve_transaction_keeps_both_records_of_an_exchange(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    income = {**TRANSACTION, "in_out_type": 1, "currency": "HKD", "amount": 156.01}
    route = api.post(GET_TRANSACTION).mock(
        return_value=envelope({"transaction_list": [TRANSACTION, income]})
    )

    detail = await client.wallets.retrieve_transaction(
        "10002024020407465400001000100182e74f720f9df26d"
    )

    assert sent(route) == expected(transaction_id="10002024020407465400001000100182e74f720f9df26d")
    assert list(sent(route)) == ["customer_id", "app_id", "key", "transaction_id"]
    assert isinstance(detail, TransactionDetail)
    expense, gain = detail.transaction_list
    assert expense.in_out_type is InOutType.EXPENSE
    assert gain.in_out_type is InOutType.INCOME
    assert gain.amount == Decimal("156.01")


# -- wallets.exchange_rate ----------------------------------------------------------------------


async def test_exchange_rate_sends_exact_amount_and_decodes_decimals(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(EXCHANGE_RATE).mock(
        return_value=envelope(
            {"from_currency": "USD", "to_currency": "HKD", "rate": 7.8123, "amount": 785.14}
        )
    )

    rate = await client.wallets.exchange_rate(
        from_currency="USD", to_currency="HKD", amount=Decimal("100.50")
    )

    assert sent(route) == expected(from_currency="USD", to_currency="HKD", amount=Decimal("100.50"))
    assert b'"amount":100.50' in route.calls.last.request.content  # digits kept, no float
    assert isinstance(rate, ExchangeRate)
    assert rate.rate == Decimal("7.8123")
    assert rate.amount == Decimal("785.14")


async def test_exchange_rate_without_amount_omits_it(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(EXCHANGE_RATE).mock(return_value=envelope({"rate": 1}))

    await client.wallets.exchange_rate(from_currency="USD", to_currency="EUR")

    assert sent(route) == expected(from_currency="USD", to_currency="EUR")


# -- errors, validation, extra_body --------------------------------------------------------------


async def test_param_error_is_typed_and_not_retried(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(GET_WALLET).mock(return_value=envelope(code=10001, message="param error"))

    with pytest.raises(ParamError) as info:
        await client.wallets.retrieve(1)

    error = info.value
    assert (error.code, error.message, error.path) == (10001, "param error", GET_WALLET)
    assert error.traceid == route.calls.last.request.headers["traceid"]
    assert route.call_count == 1


Call = Callable[[AsyncLemft], Awaitable[object]]


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.wallets.retrieve("100007"), TypeError, "wallet_id"),
        (lambda c: c.wallets.retrieve(True), TypeError, "wallet_id"),
        (lambda c: c.wallets.list(page_size=0), ValueError, "page_size"),
        (lambda c: c.wallets.list(page_no="2"), TypeError, "page_no"),
        (lambda c: c.wallets.list_transactions(wallet_id=1.5), TypeError, "wallet_id"),
        (lambda c: c.wallets.list_transactions(start_time="2024/01/01"), ValueError, "start_time"),
        (lambda c: c.wallets.list_transactions(status="2"), TypeError, "status"),
        (lambda c: c.wallets.retrieve_transaction(""), ValueError, "transaction_id"),
        (
            lambda c: c.wallets.exchange_rate(from_currency="USD", to_currency="HKD", amount=1.5),
            TypeError,
            "amount",
        ),
        (
            lambda c: c.wallets.exchange_rate(from_currency="", to_currency="HKD"),
            ValueError,
            "from_currency",
        ),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, call: Call, error: type[Exception], field: str
) -> None:
    await assert_refused_before_sending(client, api, call, error, field)


async def test_extra_body_is_merged(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(GET_WALLET).mock(return_value=envelope({"wallet_id": 100007}))

    await client.wallets.retrieve(100007, extra_body={"with_cards": True})

    assert sent(route) == expected(wallet_id=100007, with_cards=True)


async def test_extra_body_is_merged_into_every_page(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(WALLET_LIST).mock(
        side_effect=pages("wallet_list", [{"wallet_id": 1}, {"wallet_id": 2}])
    )

    assert len([w async for w in client.wallets.list(page_size=1, extra_body={"x": "y"})]) == 2

    assert sent(route, 0) == expected(x="y", page_no=1, page_size=1)
    assert sent(route, 1) == expected(x="y", page_no=2, page_size=1)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: c.wallets.retrieve(1, extra_body={"wallet_id": 2}), "wallet_id"),
        (lambda c: c.wallets.list(currency="USD", extra_body={"currency": "EUR"}), "currency"),
        (lambda c: c.wallets.list(extra_body={"page_no": 3}), "page_no"),
        (lambda c: c.wallets.retrieve(1, extra_body={"key": "other"}), "key"),
    ],
    ids=["param", "filter", "page_no", "common-param"],
)
async def test_extra_body_clash_is_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, call: Call, match: str
) -> None:
    route = api.route().mock(return_value=envelope({}))

    with pytest.raises(ValueError, match=match):
        await call(client)

    assert route.called is False
