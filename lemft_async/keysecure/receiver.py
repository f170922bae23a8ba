"""KeySecure callbacks on the receiver core; ``Auth`` answered within a deadline.

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

Every other action (``Consumption``, ``Card_update``, unknown ones) is de-duplicated by
the core like LEMFT's and Payin's callbacks, keyed on the signed content (the ``data``
fields; ``id`` and ``action`` are unsigned): a redelivery runs ``on_event`` once. ``Auth``
is not de-duplicated: it asks for a decision now, not a notification to record.

The receiver is a plain ASGI app (no dependency): mount it in Starlette/FastAPI
(``Route("/keysecure/callback", receiver)``), serve it with uvicorn, or call
``await receiver.handle(raw_body, headers)`` from any other framework.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import anyio

from .._core._codec import dumps, loads
from .._core._dedup import DedupStore, sha256_key
from .._core._receiver import (
    DEFAULT_MAX_BODY_SIZE,
    BaseReceiver,
    Delivery,
    Reply,
    Verified,
    header_map,
)
from ._events import AuthEvent, KeySecureEvent, callback_reply
from ._signing import base_string

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["AuthReceiver", "AuthReply", "Reply"]

DEFAULT_DEADLINE = 0.8


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


AuthHandler = Callable[[AuthEvent], Awaitable["AuthReply | bool"]]
EventHandler = Callable[[KeySecureEvent], Awaitable[None]]


def signed_key(raw_body: bytes) -> str:
    """The de-duplication key of a verified callback: its signed ``data`` fields only.

    The ``Timestamp`` header is left out so a re-signed redelivery is still the same event.
    """
    body = loads(raw_body, keep_numbers=True)
    data = body.get("data") if isinstance(body, dict) else None
    return sha256_key("keysecure:", base_string("", "", data).encode())


class AuthReceiver(BaseReceiver):
    """Verify, dispatch and answer KeySecure callbacks; ``Auth`` always within ``deadline``.

    ``verifier`` is an ``AsyncKeySecure`` or a ``CallbackVerifier`` (anything with
    ``construct_event``). ``on_auth`` returns an ``AuthReply`` (or ``True``/``False``);
    ``on_event`` receives every other event, once per event (``store`` de-duplicates; see
    ``lemft_async.webhooks.MemoryDedupStore`` / ``RedisDedupStore``). ``on_auth`` is
    cancelled at the deadline: keep side effects you must not lose behind
    ``anyio.CancelScope(shield=True)`` or in a queue.
    """

    log_name = "keysecure"

    def __init__(
        self,
        verifier: _Verifier,
        *,
        on_auth: AuthHandler | None = None,
        on_event: EventHandler | None = None,
        deadline: float = DEFAULT_DEADLINE,
        fallback: AuthReply | None = None,
        store: DedupStore | None = None,
        lease: float = 60.0,
        remember: float = 86_400.0,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        if not callable(getattr(verifier, "construct_event", None)):
            raise TypeError("verifier must provide construct_event(raw_body, headers)")
        if isinstance(deadline, bool) or not isinstance(deadline, int | float) or deadline <= 0:
            raise ValueError(f"deadline must be a positive number of seconds, got {deadline!r}")
        if fallback is not None and not isinstance(fallback, AuthReply):
            raise TypeError("fallback must be an AuthReply (AuthReply.approve()/decline())")
        super().__init__(store=store, lease=lease, remember=remember, max_body_size=max_body_size)
        self._verifier = verifier
        self._on_auth = on_auth
        self._on_event = on_event
        self.deadline = float(deadline)
        self.fallback = fallback if fallback is not None else AuthReply.decline()

    async def handle(self, raw_body: bytes, headers: Mapping[str, str]) -> Reply:
        """Process one callback; the ``Auth`` clock starts now."""
        return await self._handle(raw_body, headers, anyio.current_time())

    async def _handle(self, raw_body: bytes, headers: Mapping[str, str], started: float) -> Reply:
        return await self.handle_delivery(Delivery(raw_body, headers), started)

    def verify_delivery(self, delivery: Delivery) -> Verified:
        event = self._verifier.construct_event(delivery.body, header_map(delivery.headers))
        if isinstance(event, AuthEvent):
            return Verified(event, None)
        return Verified(event, signed_key(delivery.body))

    async def run_handlers(self, event: Any, started: float) -> Reply | None:
        if isinstance(event, AuthEvent):
            reply, outcome = await self._answer_auth(event, started)
            body = dumps(reply.as_dict())
            return Reply(200, body, outcome, event, handled=outcome == "handler")
        if self._on_event is not None:
            await self._on_event(event)
        return None

    def ack_body(self) -> bytes:
        return dumps(callback_reply())

    def error_body(self, status: int, reason: str) -> bytes:
        return dumps(callback_reply(code=status, message=reason))

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
        self._log.warning(
            "keysecure Auth callback consume_no=%s: %s; replied with fallback code=%d "
            "(deadline %.0f ms)",
            event.data.consume_no,
            reason,
            self.fallback.code,
            self.deadline * 1000,
        )
        return self.fallback, f"fallback:{reason}"

    def as_starlette_app(self, path: str = "/keysecure/callback") -> Starlette:
        """A Starlette app serving this receiver at ``path`` (needs the ``sandbox`` extra)."""
        from starlette.applications import Starlette
        from starlette.routing import Route

        return Starlette(routes=[Route(path, self, methods=["POST"])])
