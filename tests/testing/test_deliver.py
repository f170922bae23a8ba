"""``sandbox.deliver(event, to=...)``: one signed delivery, sent as the sandbox sends it."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import respx

from lemft_async import AsyncLemft, webhooks
from lemft_async.keysecure import AsyncKeySecure, AuthReceiver, KeySecureEvent
from lemft_async.keysecure.sandbox import KeySecureSandbox
from lemft_async.payin import AsyncPayin, Notification, NotificationReceiver, sign
from lemft_async.payin.sandbox import PayinSandbox
from lemft_async.sandbox import Sandbox

HOOK_URL = "https://merchant.example/hooks"


def _lemft_receiver(
    sandbox: Sandbox, seen: list[webhooks.WebhookEventBase]
) -> webhooks.WebhookReceiver:
    router = webhooks.Router()
    router.add(webhooks.WebhookEventBase, seen.append)
    return webhooks.WebhookReceiver(router, api_key=sandbox.credentials.api_key)


# -- LEMFT ---------------------------------------------------------------------------------


async def test_lemft_delivers_a_payload_signed_as_the_sandbox_does(lemft_sandbox: Sandbox) -> None:
    seen: list[webhooks.WebhookEventBase] = []
    receiver = _lemft_receiver(lemft_sandbox, seen)
    answer = await lemft_sandbox.deliver(
        {"eventTag": "card.status.freeze", "card_id": "cid_1", "status": 3}, to=receiver
    )
    assert answer.status_code == 200
    assert answer.json() == {"code": 0, "message": "success"}
    (event,) = seen
    assert isinstance(event, webhooks.CardEvent)
    assert event.data.card_id == "cid_1"
    assert event.notify_id is not None
    assert event.notify_id.startswith("ntf_")
    assert lemft_sandbox.outbox == []  # not queued, not redelivered


async def test_lemft_delivers_an_outbox_notification(
    lemft_sandbox: Sandbox, lemft_client: AsyncLemft
) -> None:
    await lemft_client.orders.open_card(bin_id="cpi_6530de6a2f1c7", amount=Decimal("10"))
    await lemft_sandbox.run_due()
    assert lemft_sandbox.outbox, "opening a card emits notifications"
    seen: list[webhooks.WebhookEventBase] = []
    receiver = _lemft_receiver(lemft_sandbox, seen)
    for note in lemft_sandbox.outbox:
        assert (await lemft_sandbox.deliver(note, to=receiver)).status_code == 200
    assert [e.notify_id for e in seen] == [n.notify_id for n in lemft_sandbox.outbox]


@respx.mock
async def test_lemft_delivers_to_a_url(lemft_sandbox: Sandbox) -> None:
    route = respx.post(HOOK_URL).mock(return_value=httpx.Response(204))
    answer = await lemft_sandbox.deliver({"eventTag": "card.trade", "card_id": "c"}, to=HOOK_URL)
    assert answer.status_code == 204
    request = route.calls.last.request
    webhooks.verify(request.content, request.headers, api_key=lemft_sandbox.credentials.api_key)
    assert request.headers["eventTag"] == "card.trade"


async def test_lemft_deliver_refuses_what_it_cannot_send(lemft_sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="eventTag"):
        await lemft_sandbox.deliver({"card_id": "c"}, to=HOOK_URL)
    with pytest.raises(TypeError):
        await lemft_sandbox.deliver(["not", "a", "mapping"], to=HOOK_URL)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="http"):
        await lemft_sandbox.deliver({"eventTag": "x"}, to="ftp://merchant.example")
    with pytest.raises(TypeError, match="ASGI"):
        await lemft_sandbox.deliver({"eventTag": "x"}, to=42)


# -- Payin ---------------------------------------------------------------------------------


@pytest.mark.payin_sandbox(callback_style="form")
async def test_payin_delivers_signed_fields(
    payin_sandbox: PayinSandbox, payin_client: AsyncPayin
) -> None:
    seen: list[Notification] = []

    async def handler(notification: Notification) -> None:
        seen.append(notification)

    receiver = NotificationReceiver(payin_client, handler)
    fields = {"mchId": payin_sandbox.mch_id, "mchOrderNo": "o-9", "payOrderId": "P9"}
    answer = await payin_sandbox.deliver({**fields, "amount": 20000, "status": 2}, to=receiver)
    assert (answer.status_code, answer.text) == (200, "success")
    assert [n.mch_order_no for n in seen] == ["o-9"]
    forged = await payin_sandbox.deliver(
        {**fields, "amount": 20000, "status": 2, "mchId": "OTHER"}, to=receiver
    )
    assert forged.status_code == 401


async def test_payin_delivers_an_outbox_callback(
    payin_sandbox: PayinSandbox, payin_client: AsyncPayin
) -> None:
    order = await payin_client.create_order(amount=10000, notify_url="https://m.example/n")
    await payin_sandbox.wait_idle()
    (callback,) = payin_sandbox.outbox
    seen: list[str | None] = []

    async def handler(notification: Notification) -> None:
        seen.append(notification.mch_order_no)

    receiver = NotificationReceiver(payin_client, handler)
    assert (await payin_sandbox.deliver(callback, to=receiver)).text == "success"
    assert seen == [order.mch_order_no]


@respx.mock
async def test_payin_delivers_to_a_url_in_the_query_string(payin_sandbox: PayinSandbox) -> None:
    route = respx.post(url__startswith=HOOK_URL).mock(
        return_value=httpx.Response(200, text="success")
    )
    fields = {"mchId": payin_sandbox.mch_id, "agentpayOrderId": "A1", "status": 2}
    answer = await payin_sandbox.deliver(fields, to=HOOK_URL)
    assert answer.text == "success"
    params = dict(parse_qsl(urlsplit(str(route.calls.last.request.url)).query))
    assert params["agentpayOrderId"] == "A1"
    assert params["sign"] == sign(params, payin_sandbox.secret)


async def test_payin_deliver_refuses_a_non_mapping(payin_sandbox: PayinSandbox) -> None:
    with pytest.raises(TypeError):
        await payin_sandbox.deliver("mchId=1", to=HOOK_URL)  # type: ignore[arg-type]


# -- KeySecure -----------------------------------------------------------------------------


async def test_keysecure_delivers_a_v1_signed_callback(
    keysecure_sandbox: KeySecureSandbox, keysecure_client: AsyncKeySecure
) -> None:
    seen: list[KeySecureEvent] = []

    async def on_event(event: KeySecureEvent) -> None:
        seen.append(event)

    receiver = AuthReceiver(keysecure_client, on_event=on_event)
    data = {"card_no": "C0001", "before_status": "Active", "after_status": "Frozen"}
    answer = await keysecure_sandbox.deliver(
        {"id": "evt-1", "action": "Card_update", "data": data}, to=receiver, path="/cb"
    )
    assert answer.status_code == 200
    assert [e.id for e in seen] == ["evt-1"]


@respx.mock
async def test_keysecure_delivers_to_a_url(
    keysecure_sandbox: KeySecureSandbox, keysecure_client: AsyncKeySecure
) -> None:
    route = respx.post(HOOK_URL).mock(return_value=httpx.Response(200, json={"code": 0}))
    await keysecure_sandbox.deliver(
        {"action": "Card_update", "data": {"card_no": "C1"}}, to=HOOK_URL
    )
    request = route.calls.last.request
    event = keysecure_client.construct_event(request.content, dict(request.headers))
    assert event.action == "Card_update"


async def test_keysecure_deliver_refuses_what_it_cannot_send(
    keysecure_sandbox: KeySecureSandbox,
) -> None:
    with pytest.raises(ValueError, match="action"):
        await keysecure_sandbox.deliver({"data": {}}, to=HOOK_URL)
    with pytest.raises(TypeError):
        await keysecure_sandbox.deliver({"action": "Auth", "data": [1]}, to=HOOK_URL)
    with pytest.raises(TypeError):
        await keysecure_sandbox.deliver([("action", "Auth")], to=HOOK_URL)  # type: ignore[arg-type]
