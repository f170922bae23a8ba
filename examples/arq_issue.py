"""Exactly-once card issuance from a task queue: arq workers, every task delivered twice.

    REDIS_URL=redis://127.0.0.1:6379/0 python examples/arq_issue.py

Task queues deliver at least once: a task may run twice, even at the same moment on two
workers. The task below calls ``client.orders.open_card_once(out_order_id=...)``, which
claims the ``out_order_id`` in Redis (``RedisClaimStore``) so only one worker sends it,
and reconciles first, so a later duplicate finds the order instead of issuing another.
Here three arq workers process every task twice, and exactly one card per task exists.

Without ``REDIS_URL`` the example runs the same task function with both deliveries of
each task at the same time in-process (claims in ``MemoryClaimStore``): arq needs Redis.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from decimal import Decimal
from typing import Any

import anyio

from lemft_async import AsyncLemft
from lemft_async.jobs import ClaimStore, MemoryClaimStore
from lemft_async.sandbox import Sandbox

BIN_ID = "cpi_6530de6a2f1c7"  # the sandbox's USD virtual BIN
TASKS = 12
WORKERS = 3


async def issue_card(ctx: dict[str, Any], out_order_id: str, amount: str) -> str:
    """The task: safe to run twice, even at the same time on two workers."""
    client: AsyncLemft = ctx["lemft"]
    claims: ClaimStore = ctx["claims"]
    order = await client.orders.open_card_once(
        out_order_id=out_order_id, bin_id=BIN_ID, amount=Decimal(amount), claims=claims
    )
    return str(order.order_id)


def task_ids(tasks: int) -> list[str]:
    run = uuid.uuid4().hex[:8]
    return [f"arq-demo-{run}-{i:03d}" for i in range(tasks)]


async def run_with_arq(
    sandbox: Sandbox, redis_url: str, *, tasks: int = TASKS, workers: int = WORKERS
) -> dict[str, Any]:
    """Enqueue every task twice (distinct arq job ids), run ``workers`` arq workers until
    the queue is empty; returns the ids and what the workers counted."""
    from arq import create_pool
    from arq.connections import RedisSettings
    from arq.worker import Worker, func

    from lemft_async.gates.claims import RedisClaimStore

    redis = await create_pool(RedisSettings.from_dsn(redis_url))
    queue = f"lemft-example:{uuid.uuid4().hex}"
    ids = task_ids(tasks)
    for out_order_id in ids:
        for delivery in ("first", "second"):  # at-least-once: each task is there twice,
            await redis.enqueue_job(  # side by side, so both copies run at the same time
                "issue_card",
                out_order_id,
                "10.00",
                _job_id=f"{out_order_id}:{delivery}",
                _queue_name=queue,
            )
    claims = RedisClaimStore(redis, prefix=f"{queue}:claim:")
    clients = [sandbox.client() for _ in range(workers)]
    pool = [
        Worker(
            functions=[func(issue_card, name="issue_card", max_tries=1)],
            redis_pool=redis,
            queue_name=queue,
            burst=True,
            handle_signals=False,
            max_jobs=4,
            poll_delay=0.01,
            ctx={"lemft": client, "claims": claims},
            log_results=False,
        )
        for client in clients
    ]
    try:
        await asyncio.gather(*(worker.main() for worker in pool))
    finally:
        for client in clients:
            await client.aclose()
        await redis.aclose()
    return {
        "ids": ids,
        "complete": sum(w.jobs_complete for w in pool),
        "failed": sum(w.jobs_failed for w in pool),
    }


async def run_in_process(sandbox: Sandbox, *, tasks: int = TASKS) -> dict[str, Any]:
    """Both deliveries of every task at the same time, two in-process "workers"."""
    ids = task_ids(tasks)
    claims = MemoryClaimStore()
    counts = {"complete": 0, "failed": 0}
    async with sandbox.client() as one, sandbox.client() as two:

        async def deliver(client: AsyncLemft, out_order_id: str) -> None:
            try:
                await issue_card({"lemft": client, "claims": claims}, out_order_id, "10.00")
            except Exception as exc:
                print(f"  {out_order_id}: {type(exc).__name__}: {exc}")
                counts["failed"] += 1
            else:
                counts["complete"] += 1

        async with anyio.create_task_group() as tg:
            for out_order_id in ids:
                tg.start_soon(deliver, one, out_order_id)
                tg.start_soon(deliver, two, out_order_id)
    return {"ids": ids, **counts}


async def main() -> None:
    redis_url = os.environ.get("REDIS_URL")
    async with Sandbox(latency=0.005) as sandbox:
        if redis_url:
            print(f"{WORKERS} arq workers on {redis_url}, {TASKS} tasks, each enqueued twice")
            result = await run_with_arq(sandbox, redis_url)
        else:
            print(f"REDIS_URL not set: {TASKS} tasks, each delivered twice at once, in-process")
            result = await run_in_process(sandbox)
        cards = len(sandbox.state.cards)
        print(f"deliveries done: {result['complete']}, failed: {result['failed']}")
        print(f"cards issued: {cards} for {TASKS} tasks")
        if cards != TASKS or result["failed"]:
            raise RuntimeError("expected exactly one card per task and no failed delivery")
        if any(sandbox.state.executions(i) != 1 for i in result["ids"]):
            raise RuntimeError("an out_order_id was carried out more than once")
        sandbox.state.check_conservation()
        print("exactly one card per task; the sandbox's books balance")


if __name__ == "__main__":
    anyio.run(main)
