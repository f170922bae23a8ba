"""``client.payees`` against respx (all paths and shapes inferred)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
import respx

from lemft_async import AsyncLemft, ParamError
from lemft_async.types import Payee, ReferenceItem
from tests.resources.conftest import (
    assert_refused_before_sending,
    envelope,
    expected,
    pages,
    path,
    sent,
)

FUND_SOURCES = path("payee/fundSourceList")
PAYMENT_PURPOSES = path("payee/paymentPurposeList")
CREATE_PAYEE = path("payee/createPayee")
EDIT_PAYEE = path("payee/editPayee")
APPLY_PAYEE = path("payee/applyPayee")
DELETE_PAYEE = path("payee/deletePayee")
PAYEE_LIST = path("payee/payeeList")
GET_PAYEE = path("payee/getPayee")

PAYEE: dict[str, Any] = {
    "payee_id": "pe_1",
    "pay_method_id": "pm_swift_usd",
    "payee_type": 2,
    "account_name": "ACME Ltd",
    "account_no": "12345678",
    "currency": "USD",
    "country": "US",
    "status": 0,
    "reject_reason": "",
    "create_at": "2025-03-03 02:42:11",
}
REQUIRED: dict[str, Any] = {
    "pay_method_id": "pm_swift_usd",
    "account_name": "ACME Ltd",
    "account_no": "12345678",
    "currency": "USD",
    "country": "US",
}
ITEMS = [{"code": "salary", "name": "Salary"}, {"code": "sales", "name": "Sales income"}]


@pytest.mark.parametrize(
    ("method", "wire", "key"),
    [
        ("funding_sources", FUND_SOURCES, "fund_source_list"),
        ("payment_purposes", PAYMENT_PURPOSES, "payment_purpose_list"),
    ],
)
@pytest.mark.parametrize("shape", ["keyed", "bare-list"])
async def test_reference_lists(
    client: AsyncLemft, api: respx.MockRouter, method: str, wire: str, key: str, shape: str
) -> None:
    data: Any = {key: ITEMS} if shape == "keyed" else ITEMS
    route = api.post(wire).mock(return_value=envelope(data))

    items = await getattr(client.payees, method)()

    assert sent(route) == expected()
    assert all(isinstance(i, ReferenceItem) for i in items)
    assert [(i.code, i.name) for i in items] == [("salary", "Salary"), ("sales", "Sales income")]


async def test_reference_list_extra_body(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(FUND_SOURCES).mock(return_value=envelope({"fund_source_list": []}))

    assert await client.payees.funding_sources(extra_body={"lang": "en"}) == []

    assert sent(route) == expected(lang="en")


@pytest.mark.parametrize("data", [{"payee_info": PAYEE}, PAYEE], ids=["payee_info", "bare"])
async def test_create_with_all_fields(
    client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]
) -> None:
    route = api.post(CREATE_PAYEE).mock(return_value=envelope(data))

    payee = await client.payees.create(
        **REQUIRED,
        payee_type=2,
        bank_name="Bank",
        bank_code="BANKUS33",
        address="1 Main St",
        email="ap@acme.example",
        fund_source="sales",
        payment_purpose="goods",
        remark="supplier",
    )

    assert sent(route) == expected(
        **REQUIRED,
        payee_type=2,
        bank_name="Bank",
        bank_code="BANKUS33",
        address="1 Main St",
        email="ap@acme.example",
        fund_source="sales",
        payment_purpose="goods",
        remark="supplier",
    )
    assert isinstance(payee, Payee)
    assert (payee.payee_id, payee.status) == ("pe_1", 0)
    assert payee.create_at == datetime(2025, 3, 3, 2, 42, 11)


async def test_create_sends_only_given_fields(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(CREATE_PAYEE).mock(return_value=envelope({"payee_info": PAYEE}))

    await client.payees.create(**REQUIRED)

    assert sent(route) == expected(**REQUIRED)


async def test_create_param_error_is_typed_and_not_retried(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(CREATE_PAYEE).mock(
        return_value=envelope(code=10001, message="account_no invalid")
    )

    with pytest.raises(ParamError) as info:
        await client.payees.create(**REQUIRED)

    assert (info.value.code, info.value.message, info.value.path) == (
        10001,
        "account_no invalid",
        CREATE_PAYEE,
    )
    assert info.value.traceid == route.calls.last.request.headers["traceid"]
    assert route.call_count == 1


@pytest.mark.parametrize("data", [{"payee_info": PAYEE}, PAYEE], ids=["payee_info", "bare"])
async def test_update_sends_only_changed_fields(
    client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]
) -> None:
    route = api.post(EDIT_PAYEE).mock(return_value=envelope(data))

    payee = await client.payees.update("pe_1", bank_name="New Bank", payee_type=1)

    assert sent(route) == expected(payee_id="pe_1", bank_name="New Bank", payee_type=1)
    assert isinstance(payee, Payee)


@pytest.mark.parametrize("data", [{"payee_info": PAYEE}, PAYEE], ids=["payee_info", "bare"])
async def test_apply(client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]) -> None:
    route = api.post(APPLY_PAYEE).mock(return_value=envelope(data))

    payee = await client.payees.apply("pe_1")

    assert sent(route) == expected(payee_id="pe_1")
    assert payee.payee_id == "pe_1"


async def test_apply_10004_is_retried_because_the_server_did_not_act(
    client: AsyncLemft, api: respx.MockRouter, no_sleep: list[float]
) -> None:
    route = api.post(APPLY_PAYEE).mock(
        side_effect=[envelope(code=10004, message="too many"), envelope({"payee_info": PAYEE})]
    )

    payee = await client.payees.apply("pe_1")

    assert payee.payee_id == "pe_1"
    assert route.call_count == 2
    assert sent(route, 0) == sent(route, 1)


async def test_delete_returns_none(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(DELETE_PAYEE).mock(return_value=envelope(None))

    assert await client.payees.delete("pe_1") is None  # type: ignore[func-returns-value]

    assert sent(route) == expected(payee_id="pe_1")


async def test_list_body_and_decoding(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(PAYEE_LIST).mock(
        return_value=envelope({"total": 1, "page_no": 1, "page_size": 10, "payee_list": [PAYEE]})
    )

    page = await client.payees.list(status=2, currency="USD")

    assert sent(route) == expected(status=2, currency="USD", page_no=1, page_size=10)
    (payee,) = page.items
    assert isinstance(payee, Payee)
    assert payee.account_name == "ACME Ltd"


async def test_list_async_for_walks_pages(client: AsyncLemft, api: respx.MockRouter) -> None:
    payees = [{**PAYEE, "payee_id": f"pe_{i}"} for i in range(3)]
    route = api.post(PAYEE_LIST).mock(side_effect=pages("payee_list", payees))

    seen = [p.payee_id async for p in client.payees.list(page_size=2)]

    assert seen == ["pe_0", "pe_1", "pe_2"]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2]


@pytest.mark.parametrize("data", [{"payee_info": PAYEE}, PAYEE], ids=["payee_info", "bare"])
async def test_retrieve(client: AsyncLemft, api: respx.MockRouter, data: dict[str, Any]) -> None:
    route = api.post(GET_PAYEE).mock(return_value=envelope(data))

    payee = await client.payees.retrieve("pe_1")

    assert sent(route) == expected(payee_id="pe_1")
    assert payee.account_no == "12345678"


Call = Callable[[AsyncLemft], Awaitable[object]]


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (lambda c: c.payees.create(**{**REQUIRED, "pay_method_id": ""}), ValueError, "pay_method"),
        (lambda c: c.payees.create(**{**REQUIRED, "account_no": 123}), TypeError, "account_no"),
        (lambda c: c.payees.create(**{**REQUIRED, "currency": " "}), ValueError, "currency"),
        (lambda c: c.payees.create(**REQUIRED, payee_type="company"), TypeError, "payee_type"),
        (lambda c: c.payees.create(**REQUIRED, email=""), ValueError, "email"),
        (lambda c: c.payees.update("pe_1"), ValueError, "at least one field"),
        (lambda c: c.payees.update("", remark="x"), ValueError, "payee_id"),
        (lambda c: c.payees.apply(None), TypeError, "payee_id"),
        (lambda c: c.payees.delete(""), ValueError, "payee_id"),
        (lambda c: c.payees.retrieve(""), ValueError, "payee_id"),
        (lambda c: c.payees.list(status="approved"), TypeError, "status"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter, call: Call, error: type[Exception], field: str
) -> None:
    await assert_refused_before_sending(client, api, call, error, field)


async def test_extra_body_merged_and_clash_refused(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(EDIT_PAYEE).mock(return_value=envelope({}))

    await client.payees.update("pe_1", extra_body={"swift_code": "BANKUS33"})
    assert sent(route) == expected(payee_id="pe_1", swift_code="BANKUS33")

    with pytest.raises(ValueError, match="remark"):
        await client.payees.update("pe_1", remark="a", extra_body={"remark": "b"})
    assert route.call_count == 1
