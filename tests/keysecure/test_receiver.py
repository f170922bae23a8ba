"""AuthReceiver: Auth answered within the deadline whatever the handler does; other events."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest
import trio
import trio.testing

from lemft_async import WebhookPayloadError
from lemft_async.keysecure import (
    AsyncKeySecure,
    AuthEvent,
    AuthReceiver,
    AuthReply,
    CallbackVerifier,
    CardUpdateEvent,
    ConsumptionEvent,
    KeySecureEvent,
    callback_reply,
)
from lemft_async.keysecure.sandbox import KeySecureSandbox
from tests.keysecure.conftest import API_KEY, API_SECRET

NOW = 1_716_307_200.0
AUTH_DATA = {
    "consume_no": "T777",
    "card_no": "C0001",
    "cardholder_no": "U0001",
    "type": "Consumption",
    "amount": Decimal("42.00"),
    "local_amount": Decimal("42.00"),
    "local_currency": "USD",
    "merchant_info": {"name": "SHOP"},
    "status": "Pending",
}


def signed(
    action: str = "Auth", data: dict[str, Any] | None = None
) -> tuple[bytes, dict[str, str]]:
    sandbox = KeySecureSandbox(api_key=API_KEY, api_secret=API_SECRET, clock=lambda: NOW)
    return sandbox.build_callback(action, AUTH_DATA if data is None else data)


def verifier() -> CallbackVerifier:
    return CallbackVerifier(app_id=API_KEY, secret=API_SECRET, clock=lambda: NOW)


async def slow_approve(event: AuthEvent) -> AuthReply:
    await anyio.sleep(2)
    raise AssertionError("the handler must have been cancelled at the deadline")


# -- the deadline (virtual time: trio's MockClock jumps instead of waiting) -------------------


def test_handler_sleeping_2s_still_gets_a_reply_before_the_800ms_deadline(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="lemft_async")
    body, headers = signed()
    receiver = AuthReceiver(verifier(), on_auth=slow_approve)  # default deadline 0.8 s
    assert receiver.deadline == 0.8
    sent: list[tuple[float, MutableMapping[str, Any]]] = []

    async def main() -> float:
        start = trio.current_time()
        chunks = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> MutableMapping[str, Any]:
            return chunks.pop(0)

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append((trio.current_time() - start, message))

        scope = {
            "type": "http",
            "method": "POST",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }
        await receiver(scope, receive, send)
        return start

    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))

    (started_at, start_msg), (_, body_msg) = sent
    assert start_msg["status"] == 200
    assert started_at <= receiver.deadline + 1e-9  # the reply went out by the deadline
    assert started_at >= receiver.deadline - 1e-9  # ... after giving the handler all of it
    assert body_msg["body"] == b'{"code":1,"message":"declined by merchant"}'
    assert "T777" in caplog.text
    assert "fallback" in caplog.text
    assert "deadline" in caplog.text
    assert "C0001" not in caplog.text
    assert "42.00" not in caplog.text


def test_handle_reports_the_fallback_outcome_in_virtual_time() -> None:
    body, headers = signed()
    receiver = AuthReceiver(
        verifier(), on_auth=slow_approve, deadline=0.3, fallback=AuthReply.approve()
    )

    async def main() -> tuple[Any, float]:
        start = trio.current_time()
        response = await receiver.handle(body, headers)
        return response, trio.current_time() - start

    response, elapsed = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert elapsed == pytest.approx(0.3)
    assert response.status == 200
    assert response.json() == {"code": 0, "message": ""}
    assert response.reason == "fallback:deadline"


async def test_slow_handler_end_to_end_through_the_sandbox(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sandbox = KeySecureSandbox(api_key=API_KEY, api_secret=API_SECRET)
    async with sandbox.client() as ks:
        receiver = AuthReceiver(ks, on_auth=slow_approve, deadline=0.05)
        sandbox.register_callback(receiver.as_starlette_app())
        response = await sandbox.emit_auth("C0001", Decimal("9.99"))
    assert response.status_code == 200
    assert response.json() == {"code": 1, "message": "declined by merchant"}
    recorded = [c for c in sandbox.state.consumptions.values() if c.amount == Decimal("9.99")]
    assert [c.status for c in recorded] == ["Fail"]


# -- handler answers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (AuthReply.approve(), {"code": 0, "message": ""}),
        (True, {"code": 0, "message": ""}),
        (False, {"code": 1, "message": "declined by merchant"}),
        (AuthReply.decline("limit", code=51), {"code": 51, "message": "limit"}),
    ],
)
async def test_handler_decisions(answer: AuthReply | bool, expected: dict[str, Any]) -> None:
    seen: list[AuthEvent] = []

    async def on_auth(event: AuthEvent) -> AuthReply | bool:
        seen.append(event)
        return answer

    body, headers = signed()
    response = await AuthReceiver(verifier(), on_auth=on_auth).handle(body, headers)
    assert response.json() == expected
    assert response.reason == "handler"
    assert response.handled
    assert seen[0].data.amount == Decimal("42.00")


@pytest.mark.parametrize(
    ("on_auth", "reason"),
    [
        (None, "no handler"),
        ("raise", "handler raised RuntimeError"),
        ("none", "invalid result"),
    ],
)
async def test_fallback_reasons(
    on_auth: str | None, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="lemft_async")

    async def raising(event: AuthEvent) -> AuthReply:
        raise RuntimeError("card C0001 pan 4242424242424242")

    async def returns_none(event: AuthEvent) -> Any:
        return None

    handler = {"raise": raising, "none": returns_none}.get(on_auth or "")
    body, headers = signed()
    response = await AuthReceiver(verifier(), on_auth=handler).handle(body, headers)
    assert response.reason == f"fallback:{reason}"
    assert response.json() == {"code": 1, "message": "declined by merchant"}
    assert reason in caplog.text
    assert "4242424242424242" not in caplog.text


async def test_deadline_already_spent_on_arrival_uses_the_fallback() -> None:
    calls: list[int] = []

    async def on_auth(event: AuthEvent) -> bool:
        calls.append(1)
        return True

    receiver = AuthReceiver(verifier(), on_auth=on_auth, deadline=0.5)
    body, headers = signed()
    response = await receiver._handle(body, headers, anyio.current_time() - 1.0)
    assert response.reason == "fallback:deadline"
    assert calls == []


# -- other events and failures --------------------------------------------------------------


async def test_other_events_are_dispatched_and_acknowledged() -> None:
    seen: list[KeySecureEvent] = []

    async def on_event(event: KeySecureEvent) -> None:
        seen.append(event)

    data = {"card_no": "C0001", "before_status": "Activated", "after_status": "Frozen"}
    body, headers = signed("Card_update", data)
    response = await AuthReceiver(verifier(), on_event=on_event).handle(body, headers)
    assert response.status == 200
    assert response.json() == {"code": 0, "message": ""}
    assert isinstance(seen[0], CardUpdateEvent)
    unhandled = await AuthReceiver(verifier()).handle(body, headers)
    assert unhandled.reason == "ok"


async def test_failing_event_handler_answers_500() -> None:
    async def on_event(event: KeySecureEvent) -> None:
        raise KeyError("boom")

    body, headers = signed("Consumption", {"consume_no": "T1", "card_no": "C1"})
    response = await AuthReceiver(verifier(), on_event=on_event).handle(body, headers)
    assert response.status == 500
    assert response.json()["code"] != 0
    assert response.json()["message"]


async def test_unauthentic_and_undecodable_callbacks() -> None:
    body, headers = signed()
    forged = await AuthReceiver(verifier()).handle(body.replace(b"42.00", b"4200.00"), headers)
    assert forged.status == 401
    assert forged.reason == "bad_signature"
    bad, bad_headers = signed("Auth", {"amount": "lots"})
    undecodable = await AuthReceiver(verifier()).handle(bad, bad_headers)
    assert undecodable.status == 422


# -- ASGI / Starlette plumbing --------------------------------------------------------------


async def test_starlette_app_routes_and_methods() -> None:
    body, headers = signed()

    async def approve(event: AuthEvent) -> bool:
        return True

    app = AuthReceiver(verifier(), on_auth=approve).as_starlette_app("/cb")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://m.localhost") as http:
        ok = await http.post("/cb", content=body, headers=headers)
        missing = await http.post("/other", content=body, headers=headers)
        wrong = await http.get("/cb")
    assert ok.json() == {"code": 0, "message": ""}
    assert missing.status_code == 404
    assert wrong.status_code == 405


async def test_plain_asgi_limits() -> None:
    receiver = AuthReceiver(verifier(), max_body_size=10)
    transport = httpx.ASGITransport(app=receiver)
    async with httpx.AsyncClient(transport=transport, base_url="http://m.localhost") as http:
        assert (await http.get("/")).status_code == 405
        too_big = await http.post("/", content=b"x" * 11)
        assert too_big.status_code == 413


async def test_lifespan_and_other_scopes() -> None:
    receiver = AuthReceiver(verifier())
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return messages.pop(0)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await receiver({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    await receiver({"type": "websocket"}, receive, send)
    assert sent[2] == {"type": "websocket.close", "code": 1008}  # refused, not left hanging


# -- construction and reply helpers -----------------------------------------------------------


def test_receiver_configuration_is_checked() -> None:
    with pytest.raises(ValueError, match="deadline"):
        AuthReceiver(verifier(), deadline=0)
    with pytest.raises(TypeError, match="fallback"):
        AuthReceiver(verifier(), fallback={"code": 0})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="construct_event"):
        AuthReceiver(object())  # type: ignore[arg-type]
    client = AsyncKeySecure(api_key=API_KEY, api_secret=API_SECRET, environment="sandbox")
    assert AuthReceiver(client).fallback == AuthReply.decline()


def test_reply_helpers() -> None:
    assert callback_reply() == {"code": 0, "message": ""}
    assert callback_reply(code=2, message="busy") == {"code": 2, "message": "busy"}
    with pytest.raises(ValueError, match="message is required"):
        callback_reply(code=2)
    with pytest.raises(TypeError, match="code"):
        callback_reply(code=True)
    with pytest.raises(ValueError, match="non-zero"):
        AuthReply.decline(code=0)
    with pytest.raises(ValueError, match="message is required"):
        AuthReply(code=3)
    assert AuthReply.approve().approved
    assert not AuthReply.decline().approved


# -- documented callback shapes (reference §2.10) ---------------------------------------------

DOCUMENTED_AUTH = {
    **AUTH_DATA,
    "merchant_info": {
        "merchant_name": "SHOP",
        "merchant_mcc": "5814",
        "city": "NEW YORK",
        "country": "US",
    },
    "time": 1716307200123,
}


@pytest.mark.parametrize(
    "fee_detail",
    [
        [{"fee_type": "Auth_fee", "amount": "0.10"}, {"fee_type": "Exchange_fee", "amount": "0.2"}],
        {"consume_rate": "0.015"},
        [],
        None,
    ],
    ids=["array", "object", "empty array", "null"],
)
async def test_auth_with_documented_shapes_is_decided_by_the_handler(fee_detail: Any) -> None:
    """An array ``fee_detail`` used to fail decoding, so a real authorization was declined."""
    seen: list[AuthEvent] = []

    async def approve(event: AuthEvent) -> AuthReply:
        seen.append(event)
        return AuthReply.approve()

    body, headers = signed(data={**DOCUMENTED_AUTH, "fee_detail": fee_detail})
    reply = await AuthReceiver(verifier(), on_auth=approve).handle(body, headers)
    assert (reply.status, reply.reason) == (200, "handler")
    assert reply.json() == {"code": 0, "message": ""}
    data = seen[0].data
    assert data.time == 1716307200123
    assert data.merchant_info is not None
    assert not isinstance(data.merchant_info, dict)
    assert data.merchant_info.merchant_name == "SHOP"
    assert data.merchant_info.merchant_mcc == "5814"
    assert (data.merchant_info.city, data.merchant_info.country) == ("NEW YORK", "US")
    if isinstance(fee_detail, list) and fee_detail:
        assert isinstance(data.fee_detail, list)
        assert [getattr(f, "amount", None) for f in data.fee_detail] == [
            Decimal("0.10"),
            Decimal("0.2"),
        ]
    elif isinstance(fee_detail, dict):
        assert data.fee_detail == {"consume_rate": "0.015"}  # kept as sent


async def test_auth_with_unexpected_nested_shapes_is_still_decided_by_the_handler() -> None:
    """Undocumented shapes are kept as sent: never a decline for a decoding detail."""
    seen: list[AuthEvent] = []

    async def approve(event: AuthEvent) -> bool:
        seen.append(event)
        return True

    odd = {**DOCUMENTED_AUTH, "fee_detail": [1, "x"], "merchant_info": "SHOP NEW YORK"}
    body, headers = signed(data=odd)
    reply = await AuthReceiver(verifier(), on_auth=approve).handle(body, headers)
    assert reply.json() == {"code": 0, "message": ""}
    data: Any = seen[0].data  # kept as sent: outside the declared types on purpose
    assert data.fee_detail == [1, "x"]
    assert data.merchant_info == "SHOP NEW YORK"


async def test_sandbox_auth_has_the_documented_shape_and_is_approved() -> None:
    sandbox = KeySecureSandbox(api_key=API_KEY, api_secret=API_SECRET)
    seen: list[AuthEvent] = []

    async def approve(event: AuthEvent) -> AuthReply:
        seen.append(event)
        return AuthReply.approve()

    async with sandbox.client() as ks:
        receiver = AuthReceiver(ks, on_auth=approve)
        sandbox.register_callback(receiver.as_starlette_app())
        response = await sandbox.emit_auth("C0001", Decimal("3.50"))
    assert response.json() == {"code": 0, "message": ""}
    data = seen[0].data
    assert isinstance(data.fee_detail, list)
    assert data.fee_detail
    assert data.time is not None
    assert data.time > 10**12
    assert data.merchant_info is not None
    assert not isinstance(data.merchant_info, str | dict)
    assert data.merchant_info.merchant_name == "SANDBOX COFFEE"


async def test_consumption_fee_detail_array_is_typed_and_an_object_is_an_array_of_one() -> None:
    events: list[KeySecureEvent] = []

    async def record(event: KeySecureEvent) -> None:
        events.append(event)

    receiver = AuthReceiver(verifier(), on_event=record)
    fees = [{"fee_type": "Consume_fee", "amount": "0.60"}, {"fee_type": "Atm_fee", "amount": "1"}]
    base = {
        "consume_no": "T1",
        "card_no": "C1",
        "fee": "1.60",
        "time": "1716307200000",
        "status": "Success",
    }
    for consume_no, fee_detail in (("T1", fees), ("T2", fees[0])):
        body, headers = signed(
            "Consumption", {**base, "consume_no": consume_no, "fee_detail": fee_detail}
        )
        assert (await receiver.handle(body, headers)).status == 200
    first, second = (e.data for e in events if isinstance(e, ConsumptionEvent))
    assert first.fee_detail is not None
    assert second.fee_detail is not None
    assert sum(f.amount or 0 for f in first.fee_detail) == first.fee
    assert [f.fee_type for f in first.fee_detail] == ["Consume_fee", "Atm_fee"]
    assert first.time == 1716307200000
    assert [f.amount for f in second.fee_detail] == [Decimal("0.60")]


# -- required callback fields -----------------------------------------------------------------


@pytest.mark.parametrize(
    "missing", ["amount", "consume_no", "card_no"], ids=lambda name: f"no-{name}"
)
async def test_an_auth_without_a_required_field_never_reaches_the_handler(missing: str) -> None:
    called: list[AuthEvent] = []

    async def approve(event: AuthEvent) -> AuthReply:
        called.append(event)
        return AuthReply.approve()

    body, headers = signed("Auth", {k: v for k, v in AUTH_DATA.items() if k != missing})
    with pytest.raises(WebhookPayloadError, match=missing):
        verifier().construct_event(body, headers)
    reply = await AuthReceiver(verifier(), on_auth=approve).handle(body, headers)
    assert reply.status == 422  # not approved: the platform's strategy decides
    assert called == []


async def test_an_auth_amount_is_a_decimal_for_the_handler() -> None:
    body, headers = signed("Auth")
    event = verifier().construct_event(body, headers)
    assert isinstance(event, AuthEvent)
    amount: Decimal = event.data.amount  # typed Decimal, not Decimal | None
    consume_no: str = event.data.consume_no
    assert (amount, consume_no) == (Decimal("42.00"), "T777")
