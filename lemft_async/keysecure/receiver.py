"""A callback receiver that answers ``Auth`` within a deadline, whatever the handler does.

In authorization mode KeySecure waits at most 800 ms for the merchant's answer to an
``Auth`` callback (documented). ``AuthReceiver`` verifies the callback, runs your handler
under ``anyio.move_on_after``, and if the handler has not decided when the deadline
passes (or raised, or returned something that is not a decision) it replies with the
configured ``fallback`` and logs that it did (consume number and reason only, never card
data). The deadline is measured from the moment the request reached the receiver.

Reply semantics (documented): ``{"code": 0, "message": ""}`` approves. A non-zero code
(with a message) or no answer in time hands the transaction to the platform's
authorization strategy; the docs define no separate hard-decline code. The default
fallback is therefore ``AuthReply.decline()`` (non-zero): a slow handler never approves
something it did not approve. Pass ``fallback=AuthReply.approve()`` to fail open.

The receiver is a plain ASGI app (no dependency): mount it in Starlette/FastAPI
(``Route("/keysecure/callback", receiver)``), serve it with uvicorn, or call
``await receiver.handle(raw_body, headers)`` from any other framework.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import anyio

from .._core._codec import dumps
from .._core._errors import WebhookPayloadError, WebhookVerificationError
from ._events import AuthEvent, KeySecureEvent, callback_reply

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["AuthReceiver", "AuthReply", "CallbackResponse"]

logger = logging.getLogger("lemft_async.keysecure")

DEFAULT_DEADLINE = 0.8
DEFAULT_MAX_BODY = 1 << 20

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class _Verifier(Protocol):
    def construct_event(
        self, raw_body: bytes | str, headers: Mapping[str, str]
    ) -> KeySecureEvent: ...


@dataclass(frozen=True)
class AuthReply:
    """The answer to an ``Auth`` callback."""

    code: int = 0
    message: str = ""

    def __post_init__(self) -> None:
        callback_reply(code=self.code, message=self.message)  # same rules, same errors

    @classmethod
    def approve(cls) -> AuthReply:
        """``code`` 0: the merchant approves the authorization."""
        return cls(0, "")

    @classmethod
    def decline(cls, message: str = "declined by merchant", *, code: int = 1) -> AuthReply:
        """A non-zero code: the platform's authorization strategy decides (documented)."""
        if code == 0:
            raise ValueError("a decline needs a non-zero code")
        return cls(code, message)

    @property
    def approved(self) -> bool:
        return self.code == 0

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class CallbackResponse:
    """What to send back: HTTP status and JSON body, plus how the answer was reached."""

    status: int
    body: dict[str, Any]
    outcome: str
    """``handler``, ``fallback:<reason>``, ``ack``, ``rejected`` or ``error``."""

    def content(self) -> bytes:
        return dumps(self.body)


AuthHandler = Callable[[AuthEvent], Awaitable["AuthReply | bool"]]
EventHandler = Callable[[KeySecureEvent], Awaitable[None]]


class AuthReceiver:
    """Verify, dispatch and answer KeySecure callbacks; ``Auth`` always within ``deadline``.

    ``verifier`` is an ``AsyncKeySecure`` or a ``CallbackVerifier`` (anything with
    ``construct_event``). ``on_auth`` returns an ``AuthReply`` (or ``True``/``False``);
    ``on_event`` receives every other event. It is cancelled at the deadline: keep side
    effects you must not lose behind ``anyio.CancelScope(shield=True)`` or in a queue.
    """

    def __init__(
        self,
        verifier: _Verifier,
        *,
        on_auth: AuthHandler | None = None,
        on_event: EventHandler | None = None,
        deadline: float = DEFAULT_DEADLINE,
        fallback: AuthReply | None = None,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        if not callable(getattr(verifier, "construct_event", None)):
            raise TypeError("verifier must provide construct_event(raw_body, headers)")
        if isinstance(deadline, bool) or not isinstance(deadline, int | float) or deadline <= 0:
            raise ValueError(f"deadline must be a positive number of seconds, got {deadline!r}")
        if fallback is not None and not isinstance(fallback, AuthReply):
            raise TypeError("fallback must be an AuthReply (AuthReply.approve()/decline())")
        self._verifier = verifier
        self._on_auth = on_auth
        self._on_event = on_event
        self.deadline = float(deadline)
        self.fallback = fallback if fallback is not None else AuthReply.decline()
        self._max_body = max_body

    async def handle(self, raw_body: bytes, headers: Mapping[str, str]) -> CallbackResponse:
        """Process one callback; the ``Auth`` clock starts now."""
        return await self._handle(raw_body, headers, anyio.current_time())

    async def _handle(
        self, raw_body: bytes, headers: Mapping[str, str], started: float
    ) -> CallbackResponse:
        try:
            event = self._verifier.construct_event(raw_body, headers)
        except WebhookVerificationError as exc:
            logger.warning("keysecure callback rejected: %s", exc)
            return CallbackResponse(401, {"code": 401, "message": "unauthorized"}, "rejected")
        except WebhookPayloadError as exc:
            logger.warning("keysecure callback undecodable: %s", exc)
            return CallbackResponse(400, {"code": 400, "message": "bad payload"}, "rejected")
        if isinstance(event, AuthEvent):
            reply, outcome = await self._answer_auth(event, started)
            return CallbackResponse(200, reply.as_dict(), outcome)
        if self._on_event is not None:
            try:
                await self._on_event(event)
            except Exception as exc:
                logger.error(
                    "keysecure %s callback: handler raised %s", event.action, type(exc).__name__
                )
                return CallbackResponse(
                    500, callback_reply(code=500, message="handler error"), "error"
                )
        return CallbackResponse(200, callback_reply(), "ack")

    async def _answer_auth(self, event: AuthEvent, started: float) -> tuple[AuthReply, str]:
        remaining = self.deadline - (anyio.current_time() - started)
        result: object = None
        reason = "no handler"
        if self._on_auth is not None and remaining > 0:
            reason = "deadline"
            with anyio.move_on_after(remaining):
                try:
                    result = await self._on_auth(event)
                    reason = "invalid result"
                except Exception as exc:
                    reason = f"handler raised {type(exc).__name__}"
        elif self._on_auth is not None:
            reason = "deadline"
        if isinstance(result, AuthReply):
            return result, "handler"
        if isinstance(result, bool):
            return (AuthReply.approve() if result else AuthReply.decline()), "handler"
        logger.warning(
            "keysecure Auth callback consume_no=%s: %s; replied with fallback code=%d "
            "(deadline %.0f ms)",
            event.data.consume_no,
            reason,
            self.fallback.code,
            self.deadline * 1000,
        )
        return self.fallback, f"fallback:{reason}"

    # -- ASGI ------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point: ``POST`` only, JSON reply."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = anyio.current_time()
        if scope.get("method") != "POST":
            await _respond(send, 405, {"code": 405, "message": "method not allowed"})
            return
        body = await _read_body(receive, self._max_body)
        if body is None:
            await _respond(send, 413, {"code": 413, "message": "body too large"})
            return
        headers = {
            key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
        }
        response = await self._handle(body, headers, started)
        await _respond(send, response.status, response.body)

    def as_starlette_app(self, path: str = "/keysecure/callback") -> Starlette:
        """A Starlette app serving this receiver at ``path`` (needs the ``sandbox`` extra)."""
        from starlette.applications import Starlette
        from starlette.routing import Route

        return Starlette(routes=[Route(path, self, methods=["POST"])])


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _respond(send: Send, status: int, body: Mapping[str, Any]) -> None:
    content = dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
