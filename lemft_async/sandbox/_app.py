"""The HTTP face of the sandbox: the documented rules, admission per URL, faults, answers.

Order of checks for ``POST <route path>`` (inferred; the docs give the rules, not
their order): ``Content-Type``, when sent, is JSON (10001) -> body at most 1 MiB, UTF-8
JSON with sane numbers and nesting, an object (10001) -> ``app_id`` known (10001) -> ``signature``
over the received raw bytes + ``timestamp`` (10002) -> ``timestamp`` within the window
(10003) -> ``customer_id`` and ``key`` (10001) -> one request in flight per (credential
set, path), a second one is answered 10004 at once -> the operation (params 10001, or
its data). Admitted requests stay in flight until ``latency`` seconds after they arrived
(the sandbox's own work happens within that time); rejected ones are answered at once.
Every answer carries a ``Date`` header from the sandbox clock (wall clock +
``clock_skew``), which the SDK re-syncs from after a 10003. Hostile input (garbage or
non-ASCII headers, a 5,000-digit ``timestamp``, deep nesting, ``1e99999999``, non-UTF-8,
huge bodies) gets one of these envelopes, never an HTTP 500, and the body is always read
to its end so the connection stays usable.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.lowlevel

from lemft_async._core._codec import dumps, loads

from ._clock import http_date
from ._credentials import SandboxCredentials
from ._errors import (
    SERVER_ERROR,
    SIGNATURE_ERROR,
    TIMESTAMP_ERROR,
    TOO_MANY_REQUESTS,
    Reject,
    param_error,
)
from ._faults import Faults
from ._fields import Params
from ._routes import Handler, SandboxRoute
from ._signature import signature_ok
from ._state import State
from ._stats import SandboxStats
from ._transport import INPROCESS_CLIENT

__all__ = ["Handler", "SandboxCore"]

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]

MAX_BODY = 1 << 20
_MAX_TIMESTAMP_DIGITS = 12  # seconds until year 33658: anything longer is not a timestamp
_JSON_TYPES = ("application/json", "text/json")
_MALFORMED = b'{"code":0,"message":"success","data":{"order_'
# The last _SPIN seconds of a latency hold are spent yielding rather than sleeping, so the
# hold ends on time (a plain sleep overshoots by up to a millisecond: 5 % of 20 ms).
_SPIN = 0.0015


@dataclass
class Rules:
    """The request-checking knobs."""

    timestamp_window: float = 300.0
    """Seconds a ``timestamp`` may differ from the server clock (inferred default)."""
    clock_skew: float = 0.0
    """Seconds the server clock is ahead of the local wall clock (negative: behind)."""


class SandboxCore:
    """The raw ASGI endpoint every path is routed to; ``routes`` is keyed by path."""

    def __init__(
        self,
        *,
        state: State,
        routes: Mapping[str, SandboxRoute],
        apps: Mapping[int, SandboxCredentials],
        faults: Faults,
        stats: SandboxStats,
        rules: Rules,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.state = state
        self.routes = routes
        self.apps = apps
        self.faults = faults
        self.stats = stats
        self.rules = rules
        self.wall = wall
        self._in_flight: dict[tuple[int, int, str], int] = {}
        # When each path was last released: a request that arrived while another held the
        # path must still be held its full latency once admitted (one at a time means
        # N requests can never finish faster than N x latency).
        self._released: dict[tuple[int, int, str], float] = {}
        self._date_second = -1
        self._date_text = ""

    # -- ASGI -------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        # The latency hold counts from arrival, so the sandbox's own work (parsing,
        # the signature, the operation, encoding the answer) happens inside it.
        arrived = time.perf_counter()
        path: str = scope["path"]
        self.stats.requests[path] += 1
        route = self.routes.get(path)
        # Every LEMFT operation is POST, so a GET anywhere is 405 rather than 404.
        if scope["method"] != (route.method if route is not None else "POST"):
            await self._plain(send, 405, b"Method Not Allowed")
            return
        if route is None:
            await self._plain(send, 404, b"Not Found")
            return
        body = await _read_body(receive)
        headers = _headers(scope)
        try:
            payload, credentials = self._authenticate(body, headers)
        except Reject as reject:
            await self._raw(send, 200, self._envelope(reject.code, reject.message), headers)
            return
        key = (credentials.customer_id, credentials.app_id, path)
        if self._in_flight.get(key):
            self.stats.rejections[path] += 1
            busy = Reject(TOO_MANY_REQUESTS)
            await self._raw(send, 200, self._envelope(busy.code, busy.message), headers)
            return
        inprocess = tuple(scope.get("client") or ()) == INPROCESS_CLIENT
        answer = await self._admitted(
            key, route.handler, payload, credentials.app_id, arrived, may_drop=not inprocess
        )
        if answer is None:
            await self._abort(send)
        else:
            await self._raw(send, 200, answer, headers)

    async def _admitted(
        self,
        key: tuple[int, int, str],
        handler: Handler,
        payload: dict[str, Any],
        app_id: int,
        arrived: float,
        *,
        may_drop: bool,
    ) -> bytes | None:
        """Run the operation while holding the path; the answer's bytes, None to drop it."""
        path = key[2]
        self._in_flight[key] = 1
        count = sum(1 for k, v in self._in_flight.items() if v and k[2] == path)
        if count > self.stats.max_in_flight[path]:
            self.stats.max_in_flight[path] = count
        try:
            if self.state.pending_work:
                self.state.run_due()
            code, message, data = self._process(path, handler, payload, app_id)
            answer: bytes | None = self._envelope(code, message, data)
            if code != SERVER_ERROR and self.faults.strikes("malformed", path):
                self.stats.faults["malformed"] += 1
                answer = _MALFORMED
            start = max(arrived, self._released.get(key, 0.0))
            await _hold_until(start + self.faults.config.latency)
            if self.faults.strikes("slow", path):
                self.stats.faults["slow"] += 1
                await anyio.sleep(self.faults.config.slow_seconds)
            # In-process the transport drops answers (it can raise on the client side);
            # served, the app aborts the response itself.
            if answer is not _MALFORMED and may_drop and self.faults.strikes("drop", path):
                self.stats.faults["drop"] += 1
                answer = None
        finally:
            # Released before the answer is written: a client that reacts to the answer
            # at once must find the path free.
            del self._in_flight[key]
            self._released[key] = time.perf_counter()
        return answer

    def _process(
        self, path: str, handler: Handler, payload: dict[str, Any], app_id: int
    ) -> tuple[int, str, Any]:
        params = Params(payload)
        applied = self.faults.error(path)
        if applied is not None:
            self.stats.faults["error"] += 1
            if applied:
                self.stats.faults["error_applied"] += 1
                with contextlib.suppress(Reject):
                    handler(self.state, params, app_id)
            return SERVER_ERROR, Reject(SERVER_ERROR).message, None
        try:
            return 0, "success", handler(self.state, params, app_id)
        except Reject as reject:
            return reject.code, reject.message, None

    # -- the rules -----------------------------------------------------------------------------

    def _authenticate(
        self, body: bytes, headers: Mapping[str, str]
    ) -> tuple[dict[str, Any], SandboxCredentials]:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and not (content_type in _JSON_TYPES or content_type.endswith("+json")):
            raise param_error("Content-Type must be application/json")
        if len(body) > MAX_BODY:
            raise param_error("request body too large")
        try:
            payload = loads(body)
        except (ValueError, RecursionError):
            # ValueError covers non-UTF-8 (UnicodeDecodeError) and out-of-bounds numbers;
            # RecursionError a body nested deeper than the decoder goes.
            raise param_error("request body is not valid JSON") from None
        if not isinstance(payload, dict):
            raise param_error("request body must be a JSON object")
        app_id = payload.get("app_id")
        if app_id is None:
            raise param_error("missing field app_id")
        if isinstance(app_id, bool) or not isinstance(app_id, int):
            raise param_error("app_id must be an integer")
        credentials = self.apps.get(app_id)
        if credentials is None:
            raise param_error(f"app_id {app_id} is not a known app")
        signature = headers.get("signature", "")
        timestamp = headers.get("timestamp", "")
        if not signature:
            raise Reject(SIGNATURE_ERROR, "missing signature header")
        if (
            not timestamp.isascii()
            or not timestamp.isdigit()
            or len(timestamp) > _MAX_TIMESTAMP_DIGITS
        ):
            raise Reject(TIMESTAMP_ERROR, "missing or non-numeric timestamp header")
        if not signature_ok(credentials.api_key, body, timestamp, signature):
            raise Reject(SIGNATURE_ERROR, "signature does not match the request body")
        self._check_window(int(timestamp))
        customer_id = payload.get("customer_id")
        if customer_id is None:
            raise param_error("missing field customer_id")
        if isinstance(customer_id, bool) or not isinstance(customer_id, int):
            raise param_error("customer_id must be an integer")
        if customer_id != credentials.customer_id:
            raise param_error("customer_id does not match app_id")
        key = payload.get("key")
        if key is None or key == "":
            raise param_error("missing field key")
        if key != credentials.key:
            raise param_error("key is not valid for app_id")
        return payload, credentials

    def _check_window(self, timestamp: int) -> None:
        now = self.wall() + self.rules.clock_skew
        window = self.rules.timestamp_window
        if timestamp < now - window:
            detail = f"timestamp is {int(now - timestamp)} s old (window {window:g} s)"
            raise Reject(TIMESTAMP_ERROR, detail)
        if timestamp > now + window:
            detail = f"timestamp is {int(timestamp - now)} s in the future (window {window:g} s)"
            raise Reject(TIMESTAMP_ERROR, detail)

    # -- answers ---------------------------------------------------------------------------------

    def _date(self) -> str:
        now = self.wall() + self.rules.clock_skew
        second = int(now)
        if second != self._date_second:
            self._date_second, self._date_text = second, http_date(now)
        return self._date_text

    def _envelope(self, code: int, message: str, data: Any = None) -> bytes:
        self.stats.codes[code] += 1
        return dumps({"code": code, "message": message, "data": data})

    async def _raw(self, send: Send, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        out = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"date", self._date().encode()),
        ]
        traceid = headers.get("traceid")
        if traceid and len(traceid) <= 64:
            out.append((b"traceid", traceid.encode("latin-1")))
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": body})

    async def _plain(self, send: Send, status: int, body: bytes) -> None:
        out = [
            (b"content-type", b"text/plain"),
            (b"content-length", str(len(body)).encode()),
            (b"date", self._date().encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": body})

    async def _abort(self, send: Send) -> None:
        # Headers promise a body that never comes; the server then closes the connection
        # ("ASGI callable returned without completing response"): the client sees a
        # broken response after the state change was committed.
        out = [(b"content-type", b"application/json"), (b"content-length", b"64")]
        await send({"type": "http.response.start", "status": 200, "headers": out})


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY + 1:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _hold_until(deadline: float) -> None:
    """Sleep until ``deadline`` (``perf_counter`` time) without overshooting it."""
    remaining = deadline - time.perf_counter()
    if remaining <= 0:
        return
    if remaining > _SPIN:
        await anyio.sleep(remaining - _SPIN)
    # Deliberate short busy-yield (at most _SPIN seconds): no event to wait for, only time.
    while time.perf_counter() < deadline:
        await anyio.lowlevel.checkpoint()
