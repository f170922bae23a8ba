"""What reached the sandbox: every request by ``traceid``, and what the app answered.

``WireLog.install(sandbox)`` adds an ASGI middleware to ``sandbox.app`` (Starlette's public
``add_middleware``). It sees the requests that got past the in-process transport's
``connect_fail`` (those never reached the server) and the answers before the transport
drops them or gives up waiting: the server's side of the wire, which is what "sent" means.

An attempt answered 10004 was refused before the operation ran; any other attempt (an
answer, a malformed one, or none because the client stopped waiting) may have acted.
The SDK keeps one ``traceid`` across the retries of a call, so a write's attempts can be
checked: at most one may have acted, and none may follow it.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from dataclasses import dataclass
from typing import Any

from lemft_async.sandbox import Sandbox

__all__ = ["BUSY", "Attempt", "WireLog"]

BUSY = 10004

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


@dataclass
class Attempt:
    """One request as the server received it."""

    seq: int
    path: str
    traceid: str
    out_order_id: str | None = None
    code: int | None = None
    """The envelope code answered; None when no complete envelope was written."""

    @property
    def may_have_acted(self) -> bool:
        return self.code != BUSY


def _field(raw: bytes, name: str) -> Any:
    try:
        payload = json.loads(raw)
    except ValueError:
        return None
    return payload.get(name) if isinstance(payload, dict) else None


class WireLog:
    """Every request that reached the sandbox app, grouped by ``traceid``."""

    def __init__(self) -> None:
        self.by_traceid: defaultdict[str, list[Attempt]] = defaultdict(list)
        self._seq = itertools.count()

    def install(self, sandbox: Sandbox) -> WireLog:
        """Record ``sandbox``'s traffic (call before its first request)."""
        sandbox.app.add_middleware(_Recorder, log=self)
        return self

    def arrived(self, path: str, traceid: str) -> Attempt:
        attempt = Attempt(next(self._seq), path, traceid)
        self.by_traceid[traceid].append(attempt)
        return attempt

    def resend_problems(self, write_paths: Collection[str]) -> list[str]:
        """Writes that may have acted twice, or were sent again after they may have acted."""
        problems = []
        for traceid, attempts in self.by_traceid.items():
            if attempts[0].path not in write_paths:
                continue
            acted = [i for i, attempt in enumerate(attempts) if attempt.may_have_acted]
            if len(acted) > 1:
                problems.append(f"{traceid}: {len(acted)} attempts past admission")
            elif acted and acted[0] != len(attempts) - 1:
                problems.append(f"{traceid}: re-sent after an attempt that may have acted")
        return problems

    def unknown_outcome_sends(self, traceid: str) -> tuple[int, bool]:
        """For a write that ended in ``OutcomeUnknownError``: how many of its attempts may
        have acted, and whether the final attempt is the one whose answer was lost (it is
        either the attempt that may have acted, or a 10004 whose answer was dropped)."""
        attempts = self.by_traceid.get(traceid, [])
        acted = sum(attempt.may_have_acted for attempt in attempts)
        last_is_lost = bool(attempts) and (attempts[-1].may_have_acted or acted == 0)
        return acted, last_is_lost


class _Recorder:
    """The ASGI middleware behind ``WireLog.install``."""

    def __init__(self, app: ASGIApp, *, log: WireLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope["headers"]}
        traceid = headers.get("traceid", b"").decode("latin-1")
        attempt = self.log.arrived(scope["path"], traceid)
        request: list[bytes] = []
        answer: list[bytes] = []

        async def receive_and_keep() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request.append(message.get("body", b""))
            return message

        async def send_and_keep(message: Message) -> None:
            if message["type"] == "http.response.body":
                answer.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive_and_keep, send_and_keep)
        finally:
            # Also when the client's read timeout cancels the app: the attempt still counts.
            out_order_id = _field(b"".join(request), "out_order_id")
            attempt.out_order_id = None if out_order_id is None else str(out_order_id)
            code = _field(b"".join(answer), "code")
            attempt.code = code if isinstance(code, int) else None
