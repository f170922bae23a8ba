"""A Lemon pay-in from start to finish, against the in-memory Payin sandbox.

    python examples/payin_flow.py

Creates a ₹100 pay-in, lets the sandbox gateway pay it, queries it and prints the status.
Against the real gateway, build ``AsyncPayin(mch_id=..., secret=..., base_url=...)``
instead of ``sandbox.client()``; the payer then pays through ``pay_params.pay_url``.
"""

from __future__ import annotations

from decimal import Decimal

import anyio

from lemft_async.payin import PayinOrder, minor_to_rupees, rupees_to_minor
from lemft_async.payin.sandbox import PayinSandbox


async def run(sandbox: PayinSandbox) -> PayinOrder:
    """Create a pay-in, wait until the sandbox settles it, and return the queried order."""
    async with sandbox.client() as payin:
        created = await payin.create_order(
            amount=rupees_to_minor(Decimal("100")),
            notify_url="https://merchant.example/payin/notify",
            phone_number="6888889999",
            payer_email="payer@example.com",
            account_name="Asha Verma",
            remark="example order",
        )
        pay_url = created.pay_params.pay_url if created.pay_params else None
        print(f"created  {created.mch_order_no} -> {created.pay_order_id}; pay at {pay_url}")

        await sandbox.wait_idle()  # the sandbox "payer" pays after pay_delay (time-scaled)

        order = await payin.query_order(mch_order_no=created.mch_order_no)
        status = getattr(order.status, "name", order.status)
        amount = minor_to_rupees(order.amount) if order.amount is not None else None
        print(f"queried  {order.pay_order_id}: status={status} paid={order.is_paid} ₹{amount}")
        return order


async def main() -> None:
    async with PayinSandbox() as sandbox:
        order = await run(sandbox)
    print("paid" if order.is_paid else "not paid")


if __name__ == "__main__":
    anyio.run(main)
