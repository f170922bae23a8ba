"""``DefaultAioHttpClient``: an ``http_client=`` with aiohttp underneath (extra ``aiohttp``).

The same ``httpx.AsyncClient`` API, so every client takes it unchanged
(``AsyncLemft(..., http_client=DefaultAioHttpClient())``); requests go through the
``httpx-aiohttp`` transport, whose calls cost far less CPU than httpcore's on this kind of
traffic (``bench/http_stack.py``). Its defaults are those of the pool the clients create for
themselves (timeout, limits, no redirects); the transport keeps the SDK's guarantees, above
all that only a request that never left counts as "not sent" (``_aiohttp_transport``).

aiohttp is imported when the first ``DefaultAioHttpClient`` is made, never by
``import lemft_async``. asyncio only: aiohttp does not run under trio.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._client import DEFAULT_LIMITS, DEFAULT_TIMEOUT
from ._extras import require_extra
from ._pool import PoolClient

__all__ = ["DefaultAioHttpClient"]


class DefaultAioHttpClient(PoolClient):
    """An ``httpx.AsyncClient`` that sends through aiohttp, with the SDK's pool defaults
    (``timeout=30``, ``limits=httpx.Limits(max_connections=100, max_keepalive_connections=40)``,
    ``follow_redirects=False``); any ``httpx.AsyncClient`` argument overrides them.

    Whoever makes it closes it (``async with DefaultAioHttpClient() as http``), as with any
    ``http_client=``: a client handed a pool leaves it open. Raises ``ImportError`` naming
    the ``aiohttp`` extra when aiohttp or httpx-aiohttp is not installed.
    """

    def __init__(self, **kwargs: Any) -> None:
        require_extra("DefaultAioHttpClient", "aiohttp", "aiohttp", "httpx_aiohttp")
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("limits", DEFAULT_LIMITS)
        kwargs.setdefault("follow_redirects", False)
        super().__init__(**kwargs)

    # httpx calls both with keyword arguments (verify, cert, trust_env, http1, http2,
    # limits; plus transport / the proxy): passed on whole, so an httpx that adds one
    # does not break this class.
    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        transport: httpx.AsyncBaseTransport | None = kwargs.pop("transport", None)
        if transport is not None:
            return transport
        from ._aiohttp_transport import AioHttpTransport

        return AioHttpTransport(*args, **kwargs)

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        from ._aiohttp_transport import AioHttpTransport

        # httpx passes the proxy by position, the rest by keyword.
        (proxy,) = args or (kwargs.pop("proxy"),)
        return AioHttpTransport(proxy=proxy, **kwargs)
