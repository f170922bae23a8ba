"""LEMFT notifications: verify raw bytes, decode typed events, route and acknowledge.

    from lemft_async import webhooks
    event = webhooks.construct_event(raw_body, headers, api_key=..., tolerance=300)
    webhooks.verify(raw_body, headers, api_key=...)
    headers = webhooks.sign(raw_body, api_key=...)   # the inverse, for your tests

    router = webhooks.Router()

    @router.on(webhooks.CardEvent)
    async def on_card(event: webhooks.CardEvent) -> None: ...

    receiver = webhooks.WebhookReceiver(router, api_key=...)   # an ASGI app

The delivery format is *inferred* (docs/notifications.md) and configurable through
``WebhookScheme``. ``RedisDedupStore`` needs the ``redis`` extra and is imported on use;
it, ``MemoryDedupStore``, ``Reply`` and ``handle_starlette`` serve the Payin and KeySecure
receivers too (one receiver core).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core._errors import WebhookError, WebhookPayloadError, WebhookVerificationError
from .._core._receiver import handle_starlette, starlette_route
from ._client_ns import AsyncWebhooks
from ._construct import construct_event
from ._decode import parse_event
from ._dedup import ClaimState, DedupStore, MemoryDedupStore, RenewableDedupStore, dedup_key
from ._errors import (
    PayloadReason,
    VerificationReason,
    WebhookPayloadInvalid,
    WebhookVerificationFailed,
)
from ._events import (
    CARD_EVENT_TAGS,
    EVENT_KINDS,
    INFERRED_EVENT_TAGS,
    CardEvent,
    CardTradeEvent,
    EventKind,
    OrderEvent,
    PayeeEvent,
    PaymentEvent,
    UnknownEvent,
    WalletEvent,
    WebhookEvent,
    WebhookEventBase,
    kind_for_tag,
)
from ._headers import HeadersLike
from ._receiver import ACK_BODY, Reply, WebhookReceiver
from ._router import Router
from ._sign import sign
from ._verify import DEFAULT_SCHEME, DEFAULT_TOLERANCE, WebhookScheme, verify

if TYPE_CHECKING:
    from ._redis_dedup import RedisDedupStore

__all__ = [
    "ACK_BODY",
    "CARD_EVENT_TAGS",
    "DEFAULT_SCHEME",
    "DEFAULT_TOLERANCE",
    "EVENT_KINDS",
    "INFERRED_EVENT_TAGS",
    "AsyncWebhooks",
    "CardEvent",
    "CardTradeEvent",
    "ClaimState",
    "DedupStore",
    "EventKind",
    "HeadersLike",
    "MemoryDedupStore",
    "OrderEvent",
    "PayeeEvent",
    "PayloadReason",
    "PaymentEvent",
    "RedisDedupStore",
    "RenewableDedupStore",
    "Reply",
    "Router",
    "UnknownEvent",
    "VerificationReason",
    "WalletEvent",
    "WebhookError",
    "WebhookEvent",
    "WebhookEventBase",
    "WebhookPayloadError",
    "WebhookPayloadInvalid",
    "WebhookReceiver",
    "WebhookScheme",
    "WebhookVerificationError",
    "WebhookVerificationFailed",
    "construct_event",
    "dedup_key",
    "handle_starlette",
    "kind_for_tag",
    "parse_event",
    "sign",
    "starlette_route",
    "verify",
]


def __getattr__(name: str) -> Any:
    # redis-py is an optional extra: import it only when the Redis store is asked for.
    if name == "RedisDedupStore":
        from ._redis_dedup import RedisDedupStore

        return RedisDedupStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
