"""Receiving Payin callbacks on the receiver core: verify, run the handler once, ``success``.

Payin's own parts: the parameters come from the query string *and* form fields (XxPay
POSTs ``notifyUrl?<params>``), the MD5 ``sign`` rule (``parse_notification``), the
de-duplication key (same order + same outcome, from signed fields) and the plain-text
acknowledgement ``success``. Everything else (body cap, store, answers) is the core's:

| situation                                   | HTTP | body                  | gateway |
|---------------------------------------------|------|-----------------------|---------|
| verified, handler returned                  | 200  | ``success``           | stops   |
| verified redelivery of a processed event    | 200  | ``success`` (no call) | stops   |
| missing / bad ``sign``, ambiguous params    | 401  | the reason code       | retries |
| unreadable (hostile) input                  | 400  | ``malformed``         | retries |
| authentic but undecodable                   | 422  | the reason code       | retries |
| same event being handled right now          | 409  | ``in progress``       | retries |
| handler raised                              | 500  | ``handler error``     | retries |
| de-duplication store unavailable            | 503  | ``store unavailable`` | retries |
| body over ``max_body_size``                 | 413  | ``body too large``    | retries |

A forged callback is never acknowledged as processed. A genuine one that fails
verification (wrong secret configured) is retried by the gateway on its schedule, so a
fixed deployment still receives it; ``query_order(execute_notify=True)`` re-sends it later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

from .._core._dedup import DedupStore
from .._core._errors import WebhookVerificationError
from .._core._receiver import (
    DEFAULT_MAX_BODY_SIZE,
    BaseReceiver,
    Delivery,
    Reply,
    Verified,
    handle_starlette,
)
from ._notifications import ACK, Notification

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = [
    "NotificationHandler",
    "NotificationParser",
    "NotificationReceiver",
    "Reply",
    "merge_params",
    "starlette_endpoint",
]

NotificationHandler = Callable[[Notification], Awaitable[None]]

_FORM_TYPES = ("", "application/x-www-form-urlencoded")
_MAX_FIELDS = 1000  # far above any callback; bounds parse_qsl's work on hostile bodies


class NotificationParser(Protocol):
    """Anything that verifies and types a callback, e.g. an ``AsyncPayin``."""

    def parse_notification(self, params: Mapping[str, object]) -> Notification: ...


def merge_params(*sources: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Merge query and form pairs; a name given twice with different values is refused.

    Taking "the last one" would let an appended field shadow a signed one.
    """
    merged: dict[str, str] = {}
    for pairs in sources:
        for name, value in pairs:
            if name in merged and merged[name] != value:
                raise WebhookVerificationError(
                    f"parameter {name!r} given twice with different values",
                    reason="ambiguous_param",
                )
            merged[name] = value
    return merged


def _pairs(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, max_num_fields=_MAX_FIELDS)
    except ValueError:
        raise WebhookVerificationError("too many parameters", reason="too_many_params") from None


def delivery_params(delivery: Delivery) -> dict[str, str]:
    """The callback's parameters: query string plus form body (JSON bodies are ignored)."""
    sources = [_pairs(delivery.query)]
    content_type = (delivery.header("content-type") or "").split(";")[0].strip().lower()
    if delivery.method != "GET" and content_type in _FORM_TYPES and delivery.body:
        # Parsed here rather than with request.form(): no python-multipart dependency.
        try:
            text = delivery.body.decode("utf-8")
        except UnicodeDecodeError:
            raise WebhookVerificationError(
                "callback body is not UTF-8 form data", reason="not_utf8"
            ) from None
        sources.append(_pairs(text))
    return merge_params(*sources)


class NotificationReceiver(BaseReceiver):
    """Verify -> de-duplicate -> handle -> acknowledge; framework-free and an ASGI app.

    ``handle(params)`` takes decoded parameters; mounted as ASGI (or through
    ``starlette_endpoint``) it reads them from the query string and form body itself.
    ``store`` remembers handled events for ``remember`` seconds (default one day, far
    beyond the gateway's 15-minute redelivery schedule); a claim expires after ``lease``
    seconds if the worker dies mid-handler.
    """

    log_name = "payin"
    media_type = "text/plain"
    methods = frozenset({"GET", "POST"})

    def __init__(
        self,
        parser: NotificationParser,
        handler: NotificationHandler,
        *,
        store: DedupStore | None = None,
        lease: float = 60.0,
        remember: float = 86_400.0,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        if not callable(getattr(parser, "parse_notification", None)):
            raise TypeError("parser must provide parse_notification(params), e.g. an AsyncPayin")
        if not callable(handler):
            raise TypeError("handler must be an async callable taking the notification")
        super().__init__(store=store, lease=lease, remember=remember, max_body_size=max_body_size)
        self._parser = parser
        self._handler = handler

    async def handle(self, params: Mapping[str, object]) -> Reply:
        """Process one delivery's parameters; never raises for a bad callback."""
        return await self.process(lambda: self._verify(params), 0.0)

    def _verify(self, params: Mapping[str, object]) -> Verified:
        notification = self._parser.parse_notification(params)
        # Namespaced so one shared store can also serve LEMFT and KeySecure deliveries.
        return Verified(notification, "lemon:" + notification.dedup_key)

    def verify_delivery(self, delivery: Delivery) -> Verified:
        return self._verify(delivery_params(delivery))

    async def run_handlers(self, event: Any, started: float) -> Reply | None:
        await self._handler(event)
        return None

    def ack_body(self) -> bytes:
        return ACK.encode()

    def error_body(self, status: int, reason: str) -> bytes:
        return reason.replace("_", " ").encode()


def starlette_endpoint(
    parser: NotificationParser,
    handler: NotificationHandler,
    *,
    store: DedupStore | None = None,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette/FastAPI endpoint for the callback URL (mount it for GET and POST).

    >>> Route("/payin/notify", starlette_endpoint(client, on_notification),
    ...       methods=["GET", "POST"])

    Reads query *and* form params, verifies with ``parser`` (an ``AsyncPayin``), calls
    ``handler`` once per event (``store`` de-duplicates redeliveries: a
    ``MemoryDedupStore`` by default, ``lemft_async.webhooks.RedisDedupStore`` across
    workers) and answers exactly ``success`` as ``text/plain``. Bodies over
    ``max_body_size`` bytes get a 413 without being read in full.
    """
    import starlette.responses  # noqa: F401  (fail now, not on the first callback)

    receiver = NotificationReceiver(parser, handler, store=store, max_body_size=max_body_size)

    async def endpoint(request: Request) -> Response:
        return await handle_starlette(request, receiver)

    return endpoint
