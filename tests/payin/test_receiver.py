"""The receiver helper: query and form params, exact ``success``, once per event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from lemft_async.payin import (
    AsyncPayin,
    Notification,
    NotificationReceiver,
    sign,
    starlette_endpoint,
)
from lemft_async.payin._receiver import merge_params
from lemft_async.webhooks import MemoryDedupStore, Reply

from .conftest import MCH_ID, SECRET

CALLBACK = {
    "payOrderId": "Le1",
    "mchOrderNo": "M1",
    "mchId": MCH_ID,
    "amount": "20000",
    "status": "2",
    "backType": "2",
    "paySuccTime": "1768445162000",
}


def signed(params: dict[str, str]) -> dict[str, str]:
    return {**params, "sign": sign(params, SECRET)}


@dataclass
class Handler:
    seen: list[Notification] = field(default_factory=list)
    fail_next: int = 0
    gate: anyio.Event | None = None

    async def __call__(self, notification: Notification) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("database down")
        self.seen.append(notification)


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
async def http(handler: Handler) -> AsyncIterator[httpx.AsyncClient]:
    payin = AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url="https://gw.invalid")
    app = Starlette(
        routes=[Route("/notify", starlette_endpoint(payin, handler), methods=["GET", "POST"])]
    )
    transport = httpx.ASGITransport(app=app)
    async with payin, httpx.AsyncClient(transport=transport, base_url="https://me") as client:
        yield client


async def test_query_params_on_post(http: httpx.AsyncClient, handler: Handler) -> None:
    response = await http.post("/notify?" + urlencode(signed(CALLBACK)))
    assert response.status_code == 200
    assert response.content == b"success"
    assert response.headers["content-type"].startswith("text/plain")
    assert [n.mch_order_no for n in handler.seen] == ["M1"]


async def test_form_params(http: httpx.AsyncClient, handler: Handler) -> None:
    response = await http.post("/notify", data=signed(CALLBACK))
    assert response.content == b"success"
    assert len(handler.seen) == 1


async def test_get(http: httpx.AsyncClient, handler: Handler) -> None:
    response = await http.get("/notify", params=signed(CALLBACK))
    assert response.content == b"success"
    assert len(handler.seen) == 1


async def test_split_between_query_and_form(http: httpx.AsyncClient, handler: Handler) -> None:
    params = signed(CALLBACK)
    query = {k: v for k, v in params.items() if k in ("payOrderId", "sign")}
    form = {k: v for k, v in params.items() if k not in query}
    response = await http.post("/notify?" + urlencode(query), data=form)
    assert response.content == b"success"
    assert len(handler.seen) == 1


async def test_redelivery_is_answered_success_once_processed(
    http: httpx.AsyncClient, handler: Handler
) -> None:
    params = signed(CALLBACK)
    completed = signed({**CALLBACK, "status": "3"})  # after the ack the gateway says 3
    for body in (params, params, completed):
        response = await http.post("/notify?" + urlencode(body))
        assert response.content == b"success"
    assert len(handler.seen) == 1


async def test_forged_callback_is_never_acknowledged(
    http: httpx.AsyncClient, handler: Handler
) -> None:
    forged = {**signed(CALLBACK), "amount": "99999900"}
    response = await http.post("/notify?" + urlencode(forged))
    assert response.status_code == 401
    assert response.text != "success"
    missing = await http.post("/notify?" + urlencode(CALLBACK))
    assert missing.status_code == 401
    assert handler.seen == []


async def test_conflicting_duplicate_params_are_refused(
    http: httpx.AsyncClient, handler: Handler
) -> None:
    params = signed(CALLBACK)
    response = await http.post("/notify?" + urlencode(params), data={"amount": "1"})
    assert response.status_code == 401
    same = await http.post("/notify?" + urlencode(params), data={"amount": params["amount"]})
    assert same.content == b"success"
    assert len(handler.seen) == 1


async def test_handler_failure_is_retried_by_the_gateway(
    http: httpx.AsyncClient, handler: Handler
) -> None:
    handler.fail_next = 1
    first = await http.post("/notify?" + urlencode(signed(CALLBACK)))
    assert first.status_code == 500
    assert first.text != "success"
    second = await http.post("/notify?" + urlencode(signed(CALLBACK)))
    assert second.content == b"success"
    assert len(handler.seen) == 1


async def test_concurrent_redelivery_while_in_progress(
    http: httpx.AsyncClient, handler: Handler
) -> None:
    handler.gate = anyio.Event()
    url = "/notify?" + urlencode(signed(CALLBACK))
    answers: list[httpx.Response] = []

    async def deliver() -> None:
        answers.append(await http.post(url))

    async with anyio.create_task_group() as tg:
        tg.start_soon(deliver)
        await anyio.wait_all_tasks_blocked()
        second = await http.post(url)
        assert second.status_code == 409
        assert second.text != "success"
        handler.gate.set()
    assert answers[0].content == b"success"
    assert len(handler.seen) == 1


async def test_undecodable_and_non_utf8(http: httpx.AsyncClient, handler: Handler) -> None:
    bad = signed({**CALLBACK, "amount": "lots"})
    response = await http.post("/notify?" + urlencode(bad))
    assert response.status_code == 422
    raw = await http.post(
        "/notify",
        content=b"amount=\xff",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert raw.status_code == 401
    assert handler.seen == []


async def test_oversized_bodies_are_refused(handler: Handler) -> None:
    async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url="https://gw.invalid") as payin:
        endpoint = starlette_endpoint(payin, handler, max_body_size=512)
        app = Starlette(routes=[Route("/notify", endpoint, methods=["POST"])])
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://me") as http:
            big = await http.post("/notify", data={**signed(CALLBACK), "pad": "x" * 600})
            small = await http.post("/notify", data=signed(CALLBACK))
        with pytest.raises(ValueError, match="max_body_size"):
            starlette_endpoint(payin, handler, max_body_size=0)
    assert big.status_code == 413
    assert small.content == b"success"
    assert len(handler.seen) == 1


async def test_json_bodies_are_not_read_as_params(
    http: httpx.AsyncClient, handler: Handler
) -> None:
    response = await http.post("/notify", json=signed(CALLBACK))
    assert response.status_code == 401
    assert handler.seen == []


async def test_framework_free_receiver(handler: Handler) -> None:
    store = MemoryDedupStore()
    async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url="https://gw.invalid") as payin:
        receiver = NotificationReceiver(payin, handler, store=store)
        first = await receiver.handle(signed(CALLBACK))
        again = await receiver.handle(signed(CALLBACK))
    assert isinstance(first, Reply)
    assert (first.status, first.text, first.handled) == (200, "success", True)
    assert (again.status, again.text, again.handled, again.reason) == (
        200,
        "success",
        False,
        "duplicate",
    )
    assert again.event is not None
    key = "lemon:" + again.event.dedup_key
    assert await store.claim(key, "another-token", 60.0) == "done"


async def test_cancelled_handler_releases_its_claim(handler: Handler) -> None:
    async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url="https://gw.invalid") as payin:
        receiver = NotificationReceiver(payin, handler)
        handler.gate = anyio.Event()
        async with anyio.create_task_group() as tg:
            tg.start_soon(receiver.handle, signed(CALLBACK))
            await anyio.wait_all_tasks_blocked()
            busy = await receiver.handle(signed(CALLBACK))
            assert busy.status == 409
            tg.cancel_scope.cancel()
        handler.gate.set()
        result = await receiver.handle(signed(CALLBACK))
    assert result.handled


class BrokenStore:
    """A store whose backend is down (every call raises)."""

    async def claim(self, key: str, token: str, lease: float) -> str:
        raise ConnectionError("store down")

    async def mark_done(self, key: str, token: str, ttl: float) -> None:
        raise ConnectionError("store down")

    async def release(self, key: str, token: str) -> None:
        raise ConnectionError("store down")


class ForgetfulStore(MemoryDedupStore):
    """Claims work; recording and releasing fail."""

    async def mark_done(self, key: str, token: str, ttl: float) -> None:
        raise ConnectionError("store down")

    async def release(self, key: str, token: str) -> None:
        raise ConnectionError("store down")


async def test_store_failures(handler: Handler) -> None:
    async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url="https://gw.invalid") as payin:
        down = NotificationReceiver(payin, handler, store=BrokenStore())  # type: ignore[arg-type]
        unavailable = await down.handle(signed(CALLBACK))
        assert (unavailable.status, unavailable.text) == (503, "store unavailable")
        assert handler.seen == []
        forgetful = NotificationReceiver(payin, handler, store=ForgetfulStore())
        handled = await forgetful.handle(signed(CALLBACK))  # handled: acknowledge anyway
        assert (handled.status, handled.text, handled.handled) == (200, "success", True)
        handler.fail_next = 1
        failed = await forgetful.handle(signed({**CALLBACK, "payOrderId": "Le2"}))
        assert failed.status == 500


async def test_receiver_argument_checks(handler: Handler) -> None:
    with pytest.raises(TypeError, match="parse_notification"):
        NotificationReceiver(object(), handler)  # type: ignore[arg-type]
    async with AsyncPayin(mch_id=MCH_ID, secret=SECRET, base_url="https://gw.invalid") as payin:
        with pytest.raises(TypeError, match="handler"):
            NotificationReceiver(payin, "not callable")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="claim"):
            NotificationReceiver(payin, handler, store=object())  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="lease"):
            NotificationReceiver(payin, handler, lease=0)
        with pytest.raises(ValueError, match="remember"):
            NotificationReceiver(payin, handler, remember=-1.0)


def test_merge_params() -> None:
    assert merge_params([("a", "1")], [("a", "1"), ("b", "2")]) == {"a": "1", "b": "2"}
    from lemft_async import WebhookVerificationError

    with pytest.raises(WebhookVerificationError, match="'a'"):
        merge_params([("a", "1"), ("a", "2")])
