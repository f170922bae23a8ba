"""httpx's own stack vs aiohttp underneath: CPU per call, and the serial bulk floor.

1. CPU per call over loopback (this process only; the server is a child process): the same
   POST and read of the answer through ``httpx.AsyncClient`` (httpcore, the baseline),
   ``DefaultAioHttpClient`` (the httpx API over aiohttp, what the SDK takes as
   ``http_client=``) and a bare ``aiohttp.ClientSession``, one caller and ``--callers``
   concurrent callers (httpcore's pool cost grows with concurrency: encode/httpx#3215).
2. The serial bulk floor: the best hand-written loop (sign, send, wait, next) issuing
   ``--cards`` cards against the sandbox served with ``--latency`` per request, over each
   stack; wall / (N x L) and the aiohttp floor / the httpx floor. Beside it, the SDK's
   ``open_cards`` over each stack (wall / its own stack's floor).

Rounds are interleaved (the order rotated each round); ratios are the median of per-round
ratios with the lowest and highest round in brackets.

    python bench/http_stack.py [--calls 1000] [--rounds 7] [--cards 200] [--latency 0.005]
                               [--callers 32] [--check]

``--check`` exits 1 unless DefaultAioHttpClient's CPU per call (one caller) is <= 0.6x
httpx's (``--cpu-target``) and its serial floor <= 0.95x httpx's (``--floor-target``).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _async_timing import Ratio, interleave, ratio
from _sandbox_app import LATENCY_ENV
from _servers import uvicorn_server

from lemft_async import AsyncLemft, DefaultAioHttpClient
from lemft_async.sandbox import SandboxCredentials

CPU_TARGET = 0.6
FLOOR_TARGET = 0.95
CREDENTIALS = SandboxCredentials()  # the sandbox's fake, public credentials
BIN_ID = "cpi_6530de6a2f1c7"  # the seeded USD virtual BIN
OPEN_CARD = "/v1/openApi/card/order/openCard"
WALLET_LIST = "/v1/openApi/wallet/walletList"
ECHO_BODY = b'{"customer_id":10001004,"app_id":100006,"key":"k","order_id":"ord_x"}'
JSON = {"Content-Type": "application/json"}

Runner = Callable[[int], Awaitable[object]]


# -- 1. CPU per call ----------------------------------------------------------------------


def _httpx_runner(http: httpx.AsyncClient, url: str, callers: int) -> Runner:
    async def one(calls: int) -> None:
        for _ in range(calls):
            r = await http.post(url, content=ECHO_BODY, headers=JSON)
            if r.status_code != 200 or not r.content:
                raise RuntimeError("echo call failed")

    return _spread(one, callers)


def _aiohttp_runner(session: aiohttp.ClientSession, url: str, callers: int) -> Runner:
    async def one(calls: int) -> None:
        for _ in range(calls):
            async with session.post(url, data=ECHO_BODY, headers=JSON) as r:
                if r.status != 200 or not await r.read():
                    raise RuntimeError("echo call failed")

    return _spread(one, callers)


def _spread(one: Runner, callers: int) -> Runner:
    """``n`` calls made by ``callers`` concurrent tasks."""

    async def run(calls: int) -> None:
        share, extra = divmod(calls, callers)
        await asyncio.gather(*(one(share + (i < extra)) for i in range(callers)))

    return run


async def cpu_rows(url: str, calls: int, rounds: int, callers: int) -> dict[str, Ratio]:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with (
        httpx.AsyncClient(limits=limits) as plain,
        DefaultAioHttpClient(limits=limits) as over_aiohttp,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as bare,
    ):
        rows: dict[str, Ratio] = {}
        for n in (1, callers):
            runners = {
                "httpx": _httpx_runner(plain, url, n),
                "DefaultAioHttpClient": _httpx_runner(over_aiohttp, url, n),
                "aiohttp.ClientSession": _aiohttp_runner(bare, url, n),
            }
            for run in runners.values():
                await run(max(50, n))  # warm the pools (n connections)
            samples = await interleave(runners, calls, rounds)
            for name in ("DefaultAioHttpClient", "aiohttp.ClientSession"):
                rows[f"{name}, {n} caller(s)"] = ratio(samples[name].cpu, samples["httpx"].cpu)
        return rows


# -- 2. the serial bulk floor ------------------------------------------------------------


def _body(**params: Any) -> bytes:
    common = {
        "customer_id": CREDENTIALS.customer_id,
        "app_id": CREDENTIALS.app_id,
        "key": CREDENTIALS.key,
    }
    return json.dumps({**common, **params}, separators=(",", ":")).encode()


def _signed(body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = hmac.new(
        CREDENTIALS.api_key.encode(), body + timestamp.encode(), hashlib.sha256
    ).hexdigest()
    return {**JSON, "timestamp": timestamp, "signature": signature}


def _serial(http: httpx.AsyncClient, tag: str) -> Runner:
    """One openCard after another: the floor for any client that never overlaps."""
    counter = iter(range(10**9))

    async def run(cards: int) -> None:
        for _ in range(cards):
            body = _body(bin_id=BIN_ID, amount=10, out_order_id=f"{tag}-{next(counter)}")
            response = await http.post(OPEN_CARD, content=body, headers=_signed(body))
            if json.loads(response.content, parse_float=Decimal)["code"] != 0:
                raise RuntimeError(f"serial openCard failed: {response.content[:80]!r}")

    return run


def _sdk(client: AsyncLemft) -> Runner:
    async def run(cards: int) -> None:
        specs = [{"bin_id": BIN_ID, "amount": Decimal(10)} for _ in range(cards)]
        outcomes = await client.orders.open_cards(specs)
        if not all(outcome.ok for outcome in outcomes):
            raise RuntimeError("sdk open_cards did not issue every card")

    return run


async def floor_rounds(url: str, cards: int, rounds: int) -> dict[str, list[float]]:
    """Seconds per card of each contender over ``rounds`` interleaved rounds."""

    def lemft(http: httpx.AsyncClient | None = None) -> AsyncLemft:
        return AsyncLemft(
            customer_id=CREDENTIALS.customer_id,
            app_id=CREDENTIALS.app_id,
            key=CREDENTIALS.key,
            api_key=CREDENTIALS.api_key,
            base_url=url,
            http_client=http,
        )

    async with (
        httpx.AsyncClient(base_url=url, timeout=60) as plain,
        DefaultAioHttpClient(base_url=url, timeout=60) as over_aiohttp,
        DefaultAioHttpClient() as sdk_pool,
        lemft() as sdk_httpx,
        lemft(sdk_pool) as sdk_aiohttp,
    ):
        for http in (plain, over_aiohttp):
            warm = _body()
            await http.post(WALLET_LIST, content=warm, headers=_signed(warm))
        await sdk_httpx.wallets.list()
        await sdk_aiohttp.wallets.list()
        runners = {
            "serial httpx": _serial(plain, "h"),
            "serial aiohttp": _serial(over_aiohttp, "a"),
            "sdk httpx": _sdk(sdk_httpx),
            "sdk aiohttp": _sdk(sdk_aiohttp),
        }
        samples = await interleave(runners, cards, rounds)
        return {name: s.wall for name, s in samples.items()}


# -- report ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.005)
    parser.add_argument("--callers", type=int, default=32)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--cpu-target", type=float, default=CPU_TARGET, help="for --check")
    parser.add_argument("--floor-target", type=float, default=FLOOR_TARGET, help="for --check")
    args = parser.parse_args(argv)
    if min(args.calls, args.rounds, args.cards, args.callers) < 1 or args.latency <= 0:
        parser.error("--calls, --rounds, --cards and --callers must be >= 1, --latency > 0")

    with uvicorn_server("_echo_app:app") as url:
        cpu = asyncio.run(cpu_rows(url, args.calls, args.rounds, args.callers))
    print(
        f"CPU per call over loopback vs httpx.AsyncClient ({args.calls} calls x {args.rounds} "
        "interleaved rounds; median ratio [lowest-highest round])"
    )
    for row, r in cpu.items():
        print(f"  {row:<40}{r.base * 1e6:>7.0f} us vs {r.ours * 1e6:>5.0f} us  {r.text()}")

    previous = os.environ.get(LATENCY_ENV)
    os.environ[LATENCY_ENV] = repr(args.latency)  # read by the child's app factory
    try:
        args_ = ("--factory", "--no-date-header", "--no-server-header")
        with uvicorn_server("_sandbox_app:create_app", *args_) as url:
            walls = asyncio.run(floor_rounds(url, args.cards, args.rounds))
    finally:
        if previous is None:
            del os.environ[LATENCY_ENV]
        else:
            os.environ[LATENCY_ENV] = previous
    ideal = args.latency
    print(
        f"Serial bulk floor: {args.cards} cards, {args.latency * 1000:g} ms per request, "
        f"{args.rounds} interleaved rounds; wall / (N x L), median [range]"
    )
    for name, per_card in walls.items():
        lo, hi = min(per_card) / ideal, max(per_card) / ideal
        print(f"  {name:<16}{statistics.median(per_card) / ideal:>7.3f} [{lo:.3f}-{hi:.3f}]")
    floor = ratio(walls["serial aiohttp"], walls["serial httpx"])
    sdk_h = ratio(walls["sdk httpx"], walls["serial httpx"])
    sdk_a = ratio(walls["sdk aiohttp"], walls["serial aiohttp"])
    print(f"  aiohttp floor / httpx floor        {floor.text()}   (target <= {args.floor_target})")
    print(f"  sdk / floor, over httpx            {sdk_h.text()}")
    print(f"  sdk / floor, over aiohttp          {sdk_a.text()}")

    one = cpu["DefaultAioHttpClient, 1 caller(s)"]
    print(f"  DefaultAioHttpClient CPU / httpx   {one.text()}   (target <= {args.cpu_target})")
    if args.check and (one.median > args.cpu_target or floor.median > args.floor_target):
        print("CHECK FAILED: aiohttp underneath missed a target")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
