"""The sandbox (and the SDK through it) also runs under trio: anyio only, no asyncio APIs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import anyio

from lemft_async.sandbox import Sandbox

from .conftest import USD_VIRTUAL, WALLET_LIST

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def test_latency_faults_and_notifications_under_trio(no_sleep: list[float]) -> None:
    async def scenario() -> tuple[int, int, int, str]:
        async with Sandbox(latency=0.002, clock=lambda: 1_700_000_000.0) as sandbox:
            client = sandbox.client()
            received: list[bytes] = []

            async def receiver(scope: dict[str, Any], receive: Receive, send: Send) -> None:
                body = b""
                while True:  # read to the end, so the request stream is exhausted
                    message = await receive()
                    body += message.get("body", b"")
                    if not message.get("more_body"):
                        break
                received.append(body)
                await send({"type": "http.response.start", "status": 200, "headers": []})
                await send({"type": "http.response.body", "body": b""})

            sandbox.add_webhook(receiver)
            sandbox.inject("drop", operation="wallets.list")

            async def read() -> None:
                await client.wallets.list()

            async with anyio.create_task_group() as tg:
                for _ in range(5):
                    tg.start_soon(read)
            order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("3"))
            await sandbox.run_due()
            sandbox.state.check_conservation()
            return (
                sandbox.stats.requests[WALLET_LIST],
                sandbox.stats.rejections[WALLET_LIST],
                len(received),
                order.card_id or "",
            )

    requests, rejections, delivered, card_id = anyio.run(scenario, backend="trio")
    assert (requests, rejections, delivered) == (6, 0, 4)  # one dropped read was retried
    assert card_id.startswith("cid_")
    assert len(no_sleep) == 1  # the backoff before the retried read
