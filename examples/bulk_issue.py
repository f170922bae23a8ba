"""Issue many cards concurrently with ``orders.open_cards``: progress and per-card outcomes.

    python examples/bulk_issue.py

One spec asks for more than the BIN allows, to show that a failure is reported on its
own outcome and does not stop the others.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import anyio

from lemft_async import AsyncLemft
from lemft_async.sandbox import Sandbox

BIN_ID = "cpi_6530de6a2f1c7"  # the sandbox's USD virtual BIN
CARDS = 25


def show_progress(progress: Any) -> None:
    if progress.done % 5 == 0 or progress.done == progress.total:
        print(f"  {progress.done}/{progress.total} done, {progress.failed} failed")


async def bulk_issue(client: AsyncLemft) -> tuple[int, int]:
    """Issue ``CARDS`` cards; returns (succeeded, failed)."""
    specs: list[dict[str, Any]] = [
        {"bin_id": BIN_ID, "amount": Decimal("10.00"), "out_order_id": f"bulk-demo-{i:03d}"}
        for i in range(CARDS)
    ]
    specs[7]["amount"] = Decimal("1000000.00")  # above the BIN's limit: this one fails
    outcomes = await client.orders.open_cards(specs, on_progress=show_progress)
    for outcome in outcomes:
        if outcome.ok and outcome.result is not None:
            order = outcome.result
            if outcome.index < 3:
                print(f"  #{outcome.index}: {order.out_order_id} -> card {order.card_id}")
        else:
            print(f"  #{outcome.index}: {outcome.out_order_id} failed: {outcome.error}")
    succeeded = sum(1 for o in outcomes if o.ok)
    print(f"issued {succeeded} of {len(outcomes)} cards")
    return succeeded, len(outcomes) - succeeded


async def main() -> None:
    async with Sandbox(latency=0.002) as sandbox, sandbox.client() as client:
        succeeded, failed = await bulk_issue(client)
        if (succeeded, failed) != (CARDS - 1, 1):
            raise RuntimeError(f"expected {CARDS - 1} issued and 1 failed")
        print(f"server-side 10004 answers: {sum(sandbox.stats.rejections.values())}")


if __name__ == "__main__":
    anyio.run(main)
