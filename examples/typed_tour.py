"""A typed tour of the conventions: environment configuration, per-call options, raw
responses, typed models and the synchronous twin. Type-checked with ``mypy --strict`` and
run against the embedded sandbox by the test suite:

    python examples/typed_tour.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import anyio
import httpx

from lemft_async import AsyncLemft, Lemft, OutcomeUnknownError, RawResponse, ServerError
from lemft_async.sandbox import Sandbox
from lemft_async.types import OrderStatus
from lemft_async.types.orders import Order, OrderDetail

USD_VIRTUAL = "cpi_6530de6a2f1c7"  # a seeded sandbox BIN


@contextmanager
def environment_of(sandbox: Sandbox) -> Iterator[None]:
    """What a deployment sets; the client reads it (keyword arguments would win). Restored
    afterwards, because the test suite runs this example in its own process."""
    credentials = sandbox.credentials
    values = {
        "LEMFT_CUSTOMER_ID": str(credentials.customer_id),
        "LEMFT_APP_ID": str(credentials.app_id),
        "LEMFT_KEY": credentials.key,
        "LEMFT_API_KEY": credentials.api_key,
        "LEMFT_BASE_URL": "http://localhost",
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def async_tour(sandbox: Sandbox) -> Order:
    in_process = httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app))
    async with in_process, AsyncLemft(http_client=in_process) as client:  # LEMFT_* variables
        order: Order = await client.orders.open_card(
            bin_id=USD_VIRTUAL,
            amount=Decimal("12.50"),
            timeout=10.0,  # this call only
            max_retries=2,
            extra_headers={"X-Request-Source": "typed-tour"},
        )
        # Identity fields are plain str: no `or ""` needed.
        raw: RawResponse[OrderDetail] = await client.orders.with_raw_response.retrieve(
            order.order_id
        )
        detail = raw.parse()
        print(raw.status_code, raw.retries_taken, detail.order_info.order_id == order.order_id)
        if detail.order_info.status is OrderStatus.COMPLETED:  # an open enum: member or int
            print("issued card", detail.order_info.card_id)

        impatient = client.with_options(max_retries=0)
        sandbox.inject("error", operation="wallets.list")  # one 10005 answer
        try:
            await impatient.wallets.list()
        except ServerError as exc:
            print("read failed:", exc.code, exc.traceid)
        return order


def sync_tour(sandbox: Sandbox, first: Order) -> None:
    with Lemft.from_async(sandbox.client) as client:
        total = sum((w.available_balance or Decimal(0) for w in client.wallets.list()), Decimal(0))
        print("balances", total)
        sandbox.inject("error", operation="orders.recharge", applied=True)
        try:
            client.orders.recharge(card_id=first.card_id or "", amount=Decimal("1"))
        except OutcomeUnknownError as exc:
            # Never re-sent: look it up by the reference the error carries.
            reference = exc.references["out_order_id"]
            (found,) = client.orders.list(out_order_id=reference)
            print("reconciled", found.out_order_id == reference, found.status)


async def main() -> None:
    sandbox = Sandbox()
    with environment_of(sandbox):
        first = await async_tour(sandbox)
    await anyio.to_thread.run_sync(sync_tour, sandbox, first)  # blocking code off the loop
    sandbox.state.check_conservation()


if __name__ == "__main__":
    anyio.run(main)
