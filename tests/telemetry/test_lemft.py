"""OpenTelemetry for AsyncLemft: spans, attributes and metrics of each kind of call."""

from __future__ import annotations

from decimal import Decimal

import anyio
import httpx
import pytest
import respx

from lemft_async import AsyncLemft, OutcomeUnknownError, webhooks
from lemft_async.sandbox import Sandbox
from tests.conftest import BASE_URL, FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY

from .conftest import Recorded, attrs_of

WALLETS = {"total": 1, "page_no": 1, "page_size": 10, "wallet_list": [{"wallet_id": 1}]}


def _envelope(code: int, data: object = None) -> httpx.Response:
    return httpx.Response(200, json={"code": code, "message": "m", "data": data})


async def test_a_success_is_one_span_with_one_attempt(
    lemft_sandbox: Sandbox, otel: Recorded
) -> None:
    async with lemft_sandbox.client(instrument=otel.instrumentation) as client:
        await client.wallets.list()
    call = otel.span("lemft wallets.list")
    attempt = otel.span("lemft wallets.list attempt")
    assert attempt.parent is not None
    assert attempt.parent.span_id == call.context.span_id
    attrs = otel.attrs("lemft wallets.list")
    assert attrs["lemft.api"] == "lemft"
    assert attrs["lemft.operation"] == "wallets.list"
    assert attrs["lemft.path"] == "/v1/openApi/wallet/walletList"
    assert attrs["lemft.attempts"] == 1
    assert attrs["lemft.retries"] == 0
    assert attrs["lemft.outcome"] == "ok"
    assert attrs["lemft.code"] == "0"
    assert attrs["http.response.status_code"] == 200
    assert len(str(attrs["lemft.traceid"])) == 32
    assert attrs["lemft.gate_wait_seconds"] >= 0
    assert "error.type" not in attrs
    assert otel.value("lemft_async.calls", {"lemft.operation": "wallets.list"}) == 1
    assert otel.points("lemft_async.calls")[0][0]["lemft.outcome"] == "ok"
    count, _ = otel.value("lemft_async.attempt.duration", {"lemft.operation": "wallets.list"})
    assert count == 1
    assert otel.points("lemft_async.retries") == []
    assert otel.points("lemft_async.outcome_unknown") == []


@respx.mock
async def test_a_retried_10004_is_two_attempts_and_a_retry_by_reason(
    otel: Recorded, no_sleep: list[float]
) -> None:
    route = respx.post(f"{BASE_URL}/v1/openApi/wallet/walletList").mock(
        side_effect=[_envelope(10004), _envelope(0, WALLETS)]
    )
    async with AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        environment="sandbox",
        instrument=otel.instrumentation,
    ) as client:
        await client.wallets.list()
    assert route.call_count == 2
    attrs = otel.attrs("lemft wallets.list")
    assert attrs["lemft.attempts"] == 2
    assert attrs["lemft.retries"] == 1
    assert attrs["lemft.outcome"] == "ok"
    attempts = sorted(
        (s for s in otel.spans() if s.name == "lemft wallets.list attempt"),
        key=lambda s: attrs_of(s)["lemft.attempt"],
    )
    assert [(s.attributes or {})["lemft.attempt_result"] for s in attempts] == [
        "code 10004",
        "ok",
    ]
    assert (attempts[0].attributes or {})["lemft.code"] == "10004"
    assert (attempts[0].attributes or {})["error.type"] == "TooManyRequestsError"
    assert otel.value("lemft_async.retries", {"lemft.reason": "code 10004"}) == 1
    assert otel.value("lemft_async.calls", {"lemft.outcome": "ok"}) == 1
    by_result = {
        a["lemft.attempt_result"]: v[0] for a, v in otel.points("lemft_async.attempt.duration")
    }
    assert by_result == {"code 10004": 1, "ok": 1}


async def test_an_unknown_outcome_is_counted_and_marked(
    lemft_sandbox: Sandbox, otel: Recorded
) -> None:
    lemft_sandbox.inject("error", operation="orders.open_card", applied=True)
    async with lemft_sandbox.client(instrument=otel.instrumentation) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.orders.open_card(
                bin_id="cpi_6530de6a2f1c7", amount=Decimal("10"), out_order_id="o-telemetry"
            )
    attrs = otel.attrs("lemft orders.open_card")
    assert attrs["lemft.outcome"] == "unknown"
    assert attrs["lemft.code"] == "10005"
    assert attrs["lemft.attempts"] == 1
    assert attrs["error.type"] == "OutcomeUnknownError"
    span = otel.span("lemft orders.open_card")
    assert span.status.status_code.name == "ERROR"
    assert otel.value("lemft_async.outcome_unknown", {"lemft.operation": "orders.open_card"}) == 1
    assert otel.value("lemft_async.calls", {"lemft.outcome": "unknown"}) == 1


async def test_a_failed_read_is_an_error(lemft_sandbox: Sandbox, otel: Recorded) -> None:
    async with lemft_sandbox.client(
        instrument=otel.instrumentation, api_key="wrong-key-not-real"
    ) as client:
        with pytest.raises(Exception, match="10002"):
            await client.wallets.list()
    attrs = otel.attrs("lemft wallets.list")
    assert attrs["lemft.outcome"] == "error"
    assert attrs["lemft.code"] == "10002"
    assert otel.value("lemft_async.calls", {"lemft.outcome": "error"}) == 1
    assert otel.points("lemft_async.outcome_unknown") == []


@pytest.mark.lemft_sandbox(latency=0.05)
async def test_the_gate_wait_of_a_queued_call_is_measured(
    lemft_sandbox: Sandbox, otel: Recorded
) -> None:
    async with lemft_sandbox.client(instrument=otel.instrumentation) as client:

        async def one() -> None:
            await client.wallets.list()

        async with anyio.create_task_group() as tg:
            tg.start_soon(one)
            tg.start_soon(one)
    waits = sorted(
        attrs_of(s)["lemft.gate_wait_seconds"]
        for s in otel.spans()
        if s.name == "lemft wallets.list"
    )
    assert waits[0] < 0.03
    assert waits[1] >= 0.04  # queued behind the first call's 50 ms
    count, total = otel.value("lemft_async.gate.wait", {"lemft.operation": "wallets.list"})
    assert count == 2
    assert total >= 0.04


async def test_a_webhook_is_one_span_with_its_steps(lemft_sandbox: Sandbox, otel: Recorded) -> None:
    router = webhooks.Router()
    handled: list[str] = []

    @router.on(webhooks.CardEvent)
    def on_card(event: webhooks.CardEvent) -> None:
        handled.append(event.event_tag or "")

    receiver = webhooks.WebhookReceiver(
        router, api_key=lemft_sandbox.credentials.api_key
    ).instrument(otel.instrumentation)
    event = {"eventTag": "card.status.active", "notify_id": "ntf_1", "card_id": "cid_1"}
    first = await lemft_sandbox.deliver(event, to=receiver)
    again = await lemft_sandbox.deliver(event, to=receiver)
    assert (first.status_code, again.status_code) == (200, 200)
    assert handled == ["card.status.active"]
    spans = [s for s in otel.spans() if s.name == "lemft webhook"]
    assert len(spans) == 2
    ok, duplicate = (dict(s.attributes or {}) for s in spans)
    assert ok["lemft.webhook.reason"] == "ok"
    assert ok["lemft.webhook.handled"] is True
    assert ok["lemft.webhook.event"] == "CardEvent"
    assert ok["lemft.webhook.event_tag"] == "card.status.active"
    assert ok["http.response.status_code"] == 200
    assert [e.name for e in spans[0].events] == ["verified", "claimed", "handled"]
    assert duplicate["lemft.webhook.reason"] == "duplicate"
    assert [e.name for e in spans[1].events] == ["verified"]
    assert otel.value("lemft_async.webhooks", {"lemft.webhook.reason": "ok"}) == 1
    assert otel.value("lemft_async.webhooks", {"lemft.webhook.reason": "duplicate"}) == 1


async def test_a_forged_webhook_is_reported_as_rejected(
    lemft_sandbox: Sandbox, otel: Recorded
) -> None:
    receiver = webhooks.WebhookReceiver(webhooks.Router(), api_key="another-secret-not-real")
    receiver.instrument(otel.instrumentation)
    answer = await lemft_sandbox.deliver(
        {"eventTag": "card.status.active", "card_id": "cid_1"}, to=receiver
    )
    assert answer.status_code == 401
    attrs = otel.attrs("lemft webhook")
    assert attrs["lemft.webhook.reason"] == "bad_signature"
    assert attrs["http.response.status_code"] == 401
    assert otel.span("lemft webhook").events == ()


async def test_an_instrumented_clients_receiver_reports_to_the_same_providers(
    lemft_sandbox: Sandbox, otel: Recorded
) -> None:
    async with lemft_sandbox.client(instrument=otel.instrumentation) as client:
        receiver = client.webhooks.receiver(webhooks.Router())
    answer = await lemft_sandbox.deliver(
        {"eventTag": "card.status.freeze", "card_id": "cid_2"}, to=receiver
    )
    assert answer.status_code == 200
    assert otel.attrs("lemft webhook")["lemft.webhook.reason"] == "ok"
    plain = lemft_sandbox.client().webhooks.receiver(webhooks.Router())
    assert plain._telemetry is None


async def test_no_body_or_secret_reaches_a_span_or_a_metric(
    lemft_sandbox: Sandbox, otel: Recorded
) -> None:
    credentials = lemft_sandbox.credentials
    async with lemft_sandbox.client(instrument=otel.instrumentation) as client:
        holder = await client.holders.create(
            first_name="Alice",
            last_name="Example",
            email="alice@example.com",
            mobile="5550100",
        )
        await client.holders.retrieve(holder.holder_id)
    receiver = webhooks.WebhookReceiver(webhooks.Router(), api_key=credentials.api_key)
    receiver.instrument(otel.instrumentation)
    await lemft_sandbox.deliver(
        {"eventTag": "card.status.active", "card_id": "cid_1", "card_no": "4000000000000002"},
        to=receiver,
    )
    seen = [str(v) for s in otel.spans() for v in (s.attributes or {}).values()]
    seen += [str(v) for s in otel.spans() for v in (s.status.description or "",)]
    seen += [
        str(v)
        for m in ("lemft_async.calls", "lemft_async.webhooks")
        for a, _ in otel.points(m)
        for v in a.values()
    ]
    text = " ".join(seen)
    for secret in (
        credentials.key,
        credentials.api_key,
        "Alice",
        "alice@example.com",
        "4000000000000002",
        holder.holder_id,
    ):
        assert secret not in text
    assert "holders.create" in text  # the check looked at real attributes


async def test_instrument_true_uses_the_global_providers(lemft_sandbox: Sandbox) -> None:
    # The API's default global providers are no-ops: the call works and records nothing.
    async with lemft_sandbox.client(instrument=True) as client:
        assert client._transport.telemetry is not None
        await client.wallets.list()
