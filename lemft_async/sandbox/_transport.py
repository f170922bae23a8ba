"""The in-process wire between ``sandbox.client()`` and the app, with transport faults.

Wraps ``httpx.ASGITransport`` so no socket is opened, and adds what only a network can
do: refuse the connection (``connect_fail``: nothing reached the server), lose the answer
after the server acted (``drop``: ``httpx.RemoteProtocolError``), and give up waiting
(the client's read timeout, taken from ``request.extensions["timeout"]``, ends in
``httpx.ReadTimeout`` even though the app may already have committed).
"""

from __future__ import annotations

import math
from typing import Any

import anyio
import httpx

from ._faults import Faults
from ._stats import SandboxStats

__all__ = ["INPROCESS_CLIENT", "SandboxTransport"]

INPROCESS_CLIENT = ("lemft-sandbox-inprocess", 0)
"""The ASGI ``client`` this transport reports; the app leaves drops to the transport then."""


class SandboxTransport(httpx.AsyncBaseTransport):
    """An ``httpx`` transport that calls the sandbox app in-process and injects faults."""

    def __init__(self, app: Any, *, faults: Faults, stats: SandboxStats) -> None:
        self._inner = httpx.ASGITransport(app=app, client=INPROCESS_CLIENT)
        self._faults = faults
        self._stats = stats

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if self._faults.strikes("connect_fail", path):
            self._stats.faults["connect_fail"] += 1
            raise httpx.ConnectError("sandbox: connection refused (injected)", request=request)
        timeouts = request.extensions.get("timeout") or {}
        read = timeouts.get("read")
        try:
            with anyio.move_on_after(math.inf if read is None else read) as scope:
                response = await self._inner.handle_async_request(request)
                await response.aread()  # inside the scope: a slow body times out too
        except anyio.get_cancelled_exc_class():
            # The client gave up first (its whole-attempt deadline): the same fault, seen
            # from this side of the wire.
            self._stats.faults["timeout"] += 1
            raise
        if scope.cancelled_caught:
            self._stats.faults["timeout"] += 1
            raise httpx.ReadTimeout("sandbox: read timed out", request=request)
        if self._faults.strikes("drop", path):
            self._stats.faults["drop"] += 1
            raise httpx.RemoteProtocolError(
                "sandbox: server disconnected without sending a complete response (injected)",
                request=request,
            )
        return response
