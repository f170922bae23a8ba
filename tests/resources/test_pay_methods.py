"""``client.pay_methods`` against respx (inferred path and shape)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import respx

from lemft_async import AsyncLemft, TimestampError
from lemft_async.types import PayMethod
from tests.resources.conftest import envelope, expected, pages, path, sent

PAY_METHOD_LIST = path("payMethod/payMethodList")

PAY_METHOD: dict[str, Any] = {
    "pay_method_id": "pm_swift_usd",
    "pay_method_name": "SWIFT",
    "currency": "USD",
    "country": "US",
    "fee_mode": 1,
    "fee_rate": 0.001,
    "fixed_fee": 15,
    "min_amount": 100.5,
    "max_amount": 1000000,
    "status": 1,
}


async def test_list_body_and_decoding(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(PAY_METHOD_LIST).mock(
        return_value=envelope(
            {"total": 1, "page_no": 1, "page_size": 20, "pay_method_list": [PAY_METHOD]}
        )
    )

    page = await client.pay_methods.list(currency="USD", country="US", page_size=20)

    assert sent(route) == expected(currency="USD", country="US", page_no=1, page_size=20)
    (method,) = page.items
    assert isinstance(method, PayMethod)
    assert method.pay_method_id == "pm_swift_usd"
    assert method.fee_rate == Decimal("0.001")
    assert method.min_amount == Decimal("100.5")
    assert isinstance(method.fixed_fee, Decimal)


async def test_list_without_filters(client: AsyncLemft, api: respx.MockRouter) -> None:
    route = api.post(PAY_METHOD_LIST).mock(return_value=envelope({"pay_method_list": []}))

    page = await client.pay_methods.list()

    assert sent(route) == expected(page_no=1, page_size=10)
    assert page.items == []
    assert not page.has_next_page()


async def test_list_async_for_walks_pages(client: AsyncLemft, api: respx.MockRouter) -> None:
    methods = [{**PAY_METHOD, "pay_method_id": f"pm_{i}"} for i in range(5)]
    route = api.post(PAY_METHOD_LIST).mock(side_effect=pages("pay_method_list", methods))

    seen = [m.pay_method_id async for m in client.pay_methods.list(page_size=2)]

    assert seen == [f"pm_{i}" for i in range(5)]
    assert [sent(route, i)["page_no"] for i in range(route.call_count)] == [1, 2, 3]


async def test_timestamp_error_without_date_header_is_raised(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    # 10003 is retried only after re-syncing the clock from the server's Date header;
    # with no Date header there is nothing to re-sync, so the typed error surfaces.
    route = api.post(PAY_METHOD_LIST).mock(
        return_value=envelope(code=10003, message="request time exceeded limit")
    )

    with pytest.raises(TimestampError) as info:
        await client.pay_methods.list()

    assert (info.value.code, info.value.path) == (10003, PAY_METHOD_LIST)
    assert route.call_count == 1


async def test_bad_page_size_is_refused_before_any_request(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.route().mock(return_value=envelope({}))

    with pytest.raises(ValueError, match="page_size"):
        await client.pay_methods.list(page_size=-5)

    assert route.called is False


async def test_extra_body_merged_and_clash_refused(
    client: AsyncLemft, api: respx.MockRouter
) -> None:
    route = api.post(PAY_METHOD_LIST).mock(return_value=envelope({"pay_method_list": []}))

    await client.pay_methods.list(extra_body={"payee_type": 2})
    assert sent(route) == expected(payee_type=2, page_no=1, page_size=10)

    with pytest.raises(ValueError, match="country"):
        await client.pay_methods.list(country="US", extra_body={"country": "GB"})
    with pytest.raises(ValueError, match="page_size"):
        await client.pay_methods.list(extra_body={"page_size": 100})
    assert route.call_count == 1
