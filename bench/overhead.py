"""SDK per-call overhead vs a hand-written httpx + hmac call to the same server.

Both clients call one minimal uvicorn server (a child process, loopback) that answers the
documented getOrder response. The hand-written baseline does the least a correct caller
must: compact JSON, HMAC-SHA256 header, POST, json.loads with Decimal, check ``code``.
The SDK call is ``client.orders.retrieve(...)``: the same plus gate, traceid, retry
bookkeeping and a typed pydantic result. Rounds alternate to share any machine noise.

    python bench/overhead.py [--calls 2000] [--rounds 5]

Prints the median per-call time of each and the ratio SDK / baseline (target <= 1.3).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _servers import uvicorn_server

from lemft_async import AsyncLemft

CUSTOMER_ID, APP_ID, KEY, API_KEY = 10001004, 100006, "bench-key", "bench-api-key-not-secret"
PATH = "/v1/openApi/card/order/getOrder"


async def baseline(http: httpx.AsyncClient, base_url: str, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        body = json.dumps(
            {"customer_id": CUSTOMER_ID, "app_id": APP_ID, "key": KEY, "order_id": "ord_x"},
            separators=(",", ":"),
        ).encode()
        ts = str(int(time.time()))
        sig = hmac.new(API_KEY.encode(), body + ts.encode(), hashlib.sha256).hexdigest()
        r = await http.post(
            base_url + PATH,
            content=body,
            headers={"Content-Type": "application/json", "timestamp": ts, "signature": sig},
        )
        payload = json.loads(r.content, parse_float=Decimal)
        if payload["code"] != 0:
            raise RuntimeError("baseline call failed")
    return (time.perf_counter() - started) / calls


async def sdk(client: AsyncLemft, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        detail = await client.orders.retrieve("ord_x")
        if detail.order_info.fee != Decimal("0.4"):
            raise RuntimeError("sdk call decoded the wrong value")
    return (time.perf_counter() - started) / calls


async def run(base_url: str, calls: int, rounds: int) -> tuple[float, float]:
    base_times, sdk_times = [], []
    async with (
        httpx.AsyncClient() as http,
        AsyncLemft(
            customer_id=CUSTOMER_ID, app_id=APP_ID, key=KEY, api_key=API_KEY, base_url=base_url
        ) as client,
    ):
        await baseline(http, base_url, 50)  # warm both connection pools
        await sdk(client, 50)
        for _ in range(rounds):
            base_times.append(await baseline(http, base_url, calls))
            sdk_times.append(await sdk(client, calls))
    return statistics.median(base_times), statistics.median(sdk_times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="exit 1 if the ratio exceeds 1.3")
    args = parser.parse_args(argv)
    with uvicorn_server("_echo_app:app") as base_url:
        base, ours = asyncio.run(run(base_url, args.calls, args.rounds))
    ratio = ours / base
    print("SDK per-call overhead vs hand-written httpx + hmac (same server, loopback)")
    print(f"  baseline : {base * 1e6:8.1f} us/call")
    print(f"  sdk      : {ours * 1e6:8.1f} us/call  (+{(ours - base) * 1e6:.1f} us)")
    print(f"  ratio    : {ratio:.2f}x   (target <= 1.30)")
    return 1 if args.check and ratio > 1.3 else 0


if __name__ == "__main__":
    raise SystemExit(main())
