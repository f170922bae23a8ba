"""OpenTelemetry for AsyncPayin and AsyncKeySecure: the same spans and metrics as LEMFT's."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from lemft_async.keysecure import AsyncKeySecure, AuthReceiver, KeySecureOutcomeUnknownError
from lemft_async.keysecure.sandbox import KeySecureSandbox
from lemft_async.payin import AsyncPayin, NotificationReceiver, PayinOutcomeUnknownError
from lemft_async.payin.sandbox import PayinSandbox

from .conftest import Recorded

NOTIFY = "https://merchant.example/payin/notify"


class Flaky(httpx.AsyncBaseTransport):
    """Answers HTTP 502 to the first ``failures`` requests whose path passes ``which``."""

    def __init__(self, app: object, failures: int, which: Callable[[str], bool]) -> None:
        self._inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self._left = failures
        self._which = which

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._left and self._which(request.url.path):
            self._left -= 1
            return httpx.Response(502, content=b"bad gateway")
        return await self._inner.handle_async_request(request)


# -- Payin ---------------------------------------------------------------------------------


async def test_payin_success_and_retried_read(payin_sandbox: PayinSandbox, otel: Recorded) -> None:
    flaky = Flaky(payin_sandbox.app, 1, lambda path: path.endswith("/orderquery"))
    async with payin_sandbox.client(transport=flaky, instrument=otel.instrumentation) as payin:
        order = await payin.create_order(amount=10000, notify_url=NOTIFY)
        await payin.query_order(mch_order_no=order.mch_order_no)
    created = otel.attrs("payin create_order")
    assert created["lemft.api"] == "payin"
    assert created["lemft.outcome"] == "ok"
    assert created["lemft.code"] == "SUCCESS"
    assert created["lemft.attempts"] == 1
    assert "lemft.gate_wait_seconds" not in created  # Payin has no endpoint gate
    queried = otel.attrs("payin query_order")
    assert queried["lemft.attempts"] == 2
    assert queried["lemft.retries"] == 1
    assert queried["lemft.outcome"] == "ok"
    assert otel.value("lemft_async.retries", {"lemft.operation": "query_order"}) == 1
    assert otel.value("lemft_async.retries", {"lemft.reason": "HTTP 502"}) == 1
    assert otel.value("lemft_async.calls", {"lemft.operation": "create_order"}) == 1
    assert otel.points("lemft_async.gate.wait") == []


async def test_payin_unknown_outcome(payin_sandbox: PayinSandbox, otel: Recorded) -> None:
    flaky = Flaky(payin_sandbox.app, 1, lambda path: path.endswith("/neworder"))
    async with payin_sandbox.client(transport=flaky, instrument=otel.instrumentation) as payin:
        with pytest.raises(PayinOutcomeUnknownError):
            await payin.create_order(amount=10000, notify_url=NOTIFY)
    attrs = otel.attrs("payin create_order")
    assert attrs["lemft.outcome"] == "unknown"
    assert attrs["http.response.status_code"] == 502
    assert otel.value("lemft_async.outcome_unknown", {"lemft.api": "payin"}) == 1


async def test_payin_callback_span(payin_sandbox: PayinSandbox, otel: Recorded) -> None:
    got: list[str] = []

    async def handler(notification: object) -> None:
        got.append(type(notification).__name__)

    async with payin_sandbox.client() as payin:
        receiver = NotificationReceiver(payin, handler).instrument(otel.instrumentation)
        fields = {
            "mchId": payin_sandbox.mch_id,
            "mchOrderNo": "o-1",
            "payOrderId": "P1",
            "amount": 10000,
            "status": 2,
        }
        answer = await payin_sandbox.deliver(fields, to=receiver)
    assert (answer.status_code, answer.text) == (200, "success")
    assert got == ["PayinNotification"]
    attrs = otel.attrs("payin webhook")
    assert attrs["lemft.api"] == "payin"
    assert attrs["lemft.webhook.reason"] == "ok"
    assert attrs["lemft.webhook.event"] == "PayinNotification"
    assert otel.value("lemft_async.webhooks", {"lemft.api": "payin"}) == 1


# -- KeySecure -----------------------------------------------------------------------------


async def test_keysecure_success_retry_and_token_span(
    keysecure_sandbox: KeySecureSandbox, otel: Recorded, no_sleep: list[float]
) -> None:
    keysecure_sandbox.fail_next(1009, operation="cards.retrieve")
    async with keysecure_sandbox.client(instrument=otel.instrumentation) as ks:
        await ks.cards.retrieve("C0001")
    call = otel.span("keysecure cards.retrieve")
    attrs = dict(call.attributes or {})
    assert attrs["lemft.path"] == "/open-api/v1/card/{card_no}/detail"  # the template
    assert "C0001" not in str(attrs)
    assert attrs["lemft.attempts"] == 2
    assert attrs["lemft.outcome"] == "ok"
    assert attrs["lemft.code"] == "0"
    assert otel.value("lemft_async.retries", {"lemft.reason": "code 1009"}) == 1
    # The token fetch the first attempt needed is a call of its own, inside this one.
    token = otel.span("keysecure token.get")
    assert token.parent is not None
    assert token.parent.span_id == call.context.span_id


async def test_keysecure_unknown_outcome(
    keysecure_sandbox: KeySecureSandbox, otel: Recorded
) -> None:
    keysecure_sandbox.fail_next(1001, operation="cards.update_status")
    async with keysecure_sandbox.client(instrument=otel.instrumentation) as ks:
        with pytest.raises(KeySecureOutcomeUnknownError):
            await ks.cards.freeze("C0002")
    attrs = otel.attrs("keysecure cards.update_status")
    assert attrs["lemft.outcome"] == "unknown"
    assert attrs["lemft.code"] == "1001"
    assert otel.value("lemft_async.outcome_unknown", {"lemft.api": "keysecure"}) == 1
    assert otel.value("lemft_async.calls", {"lemft.outcome": "unknown"}) == 1


async def test_keysecure_callback_span(
    keysecure_sandbox: KeySecureSandbox, keysecure_client: AsyncKeySecure, otel: Recorded
) -> None:
    events: list[str] = []

    async def on_event(event: object) -> None:
        events.append(type(event).__name__)

    receiver = AuthReceiver(keysecure_client, on_event=on_event).instrument(otel.instrumentation)
    update = {"card_no": "C0001", "before_status": "Active", "after_status": "Frozen"}
    answer = await keysecure_sandbox.deliver({"action": "Card_update", "data": update}, to=receiver)
    assert answer.status_code == 200
    assert events == ["CardUpdateEvent"]
    attrs = otel.attrs("keysecure webhook")
    assert attrs["lemft.webhook.reason"] == "ok"
    assert attrs["lemft.webhook.event"] == "CardUpdateEvent"
    assert otel.value("lemft_async.webhooks", {"lemft.api": "keysecure"}) == 1


def test_every_client_takes_the_same_instrument_and_hooks_parameters() -> None:
    import inspect

    from lemft_async import AsyncLemft

    for cls in (AsyncLemft, AsyncPayin, AsyncKeySecure):
        parameters = inspect.signature(cls.__init__).parameters
        assert parameters["instrument"].default is False
        assert parameters["event_hooks"].default is None
