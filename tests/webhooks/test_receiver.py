"""The receiver as an ASGI app (through httpx's ASGI transport) and its answers."""

from __future__ import annotations

import json
import logging
from collections.abc import MutableMapping
from typing import Any

import anyio
import httpx
import pytest

from lemft_async import webhooks
from lemft_async.webhooks import ACK_BODY, CardEvent, Router, WebhookReceiver

from ._helpers import CVV, NOW, OTHER_SECRET, PAN, SECRET, card_body, signed_headers


def make_receiver(**options: Any) -> tuple[WebhookReceiver, list[webhooks.WebhookEventBase]]:
    router = Router()
    seen: list[webhooks.WebhookEventBase] = []

    @router.on(webhooks.WebhookEventBase)
    async def record(event: webhooks.WebhookEventBase) -> None:
        if event.event_tag == "card.status.lost":
            raise RuntimeError(f"cannot handle card {getattr(event.data, 'card_no', '')}")
        seen.append(event)

    options.setdefault("clock", lambda: NOW)
    return WebhookReceiver(router, api_key=SECRET, **options), seen


async def post(
    app: Any, body: bytes, headers: dict[str, str], method: str = "POST"
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver.test") as http:
        return await http.request(method, "/hooks", content=body, headers=headers)


async def test_authentic_delivery_is_acknowledged_with_the_documented_body() -> None:
    receiver, seen = make_receiver()
    body = card_body()
    response = await post(
        receiver, body, {**signed_headers(body), "Content-Type": "application/json"}
    )
    assert response.status_code == 200
    assert response.content == ACK_BODY == b'{"code":0,"message":"success"}'
    assert response.headers["content-type"] == "application/json"
    assert len(seen) == 1
    assert isinstance(seen[0], CardEvent)
    assert seen[0].data.card_no == PAN


def _stale(body: bytes) -> dict[str, str]:
    return signed_headers(body, timestamp=NOW - 301)


def _future(body: bytes) -> dict[str, str]:
    return signed_headers(body, timestamp=NOW + 301)


def _forged(body: bytes) -> dict[str, str]:
    return signed_headers(body, secret=OTHER_SECRET)


def _no_signature(body: bytes) -> dict[str, str]:
    return {"timestamp": str(NOW)}


def _bad_timestamp(body: bytes) -> dict[str, str]:
    return signed_headers(body, timestamp="soon")


ANSWERS = [
    ("forged", card_body(), _forged, 401, "bad_signature"),
    ("missing header", card_body(), _no_signature, 401, "missing_header"),
    ("stale", card_body(), _stale, 400, "stale"),
    ("future", card_body(), _future, 400, "future"),
    ("bad timestamp", card_body(), _bad_timestamp, 400, "bad_timestamp"),
    ("authentic but not JSON", b"{oops", signed_headers, 422, "not_json"),
    ("authentic, invalid field", card_body(balance="ten"), signed_headers, 422, "invalid_data"),
    ("handler raised", card_body(tag="card.status.lost"), signed_headers, 500, "handler_error"),
]


@pytest.mark.parametrize(
    ("body", "headers_for", "status", "message"),
    [a[1:] for a in ANSWERS],
    ids=[a[0] for a in ANSWERS],
)
async def test_failures_are_not_acknowledged(
    body: bytes, headers_for: Any, status: int, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="lemft_async")
    receiver, seen = make_receiver()
    response = await post(receiver, body, headers_for(body))
    assert response.status_code == status
    assert response.json() == {"code": 1, "message": message}
    assert seen == []
    # Neither the answer nor the logs carry secrets, signatures, card data or the body.
    logged = "\n".join(
        [r.getMessage() for r in caplog.records] + [str(r.exc_info) for r in caplog.records]
    )
    for text in (response.text, logged):
        for secret in (SECRET, OTHER_SECRET, PAN, CVV, headers_for(body).get("signature", "-")):
            assert secret not in text


async def test_unknown_tags_are_acknowledged() -> None:
    receiver, seen = make_receiver()
    body = card_body(tag="card.renamed.someday")
    response = await post(receiver, body, signed_headers(body))
    assert response.status_code == 200
    assert seen[0].event_tag == "card.renamed.someday"


async def test_events_without_handler_are_acknowledged() -> None:
    receiver = WebhookReceiver(Router(), api_key=SECRET, clock=lambda: NOW)
    body = card_body()
    reply = await receiver.handle(body, signed_headers(body))
    assert reply.acknowledged
    assert reply.reason == "ok"


async def test_pinned_kind_route() -> None:
    receiver, seen = make_receiver(kind="card")
    body = card_body(tag=None)
    assert (await post(receiver, body, signed_headers(body))).status_code == 200
    assert isinstance(seen[0], CardEvent)
    body = card_body(tag="order.status.completed")
    response = await post(receiver, body, signed_headers(body))
    assert response.status_code == 422
    assert response.json()["message"] == "kind_mismatch"


async def test_rotation_secrets_in_the_receiver() -> None:
    router = Router()
    receiver = WebhookReceiver(router, api_key=[SECRET, OTHER_SECRET], clock=lambda: NOW)
    body = card_body()
    assert (await post(receiver, body, _forged(body))).status_code == 200


async def test_get_is_not_allowed() -> None:
    receiver, _ = make_receiver()
    response = await post(receiver, b"", {}, method="GET")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_declared_oversized_body_is_refused_before_reading() -> None:
    receiver, seen = make_receiver(max_body_size=100)
    body = card_body()
    response = await post(receiver, body, signed_headers(body))
    assert response.status_code == 413
    assert seen == []
    reply = await receiver.handle(body, signed_headers(body))
    assert reply.status == 413


Message = MutableMapping[str, Any]


async def call_asgi(app: Any, scope: dict[str, Any], incoming: list[Message]) -> list[Message]:
    sent: list[Message] = []
    queue = list(incoming)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def http_scope(headers: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }


async def test_chunked_body_is_joined_before_verification() -> None:
    receiver, seen = make_receiver()
    body = card_body()
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    incoming: list[Message] = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent = await call_asgi(receiver, http_scope(signed_headers(body)), incoming)
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == ACK_BODY
    assert len(seen) == 1


async def test_unreadable_content_length_falls_back_to_counting() -> None:
    receiver, seen = make_receiver()
    body = card_body()
    scope = http_scope(signed_headers(body))
    scope["headers"].append((b"content-length", b"lots"))
    sent = await call_asgi(receiver, scope, [{"type": "http.request", "body": body}])
    assert sent[0]["status"] == 200
    assert len(seen) == 1


async def test_streamed_oversized_body_is_cut_off() -> None:
    receiver, seen = make_receiver(max_body_size=64)
    incoming: list[Message] = [{"type": "http.request", "body": b"x" * 50, "more_body": True}] * 3
    sent = await call_asgi(receiver, http_scope({}), incoming)
    assert sent[0]["status"] == 413
    assert seen == []


async def test_client_gone_before_the_body_ended_gets_no_answer() -> None:
    receiver, seen = make_receiver()
    incoming: list[Message] = [
        {"type": "http.request", "body": b"{", "more_body": True},
        {"type": "http.disconnect"},
    ]
    assert await call_asgi(receiver, http_scope({}), incoming) == []
    assert seen == []


async def test_lifespan_and_websocket_scopes() -> None:
    receiver, _ = make_receiver()
    sent = await call_asgi(
        receiver,
        {"type": "lifespan"},
        [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}],
    )
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    sent = await call_asgi(receiver, {"type": "websocket"}, [{"type": "websocket.connect"}])
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_a_delivery_under_trio() -> None:
    receiver, seen = make_receiver()
    body = card_body()

    async def main() -> webhooks.Reply:
        return await receiver.handle(body, signed_headers(body))

    reply = anyio.run(main, backend="trio")
    assert reply.acknowledged
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"router": object()}, TypeError),
        ({"store": object()}, TypeError),
        ({"scheme": "hex"}, TypeError),
        ({"kind": "cards"}, ValueError),
        ({"lease": 0}, ValueError),
        ({"remember": -1}, ValueError),
        ({"max_body_size": 0}, ValueError),
        ({"api_key": ""}, ValueError),
        ({"tolerance": -5}, ValueError),
        ({"on_error": "log"}, TypeError),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else v.__name__,
)
def test_receiver_validates_its_configuration(
    options: dict[str, Any], error: type[Exception]
) -> None:
    settings: dict[str, Any] = {"router": Router(), "api_key": SECRET, **options}
    router = settings.pop("router")
    with pytest.raises(error):
        WebhookReceiver(router, **settings)


async def test_on_error_hook_gets_the_handler_exception() -> None:
    reported: list[tuple[str | None, str]] = []
    receiver, _ = make_receiver(
        on_error=lambda event, exc: reported.append((event.event_tag, str(exc)))
    )
    body = card_body(tag="card.status.lost")
    reply = await receiver.handle(body, signed_headers(body))
    assert reply.status == 500
    assert reported == [("card.status.lost", f"cannot handle card {PAN}")]


async def test_a_failing_on_error_hook_does_not_change_the_answer() -> None:
    def broken(event: webhooks.WebhookEventBase, exc: Exception) -> None:
        raise ValueError("hook bug")

    receiver, _ = make_receiver(on_error=broken)
    body = card_body(tag="card.status.lost")
    assert (await receiver.handle(body, signed_headers(body))).status == 500


def test_receiver_repr_hides_the_secret() -> None:
    receiver, _ = make_receiver()
    assert SECRET not in repr(receiver)
    assert "api_key=***" in repr(receiver)


def test_error_bodies_are_json() -> None:
    reply = webhooks.Reply(401, json.dumps({"code": 1}).encode(), "bad_signature")
    assert not reply.acknowledged
