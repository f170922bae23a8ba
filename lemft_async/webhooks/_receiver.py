"""``WebhookReceiver``: LEMFT notifications on the receiver core (``_core._receiver``).

LEMFT's own parts: the signature scheme (``WebhookScheme``), typed events routed by a
``Router``, the de-duplication key (``"lemft:"`` + ``notify_id`` from the body, else
SHA-256 of the raw body) and the acknowledgement ``{"code":0,"message":"success"}``. The
sender (inferred, docs/notifications.md) treats anything else as a failed delivery and
redelivers on its schedule (5 s ... 1 h, then drops); the core's table says which answer
each outcome gets.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from .._core._receiver import BaseReceiver, Delivery, Reply, Verified
from ._decode import check_kind
from ._dedup import DedupStore, dedup_key
from ._events import EventKind, WebhookEventBase
from ._headers import HeadersLike, header_values
from ._onepass import decode_body
from ._router import Router
from ._verify import (
    DEFAULT_SCHEME,
    DEFAULT_TOLERANCE,
    ApiKeys,
    WebhookScheme,
    normalize_keys,
    normalize_tolerance,
    raw_bytes,
    verify_headers,
)

__all__ = ["ACK_BODY", "Reply", "WebhookReceiver"]

ACK_BODY = b'{"code":0,"message":"success"}'
"""The acknowledgement (*inferred*: the API's success envelope)."""


class WebhookReceiver(BaseReceiver):
    """Verify, decode, de-duplicate and dispatch notifications; also an ASGI app.

    >>> receiver = WebhookReceiver(router, api_key="...")
    >>> app.mount("/lemft/webhooks", receiver)          # any ASGI framework
    >>> reply = await receiver.handle(raw_body, headers)  # or by hand

    ``store`` (default: a ``MemoryDedupStore`` per receiver) remembers processed
    notifications for ``remember`` seconds (default 1 day, longer than the inferred
    redelivery schedule); a claim expires after ``lease`` seconds if the worker dies.
    ``clock`` (wall time, for the timestamp window) is injectable for tests.

    A handler's exception is logged by type only (its message may quote card data; the
    frames are logged at DEBUG); ``on_error(event, exc)`` receives the exception itself,
    e.g. to report it to your error tracker.
    """

    log_name = "webhooks"

    def __init__(
        self,
        router: Router,
        *,
        api_key: ApiKeys,
        tolerance: float | None = DEFAULT_TOLERANCE,
        kind: str | None = None,
        scheme: WebhookScheme = DEFAULT_SCHEME,
        store: DedupStore | None = None,
        lease: float = 60.0,
        remember: float = 86_400.0,
        max_body_size: int = 1 << 20,
        clock: Callable[[], float] = time.time,
        tag_kinds: Mapping[str, EventKind] | None = None,
        on_error: Callable[[WebhookEventBase, Exception], object] | None = None,
    ) -> None:
        if not isinstance(router, Router):
            raise TypeError(f"router must be a webhooks.Router, got {type(router).__name__}")
        if not isinstance(scheme, WebhookScheme):
            raise TypeError("scheme must be a WebhookScheme")
        check_kind(kind)
        super().__init__(
            store=store,
            lease=lease,
            remember=remember,
            max_body_size=max_body_size,
            on_error=on_error,
        )
        self.router = router
        self._keys = normalize_keys(api_key)
        self._tolerance = normalize_tolerance(tolerance)
        self._kind = kind
        self._scheme = scheme
        self._clock = clock
        self._tag_kinds = tag_kinds

    async def handle(self, raw_body: bytes, headers: HeadersLike) -> Reply:
        """Process one delivery and return the answer to send (see ``_core._receiver``)."""
        return await self.handle_delivery(Delivery(raw_bytes(raw_body), headers))

    def verify_delivery(self, delivery: Delivery) -> Verified:
        values = header_values(delivery.headers, self._scheme.wanted)
        body = delivery.body
        verify_headers(body, values, self._keys, self._tolerance, self._scheme, self._clock())
        event = decode_body(body, values, self._scheme, self._kind, self._tag_kinds)
        # Namespaced like Payin's ``lemon:`` and KeySecure's ``keysecure:`` keys, so one
        # shared store serves all three receivers.
        return Verified(event, "lemft:" + dedup_key(event, body))

    async def run_handlers(self, event: Any, started: float) -> Reply | None:
        if await self.router.dispatch(event) == 0:
            self._log.debug("webhook without handler acknowledged: %s", event.event_tag)
        return None

    def ack_body(self) -> bytes:
        return ACK_BODY

    def error_body(self, status: int, reason: str) -> bytes:
        """``{"code":1,"message":<reason code>}``: short, and never a secret or body data."""
        return json.dumps({"code": 1, "message": reason}, separators=(",", ":")).encode()

    def __repr__(self) -> str:
        return (
            f"WebhookReceiver(router={self.router!r}, api_key=***, kind={self._kind!r}, "
            f"tolerance={self._tolerance!r}, store={self.store!r})"
        )
