"""``client.payments`` against respx: ``create`` moves money (out_order_id, unknown outcomes)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError
from lemft_async.types import Payment, ReferenceItem
from tests.resources.conftest import (
    assert_refused_before_sending,
    envelope,
    expected,
    pages,
    path,
    sent,
)

REASONS = path("payment/paymentReasonList")
CREATE_PAYMENT = path("payment/createPayment")
PAYMENT_LIST = path("payment/paymentList")
GET_PAYMENT = path("payment/getPayment")

HEX32 = re.compile(r"[0-9a-f]{32}")

PAYMENT: dict[str, Any] = {
    "payment_id": "pay_1",
    "payee_id": "pe_1",
    "wallet_id": 100007,
    "amount": 1500.75,
    "fee": 15,
    "fee_mode": 1,
    "currency": "USD",
    "reason": "goods",
    "status": 0,
    "complete_at": "",
    "create_at": "2025-03-03 02:42:11",
}


@pytest.mark.parametrize(
    "data",
    [
        {"payment_reason_list": [{"code": "goods", "name": "Goods"}]},
        [{"code": "goods", "name": "Goods"}],
    ],
    ids=["keyed", "bare-list"],
)
async def test_reasons(client: AsyncLemft, api: respx.MockRouter, data: Any) -> None:
    route = api.post(REASONS).mock(return_value=envelope(data))

    reasons = await client.payments.reasons()

    assert sent(route) == expected()
    (reason,) = reasons
    assert isinstance(reason, ReferenceItem)
    assert (reason.code, reason.name) == ("goods", "Goods")


@pytest.mark.parametrize("data", [{"payment_info": PAYMENT}, PAYMENT], ids=["payment_info", "bare"])
async def test_create_body_and_decoding(
    client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]
) -> None:
    route = api.post(CREATE_PAYMENT).mock(return_value=envelope(data))

    payment = await client.payments.create(
        payee_id="pe_1",
        amount=Decimal("1500.75"),
        currency="USD",
        out_order_id="inv-2025-001",
        wallet_id=100007,
        reason="goods",
        fee_mode=1,
        remark="March invoice",
    )

    assert sent(route) == expected(
        payee_id="pe_1",
        amount=Decimal("1500.75"),
        currency="USD",
        out_order_id="inv-2025-001",
        wallet_id=100007,
        reason="goods",
        fee_mode=1,
        remark="March invoice",
    )
    assert b'"amount":1500.75' in route.calls.last.request.content
    assert isinstance(payment, Payment)
    assert payment.amount == Decimal("1500.75")
    assert payment.fee == Decimal("15")
    assert payment.complete_at is None
    assert payment.create_at == datetime(2025, 3, 3, 2, 42, 11)
    assert payment.out_order_id == "inv-2025-001"  # server omitted it; the SDK keeps it


async def test_create_generates_a_fresh_out_order_id(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(CREATE_PAYMENT).mock(return_value=envelope({"payment_info": PAYMENT}))

    first = await client.payments.create(payee_id="pe_1", amount="10", currency="USD")
    second = await client.payments.create(payee_id="pe_1", amount="10", currency="USD")

    ids = [sent(route, 0)["out_order_id"], sent(route, 1)["out_order_id"]]
    assert all(HEX32.fullmatch(i) for i in ids)
    assert ids[0] != ids[1]
    assert [first.out_order_id, second.out_order_id] == ids
    assert sent(route, 0) == expected(
        payee_id="pe_1", amount=Decimal("10"), currency="USD", out_order_id=ids[0]
    )


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("server disconnected"),
        envelope(code=10005, message="system error"),
        httpx.Response(502, content=b"<html>502</html>", headers={"content-type": "text/html"}),
    ],
    ids=["read-timeout", "dropped", "10005", "http-502"],
)
async def test_create_unknown_outcome_is_never_resent(
    client: AsyncLemft, api: respx.MockRouter, no_sleep: list[float], failure: Any
) -> None:
    route = api.post(CREATE_PAYMENT).mock(side_effect=[failure])

    with pytest.raises(OutcomeUnknownError) as info:
        await client.payments.create(payee_id="pe_1", amount=1, currency="USD")

    assert route.call_count == 1
    assert no_sleep == []
    assert info.value.out_order_id == sent(route)["out_order_id"]
    assert HEX32.fullmatch(info.value.out_order_id or "")
    assert info.value.operation == "payments.create"


async def test_create_param_error(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(CREATE_PAYMENT).mock(
        return_value=envelope(code=10001, message="insufficient balance")
    )

    with pytest.raises(ParamError) as info:
        await client.payments.create(payee_id="pe_1", amount=1, currency="USD")

    assert (info.value.code, info.value.message, info.value.path) == (
        10001,
        "insufficient balance",
        CREATE_PAYMENT,
    )
    assert route.call_count == 1


async def test_list_body_and_decoding(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(PAYMENT_LIST).mock(
        return_value=envelope(
            {"total": 1, "page_no": 1, "page_size": 10, "payment_list": [PAYMENT]}
        )
    )

    page = await client.payments.list(
        payee_id="pe_1",
        out_order_id="inv-2025-001",
        status=0,
        start_time=datetime(2025, 3, 1),
        end_time="2025-03-31 23:59:59",
    )

    assert sent(route) == expected(
        payee_id="pe_1",
        out_order_id="inv-2025-001",
        status=0,
        start_time="2025-03-01 00:00:00",
        end_time="2025-03-31 23:59:59",
        page_no=1,
        page_size=10,
    )
    (payment,) = page.items
    assert payment.amount == Decimal("1500.75")


async def test_list_async_for_walks_pages(client: AsyncLemft, api: respx.MockRouter) -> None:
    payments = [{**PAYMENT, "payment_id": f"pay_{i}"} for i in range(4)]
    route = api.post(PAYMENT_LIST).mock(side_effect=pages("payment_list", payments))

    seen = [p.payment_id async for p in client.payments.list(page_size=2)]

    assert seen == ["pay_0", "pay_1", "pay_2", "pay_3"]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2]


@pytest.mark.parametrize("data", [{"payment_info": PAYMENT}, PAYMENT], ids=["payment_info", "bare"])
async def test_retrieve(client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]) -> None:
    route = api.post(GET_PAYMENT).mock(return_value=envelope(data))

    payment = await client.payments.retrieve("pay_1")

    assert sent(route) == expected(payment_id="pay_1")
    assert isinstance(payment, Payment)
    assert (payment.payment_id, payment.wallet_id) == ("pay_1", 100007)


Call = Callable[[AsyncLemft], Awaitable[object]]


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (
            lambda c: c.payments.create(payee_id="pe_1", amount=1.0, currency="USD"),
            TypeError,
            "amount",
        ),
        (
            lambda c: c.payments.create(payee_id="pe_1", amount=0, currency="USD"),
            ValueError,
            "amount",
        ),
        (
            lambda c: c.payments.create(payee_id="pe_1", amount="Infinity", currency="USD"),
            ValueError,
            "amount",
        ),
        (
            lambda c: c.payments.create(payee_id="", amount=1, currency="USD"),
            ValueError,
            "payee_id",
        ),
        (
            lambda c: c.payments.create(payee_id="pe_1", amount=1, currency=""),
            ValueError,
            "currency",
        ),
        (
            lambda c: c.payments.create(payee_id="pe_1", amount=1, currency="USD", wallet_id="1"),
            TypeError,
            "wallet_id",
        ),
        (
            lambda c: c.payments.create(payee_id="pe_1", amount=1, currency="USD", fee_mode=1.0),
            TypeError,
            "fee_mode",
        ),
        (
            lambda c: c.payments.create(
                payee_id="pe_1", amount=1, currency="USD", out_order_id="x" * 65
            ),
            ValueError,
            "out_order_id",
        ),
        (lambda c: c.payments.retrieve(""), ValueError, "payment_id"),
        (lambda c: c.payments.list(end_time="tomorrow"), ValueError, "end_time"),
        (lambda c: c.payments.list(out_order_id=""), ValueError, "out_order_id"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, call: Call, error: type[Exception], field: str
) -> None:
    await assert_refused_before_sending(client, api, call, error, field)


async def test_extra_body_merged_and_clash_refused(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(CREATE_PAYMENT).mock(return_value=envelope({"payment_info": PAYMENT}))

    await client.payments.create(
        payee_id="pe_1",
        amount=1,
        currency="USD",
        out_order_id="o-1",
        extra_body={"purpose_detail": "rent"},
    )
    assert sent(route) == expected(
        payee_id="pe_1", amount=1, currency="USD", out_order_id="o-1", purpose_detail="rent"
    )

    with pytest.raises(ValueError, match="currency"):
        await client.payments.create(
            payee_id="pe_1", amount=1, currency="USD", extra_body={"currency": "EUR"}
        )
    assert route.call_count == 1
