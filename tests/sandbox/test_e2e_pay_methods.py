"""End to end through ``sandbox.client()``: ``pay_methods.list``."""

from __future__ import annotations

from decimal import Decimal

from lemft_async import AsyncLemft

from .conftest import assert_populated


async def test_list_and_filters(client: AsyncLemft) -> None:
    page = await client.pay_methods.list()
    assert page.total == 3
    for method in page.items:
        assert_populated(method)
    hkd = await client.pay_methods.list(currency="HKD")
    assert [m.pay_method_id for m in hkd.items] == ["pmd_hkd_fps"]
    assert hkd.items[0].fixed_fee == Decimal("5")
    assert (await client.pay_methods.list(country="US")).total == 2
    assert (await client.pay_methods.list(country="FR")).items == []
