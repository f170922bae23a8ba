"""What to do with ``OutcomeUnknownError``: reconcile by ``out_order_id``, never re-send.

    python examples/reconcile_unknown_outcome.py

The sandbox is told to process the next card order and then drop the connection before
the answer arrives, the case where the SDK cannot know whether money moved. The SDK does
not re-send (that could issue and charge twice); it raises ``OutcomeUnknownError`` with
the ``out_order_id``, and the order list tells what happened.
"""

from __future__ import annotations

from decimal import Decimal

import anyio

from lemft_async import AsyncLemft, OutcomeUnknownError
from lemft_async.sandbox import Sandbox

BIN_ID = "cpi_6530de6a2f1c7"


async def usd_balance(client: AsyncLemft) -> Decimal:
    page = await client.wallets.list(currency="USD")
    return page.items[0].available_balance or Decimal(0)


async def main() -> None:
    async with Sandbox() as sandbox, sandbox.client() as client:
        sandbox.inject("drop", operation="orders.open_card")  # processed, answer lost
        before = await usd_balance(client)
        try:
            await client.orders.open_card(
                bin_id=BIN_ID, amount=Decimal("25.00"), out_order_id="reconcile-demo-1"
            )
        except OutcomeUnknownError as exc:
            print(f"outcome unknown for out_order_id={exc.out_order_id}: {exc.cause!r}")
            found = await client.orders.list(out_order_id=exc.out_order_id)
            if not found.items:
                print("not carried out: safe to send again with the same out_order_id")
                return
            order = found.items[0]
            print(f"it went through: order {order.order_id}, status {order.status}")
        else:
            raise RuntimeError("expected the answer to be lost")
        after = await usd_balance(client)
        charged = before - after
        print(f"wallet charged {charged} = amount {order.amount} + fee {order.fee}, once")
        if charged != (order.amount or 0) + (order.fee or 0):
            raise RuntimeError("money moved more than once")
        if sandbox.state.executions("reconcile-demo-1") != 1:
            raise RuntimeError("the order was executed more than once")


if __name__ == "__main__":
    anyio.run(main)
