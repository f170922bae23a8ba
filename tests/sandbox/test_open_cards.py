"""``orders.open_cards`` end to end against the sandbox: no 10004, one in flight, outcomes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lemft_async import ParamError
from lemft_async.sandbox import Sandbox

from .conftest import OPEN_CARD, USD_VIRTUAL


async def test_fifty_cards_with_latency_no_rejections_one_in_flight() -> None:
    progress: list[Any] = []
    async with Sandbox(latency=0.005) as sandbox:
        client = sandbox.client()
        before = (await client.wallets.list(currency="USD")).items[0].available_balance
        specs = [{"bin_id": USD_VIRTUAL, "amount": Decimal("10.00")} for _ in range(50)]
        outcomes = await client.orders.open_cards(specs, on_progress=progress.append)
        after = (await client.wallets.list(currency="USD")).items[0].available_balance
        assert [o.ok for o in outcomes] == [True] * 50
        assert sum(sandbox.stats.rejections.values()) == 0
        assert sandbox.stats.max_in_flight[OPEN_CARD] == 1
        assert sandbox.stats.requests[OPEN_CARD] == 50
        assert len(sandbox.state.cards) == 50
        total = sum(
            ((o.result.amount or 0) + (o.result.fee or 0) for o in outcomes if o.result),
            Decimal(0),
        )
        assert (before or 0) - (after or 0) == total == Decimal("575.00")
        for outcome in outcomes:
            assert outcome.result is not None
            assert sandbox.state.executions(outcome.result.out_order_id or "") == 1
        sandbox.state.check_conservation()
    assert [p.done for p in progress] == list(range(1, 51))
    assert progress[-1].succeeded == 50


async def test_one_bad_spec_fails_alone_and_outcomes_keep_their_order() -> None:
    async with Sandbox(latency=0.001) as sandbox:
        client = sandbox.client()
        specs: list[dict[str, Any]] = [
            {"bin_id": USD_VIRTUAL, "amount": Decimal("1"), "out_order_id": f"bulk-{i}"}
            for i in range(10)
        ]
        specs[4]["amount"] = Decimal("999999")  # above the BIN's open limit
        outcomes = await client.orders.open_cards(specs, concurrency=3)
        assert [o.ok for o in outcomes] == [i != 4 for i in range(10)]
        assert isinstance(outcomes[4].error, ParamError)
        assert "amount" in outcomes[4].error.message
        assert [o.out_order_id for o in outcomes] == [f"bulk-{i}" for i in range(10)]
        assert sandbox.state.executions("bulk-4") == 0
        assert sum(sandbox.stats.rejections.values()) == 0
        sandbox.state.check_conservation()
