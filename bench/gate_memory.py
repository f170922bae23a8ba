"""Memory per call queued on one gate (one endpoint), vs bare anyio tasks queued on a lock.

N calls start at once; the first one's answer is held back (an in-process server that
waits), so the other N - 1 queue on the per-endpoint gate. With all of them queued, the
Python memory they hold (``tracemalloc``, measured from just before they started) is
divided by N. The baseline is N bare tasks queued the same way on one ``anyio.Lock``: the
least any queue of N waiting tasks can cost. Then the queue is released and drained.

``--in-process`` adds the CPU per call, one call at a time against the same in-process
server: ``client.orders.retrieve`` vs a hand-written httpx + hmac + ``json.loads`` call
(rounds interleaved; median ratio and its range). Informational: the served figure and
its target are ``bench/overhead.py``'s.

    python bench/gate_memory.py [--calls 10000] [--rounds 3] [--in-process] [--check]

``--check`` exits 1 when bytes per queued call exceed 1.3x the bare queue.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import hmac
import json
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import anyio
import anyio.lowlevel
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _echo_app import BODY

from lemft_async import AsyncLemft, GateKey

TARGET = 1.3
CUSTOMER_ID, APP_ID, KEY, API_KEY = 10001004, 100006, "bench-key", "bench-api-key-not-secret"
BASE_URL = "http://localhost"
PATH = "/v1/openApi/card/order/getOrder"
HEADERS = {"content-type": "application/json", "content-length": str(len(BODY))}


class Server(httpx.AsyncBaseTransport):
    """Answers getOrder in process; while ``hold`` is set, the answer waits for it."""

    def __init__(self) -> None:
        self.hold: anyio.Event | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        if self.hold is not None:
            await self.hold.wait()
        else:
            await anyio.lowlevel.checkpoint()  # a real server yields too
        return httpx.Response(200, content=BODY, headers=HEADERS)


def client(server: Server) -> AsyncLemft:
    return AsyncLemft(
        customer_id=CUSTOMER_ID,
        app_id=APP_ID,
        key=KEY,
        api_key=API_KEY,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=server),
    )


async def _wait_for(condition: Callable[[], bool]) -> None:
    for _ in range(60_000):  # at most 5 minutes
        if condition():
            return
        await anyio.sleep(0.005)
    raise RuntimeError("the queue never formed")


async def bare_queue(calls: int) -> int:
    """Bytes held by ``calls`` bare tasks on one lock (one holding it, the rest queued)."""
    lock = anyio.Lock()
    release = anyio.Event()

    async def one() -> None:
        async with lock:
            if not release.is_set():
                await release.wait()
            await anyio.lowlevel.checkpoint()

    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    async with anyio.create_task_group() as tg:
        for _ in range(calls):
            tg.start_soon(one)
        await _wait_for(lambda: lock.statistics().tasks_waiting == calls - 1)
        held = tracemalloc.get_traced_memory()[0] - before
        release.set()
    return held


async def sdk_queue(calls: int) -> int:
    """Bytes held by ``calls`` SDK calls on one endpoint (one in flight, the rest queued)."""
    server = Server()
    async with client(server) as sdk:
        await sdk.orders.retrieve("ord_x")  # warm: imports, caches, the gate's lock
        key = sdk._transport.gate_key(PATH)
        gate = sdk._transport.gate
        waiting: Callable[[GateKey], int] = gate.waiting  # type: ignore[attr-defined]
        server.hold = release = anyio.Event()

        async def one() -> None:
            await sdk.orders.retrieve("ord_x")

        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        async with anyio.create_task_group() as tg:
            for _ in range(calls):
                tg.start_soon(one)
            await _wait_for(lambda: waiting(key) == calls - 1)
            held = tracemalloc.get_traced_memory()[0] - before
            server.hold = None
            release.set()
        if waiting(key):
            raise RuntimeError("queue not drained")
    return held


def measure(fn: Callable[[int], Awaitable[int]], calls: int) -> float:
    """Bytes per queued call (tracemalloc runs only while the queue forms)."""
    tracemalloc.start()
    try:
        held = anyio.run(fn, calls)
    finally:
        tracemalloc.stop()
    return held / calls


# -- --in-process: CPU per call ------------------------------------------------------------


async def hand_written(http: httpx.AsyncClient, calls: int) -> None:
    for _ in range(calls):
        body = json.dumps(
            {"customer_id": CUSTOMER_ID, "app_id": APP_ID, "key": KEY, "order_id": "ord_x"},
            separators=(",", ":"),
        ).encode()
        ts = str(int(time.time()))
        sig = hmac.new(API_KEY.encode(), body + ts.encode(), hashlib.sha256).hexdigest()
        r = await http.post(
            BASE_URL + PATH,
            content=body,
            headers={"Content-Type": "application/json", "timestamp": ts, "signature": sig},
        )
        if json.loads(r.content, parse_float=Decimal)["code"] != 0:
            raise RuntimeError("baseline call failed")


async def sdk_calls(sdk: AsyncLemft, calls: int) -> None:
    for _ in range(calls):
        detail = await sdk.orders.retrieve("ord_x")
        if detail.order_info.fee != Decimal("0.4"):
            raise RuntimeError("sdk call decoded the wrong value")


async def cpu_rounds(calls: int, rounds: int) -> tuple[float, float, list[float]]:
    """Per call CPU seconds of (baseline, SDK) as medians, and every round's ratio."""
    async with httpx.AsyncClient(transport=Server()) as http, client(Server()) as sdk:
        await hand_written(http, 100)
        await sdk_calls(sdk, 100)
        bases: list[float] = []
        ours: list[float] = []
        for i in range(rounds):
            for side in ("sdk", "base") if i % 2 else ("base", "sdk"):
                gc.collect()
                gc.disable()
                start = time.process_time()
                if side == "base":
                    await hand_written(http, calls)
                else:
                    await sdk_calls(sdk, calls)
                (bases if side == "base" else ours).append((time.process_time() - start) / calls)
                gc.enable()
    ratios = [o / b for o, b in zip(ours, bases, strict=True)]
    return statistics.median(bases), statistics.median(ours), ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="memory rounds (median)")
    parser.add_argument("--in-process", action="store_true", help="add the CPU per call row")
    parser.add_argument("--cpu-calls", type=int, default=1000)
    parser.add_argument("--cpu-rounds", type=int, default=15)
    parser.add_argument("--check", action="store_true", help=f"exit 1 if above {TARGET}x")
    args = parser.parse_args(argv)

    bases: list[float] = []
    ours: list[float] = []
    for i in range(args.rounds):
        if i % 2:
            ours.append(measure(sdk_queue, args.calls))
            bases.append(measure(bare_queue, args.calls))
        else:
            bases.append(measure(bare_queue, args.calls))
            ours.append(measure(sdk_queue, args.calls))
    ratios = [o / b for o, b in zip(ours, bases, strict=True)]
    base, sdk, ratio = statistics.median(bases), statistics.median(ours), statistics.median(ratios)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.calls} calls queued on one gate (tracemalloc, median of {args.rounds} rounds)")
    print(f"  bare anyio tasks on a lock : {base:7.0f} B per queued task")
    print(f"  SDK calls on the gate      : {sdk:7.0f} B per queued call")
    print(
        f"  ratio                      : {ratio:.2f}x the bare queue "
        f"(range {min(ratios):.2f}-{max(ratios):.2f}; target <= {TARGET:.2f})"
    )
    print(f"  process peak RSS           : {rss_mb:7.1f} MiB")
    if args.in_process:
        b, o, cpu = anyio.run(cpu_rounds, args.cpu_calls, args.cpu_rounds)
        print(
            f"CPU per call in process, one at a time "
            f"(median of {args.cpu_rounds} interleaved rounds of {args.cpu_calls})"
        )
        print(f"  hand-written httpx + hmac  : {b * 1e6:7.1f} us")
        print(f"  SDK orders.retrieve        : {o * 1e6:7.1f} us  (+{(o - b) * 1e6:.1f} us)")
        print(
            f"  ratio                      : {statistics.median(cpu):.2f}x "
            f"(range {min(cpu):.2f}-{max(cpu):.2f}; served target: bench/overhead.py)"
        )
    return 1 if args.check and ratio > TARGET else 0


if __name__ == "__main__":
    raise SystemExit(main())
