"""Fixtures for the job tests: an in-process sandbox and its client, spec helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from lemft_async import AsyncLemft
from lemft_async.sandbox import Sandbox
from tests.conftest import FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from tests.resources.conftest import api as api

BIN_ID = "cpi_6530de6a2f1c7"  # the sandbox's USD virtual BIN
OPEN_CARD = "/v1/openApi/card/order/openCard"
ORDER_LIST = "/v1/openApi/card/order/orderList"


def specs(count: int, *, amount: str = "10.00", keyed: bool = True) -> list[dict[str, Any]]:
    """``count`` specs for the sandbox's USD virtual BIN (keys ``k0``, ``k1`` ...)."""
    made: list[dict[str, Any]] = []
    for index in range(count):
        spec: dict[str, Any] = {"bin_id": BIN_ID, "amount": Decimal(amount)}
        if keyed:
            spec["key"] = f"k{index}"
        made.append(spec)
    return made


def orders_for(sandbox: Sandbox, out_order_id: str) -> int:
    """How many orders the sandbox holds with this ``out_order_id``."""
    return sum(1 for o in sandbox.state.orders.values() if o.out_order_id == out_order_id)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox() as box:
        yield box


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[AsyncLemft]:
    async with sandbox.client() as c:
        yield c


@pytest.fixture
async def mock_client() -> AsyncIterator[AsyncLemft]:
    """A client of the sandbox host, for tests that mock the wire with respx (``api``)."""
    async with AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        environment="sandbox",
    ) as c:
        yield c
