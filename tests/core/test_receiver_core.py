"""The receiver core's guarantees, run through all three receivers (LEMFT, Payin, KeySecure).

Each guarantee has one implementation (``lemft_async._core._receiver``); these tests prove
every API's receiver gets it: the body cap (413 before reading it all), de-duplication of
redeliveries keyed on signed content, and hostile unsigned input answered with a typed 4xx
(no exception, nothing logged at ERROR).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette

from lemft_async._core._receiver import BaseReceiver, Delivery, Reply
from lemft_async.keysecure import AuthReceiver, CallbackVerifier, KeySecureEvent
from lemft_async.keysecure.sandbox import KeySecureSandbox
from lemft_async.payin import Notification, NotificationReceiver, parse_notification, sign
from lemft_async.webhooks import (
    MemoryDedupStore,
    Router,
    WebhookEventBase,
    WebhookReceiver,
    starlette_route,
)
from tests.keysecure.conftest import API_KEY, API_SECRET
from tests.payin.conftest import MCH_ID
from tests.payin.conftest import SECRET as PAYIN_SECRET
from tests.webhooks._helpers import NOW, SECRET, card_body, signed_headers

Headers = list[tuple[bytes, bytes]]


@dataclass
class Wire:
    """One delivery as it arrives over HTTP."""

    body: bytes = b""
    headers: Headers = field(default_factory=list)
    query: bytes = b""
    method: str = "POST"


@dataclass
class Case:
    """A receiver under test, the handler calls it saw, and how to sign a delivery."""

    receiver: BaseReceiver
    seen: list[Any]
    signed: Callable[[int], Wire]


def _pairs(headers: Mapping[str, str]) -> Headers:
    return [(k.lower().encode(), v.encode()) for k, v in headers.items()]


def lemft_case(**options: Any) -> Case:
    seen: list[Any] = []
    router = Router()

    @router.on(WebhookEventBase)
    async def record(event: WebhookEventBase) -> None:
        seen.append(event)

    receiver = WebhookReceiver(router, api_key=SECRET, clock=lambda: NOW, **options)

    def signed(attempt: int) -> Wire:
        body = card_body()
        return Wire(body, _pairs(signed_headers(body, timestamp=NOW + attempt)))

    return Case(receiver, seen, signed)


class _PayinParser:
    def parse_notification(self, params: Mapping[str, object]) -> Notification:
        return parse_notification(params, secret=PAYIN_SECRET, mch_id=MCH_ID)


def payin_case(**options: Any) -> Case:
    seen: list[Any] = []

    async def record(notification: Notification) -> None:
        seen.append(notification)

    receiver = NotificationReceiver(_PayinParser(), record, **options)
    params = {
        "payOrderId": "Le1",
        "mchOrderNo": "M1",
        "mchId": MCH_ID,
        "amount": "20000",
        "status": "2",
        "backType": "2",
        "paySuccTime": "1768445162000",
    }

    def signed(attempt: int) -> Wire:
        # The gateway moves a paid order to 3 once acknowledged: still the same event.
        fields = {**params, "status": "2" if attempt == 0 else "3"}
        return Wire(query=urlencode({**fields, "sign": sign(fields, PAYIN_SECRET)}).encode())

    return Case(receiver, seen, signed)


def keysecure_case(**options: Any) -> Case:
    seen: list[Any] = []

    async def record(event: KeySecureEvent) -> None:
        seen.append(event)

    verifier = CallbackVerifier(app_id=API_KEY, secret=API_SECRET, clock=lambda: NOW)
    receiver = AuthReceiver(verifier, on_event=record, **options)
    sandbox = KeySecureSandbox(api_key=API_KEY, api_secret=API_SECRET, clock=lambda: NOW)
    data = {"consume_no": "T1", "card_no": "C0001", "amount": Decimal("9.99"), "status": "Success"}

    def signed(attempt: int) -> Wire:
        # Each redelivery gets a new (unsigned) id and a new signed Timestamp.
        body, headers = sandbox.build_callback(
            "Consumption", data, timestamp_ms=NOW * 1000 + attempt
        )
        return Wire(body, _pairs(headers))

    return Case(receiver, seen, signed)


CASES = {"lemft": lemft_case, "payin": payin_case, "keysecure": keysecure_case}
apis = pytest.mark.parametrize("make", list(CASES.values()), ids=list(CASES))


async def call_asgi(
    app: BaseReceiver, wire: Wire, chunks: list[bytes] | None = None
) -> tuple[int, bytes, int]:
    """Drive the ASGI app directly; returns (status, body, receive() calls)."""
    pending = list(chunks) if chunks is not None else [wire.body]
    calls = 0

    async def receive() -> MutableMapping[str, Any]:
        nonlocal calls
        calls += 1
        if not pending:
            raise AssertionError("the receiver read past the end of the body")
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": wire.method,
        "path": "/",
        "query_string": wire.query,
        "headers": wire.headers,
    }
    await app(scope, receive, send)
    return sent[0]["status"], sent[1]["body"], calls


# -- body cap -------------------------------------------------------------------------------


@apis
async def test_declared_oversize_body_is_413_without_reading_it(make: Callable[..., Case]) -> None:
    case = make(max_body_size=1024)
    wire = Wire(headers=[(b"content-length", b"999999999")])
    status, _, calls = await call_asgi(case.receiver, wire, chunks=[])
    assert (status, calls) == (413, 0)
    huge = Wire(headers=[(b"content-length", b"9" * 5000)])  # no int() of 5,000 digits
    assert (await call_asgi(case.receiver, huge, chunks=[]))[0] == 413


@apis
async def test_streamed_oversize_body_is_413_after_reading_only_the_cap(
    make: Callable[..., Case],
) -> None:
    case = make(max_body_size=1024)
    chunks = [b"x" * 512] * 100  # 50 KiB offered, no Content-Length
    status, _, calls = await call_asgi(case.receiver, Wire(), chunks=chunks)
    assert status == 413
    assert calls == 3  # stopped as soon as the cap was passed
    direct = await case.receiver.handle_delivery(Delivery(b"x" * 2048))
    assert direct.status == 413
    assert case.seen == []


@apis
def test_default_cap_is_between_256_kib_and_1_mib(make: Callable[..., Case]) -> None:
    assert 256 * 1024 <= make().receiver.max_body_size <= 1 << 20


# -- de-duplication ---------------------------------------------------------------------------


@apis
async def test_three_deliveries_run_the_handler_once(make: Callable[..., Case]) -> None:
    case = make()
    answers = [await call_asgi(case.receiver, case.signed(i)) for i in range(3)]
    assert [status for status, _, _ in answers] == [200, 200, 200]
    assert len({body for _, body, _ in answers}) == 1  # the same acknowledgement each time
    assert len(case.seen) == 1


@apis
async def test_one_store_serves_every_receiver(make: Callable[..., Case]) -> None:
    store = MemoryDedupStore()
    case = make(store=store)
    await call_asgi(case.receiver, case.signed(0))
    assert len(store) == 1  # the receiver's claims went to the shared store
    other = make(store=store)  # e.g. another worker on the same (Redis) store
    status, _, _ = await call_asgi(other.receiver, other.signed(1))
    assert status == 200
    assert other.seen == []


@apis
async def test_the_one_starlette_adapter_serves_every_receiver(make: Callable[..., Case]) -> None:
    case = make()
    app = Starlette(routes=[starlette_route("/cb", case.receiver)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://m.localhost") as http:
        for attempt in range(3):
            wire = case.signed(attempt)
            response = await http.post(
                "/cb?" + wire.query.decode(),
                content=wire.body,
                headers=[(k.decode(), v.decode()) for k, v in wire.headers],
            )
            assert response.status_code == 200
        too_big = await http.post("/cb", content=b"x" * (case.receiver.max_body_size + 1))
    assert too_big.status_code == 413
    assert len(case.seen) == 1


# -- hostile unsigned input ---------------------------------------------------------------------


def _ts(value: bytes) -> Headers:
    # Every API's timestamp/signature header names, with garbage signatures.
    return [
        (b"timestamp", value),
        (b"signature", b"ab" * 32),
        (b"sign-version", b"V1"),
        (b"content-type", b"application/x-www-form-urlencoded"),
    ]


FRESH = str(NOW * 1000).encode()
HOSTILE = {
    "5000-digit timestamp": Wire(b"{}", _ts(b"9" * 5000), b"sign=AB&amount=" + b"9" * 5000),
    "negative timestamp": Wire(b"{}", _ts(b"-1"), b"sign=AB"),
    "deep nesting": Wire(b"[" * 100_000 + b"]" * 100_000, _ts(FRESH)),
    "deep object": Wire(b'{"data":' * 50_000 + b"1" + b"}" * 50_000, _ts(FRESH)),
    "not utf-8": Wire(b"\xff\xfe\x00garbage=\xff", _ts(FRESH), b"%ff%fe=%80"),
    "huge numbers": Wire(
        b'{"id":1,"action":"Consumption","data":{"amount":1e999999999,"fee":' + b"9" * 5000 + b"}}",
        _ts(FRESH),
        b"amount=1e999999999&sign=AB",
    ),
    "binary headers": Wire(b"{}", [(b"timestamp", b"\xff\x00"), (b"signature", b"\x80" * 64)]),
    "duplicate headers": Wire(b"{}", _ts(FRESH) + _ts(b"1")),
    "no headers": Wire(b"amount=1&sign="),
    "many params": Wire(b"&".join(b"a%d=1" % i for i in range(5000)), _ts(FRESH), b"a=1"),
}


@apis
@pytest.mark.parametrize("wire", list(HOSTILE.values()), ids=list(HOSTILE))
async def test_hostile_unsigned_input_is_a_typed_4xx(
    make: Callable[..., Case], wire: Wire, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="lemft_async")
    case = make()
    status, _, _ = await call_asgi(case.receiver, wire)
    assert 400 <= status < 500
    reply = await case.receiver.handle_delivery(_delivery(wire))
    assert isinstance(reply, Reply)
    assert 400 <= reply.status < 500
    assert reply.reason != "malformed"  # a typed verification/payload error, not the net
    assert not reply.acknowledged
    assert case.seen == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info]  # no traceback in the logs


def _delivery(wire: Wire) -> Delivery:
    return Delivery(wire.body, wire.headers, wire.query.decode("latin-1"), wire.method)
