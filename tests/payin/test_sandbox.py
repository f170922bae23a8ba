"""The Payin sandbox: gateway rules, settlement, signed callbacks and their redelivery."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from lemft_async.payin import (
    AsyncPayin,
    Notification,
    PayinError,
    PayinNotification,
    PayinStatus,
    PayoutNotification,
    PayoutStatus,
    parse_notification,
    signature_matches,
    starlette_endpoint,
)
from lemft_async.payin.sandbox import REDELIVERY_SCHEDULE, PayinRecord, PayinSandbox

NOTIFY = "https://merchant.example/payin/notify"


@dataclass
class ScriptedReceiver:
    """An ASGI receiver answering from a script (then ``success``); records what arrived."""

    answers: list[str] = field(default_factory=list)
    received: list[dict[str, str]] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)

    async def endpoint(self, request: Request) -> Response:
        body = (await request.body()).decode()
        self.styles.append("form" if body else "query")
        params = dict(request.query_params) | dict(parse_qsl(body))
        self.received.append(params)
        return PlainTextResponse(self.answers.pop(0) if self.answers else "success")

    @property
    def app(self) -> Starlette:
        return Starlette(routes=[Route("/payin/notify", self.endpoint, methods=["POST"])])


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the redelivery waits instead of sleeping through them."""
    import lemft_async.payin.sandbox._callbacks as callbacks

    recorded: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(callbacks, "_sleep", fake_sleep)
    return recorded


async def _create(client: AsyncPayin, amount: int = 10000, number: str | None = None) -> str:
    created = await client.create_order(amount=amount, notify_url=NOTIFY, mch_order_no=number)
    assert created.mch_order_no is not None
    return created.mch_order_no


async def test_paid_flow_with_callback_and_ack() -> None:
    seen: list[Notification] = []

    async def handler(notification: Notification) -> None:
        seen.append(notification)

    sandbox = PayinSandbox(time_scale=0)
    client = sandbox.client()
    endpoint = starlette_endpoint(client, handler)
    sandbox.receiver = Starlette(routes=[Route("/payin/notify", endpoint, methods=["POST"])])
    async with sandbox, client:
        number = await _create(client)
        assert sandbox.payins[number].status is PayinStatus.CREATED
        await sandbox.wait_idle()
        order = await client.query_order(mch_order_no=number)
    assert order.status is PayinStatus.COMPLETED  # 2 -> 3 once acknowledged
    assert order.is_paid
    assert order.channel_pay_no
    [note] = seen
    assert isinstance(note, PayinNotification)
    assert (note.status, note.amount, note.mch_order_no) == (PayinStatus.PAID, 10000, number)
    [callback] = sandbox.outbox
    assert callback.acknowledged
    assert [a.body for a in callback.attempts] == ["success"]


async def test_failed_outcome_by_amount() -> None:
    def decide(record: PayinRecord) -> PayinStatus:
        return PayinStatus.FAILED if record.amount == 66600 else PayinStatus.PAID

    sandbox = PayinSandbox(time_scale=0, payin_outcome=decide)
    async with sandbox, sandbox.client() as client:
        failed = await _create(client, amount=66600)
        paid = await _create(client, amount=10000)
        await sandbox.wait_idle()
        bad = await client.query_order(mch_order_no=failed)
        good = await client.query_order(mch_order_no=paid)
    assert bad.status is PayinStatus.FAILED
    assert bad.is_failed
    assert bad.error_message
    assert good.status is PayinStatus.PAID  # no receiver: nobody acknowledged
    # Without a receiver the callbacks are only kept, signed, in the outbox.
    assert [c.attempts for c in sandbox.outbox] == [[], []]
    for callback in sandbox.outbox:
        assert signature_matches(callback.params, sandbox.secret)
        note = parse_notification(callback.params, secret=sandbox.secret)
        assert note.mch_order_no in (failed, paid)


async def test_redelivery_schedule_is_scaled(waits: list[float]) -> None:
    receiver = ScriptedReceiver(answers=["fail"] * 6)
    sandbox = PayinSandbox(time_scale=0.5, receiver=receiver.app, payin_outcome=None)
    async with sandbox, sandbox.client() as client:
        number = await _create(client)
        sandbox.settle_payin(number)
        await sandbox.wait_idle()
    [callback] = sandbox.outbox
    assert len(callback.attempts) == 6
    assert not callback.acknowledged
    expected = [s * 0.5 for s in REDELIVERY_SCHEDULE]
    assert expected == [30.0, 60.0, 90.0, 120.0, 150.0]
    assert waits == expected
    assert [a.waited for a in callback.attempts] == [0.0, *expected]
    assert sandbox.payins[number].status is PayinStatus.PAID  # never acknowledged


@pytest.mark.parametrize(
    ("answers", "attempts", "acked"),
    [
        (["fail", "error", "success"], 3, True),
        (["SUCCESS"], 1, True),  # the gateway compares ignoring case
        ([" success"] * 6, 6, False),  # ... but does not trim
        (["success\n"] * 6, 6, False),
    ],
)
async def test_acknowledgement_rules(
    waits: list[float], answers: list[str], attempts: int, acked: bool
) -> None:
    receiver = ScriptedReceiver(answers=list(answers))
    sandbox = PayinSandbox(receiver=receiver.app, payin_outcome=None)
    async with sandbox, sandbox.client() as client:
        sandbox.settle_payin(await _create(client))
        await sandbox.wait_idle()
    [callback] = sandbox.outbox
    assert len(callback.attempts) == attempts
    assert callback.acknowledged is acked
    assert len(waits) == attempts - 1


@pytest.mark.parametrize("style", ["query", "form"])
async def test_callback_styles(style: Any) -> None:
    receiver = ScriptedReceiver()
    sandbox = PayinSandbox(time_scale=0, receiver=receiver.app, callback_style=style)
    async with sandbox, sandbox.client() as client:
        await _create(client)
        await sandbox.wait_idle()
    assert receiver.styles == [style]
    [params] = receiver.received
    assert signature_matches(params, sandbox.secret)


async def test_execute_notify_resends_a_settled_order() -> None:
    receiver = ScriptedReceiver()
    sandbox = PayinSandbox(time_scale=0, receiver=receiver.app)
    async with sandbox, sandbox.client() as client:
        number = await _create(client)
        await sandbox.wait_idle()
        await client.query_order(mch_order_no=number, execute_notify=False)
        await sandbox.wait_idle()
        assert len(receiver.received) == 1
        await client.query_order(mch_order_no=number, execute_notify=True)
        await sandbox.wait_idle()
    assert [p["status"] for p in receiver.received] == ["2", "3"]


async def test_pending_order_is_not_notified_on_execute_notify() -> None:
    sandbox = PayinSandbox(payin_outcome=None)
    async with sandbox.client() as client:  # not entered: nothing needs to run
        number = await _create(client)
        order = await client.query_order(mch_order_no=number, execute_notify=True)
    assert order.status is PayinStatus.CREATED
    assert sandbox.outbox == []


async def test_settlement_waits_pay_delay_times_time_scale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lemft_async.payin.sandbox._sandbox as module

    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr(module, "_sleep", fake_sleep)
    sandbox = PayinSandbox(time_scale=0.25, pay_delay=8, payout_delay=4)
    async with sandbox, sandbox.client() as client:
        await _create(client)
        await client.apply_payout(
            amount=10000, account_no="123", extra={"value": "IFSC"}, notify_url=NOTIFY
        )
        await sandbox.wait_idle()
    assert delays == [2.0, 1.0]


async def test_payout_flow_and_reversal() -> None:
    receiver = ScriptedReceiver()
    sandbox = PayinSandbox(time_scale=0, receiver=receiver.app, payout_fee=lambda a: a // 100)
    async with sandbox, sandbox.client() as client:
        applied = await client.apply_payout(
            mch_order_no="PO-1",
            amount=100000,
            account_no="123456789012",
            extra={"value": "AIRP0000001"},
            notify_url=NOTIFY,
        )
        assert applied.status is PayoutStatus.PROCESSING
        assert applied.fee == 1000
        await sandbox.wait_idle()
        assert (await client.query_payout(mch_order_no="PO-1")).is_success
        sandbox.settle_payout("PO-1", PayoutStatus.REVERSED)
        await sandbox.wait_idle()
        payout = await client.query_payout(agentpay_order_id=applied.agentpay_order_id)
        with pytest.raises(ValueError, match="already settled"):
            sandbox.settle_payout("PO-1", PayoutStatus.FAILED)
    assert payout.status is PayoutStatus.REVERSED
    assert payout.is_failed
    notes = [parse_notification(p, secret=sandbox.secret) for p in receiver.received]
    assert all(isinstance(n, PayoutNotification) for n in notes)
    assert [n.status for n in notes] == [PayoutStatus.SUCCESS, PayoutStatus.REVERSED]
    assert "mchId" not in receiver.received[0]
    assert receiver.received[0]["extra"] == '{"value":"AIRP0000001"}'


_GATEWAY_FAILURES: list[tuple[str, Callable[[PayinSandbox], AsyncPayin], str]] = [
    (
        "wrong-secret",
        lambda s: AsyncPayin(
            mch_id=s.mch_id,
            secret="another-secret-not-real",
            base_url="https://sandbox.invalid",
            transport=httpx.ASGITransport(app=s.app),
        ),
        "0013",
    ),
    (
        "unknown-merchant",
        lambda s: AsyncPayin(
            mch_id="NOBODY",
            secret=s.secret,
            base_url="https://sandbox.invalid",
            transport=httpx.ASGITransport(app=s.app),
        ),
        "0015",
    ),
]


@pytest.mark.parametrize(
    ("make", "code"), [f[1:] for f in _GATEWAY_FAILURES], ids=[f[0] for f in _GATEWAY_FAILURES]
)
async def test_gateway_refuses_bad_credentials(
    make: Callable[[PayinSandbox], AsyncPayin], code: str
) -> None:
    sandbox = PayinSandbox(payin_outcome=None)
    async with make(sandbox) as client:
        with pytest.raises(PayinError) as info:
            await _create(client)
    assert info.value.err_code == code
    assert sandbox.payins == {}


async def test_gateway_rules() -> None:
    sandbox = PayinSandbox(payin_outcome=None)
    async with sandbox.client() as client:
        await _create(client, number="DUP-1")
        with pytest.raises(PayinError, match="duplicate"):
            await _create(client, number="DUP-1")
        with pytest.raises(PayinError) as info:
            await client.query_order(mch_order_no="UNKNOWN")
        assert info.value.err_code == "0112"
        with pytest.raises(PayinError) as info:
            await client.query_order(mch_order_no="DUP-1", pay_order_id="Le-other")
        assert info.value.err_code == "0112"
        # Rules the client checks are enforced by the sandbox too (via the escape hatch).
        with pytest.raises(PayinError, match="amount"):
            await client.request(
                "/api/pay/neworder",
                {"mchOrderNo": "R1", "amount": 150, "currency": "INR", "notifyUrl": NOTIFY},
            )
        with pytest.raises(PayinError, match="phoneNumber"):
            await client.request(
                "/api/pay/neworder",
                {
                    "mchOrderNo": "R2",
                    "amount": 100,
                    "currency": "INR",
                    "notifyUrl": NOTIFY,
                    "phoneNumber": "123",
                },
            )
    assert sandbox.requests["/api/pay/neworder"] == 4
    assert sandbox.requests["/api/pay/orderquery"] == 2


async def test_not_running_is_a_clear_failure() -> None:
    sandbox = PayinSandbox()  # auto-settles: needs `async with`
    async with sandbox.client() as client:
        with pytest.raises(PayinError, match="async with"):
            await _create(client)
    receiving = PayinSandbox(payin_outcome=None, receiver=ScriptedReceiver().app)
    async with receiving.client() as client:
        number = await _create(client)
        with pytest.raises(RuntimeError, match="async with"):
            receiving.settle_payin(number)
    assert receiving.payins[number].status is PayinStatus.CREATED


async def test_settle_errors_and_receiver_setter() -> None:
    sandbox = PayinSandbox(payin_outcome=None)
    with pytest.raises(ValueError, match="no order"):
        sandbox.settle_payin("missing")
    async with sandbox.client() as client:
        number = await _create(client)
    sandbox.settle_payin(number, PayinStatus.EXPIRED)
    with pytest.raises(ValueError, match="already settled"):
        sandbox.settle_payin(number)
    async with sandbox:
        with pytest.raises(RuntimeError, match="before entering"):
            sandbox.receiver = ScriptedReceiver().app
        with pytest.raises(RuntimeError, match="already running"):
            await sandbox.__aenter__()
    async with httpx.AsyncClient() as http:
        with pytest.raises(ValueError, match="callback_http"):
            PayinSandbox(callback_http=http).receiver = ScriptedReceiver().app


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"time_scale": -1}, "time_scale"),
        ({"pay_delay": "3"}, "pay_delay"),
        ({"callback_style": "json"}, "callback_style"),
    ],
)
def test_constructor_checks(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        PayinSandbox(**kwargs)


def test_repr_hides_the_secret() -> None:
    sandbox = PayinSandbox()
    assert sandbox.secret not in repr(sandbox)
    assert "secret=***" in repr(sandbox)


def test_runs_under_trio() -> None:
    import trio

    async def flow() -> PayinStatus | int | None:
        async with PayinSandbox(time_scale=0) as sandbox, sandbox.client() as client:
            number = await _create(client)
            await sandbox.wait_idle()
            return (await client.query_order(mch_order_no=number)).status

    assert trio.run(flow) is PayinStatus.PAID


async def test_delivery_through_callback_http_and_connection_errors(waits: list[float]) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            raise httpx.ConnectError("merchant down")
        return httpx.Response(200, text="success")

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        sandbox = PayinSandbox(time_scale=0.01, callback_http=http, payin_outcome=None)
        async with sandbox, sandbox.client() as client:
            sandbox.settle_payin(await _create(client))
            await sandbox.wait_idle()
        assert not http.is_closed  # the caller's client stays open
    [callback] = sandbox.outbox
    assert [a.error for a in callback.attempts] == ["ConnectError", None]
    assert callback.acknowledged
    assert waits == [0.6]
    assert str(seen[0].url).startswith(NOTIFY + "?")


async def test_exit_drops_pending_redeliveries() -> None:
    receiver = ScriptedReceiver(answers=["fail"] * 6)
    sandbox = PayinSandbox(time_scale=1.0, receiver=receiver.app, payin_outcome=None)
    async with sandbox, sandbox.client() as client:
        sandbox.settle_payin(await _create(client))
        while not sandbox.outbox[0].attempts:  # the first attempt is immediate
            await anyio.sleep(0)
    # Leaving did not wait 60 s for the second attempt: it was cancelled.
    assert len(sandbox.outbox[0].attempts) == 1


async def test_payout_gateway_rules() -> None:
    sandbox = PayinSandbox(payout_outcome=None)
    base = {
        "mchOrderNo": "P1",
        "amount": 10000,
        "currency": "INR",
        "accountNo": "123",
        "extra": '{"value":"X"}',
        "notifyUrl": NOTIFY,
    }
    async with sandbox.client() as client:
        with pytest.raises(PayinError, match="accountBankCode"):
            await client.request("/api/agentpay/apply", {**base, "accountBankCode": "IFSC"})
        with pytest.raises(PayinError, match="extra"):
            await client.request(
                "/api/agentpay/apply",
                {k: v for k, v in base.items() if k != "extra"} | {"accountBankCode": "BANK"},
            )
        with pytest.raises(PayinError) as info:
            await client.query_payout(mch_order_no="NOPE")
        assert info.value.err_code == "0112"
    assert sandbox.payouts == {}


async def test_non_utf8_request_body() -> None:
    sandbox = PayinSandbox()
    transport = httpx.ASGITransport(app=sandbox.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://sandbox") as http:
        response = await http.post("/api/pay/neworder", content=b"mchId=\xff")
    assert response.json()["errCode"] == "0012"
    assert "sign" not in response.json()  # FAIL answers are not signed
