"""``AsyncWebhooks``: the module functions bound to a client's signing secret."""

from __future__ import annotations

import pytest

from lemft_async import AsyncLemft, webhooks
from lemft_async.webhooks import AsyncWebhooks, CardEvent, Router

from ..conftest import FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from ._helpers import NOW, SECRET, card_body, signed_headers


async def test_construct_event_uses_the_clients_api_key(client: AsyncLemft) -> None:
    hooks = AsyncWebhooks(client)
    body = card_body()
    event = hooks.construct_event(body, signed_headers(body, secret=FAKE_API_KEY), now=NOW)
    assert isinstance(event, CardEvent)
    hooks.verify(body, signed_headers(body, secret=FAKE_API_KEY), now=NOW)


async def test_a_notification_signed_with_another_secret_fails(client: AsyncLemft) -> None:
    hooks = AsyncWebhooks(client)
    body = card_body()
    with pytest.raises(webhooks.WebhookVerificationFailed) as info:
        hooks.construct_event(body, signed_headers(body, secret=SECRET), now=NOW)
    assert info.value.reason == "bad_signature"
    with pytest.raises(webhooks.WebhookVerificationFailed):
        hooks.verify(body, signed_headers(body, secret=SECRET), now=NOW)


async def test_kind_and_tolerance_are_passed_through(client: AsyncLemft) -> None:
    hooks = AsyncWebhooks(client)
    body = card_body(tag=None)
    old = signed_headers(body, secret=FAKE_API_KEY, timestamp=NOW - 100)
    assert isinstance(hooks.construct_event(body, old, kind="card", now=NOW), CardEvent)
    with pytest.raises(webhooks.WebhookVerificationFailed) as info:
        hooks.construct_event(body, old, tolerance=10, now=NOW)
    assert info.value.reason == "stale"


async def test_encoding_follows_the_clients_signature_encoding() -> None:
    async with AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        environment="sandbox",
        signature_encoding="base64",
    ) as b64_client:
        hooks = AsyncWebhooks(b64_client)
        assert hooks.scheme.encoding == "base64"
        body = card_body()
        signed = signed_headers(body, secret=FAKE_API_KEY, encoding="base64")
        assert isinstance(hooks.construct_event(body, signed, now=NOW), CardEvent)
        with pytest.raises(webhooks.WebhookVerificationFailed):
            hooks.construct_event(body, signed_headers(body, secret=FAKE_API_KEY), now=NOW)


async def test_receiver_from_the_namespace(client: AsyncLemft) -> None:
    router = Router()
    seen: list[CardEvent] = []
    router.add(CardEvent, seen.append)
    receiver = AsyncWebhooks(client).receiver(router, clock=lambda: NOW)
    body = card_body()
    reply = await receiver.handle(body, signed_headers(body, secret=FAKE_API_KEY))
    assert reply.acknowledged
    assert len(seen) == 1


async def test_repr_hides_credentials(client: AsyncLemft) -> None:
    text = repr(AsyncWebhooks(client))
    assert FAKE_API_KEY not in text
    assert FAKE_KEY not in text
