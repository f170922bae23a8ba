"""End to end through ``sandbox.client()``: every ``bins.*`` method."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lemft_async import AsyncLemft, ParamError
from lemft_async.types import CardType

from .conftest import HKD_VIRTUAL, USD_PHYSICAL, USD_VIRTUAL, assert_populated


async def test_list_filters(client: AsyncLemft) -> None:
    page = await client.bins.list()
    assert [b.bin_id for b in page.items] == [USD_VIRTUAL, USD_PHYSICAL, HKD_VIRTUAL]
    for product in page.items:
        assert_populated(product)
    physical = await client.bins.list(card_type=CardType.PHYSICAL)
    assert [b.bin_id for b in physical.items] == [USD_PHYSICAL]
    hkd = await client.bins.list(currency="HKD")
    assert [b.bin_id for b in hkd.items] == [HKD_VIRTUAL]


async def test_retrieve_fees_and_limits(client: AsyncLemft) -> None:
    product = await client.bins.retrieve(USD_VIRTUAL)
    assert product.card_type == CardType.VIRTUAL
    assert product.currency == "USD"
    fees = await client.bins.fees(USD_VIRTUAL)
    assert_populated(fees)
    assert (fees.open_card_fee, fees.recharge_fee_rate, fees.recharge_fee_min) == (
        Decimal("1"),
        Decimal("0.015"),
        Decimal("0.5"),
    )
    limits = await client.bins.limits(USD_VIRTUAL)
    assert_populated(limits)
    assert limits.max_open_amount == Decimal("5000")
    assert limits.min_recharge_amount == Decimal("1")


@pytest.mark.parametrize("method", ["retrieve", "fees", "limits"])
async def test_unknown_bin_is_a_param_error_naming_bin_id(client: AsyncLemft, method: str) -> None:
    with pytest.raises(ParamError, match=r"bin_id 'cpi_nope' not found"):
        await getattr(client.bins, method)("cpi_nope")
