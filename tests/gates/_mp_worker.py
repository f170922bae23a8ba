"""One worker process of ``test_multiprocess.py``: issue cards against a served sandbox.

    python -m tests.gates._mp_worker --gate redis --redis-url URL --name w0 [--cards 10]

The URL and the (fake) credentials come from the ``LEMFT_*`` variables
(``AsyncLemft.from_env``). Line protocol, so that the workers of a run start together
whatever their import times: the worker prints ``ready`` once its client is built, waits
for a ``go`` line on stdin, makes its calls, and prints one JSON line with the outcome.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from decimal import Decimal
from typing import Any

import anyio

from lemft_async import AsyncLemft, LemftError, RetryPolicy
from lemft_async.gates import Gate, NullGate

__all__ = ["GATES", "USD_VIRTUAL", "main", "out_order_id"]

USD_VIRTUAL = "cpi_6530de6a2f1c7"
GATES = ("redis", "local", "null")
# Short backoff and many retries: without a shared gate the calls collide (10004) and
# are retried until they get through, so every call succeeds whatever the gate, and only
# the server-side 10004 count tells the runs apart.
RETRY_POLICY = RetryPolicy(initial_delay=0.01, max_delay=0.2)
MAX_RETRIES = 60


def out_order_id(worker: str, index: int) -> str:
    """The ``out_order_id`` of card ``index`` of ``worker`` (the test checks each one)."""
    return f"mp-{worker}-{index}"


async def _calls(client: AsyncLemft, name: str, cards: int) -> dict[str, Any]:
    ok = 0
    failures: list[str] = []
    order_ids: list[str] = []

    async def call(coro: Any) -> Any:
        nonlocal ok
        try:
            result = await coro
        except LemftError as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
            return None
        ok += 1
        return result

    async def open_card(index: int) -> None:
        order = await call(
            client.orders.open_card(
                bin_id=USD_VIRTUAL, amount=Decimal("1.00"), out_order_id=out_order_id(name, index)
            )
        )
        if order is not None and order.order_id:
            order_ids.append(order.order_id)

    async def read_wallets() -> None:
        await call(client.wallets.list(currency="USD"))

    # Everything at once: within the process the calls queue on the gate's local queue,
    # across processes on Redis (or, without RedisGate, collide at the server).
    async with anyio.create_task_group() as tg:
        for index in range(cards):
            tg.start_soon(open_card, index)
        for _ in range(3):
            tg.start_soon(read_wallets)
    async with anyio.create_task_group() as tg:
        for order_id in list(order_ids):
            tg.start_soon(call, client.orders.retrieve(order_id))
    return {"worker": name, "ok": ok, "failures": failures, "order_ids": order_ids}


async def _run(gate_name: str, redis_url: str, name: str, cards: int) -> dict[str, Any]:
    redis = None
    gate: Gate | None = None  # "local": the default, per-process gate
    if gate_name == "redis":
        from redis.asyncio import Redis

        from lemft_async.gates.redis import RedisGate

        redis = Redis.from_url(redis_url)
        gate = RedisGate(redis)
    elif gate_name == "null":
        gate = NullGate()
    try:
        async with AsyncLemft.from_env(
            gate=gate, max_retries=MAX_RETRIES, retry_policy=RETRY_POLICY
        ) as client:
            print("ready", flush=True)
            # Blocking read on purpose: nothing else runs in this process until "go".
            if sys.stdin.readline().strip() != "go":
                raise SystemExit("expected 'go' on stdin")
            return await _calls(client, name, cards)
    finally:
        if redis is not None:
            await redis.aclose()


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run, print the JSON outcome line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gate", choices=GATES, required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--name", required=True)
    parser.add_argument("--cards", type=int, default=10)
    args = parser.parse_args(argv)
    outcome = asyncio.run(_run(args.gate, args.redis_url, args.name, args.cards))
    print(json.dumps(outcome), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
