"""The receiver core: one delivery in, one ``Reply`` out, for every API's callbacks.

Steps: size check -> verify (the API's hook) -> claim the de-duplication key -> run the
handlers -> remember the key -> acknowledge. Each API supplies only its own parts: the
signature rule (``verify_delivery``), its handlers (``run_handlers``) and its answer texts
(``ack_body`` / ``error_body``). Every answer is chosen by "should the sender try again?":

===================  ======  ============================================================
outcome              status  why
===================  ======  ============================================================
handled / no handler 200 ack done; an event nobody handles is not a failure
duplicate (done)     200 ack already processed: stop redelivering
duplicate (running)  409     another delivery holds the key; redeliver later in case it fails
not authentic        401     missing/ambiguous/bad signature (or a wrong secret configured:
                             redeliveries succeed once the operator fixes it)
bad/stale timestamp  400     outside the window or malformed timestamp
malformed            400     input the verifier could not even read (hostile or broken)
payload undecodable  422     authentic but undecodable: redelivered until dropped
handler raised       500     key released, so the redelivery runs the handlers again
store unavailable    503     cannot de-duplicate: refuse rather than risk running twice
body too large       413     refused before being read in full
===================  ======  ============================================================

Hostile input never raises out of a receiver and never logs above WARNING: logs name the
outcome and reason only, never the body, a header value or a secret.
"""

from __future__ import annotations

import logging
import math
import traceback
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import anyio

from ._codec import loads
from ._dedup import DedupStore, MemoryDedupStore
from ._errors import WebhookPayloadError, WebhookVerificationError
from ._logging import logger as _root_logger

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "BaseReceiver",
    "Delivery",
    "Reply",
    "Verified",
    "handle_starlette",
    "header_map",
    "serve_asgi",
    "starlette_route",
]

DEFAULT_MAX_BODY_SIZE = 1 << 20
"""1 MiB: far above any notification, small enough that a flood cannot exhaust memory."""

_TIMESTAMP_REASONS = frozenset({"bad_timestamp", "stale", "future"})
_MAX_LENGTH_DIGITS = 18  # a Content-Length longer than this is refused without int()

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class Reply:
    """The HTTP answer for one delivery, whichever API sent it.

    ``reason`` is a short code for logs and tests (``ok``, ``duplicate``, ``in_progress``,
    a verification/payload reason, ...); ``handled`` is True only when the handlers ran
    (and returned) for this delivery; ``event`` is the verified event, if any.
    """

    status: int
    body: bytes
    reason: str
    event: Any = None
    handled: bool = False
    media_type: str = "application/json"

    @property
    def acknowledged(self) -> bool:
        """True when the sender will consider the delivery done (HTTP 200)."""
        return self.status == 200

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body decoded (JSON replies only); numbers with a fraction are ``Decimal``."""
        return loads(self.body)


@dataclass(frozen=True)
class Delivery:
    """One raw delivery: body bytes, headers (a mapping or ASGI pairs), query, method."""

    body: bytes
    headers: Any = ()
    query: str = ""
    method: str = "POST"

    def header(self, name: str) -> str | None:
        """Case-insensitive lookup; the last value wins (for non-signature headers only)."""
        return header_map(self.headers).get(name.lower())


@dataclass(frozen=True)
class Verified:
    """What ``verify_delivery`` proved: the event and its de-duplication key.

    ``key`` must come from signed content only; ``None`` skips de-duplication (a request
    that needs a fresh answer each time, such as KeySecure's ``Auth``).
    """

    event: Any
    key: str | None


def header_map(headers: Any) -> dict[str, str]:
    """Lower-cased ``name -> value`` from a mapping or ASGI ``(bytes, bytes)`` pairs."""
    items: Iterable[Any] = headers.items() if isinstance(headers, Mapping) else headers or ()
    out: dict[str, str] = {}
    for name, value in items:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        out[str(name).lower()] = str(value)
    return out


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


class BaseReceiver:
    """Body cap, verification, de-duplication and answers; also an ASGI app.

    Subclasses implement ``verify_delivery``, ``run_handlers`` and the two body methods.
    ``store`` (default: a ``MemoryDedupStore`` per receiver) remembers processed
    deliveries for ``remember`` seconds; a claim expires after ``lease`` seconds if the
    worker dies. A handler's exception is logged by type only (its message may quote card
    or payment data; frames at DEBUG); ``on_error(event, exc)`` receives it.
    """

    log_name: ClassVar[str] = "receiver"
    media_type: ClassVar[str] = "application/json"
    methods: ClassVar[frozenset[str]] = frozenset({"POST"})

    def __init__(
        self,
        *,
        store: DedupStore | None = None,
        lease: float = 60.0,
        remember: float = 86_400.0,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        on_error: Callable[[Any, Exception], object] | None = None,
    ) -> None:
        if store is not None and not isinstance(store, DedupStore):
            raise TypeError("store must provide async claim(), mark_done() and release()")
        if on_error is not None and not callable(on_error):
            raise TypeError("on_error must be a callable (event, exception)")
        self.store: DedupStore = store if store is not None else MemoryDedupStore()
        self._lease = _positive(lease, "lease")
        self._remember = _positive(remember, "remember")
        self.max_body_size = int(_positive(max_body_size, "max_body_size"))
        self._on_error = on_error
        self._log = _root_logger.getChild(self.log_name)

    # -- what each API supplies -------------------------------------------------------------

    def verify_delivery(self, delivery: Delivery) -> Verified:
        """Check authenticity and decode; raise the typed verification/payload errors."""
        raise NotImplementedError

    async def run_handlers(self, event: Any, started: float) -> Reply | None:
        """Run the handlers; ``None`` means "acknowledge", a ``Reply`` answers as given."""
        raise NotImplementedError

    def ack_body(self) -> bytes:
        raise NotImplementedError

    def error_body(self, status: int, reason: str) -> bytes:
        raise NotImplementedError

    # -- the pipeline -----------------------------------------------------------------------

    def reply(self, status: int, reason: str, event: Any = None, *, handled: bool = False) -> Reply:
        """An acknowledgement (200) or an error answer in this API's words."""
        body = self.ack_body() if status == 200 else self.error_body(status, reason)
        return Reply(status, body, reason, event, handled, self.media_type)

    async def handle_delivery(self, delivery: Delivery, started: float | None = None) -> Reply:
        """Process one raw delivery (see the module docstring); never raises for bad input."""
        if started is None:
            started = anyio.current_time()
        if len(delivery.body) > self.max_body_size:
            return self.reply(413, "body_too_large")
        return await self.process(lambda: self.verify_delivery(delivery), started)

    async def process(self, check: Callable[[], Verified], started: float) -> Reply:
        """Verify with ``check`` then de-duplicate and dispatch."""
        try:
            verified = check()
        except WebhookVerificationError as exc:
            self._log.info("%s rejected: %s", self.log_name, exc.reason)
            status = 400 if exc.reason in _TIMESTAMP_REASONS else 401
            return self.reply(status, exc.reason)
        except WebhookPayloadError as exc:
            self._log.warning("%s verified but undecodable: %s", self.log_name, exc.reason)
            return self.reply(422, exc.reason)
        except (ValueError, TypeError, LookupError, RecursionError, UnicodeError) as exc:
            # A verifier tripped over hostile input it should have refused: still a 4xx.
            self._log.warning("%s rejected malformed input: %s", self.log_name, type(exc).__name__)
            return self.reply(400, "malformed")
        if verified.key is None:
            return await self._run(verified.event, started, None, "")
        token = uuid.uuid4().hex
        try:
            state = await self.store.claim(verified.key, token, self._lease)
        except Exception as exc:
            self._log.error("%s dedup store unavailable: %s", self.log_name, type(exc).__name__)
            return self.reply(503, "store_unavailable", verified.event)
        if state == "done":
            self._log.debug("%s duplicate skipped", self.log_name)
            return self.reply(200, "duplicate", verified.event)
        if state != "claimed":
            return self.reply(409, "in_progress", verified.event)
        return await self._run(verified.event, started, verified.key, token)

    async def _run(self, event: Any, started: float, key: str | None, token: str) -> Reply:
        try:
            answer = await self.run_handlers(event, started)
        except Exception as exc:
            await self._release(key, token)
            self._log.error("%s handler failed: %s", self.log_name, type(exc).__name__)
            if self._log.isEnabledFor(logging.DEBUG):
                frames = "".join(traceback.format_tb(exc.__traceback__))
                self._log.debug(
                    "%s handler traceback (message withheld):\n%s", self.log_name, frames
                )
            self._report(event, exc)
            return self.reply(500, "handler_error", event)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self._release(key, token)
            raise
        if key is not None:
            try:
                await self.store.mark_done(key, token, self._remember)
            except Exception as exc:
                # Handled already: acknowledging is right; the lease expires by itself.
                self._log.warning(
                    "%s dedup store could not record: %s", self.log_name, type(exc).__name__
                )
        return answer if answer is not None else self.reply(200, "ok", event, handled=True)

    def _report(self, event: Any, exc: Exception) -> None:
        if self._on_error is None:
            return
        try:
            self._on_error(event, exc)
        except Exception as hook_exc:
            self._log.warning("%s on_error hook failed: %s", self.log_name, type(hook_exc).__name__)

    async def _release(self, key: str | None, token: str) -> None:
        if key is None:
            return
        try:
            await self.store.release(key, token)
        except Exception as exc:
            self._log.warning(
                "%s dedup store could not release: %s", self.log_name, type(exc).__name__
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point (lifespan answered so it can be served standalone)."""
        await serve_asgi(self, scope, receive, send)


# -- ASGI ---------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


def _declared_too_large(value: str | None, limit: int) -> bool:
    if value is None or not value.strip().isdigit():
        return False  # absent or unreadable: the read itself enforces the limit
    digits = value.strip()
    return len(digits) > _MAX_LENGTH_DIGITS or int(digits) > limit


async def _read_asgi(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _content_type(media_type: str) -> bytes:
    return (
        media_type + "; charset=utf-8" if media_type.startswith("text/") else media_type
    ).encode()


async def _send(send: Send, reply: Reply, extra: list[Any] | None = None) -> None:
    headers = [(b"content-type", _content_type(reply.media_type))]
    headers += [(b"content-length", b"%d" % len(reply.body)), *(extra or [])]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def serve_asgi(receiver: BaseReceiver, scope: Scope, receive: Receive, send: Send) -> None:
    """Handle one ASGI connection for ``receiver``: raw bytes, capped, never parsed first."""
    kind = scope["type"]
    if kind == "lifespan":
        await _lifespan(receive, send)
        return
    if kind != "http":
        if kind == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        return
    started = anyio.current_time()
    method = str(scope.get("method", ""))
    if method not in receiver.methods:
        allow = ", ".join(sorted(receiver.methods)).encode()
        await _send(send, receiver.reply(405, "method_not_allowed"), [(b"allow", allow)])
        return
    raw_headers = scope.get("headers") or []
    if _declared_too_large(header_map(raw_headers).get("content-length"), receiver.max_body_size):
        await _send(send, receiver.reply(413, "body_too_large"))
        return
    try:
        body = await _read_asgi(receive, receiver.max_body_size)
    except _TooLarge:
        await _send(send, receiver.reply(413, "body_too_large"))
        return
    except _Disconnected:
        return  # nobody to answer; the sender will redeliver
    query = bytes(scope.get("query_string") or b"").decode("latin-1")
    reply = await receiver.handle_delivery(Delivery(body, raw_headers, query, method), started)
    await _send(send, reply)


# -- Starlette ----------------------------------------------------------------------------


async def _starlette_body(request: Request, limit: int) -> bytes | None:
    # request.stream() yields the bytes as received; stop early when over the limit.
    if _declared_too_large(request.headers.get("content-length"), limit):
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def handle_starlette(request: Request, receiver: BaseReceiver) -> Response:
    """Answer the delivery in ``request`` with ``receiver`` (any of the three APIs)."""
    from starlette.responses import Response

    if not isinstance(receiver, BaseReceiver):
        raise TypeError("receiver must be a callback receiver (e.g. webhooks.WebhookReceiver)")
    started = anyio.current_time()
    body = await _starlette_body(request, receiver.max_body_size)
    if body is None:
        reply = receiver.reply(413, "body_too_large")
    else:
        delivery = Delivery(body, request.headers, request.url.query, request.method)
        reply = await receiver.handle_delivery(delivery, started)
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type)


def starlette_route(path: str, receiver: BaseReceiver, *, name: str | None = None) -> Route:
    """A ``Route`` serving ``receiver`` at ``path`` for its methods."""
    from starlette.routing import Route

    async def endpoint(request: Request) -> Response:
        return await handle_starlette(request, receiver)

    return Route(path, endpoint, methods=sorted(receiver.methods), name=name)
