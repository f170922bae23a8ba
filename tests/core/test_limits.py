"""A deadline per attempt and a cap on answers, through all three clients.

``timeout`` bounds the whole attempt (connect, send and reading the whole answer), not one
read: an answer that drips bytes cannot hold a call (or LEMFT's endpoint gate) past it.
An answer larger than ``max_response_bytes`` is refused while streaming.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import httpx
import pytest
import respx

from lemft_async import APIResponseValidationError, APITimeoutError, OutcomeUnknownError
from lemft_async._core._exchange import APIResponseTooLargeError, deadline_of

from ._peers import IDS, PEERS, Peer

CHUNKS = 30
CHUNK_DELAY = 0.2  # 6 s of dripping in all


def dripping(request: httpx.Request) -> httpx.Response:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(CHUNKS):
            await anyio.sleep(CHUNK_DELAY)
            yield b" "

    return httpx.Response(200, headers={"content-type": "application/json"}, content=body())


def in_turn(*answers: Callable[[httpx.Request], httpx.Response] | httpx.Response) -> Any:
    """A respx side effect giving ``answers`` one per request (callables are called)."""
    queue = list(answers)

    def next_answer(request: httpx.Request) -> httpx.Response:
        answer = queue.pop(0)
        return answer if isinstance(answer, httpx.Response) else answer(request)

    return next_answer


def big(size: int, *, declared: bool) -> httpx.Response:
    if declared:
        return httpx.Response(200, content=b" " * size, headers={"content-type": "text/plain"})

    async def body() -> AsyncIterator[bytes]:
        for _ in range(size // 65536 + 1):
            yield b" " * 65536

    return httpx.Response(200, content=body(), headers={"content-type": "text/plain"})


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_dripping_read_ends_at_the_deadline(peer: Peer) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        router.route(path=peer.read_path).mock(side_effect=dripping)
        async with peer.client(timeout=0.5, max_retries=0) as client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as info:
                await peer.read(client)
            elapsed = time.monotonic() - started
    assert not isinstance(info.value, OutcomeUnknownError)
    assert elapsed < CHUNKS * CHUNK_DELAY / 2  # bounded by the deadline, not by the server


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_dripping_read_is_retried(peer: Peer, no_sleep: list[float]) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        route = router.route(path=peer.read_path).mock(
            side_effect=in_turn(dripping, peer.read_ok())
        )
        async with peer.client(timeout=0.3) as client:
            await peer.read(client)
    assert route.call_count == 2


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_write_past_its_deadline_is_outcome_unknown(peer: Peer) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        route = router.post(peer.path).mock(side_effect=dripping)
        async with peer.client(timeout=0.3) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await peer.write(client)
    assert route.call_count == 1
    assert info.value.traceid


async def test_at_the_deadline_lemft_releases_the_endpoint_gate() -> None:
    peer = PEERS[0]
    finished: list[float] = []
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        router.post(peer.read_path).mock(side_effect=in_turn(dripping, peer.read_ok()))
        async with peer.client(timeout=0.5, max_retries=0) as client:
            started = time.monotonic()

            async def first() -> None:
                with pytest.raises(APITimeoutError):
                    await peer.read(client)

            async def second() -> None:
                await anyio.sleep(0.05)  # queues behind the first at the gate
                await peer.read(client)
                finished.append(time.monotonic() - started)

            async with anyio.create_task_group() as tg:
                tg.start_soon(first)
                tg.start_soon(second)
    assert finished
    assert finished[0] < 2.0  # not after the 6 s drip


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_an_answer_over_the_cap_is_refused_and_not_retried(
    peer: Peer, declared: bool, no_sleep: list[float]
) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        route = router.route(path=peer.read_path).mock(
            return_value=big(3 * 2**20, declared=declared)
        )
        async with peer.client(max_response_bytes=2**20) as client:
            with pytest.raises(APIResponseTooLargeError) as info:
                await peer.read(client)
    assert isinstance(info.value, APIResponseValidationError)
    assert route.call_count == 1
    assert "max_response_bytes" in str(info.value)


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_a_write_whose_answer_is_over_the_cap_is_outcome_unknown(peer: Peer) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        route = router.post(peer.path).mock(return_value=big(3 * 2**20, declared=False))
        async with peer.client(max_response_bytes=2**20) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await peer.write(client)
    assert route.call_count == 1
    assert isinstance(info.value.cause, APIResponseTooLargeError)


@pytest.mark.parametrize("peer", PEERS, ids=IDS)
async def test_an_answer_under_the_cap_is_read(peer: Peer) -> None:
    with respx.mock(base_url=peer.base, assert_all_called=False) as router:
        peer.setup(router)
        router.route(path=peer.read_path).mock(return_value=peer.read_ok())
        async with peer.client(max_response_bytes=1024) as client:
            assert await peer.read(client) is not None


@pytest.mark.parametrize("bad", [0, 1023, -1, 1.5, True, "8MiB", None])
@pytest.mark.parametrize("peer", PEERS, ids=IDS)
def test_max_response_bytes_is_checked(peer: Peer, bad: Any) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        peer.client(max_response_bytes=bad)


def test_the_deadline_is_the_largest_bound_of_the_timeout() -> None:
    assert deadline_of(httpx.Timeout(30.0, connect=10.0)) == 30.0
    assert deadline_of(httpx.Timeout(None)) is None
    assert deadline_of(None) is None
