"""``DefaultAioHttpClient`` itself: defaults, exports, the pool's lifecycle, what goes on the
wire (headers, TCP_NODELAY, cookies), the SDK alone deciding retries, and trio refused."""

from __future__ import annotations

import gc
import socket
import time
from decimal import Decimal
from typing import Any

import aiohttp
import anyio
import httpx
import pytest

import lemft_async
import lemft_async.keysecure
import lemft_async.payin
from lemft_async import AsyncLemft, DefaultAioHttpClient, OutcomeUnknownError
from lemft_async._core._aiohttp_transport import AioHttpTransport
from lemft_async._core._client import DEFAULT_LIMITS

from ..conftest import FAKE_API_KEY, FAKE_APP_ID, FAKE_CUSTOMER_ID, FAKE_KEY
from ._peers import IDS, NO_WAIT, PEERS, ServedPeer
from ._raw_server import Behaviour, raw_server
from .conftest import Stack

OPEN_CARD = "/v1/openApi/card/order/openCard"
# Headers whose values change per request (a clock, a fresh id, what is signed with them;
# the host names each test server's own port).
PER_REQUEST = {"timestamp", "signature", "traceid", "sign", "host"}


def _lemft(url: str, http: httpx.AsyncClient | None, **options: Any) -> AsyncLemft:
    return AsyncLemft(
        customer_id=FAKE_CUSTOMER_ID,
        app_id=FAKE_APP_ID,
        key=FAKE_KEY,
        api_key=FAKE_API_KEY,
        base_url=url,
        http_client=http,
        retry_policy=NO_WAIT,
        **options,
    )


async def _until(condition: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await anyio.sleep(0.02)


async def test_defaults_are_the_sdks_own_pool_defaults() -> None:
    async with DefaultAioHttpClient() as http:
        assert http.timeout == httpx.Timeout(30.0)
        assert http.follow_redirects is False
        transport = http._transport
        assert isinstance(transport, AioHttpTransport)
        assert transport.limits == DEFAULT_LIMITS


async def test_httpx_arguments_override_the_defaults() -> None:
    limits = httpx.Limits(max_connections=7)
    async with DefaultAioHttpClient(timeout=5.0, limits=limits, follow_redirects=True) as http:
        assert http.timeout == httpx.Timeout(5.0)
        assert http.follow_redirects is True
        assert isinstance(http._transport, AioHttpTransport)
        assert http._transport.limits == limits
    mock = httpx.MockTransport(lambda request: httpx.Response(204))
    async with DefaultAioHttpClient(transport=mock) as http:
        assert http._transport is mock
        assert (await http.get("http://127.0.0.1:9/")).status_code == 204


async def test_a_proxy_also_goes_through_aiohttp() -> None:
    async with DefaultAioHttpClient(proxy="http://127.0.0.1:9") as http:
        [mounted] = http._mounts.values()
        assert isinstance(mounted, AioHttpTransport)
        assert mounted.proxy is not None
        assert mounted.proxy.url == httpx.URL("http://127.0.0.1:9")


def test_one_class_for_all_three_clients() -> None:
    assert lemft_async.payin.DefaultAioHttpClient is DefaultAioHttpClient
    assert lemft_async.keysecure.DefaultAioHttpClient is DefaultAioHttpClient
    assert issubclass(DefaultAioHttpClient, httpx.AsyncClient)
    assert "DefaultAioHttpClient" in lemft_async.__all__


def test_under_trio_the_first_request_says_asyncio_only() -> None:
    async def main(url: str) -> None:
        async with DefaultAioHttpClient() as http:
            await http.get(url)

    with raw_server() as server, pytest.raises(RuntimeError, match="asyncio only"):
        anyio.run(main, server.url, backend="trio")
    assert server.received == []


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_handed_pool_stays_open_until_its_owner_closes_it(
    peer: ServedPeer, stack: Stack
) -> None:
    with raw_server({**peer.routes, peer.core.read_path: peer.read_answer()}) as server:
        http = stack.pool()
        async with peer.client(server.url, stack, http_client=http) as client:
            await peer.core.read(client)
        assert server.open_connections == 1  # the client leaves a pool it was handed open
        async with peer.client(server.url, stack, http_client=http) as again:
            await peer.core.read(again)  # and the pool still works for another client
        assert server.connections == 1  # the same kept-alive connection
        await http.aclose()
        await _until(lambda: server.open_connections == 0)
        assert server.open_connections == 0


async def test_the_aiohttp_session_is_closed_with_the_pool() -> None:
    with raw_server({"/x": Behaviour(body=b"{}")}) as server:
        http = DefaultAioHttpClient()
        await http.post(server.url + "/x", content=b"{}")
        transport = http._transport
        assert isinstance(transport, AioHttpTransport)
        session = transport.client
        assert isinstance(session, aiohttp.ClientSession)
        assert not session.closed
        await http.aclose()
        assert session.closed
        await _until(lambda: server.open_connections == 0)
        assert server.open_connections == 0


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_the_request_on_the_wire_is_the_same_over_both_stacks(peer: ServedPeer) -> None:
    seen: dict[str, list[tuple[str, str]]] = {}
    bodies: dict[str, bytes] = {}
    for name in ("httpx", "aiohttp"):
        stack = Stack(name)
        with raw_server({**peer.routes, peer.core.read_path: peer.read_answer()}) as server:
            async with peer.client(server.url, stack) as client:
                await peer.core.read(client)
        for http in stack.made:
            await http.aclose()
        [request] = [r for r in server.received if r.path == peer.core.read_path]
        seen[name] = sorted((k, "<varies>" if k in PER_REQUEST else v) for k, v in request.headers)
        bodies[name] = request.body
    assert seen["aiohttp"] == seen["httpx"]
    names = [k for k, _ in seen["httpx"]]
    assert len(names) == len(set(names))  # no header sent twice
    assert "user-agent" in names
    if peer.name == "lemft":
        assert bodies["aiohttp"] == bodies["httpx"]  # the same signed bytes


def _client_sockets(port: int) -> list[socket.socket]:
    found = []
    for obj in gc.get_objects():
        if (
            isinstance(obj, socket.socket)
            and obj.fileno() != -1
            and obj.family == socket.AF_INET
            and obj.type == socket.SOCK_STREAM
        ):
            try:
                peer = obj.getpeername()
            except OSError:  # not connected
                continue
            if peer[1] == port:
                found.append(obj)
    return found


async def test_client_sockets_have_tcp_nodelay(stack: Stack) -> None:
    with raw_server({OPEN_CARD: Behaviour(body=b'{"code":0,"message":"ok","data":{}}')}) as server:
        port = int(server.url.rsplit(":", 1)[1])
        async with _lemft(server.url, stack.http_client()) as client:
            await client.request(OPEN_CARD, {"bin_id": "b1"})
            sockets = _client_sockets(port)
            assert sockets
            for sock in sockets:
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


async def test_cookies_are_kept_by_httpx_alone(stack: Stack) -> None:
    answer = Behaviour(body=b"{}", headers=(("set-cookie", "lb=node-7; Path=/"),))
    with raw_server({"/x": answer}) as server:
        http = stack.pool()
        await http.post(server.url + "/x", content=b"{}")
        await http.post(server.url + "/x", content=b"{}")
        http.cookies.clear()
        await http.post(server.url + "/x", content=b"{}")
    cookies = [[v for k, v in r.headers if k == "cookie"] for r in server.received]
    assert cookies == [[], ["lb=node-7"], []]


async def test_a_write_sent_as_get_is_not_resent_by_the_stack(stack: Stack) -> None:
    # aiohttp on its own repeats a GET whose connection dropped; the SDK alone decides
    # (LEMFT lets an operation be sent as GET).
    with raw_server({OPEN_CARD: Behaviour(mode="close")}) as server:
        overrides = {"orders.open_card": "GET"}
        http = stack.http_client()
        async with _lemft(server.url, http, method_overrides=overrides, max_retries=3) as client:
            with pytest.raises(OutcomeUnknownError):
                await client.orders.open_card(bin_id="b1", amount=Decimal("1"))
    assert [r.method for r in server.received] == ["GET"]


def test_raw_server_counts_connections() -> None:
    # The helper the lifecycle tests lean on: one connection per client, closed with it.
    with raw_server({"/x": Behaviour(body=b"{}")}) as server:
        with httpx.Client() as http:
            http.post(server.url + "/x", content=b"{}")
            http.post(server.url + "/x", content=b"{}")
            assert (server.connections, server.open_connections) == (1, 1)
        deadline = time.monotonic() + 5
        while server.open_connections and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.open_connections == 0
