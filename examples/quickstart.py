"""Quickstart: wallets, BINs, open a card, read the order and the card, freeze it.

Runs against the embedded sandbox (no credentials needed):

    python examples/quickstart.py

Pass your own ``AsyncLemft`` to ``main()`` to run the same steps elsewhere.
"""

from __future__ import annotations

from decimal import Decimal

import anyio

from lemft_async import AsyncLemft
from lemft_async.sandbox import Sandbox


async def quickstart(client: AsyncLemft) -> None:
    """The steps themselves, on any client."""
    wallets = await client.wallets.list()
    for wallet in wallets.items:
        print(f"wallet {wallet.wallet_id}: {wallet.currency} {wallet.available_balance}")

    bins = await client.bins.list(currency="USD")
    product = next(b for b in bins.items if b.card_type == 2)  # a virtual card BIN
    fees = await client.bins.fees(product.bin_id or "")
    print(f"BIN {product.bin_id} ({product.bin_name}): opening fee {fees.open_card_fee}")

    order = await client.orders.open_card(bin_id=product.bin_id or "", amount=Decimal("25.00"))
    print(f"order {order.order_id} (out_order_id {order.out_order_id}): status {order.status}")

    detail = await client.orders.retrieve(order.order_id or "")
    for bill in detail.order_bill_list:
        for line in bill.bill_list:
            print(f"  bill category {line.bill_category}: {line.amount}")

    card = await client.cards.retrieve(detail.order_info.card_id or "")
    print(f"card {card.card_id}: balance {card.balance}, status {card.status}")  # no PAN/CVV

    frozen = await client.cards.freeze(card.card_id or "", remark="quickstart")
    print(f"card {frozen.card_id} frozen: status {frozen.status}")


async def main(client: AsyncLemft | None = None) -> None:
    """Run the quickstart on ``client``, or on a fresh embedded sandbox."""
    if client is not None:
        await quickstart(client)
        return
    async with Sandbox() as sandbox, sandbox.client() as sandbox_client:
        await quickstart(sandbox_client)


if __name__ == "__main__":
    anyio.run(main)
