"""End to end: two ``AsyncLemft`` clients, each with its own RedisGate (its own Redis
connection, as two processes would have), against a mock server that answers 10004 to any
request overlapping another on the same path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack

import anyio
import httpx
import pytest
import respx

from tests.redis_server import require_redis_py

require_redis_py()

from lemft_async import AsyncLemft, TooManyRequestsError  # noqa: E402
from lemft_async.gates import Gate, NullGate  # noqa: E402
from lemft_async.gates.redis import RedisGate  # noqa: E402

from ._helpers import BASE_URL, KEY  # noqa: E402

pytestmark = pytest.mark.redis

MakeGate = Callable[..., RedisGate]
CALLS = 30


class OneAtATimeServer:
    """Like LEMFT: one in-flight request per URL; an overlapping one gets code 10004."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.requests = 0
        self.overlaps = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        self.in_flight += 1
        try:
            if self.in_flight > 1:
                self.overlaps += 1
                return httpx.Response(
                    200, json={"code": 10004, "message": "too many requests", "data": None}
                )
            await anyio.sleep(0.002)  # the request takes a moment: others may pile in
            return httpx.Response(
                200, json={"code": 0, "message": "success", "data": {"list": [], "total": 0}}
            )
        finally:
            self.in_flight -= 1


@pytest.fixture
def server() -> OneAtATimeServer:
    return OneAtATimeServer()


@pytest.fixture
async def mocked(server: OneAtATimeServer) -> AsyncIterator[respx.MockRouter]:
    async with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        router.post(KEY.path).mock(side_effect=server.handle)
        yield router


async def _run_calls(gates: list[Gate]) -> list[BaseException | object]:
    """CALLS concurrent calls spread over one client per gate; no retries (a 10004 shows)."""
    outcomes: list[BaseException | object] = []
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                AsyncLemft(
                    customer_id=KEY.customer_id,
                    app_id=KEY.app_id,
                    key="test-key-not-real",
                    api_key="test-secret-not-real",
                    environment="sandbox",
                    gate=gate,
                    max_retries=0,
                )
            )
            for gate in gates
        ]

        async def call(index: int) -> None:
            client = clients[index % len(clients)]
            try:
                outcomes.append(await client.request(KEY.path, {"page_no": 1, "page_size": 10}))
            except TooManyRequestsError as exc:
                outcomes.append(exc)

        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                for index in range(CALLS):
                    tg.start_soon(call, index)
    return outcomes


async def test_two_clients_with_redis_gates_never_overlap(
    make_gate: MakeGate, mocked: respx.MockRouter, server: OneAtATimeServer
) -> None:
    outcomes = await _run_calls([make_gate(), make_gate()])

    assert server.overlaps == 0
    assert server.requests == CALLS
    assert outcomes == [{"list": [], "total": 0}] * CALLS


async def test_the_mock_server_does_catch_overlaps(
    mocked: respx.MockRouter, server: OneAtATimeServer
) -> None:
    # Control: the same run without a gate is answered 10004, so the test above can fail.
    outcomes = await _run_calls([NullGate(), NullGate()])

    assert server.overlaps > 0
    assert any(isinstance(o, TooManyRequestsError) for o in outcomes)
