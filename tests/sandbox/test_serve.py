"""The sandbox served over real loopback HTTP by uvicorn (what ``lemft sandbox serve`` runs)."""

from __future__ import annotations

import email.utils
import socket
import time
from decimal import Decimal

import anyio
import httpx
import pytest

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError
from lemft_async.sandbox import Sandbox
from lemft_async.sandbox.serve import banner, bind, is_loopback, running_server, serve_in_thread

from .conftest import OPEN_CARD, USD_VIRTUAL, WALLET_LIST


def _client(sandbox: Sandbox, url: str, **options: object) -> AsyncLemft:
    creds = sandbox.credentials
    return AsyncLemft(
        customer_id=creds.customer_id,
        app_id=creds.app_id,
        key=creds.key,
        api_key=creds.api_key,
        base_url=url,
        **options,  # type: ignore[arg-type]
    )


async def test_sdk_over_real_http_with_concurrency_and_latency() -> None:
    sandbox = Sandbox(latency=0.005)
    with serve_in_thread(sandbox) as url:
        async with _client(sandbox, url) as client:

            async def issue() -> None:
                await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("1"))

            async with anyio.create_task_group() as tg:
                for _ in range(10):
                    tg.start_soon(issue)
            page = await client.wallets.list()
            with pytest.raises(ParamError, match=r"bin_id"):
                await client.orders.open_card(bin_id="cpi_nope", amount=Decimal("1"))
            async with httpx.AsyncClient() as http:
                response = await http.post(url + WALLET_LIST, content=b"{}")
    assert page.total == 2
    assert sandbox.stats.requests[OPEN_CARD] == 11
    assert sandbox.stats.rejections[OPEN_CARD] == 0
    assert sandbox.stats.max_in_flight[OPEN_CARD] == 1
    assert len(sandbox.state.cards) == 10
    dates = response.headers.get_list("date")
    assert len(dates) == 1  # uvicorn's own Date header is off: only the sandbox clock's
    assert abs(email.utils.parsedate_to_datetime(dates[0]).timestamp() - time.time()) < 5
    assert "server" not in response.headers


async def test_served_drop_aborts_the_response_after_the_commit(no_sleep: list[float]) -> None:
    sandbox = Sandbox()
    sandbox.inject("drop", operation="orders.open_card")
    with serve_in_thread(sandbox) as url:
        async with _client(sandbox, url) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await client.orders.open_card(
                    bin_id=USD_VIRTUAL, amount=Decimal("5"), out_order_id="served-drop"
                )
            found = await client.orders.list(out_order_id="served-drop")
    assert info.value.out_order_id == "served-drop"
    assert sandbox.stats.faults["drop"] == 1
    assert sandbox.state.executions("served-drop") == 1
    assert found.total == 1


async def test_served_background_loop_completes_delayed_orders() -> None:
    sandbox = Sandbox(order_delay=0.05)
    with serve_in_thread(sandbox) as url:
        async with _client(sandbox, url) as client:
            order = await client.orders.open_card(bin_id=USD_VIRTUAL, amount=Decimal("5"))
            assert order.status == 0
            for _ in range(200):
                # The background loop in the server thread completes it; wait on the books.
                if sandbox.state.orders[order.order_id or ""].status == 1:
                    break
                await anyio.sleep(0.01)
    assert sandbox.state.orders[order.order_id or ""].status == 1


def test_banner_prints_the_fake_credentials_as_exports() -> None:
    sandbox = Sandbox()
    text = banner(sandbox, "http://127.0.0.1:8123")
    assert "export LEMFT_BASE_URL=http://127.0.0.1:8123" in text
    assert "export LEMFT_CUSTOMER_ID=10001004" in text
    assert "export LEMFT_APP_ID=100006" in text
    assert "export LEMFT_API_KEY=sandbox-api-key-not-secret" in text
    assert "api_key=***" in repr(sandbox)
    assert "not-secret" not in repr(sandbox.credentials)


def test_loopback_detection_and_binding() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("localhost")
    assert is_loopback("::1")
    assert not is_loopback("0.0.0.0")  # noqa: S104
    assert not is_loopback("example.com")
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.getsockname()[1] > 0
    finally:
        sock.close()


def test_the_listening_socket_is_tcp_with_nodelay() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        # asyncio sets TCP_NODELAY on accepted sockets only when proto is IPPROTO_TCP.
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        sock.close()


async def test_served_connections_have_tcp_nodelay() -> None:
    sandbox = Sandbox()
    with running_server(sandbox) as (server, url):
        async with _client(sandbox, url) as client:
            await client.wallets.list()
            [connection] = list(server.server_state.connections)
            served = connection.transport.get_extra_info("socket")
            assert served.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
