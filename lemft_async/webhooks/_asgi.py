"""The ASGI side of ``WebhookReceiver``: read the raw body fully, answer the ``Reply``.

Pure ASGI (no framework): mount it anywhere (``app.mount(path, receiver)``) or serve it
alone with any ASGI server; ``lifespan`` is answered so a server can start it directly.
The body is read as raw bytes, never parsed before verification, and bounded by
``max_body_size`` (checked against ``Content-Length`` first, then while reading).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from ._reply import error_body

if TYPE_CHECKING:
    from ._receiver import WebhookReceiver

__all__ = ["read_body", "serve_asgi"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def read_body(receive: Receive, limit: int) -> bytes:
    """All ``http.request`` chunks joined; raises if over ``limit`` or the client left."""
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


async def _send_reply(send: Send, status: int, body: bytes, extra: list[Any] | None = None) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    headers += extra or []
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def serve_asgi(receiver: WebhookReceiver, scope: Scope, receive: Receive, send: Send) -> None:
    """Handle one ASGI connection for ``receiver``."""
    kind = scope["type"]
    if kind == "lifespan":
        await _lifespan(receive, send)
        return
    if kind != "http":
        if kind == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        return
    if scope.get("method") != "POST":
        await _send_reply(send, 405, error_body("method_not_allowed"), [(b"allow", b"POST")])
        return
    declared = _content_length(scope)
    if declared is not None and declared > receiver.max_body_size:
        await _send_reply(send, 413, error_body("body_too_large"))
        return
    try:
        body = await read_body(receive, receiver.max_body_size)
    except _TooLarge:
        await _send_reply(send, 413, error_body("body_too_large"))
        return
    except _Disconnected:
        return  # nobody to answer; the sender will redeliver
    reply = await receiver.handle(body, scope.get("headers") or [])
    await _send_reply(send, reply.status, reply.body)
