"""The sandbox's HTTP face: header checks, fault injection, envelopes (Starlette).

Checks in the documented order of concern: ``Api-Key`` (1002 missing, 1008 unknown),
``Timestamp`` (1005 when not 13 digits, more than ``timestamp_window`` old, or in the
future beyond ``future_leeway``), ``Access-Token`` (1006 missing, 1007 unknown or
expired), then for ``POST`` the body (1004: a ``Content-Type`` other than JSON, over
1 MiB, not UTF-8 JSON with sane numbers and nesting, or not an object). Every answer
carries a ``Date`` header from the sandbox clock so a client can re-sync after a 1005.
Hostile input gets one of these envelopes, never an HTTP 500, and the body is always
read to its end so the connection stays usable.
"""

from __future__ import annotations

import email.utils
import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from typing import Any

import anyio
import anyio.lowlevel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lemft_async._core._codec import dumps, loads

from ._ops import Context, SandboxOps
from ._routes import ROUTES, KeySecureRoute
from ._state import SandboxError

__all__ = ["Fault", "SandboxServer", "SandboxStats"]

MAX_BODY = 1 << 20
_JSON_TYPES = ("application/json", "text/json")
_DEFAULT_TZ = timezone(timedelta(hours=8))  # the documented Timezone default, UTC+8
_UTC_OFFSET = re.compile(r"UTC(?:([+-])(\d{1,2})(?::?(\d{2}))?)?", re.IGNORECASE)


def utc_offset(text: str) -> timezone | None:
    """The ``Timezone`` header (``UTC+8``, ``UTC-05:30``, ``UTC``) as a fixed offset.

    The docs show only ``UTC+8``; the other forms are inferred. ``None`` when unreadable
    or beyond 14 hours, and the documented default applies.
    """
    match = _UTC_OFFSET.fullmatch(text.strip())
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    if sign is None:
        return timezone.utc
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


@dataclass
class SandboxStats:
    """Counters for tests and demos."""

    requests: Counter[str] = field(default_factory=Counter)
    """Requests received, by operation name (e.g. ``"cards.list"``)."""
    rejections: Counter[int] = field(default_factory=Counter)
    """Non-zero codes answered, by code."""
    token_fetches: int = 0
    """Access-Tokens issued."""


@dataclass
class Fault:
    """One injected failure: answer ``code`` to the next ``times`` matching requests."""

    code: int
    times: int = 1
    operation: str | None = None
    message: str = "injected by the sandbox"
    after_effect: bool = False
    """Apply the operation first, then answer the error (an outcome-unknown write)."""


class SandboxServer:
    """Auth state, counters and faults around ``SandboxOps``."""

    def __init__(
        self,
        *,
        api_key: str,
        ops: SandboxOps,
        clock: Callable[[], float],
        token_lifetime: float,
        timestamp_window: float,
        future_leeway: float,
        latency: float,
    ) -> None:
        self.api_key = api_key
        self.ops = ops
        self.clock = clock
        self.token_lifetime = token_lifetime
        self.timestamp_window = timestamp_window
        self.future_leeway = future_leeway
        self.latency = latency
        self.tokens: dict[str, int] = {}
        self.faults: list[Fault] = []
        self.stats = SandboxStats()
        self.app = Starlette(
            routes=[
                Route(r.path, self._route(r), methods=[r.method], name=r.operation)
                for r in ROUTES.values()
            ]
        )

    def issue_token(self, expires_ms: int) -> str:
        value = secrets.token_hex(24)
        self.tokens[value] = expires_ms
        self.stats.token_fetches += 1
        return value

    def _take_fault(self, operation: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.operation in (None, operation):
                fault.times -= 1
                return fault
        return None

    def _envelope(self, code: int, msg: str, data: Any = None) -> Response:
        if code:
            self.stats.rejections[code] += 1
        payload: dict[str, Any] = {"code": code, "msg": msg}
        if code == 0:
            payload["data"] = data
        return Response(
            dumps(payload),
            media_type="application/json",
            headers={"Date": email.utils.formatdate(self.clock(), usegmt=True)},
        )

    def _check(self, request: Request, route: KeySecureRoute, now_ms: int) -> None:
        key = request.headers.get("api-key")
        if not key:
            raise SandboxError(1002, "Api-Key is required")
        if not secrets.compare_digest(key.encode(), self.api_key.encode()):
            raise SandboxError(1008, "Api-Key does not exist")
        stamp = request.headers.get("timestamp", "")
        if len(stamp) != 13 or not stamp.isascii() or not stamp.isdigit():
            raise SandboxError(1005, "Timestamp invalid or expired")
        sent = int(stamp)
        if (
            now_ms - sent > self.timestamp_window * 1000
            or sent - now_ms > self.future_leeway * 1000
        ):
            raise SandboxError(1005, "Timestamp invalid or expired")
        if route.auth:
            token = request.headers.get("access-token")
            if not token:
                raise SandboxError(1006, "Access-Token is required")
            expires = self.tokens.get(token)
            if expires is None or expires <= now_ms:
                raise SandboxError(1007, "Access-Token invalid or expired")

    def _route(self, route: KeySecureRoute) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            self.stats.requests[route.operation] += 1
            # Read (at most MAX_BODY + 1 bytes kept) before any answer, also for GET: an
            # unread body would leave the connection unusable for the next request.
            raw = await _read_body(request)
            # Always yield once, like a network round trip would, so concurrent clients
            # really interleave in-process (single-flight tests depend on it).
            await anyio.sleep(self.latency) if self.latency else await anyio.lowlevel.checkpoint()
            now_ms = int(self.clock() * 1000)
            try:
                self._check(request, route, now_ms)
            except SandboxError as exc:
                return self._envelope(exc.code, exc.msg)
            fault = self._take_fault(route.operation)
            if fault is not None and not fault.after_effect:
                return self._envelope(fault.code, fault.message)
            body: Any = {}
            if route.method == "POST":
                refused = _body_problem(request, raw)
                if refused is not None:
                    return self._envelope(1004, refused)
                try:
                    body = loads(raw or b"{}")
                except (ValueError, RecursionError):
                    # ValueError: not UTF-8 or out-of-bounds numbers; RecursionError: nested
                    # deeper than the decoder goes.
                    body = None
                if not isinstance(body, dict):
                    return self._envelope(1004, "request body must be a JSON object")
            zone = utc_offset(request.headers.get("timezone", "UTC+8")) or _DEFAULT_TZ
            ctx = Context(
                now_ms=now_ms,
                tz=zone,
                token_lifetime_ms=int(self.token_lifetime * 1000),
                issue_token=self.issue_token,
            )
            try:
                data = self.ops.run(route.operation, dict(request.path_params), body, ctx)
            except SandboxError as exc:
                return self._envelope(exc.code, exc.msg)
            if fault is not None:
                return self._envelope(fault.code, fault.message)
            return self._envelope(0, "Success", data)

        return handle


async def _read_body(request: Request) -> bytes:
    """The body, read to its end; only the first ``MAX_BODY + 1`` bytes are kept."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        if size <= MAX_BODY:
            chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _body_problem(request: Request, raw: bytes) -> str | None:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and not (content_type in _JSON_TYPES or content_type.endswith("+json")):
        return "Content-Type must be application/json"
    if len(raw) > MAX_BODY:
        return "request body too large"
    return None
