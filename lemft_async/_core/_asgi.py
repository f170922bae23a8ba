"""The receiver core's framework adapters: a raw ASGI app and a Starlette endpoint/route.

Both read the body as raw bytes (never parsed first), refuse it with 413 once it passes the
receiver's ``max_body_size`` (a declared ``Content-Length`` over the limit without reading
it at all), and hand one ``Delivery`` to ``BaseReceiver.handle_delivery``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import anyio

from ._delivery import Delivery, Reply, header_map

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from ._receiver import BaseReceiver

__all__ = ["handle_starlette", "serve_asgi", "starlette_route"]

_MAX_LENGTH_DIGITS = 18  # a Content-Length longer than this is refused without int()

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


# -- ASGI ---------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


def _declared_too_large(value: str | None, limit: int) -> bool:
    if value is None or not value.strip().isascii() or not value.strip().isdigit():
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

    from ._receiver import BaseReceiver

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
