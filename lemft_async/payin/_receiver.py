"""Receiving Payin callbacks: verify, run the handler once per event, answer ``success``.

``NotificationReceiver`` is framework-free (give it the decoded params); ``starlette_endpoint``
wraps it for Starlette / FastAPI. Redeliveries are de-duplicated through the package's
store protocol, ``lemft_async.webhooks.DedupStore`` (``MemoryDedupStore`` by default,
``RedisDedupStore`` for several workers). Answers:

| situation                                   | HTTP | body                  | gateway |
|---------------------------------------------|------|-----------------------|---------|
| verified, handler returned                  | 200  | ``success``           | stops   |
| verified redelivery of a processed event    | 200  | ``success`` (no call) | stops   |
| missing / bad ``sign``, ambiguous params    | 400  | ``invalid signature`` | retries |
| authentic but undecodable                   | 422  | ``undecodable``       | retries |
| same event being handled right now          | 409  | ``in progress``       | retries |
| handler raised                              | 500  | ``handler failed``    | retries |
| de-duplication store unavailable            | 503  | ``store unavailable`` | retries |

A forged callback is never acknowledged as processed. A genuine one that fails
verification (wrong secret configured) is retried by the gateway on its schedule, so a
fixed deployment still receives it; ``query_order(execute_notify=True)`` re-sends it later.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl

import anyio

from .._core._errors import WebhookPayloadError, WebhookVerificationError
from .._core._logging import logger
from ..webhooks import DedupStore, MemoryDedupStore
from ..webhooks._starlette import _raw_body
from ._notifications import ACK, Notification

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = [
    "NotificationHandler",
    "NotificationParser",
    "NotificationReceiver",
    "ReceiverResult",
    "merge_params",
    "starlette_endpoint",
]

_log = logger.getChild("payin")

NotificationHandler = Callable[[Notification], Awaitable[None]]


class NotificationParser(Protocol):
    """Anything that verifies and types a callback, e.g. an ``AsyncPayin``."""

    def parse_notification(self, params: Mapping[str, object]) -> Notification: ...


@dataclass(frozen=True)
class ReceiverResult:
    """What to answer the gateway, and the notification when one was verified."""

    status_code: int
    body: str
    notification: Notification | None = None
    handled: bool = False
    """True only when the handler ran (and returned) for this delivery."""


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


class NotificationReceiver:
    """Verify -> de-duplicate -> handle -> acknowledge, independent of any web framework.

    ``store`` remembers handled events for ``remember`` seconds (default one day, far
    beyond the gateway's 15-minute redelivery schedule); a claim expires after ``lease``
    seconds if the worker dies mid-handler.
    """

    def __init__(
        self,
        parser: NotificationParser,
        handler: NotificationHandler,
        *,
        store: DedupStore | None = None,
        lease: float = 60.0,
        remember: float = 86_400.0,
    ) -> None:
        if not callable(getattr(parser, "parse_notification", None)):
            raise TypeError("parser must provide parse_notification(params), e.g. an AsyncPayin")
        if not callable(handler):
            raise TypeError("handler must be an async callable taking the notification")
        if store is not None and not isinstance(store, DedupStore):
            raise TypeError("store must provide async claim(), mark_done() and release()")
        self._parser = parser
        self._handler = handler
        self.store: DedupStore = store if store is not None else MemoryDedupStore()
        self._lease = _positive("lease", lease)
        self._remember = _positive("remember", remember)

    async def handle(self, params: Mapping[str, object]) -> ReceiverResult:
        """Process one delivery; never raises for a bad callback (the answer says it)."""
        try:
            notification = self._parser.parse_notification(params)
        except WebhookVerificationError as exc:
            _log.warning("payin callback rejected: %s", exc)
            return ReceiverResult(400, "invalid signature")
        except WebhookPayloadError as exc:
            _log.warning("payin callback undecodable: %s", exc)
            return ReceiverResult(422, "undecodable")
        # Namespaced so one shared store can also serve LEMFT webhooks ("id:", "sha256:").
        key, token = "lemon:" + notification.dedup_key, uuid.uuid4().hex
        try:
            state = await self.store.claim(key, token, self._lease)
        except Exception as exc:
            _log.error("payin dedup store unavailable: %s", type(exc).__name__)
            return ReceiverResult(503, "store unavailable", notification)
        if state == "done":
            return ReceiverResult(200, ACK, notification)
        if state != "claimed":
            return ReceiverResult(409, "in progress", notification)
        try:
            await self._handler(notification)
        except Exception as exc:
            await self._release(key, token)
            # Type only at ERROR: a handler's message may quote payment data.
            _log.error("payin callback handler failed: %s", type(exc).__name__)
            _log.debug("payin callback handler traceback", exc_info=exc)
            return ReceiverResult(500, "handler failed", notification)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self._release(key, token)
            raise
        try:
            await self.store.mark_done(key, token, self._remember)
        except Exception as exc:
            # Handled already: acknowledging is right; the claim's lease expires by itself.
            _log.warning("payin dedup store could not record: %s", type(exc).__name__)
        return ReceiverResult(200, ACK, notification, handled=True)

    async def _release(self, key: str, token: str) -> None:
        try:
            await self.store.release(key, token)
        except Exception as exc:
            _log.warning("payin dedup store could not release: %s", type(exc).__name__)


def merge_params(*sources: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Merge query and form pairs; a name given twice with different values is refused.

    Taking "the last one" would let an appended field shadow a signed one.
    """
    merged: dict[str, str] = {}
    for pairs in sources:
        for name, value in pairs:
            if name in merged and merged[name] != value:
                raise WebhookVerificationError(
                    f"parameter {name!r} given twice with different values"
                )
            merged[name] = value
    return merged


class _BodyTooLarge(Exception):
    pass


async def _read_params(request: Request, max_body_size: int) -> dict[str, str]:
    sources: list[Iterable[tuple[str, str]]] = [request.query_params.multi_items()]
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method != "GET" and content_type in ("", "application/x-www-form-urlencoded"):
        # Parsed here rather than with request.form(): no python-multipart dependency.
        body = await _raw_body(request, max_body_size)
        if body is None:
            raise _BodyTooLarge
        if body:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise WebhookVerificationError("callback body is not UTF-8 form data") from None
            sources.append(parse_qsl(text, keep_blank_values=True))
    return merge_params(*sources)


def starlette_endpoint(
    parser: NotificationParser,
    handler: NotificationHandler,
    *,
    store: DedupStore | None = None,
    max_body_size: int = 64 * 1024,
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette/FastAPI endpoint for the callback URL (mount it for GET and POST).

    >>> Route("/payin/notify", starlette_endpoint(client, on_notification),
    ...       methods=["GET", "POST"])

    Reads query *and* form params, verifies with ``parser`` (an ``AsyncPayin``), calls
    ``handler`` once per event (``store`` de-duplicates redeliveries: a
    ``lemft_async.webhooks.MemoryDedupStore`` by default, ``RedisDedupStore`` across workers)
    and answers exactly ``success`` as ``text/plain``. Bodies over ``max_body_size`` bytes
    get a 413.
    """
    from starlette.responses import PlainTextResponse  # lazy: starlette is an extra

    receiver = NotificationReceiver(parser, handler, store=store)
    limit = int(_positive("max_body_size", max_body_size))

    async def endpoint(request: Request) -> Response:
        try:
            params = await _read_params(request, limit)
        except _BodyTooLarge:
            return PlainTextResponse("body too large", status_code=413)
        except WebhookVerificationError as exc:
            _log.warning("payin callback rejected: %s", exc)
            return PlainTextResponse("invalid signature", status_code=400)
        result = await receiver.handle(params)
        return PlainTextResponse(result.body, status_code=result.status_code)

    return endpoint
