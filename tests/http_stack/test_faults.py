"""The error paths of all three clients over both HTTP stacks, against a misbehaving server.

The rules under test (ARCHITECTURE §5): a request that never left is retried, a write that
may have arrived is never re-sent (``OutcomeUnknownError``), a read is retried; the whole
attempt has a deadline; an answer over ``max_response_bytes`` is refused unread. And after
each failure the same client (and pool) still works.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

from lemft_async import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    OutcomeUnknownError,
)
from lemft_async._core._exchange import APIResponseTooLargeError
from lemft_async._core._hooks import CallView

from ._peers import IDS, PEERS, ServedPeer
from ._raw_server import Behaviour, RawServer, raw_server
from .conftest import Stack

pytestmark = pytest.mark.parametrize("peer", PEERS, ids=IDS)


def _routes(peer: ServedPeer, path: str, behaviour: Behaviour) -> dict[str, Behaviour]:
    return {**peer.routes, path: behaviour}


def _write_path(peer: ServedPeer) -> str:
    return peer.core.path


def _read_path(peer: ServedPeer) -> str:
    return peer.core.read_path


async def _still_works(peer: ServedPeer, server: RawServer, client: Any) -> None:
    """After the failure, a good answer is read on the same client."""
    server.routes[_read_path(peer)] = peer.read_answer()
    assert await peer.core.read(client) is not None


@pytest.mark.parametrize("mode", ["close", "reset", "truncate"])
async def test_a_write_cut_off_after_sending_is_unknown_and_never_resent(
    peer: ServedPeer, stack: Stack, mode: str
) -> None:
    behaviour = Behaviour(mode=mode, body=b'{"code":0')  # type: ignore[arg-type]
    with raw_server(_routes(peer, _write_path(peer), behaviour)) as server:
        async with peer.client(server.url, stack, max_retries=3) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await peer.core.write(client)
            await _still_works(peer, server, client)
    assert server.count(_write_path(peer)) == 1
    assert isinstance(info.value.cause, APIConnectionError)
    assert not isinstance(info.value.cause, APITimeoutError)
    key, value = peer.core.reference
    assert info.value.references[key] == value


@pytest.mark.parametrize("mode", ["close", "reset", "truncate"])
async def test_a_read_cut_off_is_retried_then_a_connection_error(
    peer: ServedPeer, stack: Stack, mode: str
) -> None:
    behaviour = Behaviour(mode=mode, body=b'{"code":0')  # type: ignore[arg-type]
    with raw_server(_routes(peer, _read_path(peer), behaviour)) as server:
        async with peer.client(server.url, stack, max_retries=2) as client:
            with pytest.raises(APIConnectionError) as info:
                await peer.core.read(client)
            await _still_works(peer, server, client)
    assert not isinstance(info.value, OutcomeUnknownError | APITimeoutError)
    assert server.count(_read_path(peer)) == 3 + 1  # three attempts, then the good read


async def test_a_refused_connection_is_retried_even_for_a_write(
    peer: ServedPeer, stack: Stack
) -> None:
    views: list[CallView] = []
    hooks = {"response": [views.append]}
    with raw_server({**peer.routes, _read_path(peer): peer.read_answer()}) as server:
        async with peer.client(server.url, stack, max_retries=2, event_hooks=hooks) as client:
            await peer.core.read(client)  # KeySecure's token is fetched and cached here
            server.refuse()
            deadline = time.monotonic() + 5
            while server.open_connections and time.monotonic() < deadline:
                await anyio.sleep(0.02)
            await anyio.sleep(0.05)  # the client's loop sees the pooled connection close
            views.clear()
            with pytest.raises(APIConnectionError) as info:
                await peer.core.write(client)
    assert not isinstance(info.value, OutcomeUnknownError)
    # Never sent, so retried: three attempts of the write itself, each refused.
    assert [(v.operation, v.attempt, v.error) for v in views] == [
        (peer.core.operation, n, "ConnectError") for n in (1, 2, 3)
    ]
    assert server.count(_write_path(peer)) == 0


async def test_a_write_without_an_answer_times_out_as_unknown(
    peer: ServedPeer, stack: Stack
) -> None:
    hang = Behaviour(mode="hang", seconds=5.0)
    with raw_server(_routes(peer, _write_path(peer), hang)) as server:
        async with peer.client(server.url, stack, max_retries=3, timeout=0.3) as client:
            started = time.monotonic()
            with pytest.raises(OutcomeUnknownError) as info:
                await peer.core.write(client)
            waited = time.monotonic() - started
            await _still_works(peer, server, client)
    assert isinstance(info.value.cause, APITimeoutError)
    assert server.count(_write_path(peer)) == 1
    assert waited < 3.0  # the deadline, not the server, ended it


async def test_a_read_without_an_answer_is_a_timeout(peer: ServedPeer, stack: Stack) -> None:
    hang = Behaviour(mode="hang", seconds=5.0)
    with raw_server(_routes(peer, _read_path(peer), hang)) as server:
        async with peer.client(server.url, stack, max_retries=1, timeout=0.3) as client:
            with pytest.raises(APITimeoutError):
                await peer.core.read(client)
            await _still_works(peer, server, client)
    assert server.count(_read_path(peer)) == 2 + 1


@pytest.mark.parametrize("mode", ["flood", "flood_chunked"])
async def test_an_oversized_answer_is_refused_unread(
    peer: ServedPeer, stack: Stack, mode: str
) -> None:
    flood = Behaviour(mode=mode, size=8 * 1024 * 1024)  # type: ignore[arg-type]
    cap = 64 * 1024
    routes = {**_routes(peer, _read_path(peer), flood), _write_path(peer): flood}
    with raw_server(routes) as server:
        async with peer.client(server.url, stack, max_retries=2) as client:
            capped = client.with_options(max_response_bytes=cap)
            with pytest.raises(APIResponseTooLargeError):
                await peer.core.read(capped)
            with pytest.raises(OutcomeUnknownError) as info:
                await peer.core.write(capped)
            await _still_works(peer, server, client)
    assert isinstance(info.value.cause, APIResponseValidationError)
    assert server.count(_read_path(peer)) == 1 + 1  # the same answer would come again
    assert server.count(_write_path(peer)) == 1


async def test_a_cancelled_call_leaves_the_client_usable(peer: ServedPeer, stack: Stack) -> None:
    hang = Behaviour(mode="hang", seconds=10.0)
    with raw_server(_routes(peer, _read_path(peer), hang)) as server:
        async with peer.client(server.url, stack) as client:
            with anyio.move_on_after(0.3) as scope:
                await peer.core.read(client)
            assert scope.cancelled_caught
            # The half-used connection is dropped (the server sees it close), not reused.
            deadline = time.monotonic() + 5
            while server.open_connections and time.monotonic() < deadline:
                await anyio.sleep(0.02)
            assert server.open_connections == 0
            await _still_works(peer, server, client)
