"""Starlette / FastAPI helpers. Starlette is imported only when these are called, so
``import lemft_async.webhooks`` works without it.

    @app.post("/lemft/webhooks")
    async def lemft_webhooks(request: Request) -> Response:
        return await webhooks.handle_starlette(request, receiver)

or ``routes=[webhooks.starlette_route("/lemft/webhooks", receiver)]``, or simply
``app.mount("/lemft/webhooks", receiver)`` (the receiver is an ASGI app).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._receiver import WebhookReceiver
from ._reply import Reply, error_body

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

__all__ = ["handle_starlette", "starlette_route"]


async def _raw_body(request: Request, limit: int) -> bytes | None:
    # request.stream() yields the bytes as received; stop early when over the limit.
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def handle_starlette(request: Request, receiver: WebhookReceiver) -> Response:
    """Verify, de-duplicate and dispatch the notification in ``request``; the Response to
    return (HTTP 200 + acknowledgement body when handled, see ``WebhookReceiver``)."""
    from starlette.responses import Response

    if not isinstance(receiver, WebhookReceiver):
        raise TypeError("receiver must be a webhooks.WebhookReceiver")
    body = await _raw_body(request, receiver.max_body_size)
    if body is None:
        reply = Reply(413, error_body("body_too_large"), "body_too_large")
    else:
        reply = await receiver.handle(body, request.headers)
    return Response(reply.body, status_code=reply.status, media_type="application/json")


def starlette_route(path: str, receiver: WebhookReceiver, *, name: str | None = None) -> Route:
    """A POST ``Route`` serving ``receiver`` at ``path``."""
    from starlette.routing import Route

    async def endpoint(request: Request) -> Response:
        return await handle_starlette(request, receiver)

    return Route(path, endpoint, methods=["POST"], name=name)
