"""httpx-aiohttp's transport with aiohttp's errors told apart the way the SDK needs.

The SDK retries a write only when the request never left (``httpx.ConnectError``,
``ConnectTimeout``, ``PoolTimeout``: ``_retry.classify_http``). httpx-aiohttp 0.2 maps every
``aiohttp.ClientConnectionError`` it does not know better to ``httpx.ConnectTimeout``: a
server that closes the connection after reading the request (``ServerDisconnectedError``)
or a reset mid-answer (``ClientOSError``) would read as "never sent" and a card order be
sent twice. Here only aiohttp's connect-phase errors (``ClientConnectorError`` and its
DNS/TLS/proxy kinds, ``ConnectionTimeoutError``) mean "not sent"; every other aiohttp
error, raised while sending or reading, maps to an httpx error that says "may have been
sent" (a read timeout, a protocol or read error), both from the request and from the
answer's stream. The table is checked against every aiohttp error class in
``tests/http_stack/test_translation.py``.

Also: the aiohttp session never re-sends on its own (aiohttp repeats a GET/PUT/DELETE
whose connection dropped), keeps no cookies of its own (httpx's jar is the only one, as
over httpcore), and its first use outside asyncio is a clear error.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import cast

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

__all__ = ["TRANSLATIONS", "AioHttpTransport", "target_of", "translate"]

TRANSLATIONS: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    # Connect phase: the request was never written.
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    # Refused before the request is built: raised, never retried.
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.NonHttpUrlClientError, httpx.UnsupportedProtocol),
    # Everything else: the server may have the request (a proxy's refusal is httpx's
    # ProxyError, classified as httpx's own is).
    (aiohttp.ClientHttpProxyError, httpx.ProxyError),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ClientConnectionResetError, httpx.WriteError),
    (aiohttp.ClientOSError, httpx.ReadError),
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),
    (aiohttp.ClientError, httpx.RemoteProtocolError),
)
"""aiohttp error -> httpx error, first match wins (subclasses before their bases)."""


def target_of(kind: type[BaseException]) -> type[httpx.TransportError]:
    """The httpx error class an aiohttp error class becomes (its first row)."""
    # The last row (aiohttp.ClientError) matches every aiohttp error.
    return next(target for row, target in TRANSLATIONS if issubclass(kind, row))


def _origin(error: BaseException) -> BaseException | None:
    """The aiohttp error behind ``error``: itself, or what httpx-aiohttp translated."""
    if isinstance(error, aiohttp.ClientError):
        return error
    cause = error.__cause__
    if isinstance(error, httpx.TransportError) and isinstance(cause, aiohttp.ClientError):
        return cause
    return None


def translate(error: BaseException, request: httpx.Request) -> httpx.TransportError | None:
    """The httpx error the SDK should see for ``error``; ``None`` when it is not aiohttp's."""
    origin = _origin(error)
    if origin is None:
        return None
    target = target_of(type(origin))
    # The message names the kind and what aiohttp said (a URL at most, never a body).
    text = str(origin)
    message = f"{type(origin).__name__}: {text}" if text else type(origin).__name__
    return target(message, request=request)


class _Stream(httpx.AsyncByteStream):
    """The answer's body, with aiohttp's errors translated as the request's are."""

    __slots__ = ("_inner", "_request")

    def __init__(self, inner: httpx.AsyncByteStream, request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except Exception as exc:
            error = translate(exc, self._request)
            if error is None:
                raise
            raise error from _origin(exc)

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        except Exception as exc:
            error = translate(exc, self._request)
            if error is None:
                raise
            raise error from _origin(exc)


class AioHttpTransport(AiohttpTransport):
    """``httpx_aiohttp.AiohttpTransport`` with the translation above (same arguments)."""

    def get_client(self) -> aiohttp.ClientSession:
        if self.client is not None or self.uds:
            return super().get_client()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "DefaultAioHttpClient runs on asyncio only (aiohttp); under trio, leave "
                "http_client= out (the default pool is httpx's)"
            ) from None
        limit = self.limits.max_connections
        connector = aiohttp.TCPConnector(
            limit=0 if limit is None else limit,
            keepalive_timeout=self.limits.keepalive_expiry,
            ssl=self.ssl_context,
            local_addr=(self.local_address, 0) if self.local_address else None,
        )
        # httpx keeps the cookies (as it does over httpcore); a second jar here would
        # resend cookies httpx was told to drop.
        session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        # aiohttp silently sends a GET/PUT/DELETE a second time when the connection drops
        # after sending: a write the SDK maps to GET would be re-sent, and a read would
        # take more attempts than max_retries. Retrying is the SDK's decision alone (no
        # public switch; checked by tests/http_stack/test_faults.py).
        session._retry_connection = False
        return session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await super().handle_async_request(request)
        except Exception as exc:
            error = translate(exc, request)
            if error is None:
                raise
            raise error from _origin(exc)
        response.stream = _Stream(cast(httpx.AsyncByteStream, response.stream), request)
        return response
