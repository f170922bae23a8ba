"""Peak memory of N calls queued on one gate (one endpoint), vs bare anyio tasks on a lock.

All N calls start at once and queue on the per-endpoint gate; the server (an in-process
``httpx.MockTransport``) answers instantly. The baseline is N bare tasks queued on one
``anyio.Lock`` — the least any queue of N waiting tasks can cost. Memory is the
tracemalloc peak of Python allocations during the run (plus process peak RSS).

    python bench/gate_memory.py [--calls 10000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _echo_app import BODY

from lemft_async import AsyncLemft


async def bare(calls: int) -> None:
    lock = anyio.Lock()

    async def one() -> None:
        async with lock:
            await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tg:
        for _ in range(calls):
            tg.start_soon(one)


async def sdk(calls: int) -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=BODY, headers={"content-type": "application/json"}
        )
    )
    async with AsyncLemft(
        customer_id=10001004,
        app_id=100006,
        key="bench-key",
        api_key="bench-api-key-not-secret",
        base_url="http://localhost",
        http_client=httpx.AsyncClient(transport=transport),
    ) as client:

        async def one() -> None:
            await client.orders.retrieve("ord_x")

        async with anyio.create_task_group() as tg:
            for _ in range(calls):
                tg.start_soon(one)
        if client.gate.waiting(client._transport.gate_key("/v1/openApi/card/order/getOrder")):  # type: ignore[attr-defined]
            raise RuntimeError("queue not drained")


def measure(fn: Callable[[int], Awaitable[None]], calls: int) -> tuple[int, float]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    anyio.run(fn, calls)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    args = parser.parse_args(argv)
    base_peak, _base_time = measure(bare, args.calls)
    sdk_peak, sdk_time = measure(sdk, args.calls)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.calls} calls queued on one gate (tracemalloc peak of Python allocations)")
    print(
        f"  bare anyio tasks on a lock : {base_peak / 2**20:7.1f} MiB  "
        f"({base_peak / args.calls / 1024:.2f} KiB/task)"
    )
    print(
        f"  SDK calls on the gate      : {sdk_peak / 2**20:7.1f} MiB  "
        f"({sdk_peak / args.calls / 1024:.2f} KiB/call, {sdk_time:.1f} s)"
    )
    print(f"  ratio                      : {sdk_peak / base_peak:.1f}x the bare queue")
    print(f"  process peak RSS           : {rss_mb:7.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
