"""Receive LEMFT notifications in FastAPI: verify, de-duplicate, dispatch, acknowledge.

Serve it:   LEMFT_API_KEY=... uvicorn examples.fastapi_receiver:app --port 8080
Self-test:  python examples/fastapi_receiver.py
            (signs sample notifications with ``webhooks.sign`` and posts them through
            httpx's ASGI transport; in your own tests, ``Sandbox.deliver`` does both)

The route reads the raw body itself (never a parsed model: re-encoded JSON does not
match the signature) and answers HTTP 200 ``{"code":0,"message":"success"}`` once the
handlers ran; anything else makes LEMFT redeliver. Redeliveries of a handled event are
acknowledged without running the handlers again. With several workers, pass
``store=webhooks.RedisDedupStore.from_url(...)`` so they share the de-duplication.
"""

from __future__ import annotations

import os
import sys

import anyio
import httpx
from fastapi import FastAPI, Request, Response

from lemft_async import webhooks

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
    tag: str, notify_id: str, payload: bytes, *, secret: str = API_KEY
) -> tuple[bytes, dict[str, str]]:
    """A notification as LEMFT (inferred format) sends it: JSON body + signed headers.

    ``payload`` is the JSON text of the fields (numbers written as LEMFT writes them,
    ``10.00``); ``webhooks.sign`` gives the headers, the exact inverse of ``verify``.
    """
    head = f'{{"eventTag":"{tag}","notify_id":"{notify_id}",'.encode()
    body = head + payload.removeprefix(b"{")
    return body, webhooks.sign(body, secret, event_tag=tag)


ORDER = (
    b'{"order_id":"ord_5uY0AjUE","out_order_id":"platform_ord_5uY0AjUE",'
    b'"bin_id":"cpi_6530de6a2f1c7","order_type":1,"amount":10.00,"fee":1.50,'
    b'"currency":"USD","card_id":"cid_sxdwXPRxtXt6Ch4n","status":1}'
)
CARD = (
    b'{"card_id":"cid_sxdwXPRxtXt6Ch4n","order_id":"ord_5uY0AjUE",'
    b'"card_no":"4000000000000002","cvv":"000","balance":10,"limit":10,"expiry":"03/28",'
    b'"status":2,"use_at":"2025-03-03 02:42:11"}'
)


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
