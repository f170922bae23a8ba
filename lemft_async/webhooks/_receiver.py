"""``WebhookReceiver``: one delivery in, one answer out (framework-neutral core).

Steps: size check -> verify -> decode -> claim the de-duplication key -> run the handlers
-> remember the key -> acknowledge. The sender (inferred, docs/notifications.md) treats
anything but HTTP 200 with ``{"code":0,"message":"success"}`` as a failed delivery and
redelivers on its schedule (5 s ... 1 h, then drops). So every answer below is chosen by
"should the sender try again?":

===================  ======  ============================================================
outcome              status  why
===================  ======  ============================================================
handled / no handler 200 ack done; an event nobody routes is not a failure
duplicate (done)     200 ack already processed: stop redelivering
duplicate (running)  409     another delivery holds the key; redeliver later in case it fails
missing/ambiguous    401     not authentic (or wrong secret configured: redeliveries succeed
header, bad sig              once the operator fixes it)
stale/future/        400     outside the window or malformed timestamp
bad timestamp
payload undecodable  422     authentic but undecodable: redelivered until dropped, leaving
                             time to deploy a fix instead of silently losing the event
handler raised       500     key released, so the redelivery runs the handlers again
store unavailable    503     cannot de-duplicate: refuse rather than risk running twice
body too large       413
===================  ======  ============================================================

Logs name the outcome and reason only: never the body, a header value or a secret.
"""

from __future__ import annotations

import logging
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import anyio

from .._core._logging import logger as _root_logger
from ._asgi import serve_asgi
from ._decode import check_kind, decode_event, decode_payload
from ._dedup import DedupStore, MemoryDedupStore, dedup_key
from ._errors import WebhookPayloadInvalid, WebhookVerificationFailed
from ._events import EventKind, WebhookEventBase
from ._headers import HeadersLike, HeaderView
from ._reply import ACK_BODY, Reply, error_body
from ._router import Router
from ._verify import (
    DEFAULT_SCHEME,
    DEFAULT_TOLERANCE,
    ApiKeys,
    WebhookScheme,
    normalize_keys,
    normalize_tolerance,
    raw_bytes,
    verify_view,
)

__all__ = ["ACK_BODY", "Reply", "WebhookReceiver"]

logger = _root_logger.getChild("webhooks")

_STATUS_FOR_VERIFICATION = {
    "missing_header": 401,
    "ambiguous_header": 401,
    "bad_signature": 401,
    "bad_timestamp": 400,
    "stale": 400,
    "future": 400,
}


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


class WebhookReceiver:
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
        if store is not None and not isinstance(store, DedupStore):
            raise TypeError("store must provide async claim(), mark_done() and release()")
        if not isinstance(scheme, WebhookScheme):
            raise TypeError("scheme must be a WebhookScheme")
        check_kind(kind)
        self.router = router
        self._keys = normalize_keys(api_key)
        self._tolerance = normalize_tolerance(tolerance)
        self._kind = kind
        self._scheme = scheme
        self.store: DedupStore = store if store is not None else MemoryDedupStore()
        self._lease = _positive(lease, "lease")
        self._remember = _positive(remember, "remember")
        self.max_body_size = int(_positive(max_body_size, "max_body_size"))
        self._clock = clock
        self._tag_kinds = tag_kinds
        if on_error is not None and not callable(on_error):
            raise TypeError("on_error must be a callable (event, exception)")
        self._on_error = on_error

    async def handle(self, raw_body: bytes, headers: HeadersLike) -> Reply:
        """Process one delivery and return the answer to send (see module docstring)."""
        body = raw_bytes(raw_body)
        if len(body) > self.max_body_size:
            return Reply(413, error_body("body_too_large"), "body_too_large")
        view = HeaderView(headers, self._scheme.wanted)
        try:
            verify_view(body, view, self._keys, self._tolerance, self._scheme, self._clock())
            event: WebhookEventBase = decode_event(
                decode_payload(body), view, self._scheme, self._kind, self._tag_kinds
            )
        except WebhookVerificationFailed as exc:
            logger.info("webhook rejected: %s", exc.reason)
            return Reply(_STATUS_FOR_VERIFICATION[exc.reason], error_body(exc.reason), exc.reason)
        except WebhookPayloadInvalid as exc:
            logger.warning("webhook verified but undecodable: %s", exc.reason)
            return Reply(422, error_body(exc.reason), exc.reason)
        return await self._dispatch_once(event, body)

    async def _dispatch_once(self, event: WebhookEventBase, body: bytes) -> Reply:
        key = dedup_key(event, body)
        token = uuid.uuid4().hex
        try:
            state = await self.store.claim(key, token, self._lease)
        except Exception as exc:
            logger.error("webhook dedup store unavailable: %s", type(exc).__name__)
            return Reply(503, error_body("store_unavailable"), "store_unavailable", event)
        if state == "done":
            logger.debug("webhook duplicate skipped: %s", event.event_tag)
            return Reply(200, ACK_BODY, "duplicate", event)
        if state != "claimed":
            return Reply(409, error_body("in_progress"), "in_progress", event)
        try:
            ran = await self.router.dispatch(event)
        except Exception as exc:
            await self._release(key, token)
            # Type and frames only: a handler's message may quote card data.
            logger.error("webhook handler failed on %s: %s", event.event_tag, type(exc).__name__)
            if logger.isEnabledFor(logging.DEBUG):
                frames = "".join(traceback.format_tb(exc.__traceback__))
                logger.debug("webhook handler traceback (message withheld):\n%s", frames)
            self._report(event, exc)
            return Reply(500, error_body("handler_error"), "handler_error", event)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self._release(key, token)
            raise
        if ran == 0:
            logger.debug("webhook without handler acknowledged: %s", event.event_tag)
        try:
            await self.store.mark_done(key, token, self._remember)
        except Exception as exc:
            # Handled already; acknowledging is right. The claim's lease expires by itself.
            logger.warning("webhook dedup store could not record: %s", type(exc).__name__)
        return Reply(200, ACK_BODY, "ok", event)

    def _report(self, event: WebhookEventBase, exc: Exception) -> None:
        if self._on_error is None:
            return
        try:
            self._on_error(event, exc)
        except Exception as hook_exc:
            logger.warning("webhook on_error hook failed: %s", type(hook_exc).__name__)

    async def _release(self, key: str, token: str) -> None:
        try:
            await self.store.release(key, token)
        except Exception as exc:
            logger.warning("webhook dedup store could not release: %s", type(exc).__name__)

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        """ASGI entry point (http POST; lifespan supported so it can run standalone)."""
        await serve_asgi(self, scope, receive, send)

    def __repr__(self) -> str:
        return (
            f"WebhookReceiver(router={self.router!r}, api_key=***, kind={self._kind!r}, "
            f"tolerance={self._tolerance!r}, store={self.store!r})"
        )
