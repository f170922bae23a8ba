"""``open_card_once`` when the claim store falters: a failed renewal is not a lost claim,
the claim is checked inside the gate before the send, and a refusal is looked up again."""

from __future__ import annotations

import json
from typing import Any, cast

import anyio
import httpx
import pytest
import respx

from lemft_async import AsyncLemft, OutcomeUnknownError, ParamError
from lemft_async.jobs import ClaimLostError, ClaimUnavailableError, MemoryClaimStore
from lemft_async.sandbox import Sandbox
from tests.jobs.conftest import BIN_ID, OPEN_CARD, orders_for
from tests.jobs.test_once import claim_key
from tests.redis_server import RedisServer, require_redis_py
from tests.redis_server import redis_server as redis_server
from tests.resources.conftest import envelope, path


class Blips(MemoryClaimStore):
    """A memory store whose first ``fail`` renewals fail as a store outage does."""

    def __init__(self, fail: int = 1) -> None:
        super().__init__()
        self.fail = fail
        self.renewals = 0

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        self.renewals += 1
        if self.fail:
            self.fail -= 1
            raise ClaimUnavailableError("the claim store failed (TimeoutError)", key=key)
        return await super().renew(key, token, ttl)


class Forgets(MemoryClaimStore):
    """A memory store that answers its first renewal with "not yours" (the claim is lost)
    without extending it, so the claim then expires: as after a Redis failover."""

    forgot = False

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        if not self.forgot:
            self.forgot = True
            return False
        return await super().renew(key, token, ttl)


class Down(MemoryClaimStore):
    """A memory store whose renewals all fail (the store went down after the claim)."""

    async def renew(self, key: str, token: str, ttl: float) -> bool:
        raise OSError("connection refused")


async def test_a_failed_renewal_is_retried_and_the_claim_kept(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    claims = Blips(fail=2)
    sandbox.faults.config.latency = 0.3
    key = claim_key(client, "blip")
    held_midway: list[bool] = []

    async def look() -> None:
        await anyio.sleep(0.25)  # well past the 0.09 s ttl: only renewals keep it
        held_midway.append(claims.held(key))

    async with anyio.create_task_group() as tg:
        tg.start_soon(look)
        order = await client.orders.open_card_once(
            out_order_id="blip", bin_id=BIN_ID, amount="10", claims=claims, claim_ttl=0.09
        )
    assert order.out_order_id == "blip"
    assert held_midway == [True]
    assert claims.renewals >= 4  # renewing went on after the two failures
    assert orders_for(sandbox, "blip") == 1


async def test_a_redis_timeout_while_renewing_does_not_lose_the_claim(
    sandbox: Sandbox, client: AsyncLemft, redis_server: RedisServer
) -> None:
    require_redis_py()
    import redis as redis_sync
    from redis.asyncio import Redis

    from lemft_async.gates.claims import RedisClaimStore

    class OneTimeout:
        """The client, except that its first renewal times out (as a 1 s socket timeout)."""

        timed_out = False

        def __init__(self, redis: Any) -> None:
            self.redis = redis

        async def eval(self, script: str, *args: Any) -> Any:
            if "PEXPIRE" in script and not self.timed_out:
                self.timed_out = True
                raise redis_sync.TimeoutError("Timeout reading from socket")
            return await self.redis.eval(script, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.redis, name)

    redis = Redis.from_url(redis_server.url)
    await redis.flushall()
    flaky = OneTimeout(redis)
    claims = RedisClaimStore(cast(Any, flaky), prefix="test:once:")
    sandbox.faults.config.latency = 0.5
    held_midway: list[int] = []

    async def look() -> None:
        await anyio.sleep(0.4)  # past the 0.15 s ttl
        held_midway.append(await redis.exists("test:once:" + claim_key(client, "rt")))

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(look)
            await client.orders.open_card_once(
                out_order_id="rt", bin_id=BIN_ID, amount="10", claims=claims, claim_ttl=0.15
            )
    finally:
        await redis.aclose()
    assert flaky.timed_out
    assert held_midway == [1]
    assert orders_for(sandbox, "rt") == 1


async def test_a_claim_lost_while_waiting_at_the_gate_is_not_sent(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    # The review's reproduction: A's claim is lost while its send waits at the gate behind
    # another call; a redelivery B claims, finds nothing and sends. Only one may send.
    sandbox.faults.config.latency = 0.6
    claims = Forgets()
    results: dict[str, Any] = {}

    async def deliver(name: str, wait: float) -> None:
        await anyio.sleep(wait)
        try:
            results[name] = await client.orders.open_card_once(
                out_order_id="X-1", bin_id=BIN_ID, amount="5", claims=claims, claim_ttl=0.15
            )
        except Exception as exc:
            results[name] = exc

    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: client.orders.open_card(bin_id=BIN_ID, amount="1"))
        tg.start_soon(deliver, "A", 0.02)
        tg.start_soon(deliver, "B", 0.3)  # A's claim has expired by then

    assert isinstance(results["A"], ClaimLostError)
    assert "nothing was sent" in str(results["A"])
    assert results["A"].key == claim_key(client, "X-1")
    assert results["B"].out_order_id == "X-1"
    assert sandbox.stats.requests[OPEN_CARD] == 2  # the other call and B: A sent nothing
    assert orders_for(sandbox, "X-1") == 1


async def test_a_store_down_at_the_gate_after_the_lease_ran_out_sends_nothing(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    sandbox.faults.config.latency = 0.4
    claims = Down()
    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: client.orders.open_card(bin_id=BIN_ID, amount="1"))
        await anyio.sleep(0.02)
        with pytest.raises(ClaimUnavailableError, match="nothing was sent"):
            await client.orders.open_card_once(
                out_order_id="dn", bin_id=BIN_ID, amount="5", claims=claims, claim_ttl=0.1
            )
    assert orders_for(sandbox, "dn") == 0
    assert sandbox.stats.requests[OPEN_CARD] == 1


async def test_a_store_down_while_the_lease_surely_runs_still_sends(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    order = await client.orders.open_card_once(
        out_order_id="dn2", bin_id=BIN_ID, amount="5", claims=Down(), claim_ttl=30
    )
    assert order.out_order_id == "dn2"
    assert orders_for(sandbox, "dn2") == 1


def _refused_then(listed_after: list[dict[str, Any]] | None) -> Any:
    """List answers: empty first; then ``listed_after`` (None: a 10005 answer)."""
    calls = [0]

    def listing(request: httpx.Request) -> httpx.Response:
        calls[0] += 1
        if calls[0] > 1 and listed_after is None:
            return envelope(None, code=10005, message="system error")
        items = [] if calls[0] == 1 else listed_after
        data = {"total": len(items or []), "page_no": 1, "page_size": 10, "order_list": items}
        return envelope(data)

    return listing


def _duplicate(request: httpx.Request) -> httpx.Response:
    out_order_id = json.loads(request.content)["out_order_id"]
    return envelope(None, code=10001, message=f"out_order_id already exists: {out_order_id}")


async def test_a_refusal_after_an_absent_lookup_returns_the_order_found_then(
    api: respx.MockRouter, mock_client: AsyncLemft
) -> None:
    # Another delivery created the order between our lookup and our send: the server
    # refuses the duplicate out_order_id. That is not a failure: the order exists.
    order = {"order_id": "o1", "out_order_id": "dup", "card_id": "cid_1", "status": 1}
    api.post(path("card/order/orderList")).mock(side_effect=_refused_then([order]))
    sends = api.post(path("card/order/openCard")).mock(side_effect=_duplicate)
    claims = MemoryClaimStore()

    found = await mock_client.orders.open_card_once(
        out_order_id="dup", bin_id=BIN_ID, amount="10", claims=claims
    )
    assert found.order_id == "o1"
    assert sends.call_count == 1
    assert not claims.held(claim_key(mock_client, "dup"))


async def test_a_refusal_with_the_order_still_absent_is_the_refusal(
    api: respx.MockRouter, mock_client: AsyncLemft
) -> None:
    api.post(path("card/order/orderList")).mock(side_effect=_refused_then([]))
    api.post(path("card/order/openCard")).mock(
        return_value=envelope(None, code=10001, message="bin_id invalid")
    )
    claims = MemoryClaimStore()
    with pytest.raises(ParamError, match="bin_id invalid"):
        await mock_client.orders.open_card_once(
            out_order_id="bad", bin_id=BIN_ID, amount="10", claims=claims
        )
    assert not claims.held(claim_key(mock_client, "bad"))


async def test_a_refusal_whose_lookup_fails_is_an_unknown_outcome(
    api: respx.MockRouter, mock_client: AsyncLemft
) -> None:
    api.post(path("card/order/orderList")).mock(side_effect=_refused_then(None))
    api.post(path("card/order/openCard")).mock(side_effect=_duplicate)
    claims = MemoryClaimStore()
    with pytest.raises(OutcomeUnknownError, match="could not be told") as caught:
        await mock_client.orders.open_card_once(
            out_order_id="dark", bin_id=BIN_ID, amount="10", claims=claims, max_retries=0
        )
    assert caught.value.out_order_id == "dark"
    assert isinstance(caught.value.__cause__, ParamError)
    assert claims.held(claim_key(mock_client, "dark"))  # kept: an order may exist
