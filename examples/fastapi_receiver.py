"""Receive LEMFT notifications in FastAPI: verify, de-duplicate, dispatch, acknowledge.

Serve it:   LEMFT_API_KEY=... uvicorn examples.fastapi_receiver:app --port 8080
Self-test:  python examples/fastapi_receiver.py
            (signs sample notifications and posts them through httpx's ASGI transport)

The route reads the raw body itself (never a parsed model: re-encoded JSON does not
match the signature) and answers HTTP 200 ``{"code":0,"message":"success"}`` once the
handlers ran; anything else makes LEMFT redeliver. Redeliveries of a handled event are
acknowledged without running the handlers again. With several workers, pass
``store=webhooks.RedisDedupStore.from_url(...)`` so they share the de-duplication.
"""

from __future__ import annotations

import os
import sys
import time
from decimal import Decimal
from typing import Any

import anyio
import httpx
from fastapi import FastAPI, Request, Response

from lemft_async import webhooks
from lemft_async._core._codec import dumps  # exact Decimal JSON, as LEMFT writes numbers
from lemft_async._signing import compute_signature

API_KEY = os.environ.get("LEMFT_API_KEY", "example-secret-not-real")

router = webhooks.Router()
received: list[webhooks.WebhookEventBase] = []


@router.on(webhooks.CardEvent)
async def on_card(event: webhooks.CardEvent) -> None:
    received.append(event)
    card = event.data  # card_no / cvv / pin are here; never print or log them
    print(f"  card {card.card_id}: {event.event_tag}, status={card.status}, balance={card.balance}")


@router.on(webhooks.OrderEvent)
async def on_order(event: webhooks.OrderEvent) -> None:
    received.append(event)
    order = event.data
    print(f"  order {order.order_id}: {event.event_tag}, amount={order.amount} {order.currency}")


receiver = webhooks.WebhookReceiver(router, api_key=API_KEY)
app = FastAPI(title="LEMFT webhook receiver")


@app.post("/lemft/webhooks")
async def lemft_webhooks(request: Request) -> Response:
    """Verify the raw body, dispatch to the router, answer the acknowledgement."""
    return await webhooks.handle_starlette(request, receiver)


def sample_notification(
    tag: str, notify_id: str, payload: dict[str, Any], *, secret: str = API_KEY
) -> tuple[bytes, dict[str, str]]:
    """A notification as LEMFT (inferred format) sends it: JSON body + signed headers."""
    body = dumps({"eventTag": tag, "notify_id": notify_id, **payload})
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "timestamp": timestamp,
        "signature": compute_signature(secret, body, timestamp),
        "eventTag": tag,
    }
    return body, headers


ORDER = {
    "order_id": "ord_5uY0AjUE",
    "out_order_id": "platform_ord_5uY0AjUE",
    "bin_id": "cpi_6530de6a2f1c7",
    "order_type": 1,
    "amount": Decimal("10.00"),
    "fee": Decimal("1.50"),
    "currency": "USD",
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "status": 1,
}
CARD = {
    "card_id": "cid_sxdwXPRxtXt6Ch4n",
    "order_id": "ord_5uY0AjUE",
    "card_no": "4000000000000002",
    "cvv": "000",
    "balance": 10,
    "limit": 10,
    "expiry": "03/28",
    "status": 2,
    "use_at": "2025-03-03 02:42:11",
}


async def self_test() -> list[tuple[str, int, str]]:
    """Post sample deliveries to the app; returns (what, HTTP status, answer message)."""
    deliveries = [
        ("order completed", sample_notification("order.status.completed", "ntf_order_1", ORDER)),
        ("card activated", sample_notification("card.status.active", "ntf_card_1", CARD)),
        (
            "card activated (redelivery)",
            sample_notification("card.status.active", "ntf_card_1", CARD),
        ),
        (
            "forged card event",
            sample_notification("card.status.freeze", "ntf_x", CARD, secret="attacker-not-real"),
        ),
    ]
    results = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver.local") as http:
        for what, (body, headers) in deliveries:
            print(f"POST {what}")
            response = await http.post("/lemft/webhooks", content=body, headers=headers)
            message = response.json()["message"]
            print(f"  -> HTTP {response.status_code} {message}")
            results.append((what, response.status_code, message))
    return results


def main() -> int:
    results = anyio.run(self_test)
    kinds = [type(event).__name__ for event in received]
    print(f"handlers received: {kinds}")
    expected = [200, 200, 200, 401]
    return 0 if [status for _, status, _ in results] == expected else 1


if __name__ == "__main__":
    sys.exit(main())
