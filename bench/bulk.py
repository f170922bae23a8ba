"""Bulk card issuance: wall time / (N x latency) and server-side 10004s, SDK vs a naive client.

Each client issues N cards against its own fresh sandbox, served by uvicorn in a child
process on loopback (``_sandbox_app.py``), which holds every request L seconds and lets one
request per URL run at a time (others get 10004 at once), as LEMFT does. N x L is the
floor: the calls cannot overlap. (Caveat: the sandbox counts each hold from the request's
arrival, so a request that waited inside the server for the path is held less than L;
that flatters the naive client, whose flood keeps requests waiting there.)

- sdk:   ``client.orders.open_cards(specs)`` with the default gate (concurrency 8).
- naive: plain httpx + hmac, N tasks at once, no gate; on 10004 it sleeps a jittered
         ``uniform(0, 2 x L)`` and tries again, until success.
- serial: plain httpx + hmac, one call after another: the floor for any client that
         never overlaps (what is left above 1.0 is the loopback round trip of both sides).

    python bench/bulk.py [--cards 200] [--latency 0.02] [--rounds 1] [--in-process] [--check]

Prints, per client: wall / (N x L), the 10004s the server answered, the most requests it
had in flight on openCard. ``--in-process`` adds the same three against an in-process
sandbox (no sockets). ``--check`` exits 1 unless the served SDK ratio (median over rounds)
is <= 1.05 (``--max-ratio``) with 0 server-side 10004s.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import hmac
import json
import os
import random
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _sandbox_app import LATENCY_ENV, STATS_PATH, snapshot
from _servers import uvicorn_server

from lemft_async import AsyncLemft
from lemft_async.sandbox import Sandbox, SandboxCredentials

CREDENTIALS = SandboxCredentials()  # the sandbox's fake, public credentials
BIN_ID = "cpi_6530de6a2f1c7"  # the seeded USD virtual BIN
AMOUNT = 10
OPEN_CARD = "/v1/openApi/card/order/openCard"
WALLET_LIST = "/v1/openApi/wallet/walletList"
TARGET_RATIO = 1.05

Stats = Callable[[], Awaitable[dict[str, Any]]]


@dataclass
class Result:
    """One client's run against one fresh sandbox."""

    client: str
    where: str
    cards: int
    latency: float
    wall: float
    issued: int
    rejections: int
    max_in_flight: int
    conserved: bool

    @property
    def ratio(self) -> float:
        return self.wall / (self.cards * self.latency)


@dataclass
class Target:
    """Where a client sends: a base URL, an optional in-process transport, the stats."""

    base_url: str
    transport: httpx.AsyncBaseTransport | None
    stats: Stats


def _http(target: Target, **options: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=target.transport, **options)


async def _timed(run: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    # Set-up garbage would otherwise be re-scanned by a full collection mid-run (a pause
    # of tens of ms): the measurement is about the wire.
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    try:
        issued = await run()
    finally:
        wall = time.perf_counter() - started
        gc.unfreeze()
    return wall, issued


async def sdk(target: Target, cards: int, latency: float, where: str) -> Result:
    """The SDK: ``open_cards`` behind the default per-endpoint gate."""
    http = _http(target) if target.transport else None
    try:
        async with AsyncLemft(
            customer_id=CREDENTIALS.customer_id,
            app_id=CREDENTIALS.app_id,
            key=CREDENTIALS.key,
            api_key=CREDENTIALS.api_key,
            base_url=target.base_url,
            http_client=http,
        ) as client:
            await client.wallets.list()  # warm the connection pool (another path)
            orders = client.orders
            specs = [{"bin_id": BIN_ID, "amount": Decimal(AMOUNT)} for _ in range(cards)]

            async def run() -> int:
                outcomes = await orders.open_cards(specs)
                return sum(outcome.ok for outcome in outcomes)

            wall, issued = await _timed(run)
    finally:
        if http is not None:
            await http.aclose()
    return _result("sdk", where, cards, latency, wall, issued, await target.stats())


def _signed(body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = hmac.new(
        CREDENTIALS.api_key.encode(), body + timestamp.encode(), hashlib.sha256
    ).hexdigest()
    return {"Content-Type": "application/json", "timestamp": timestamp, "signature": signature}


def _body(**params: Any) -> bytes:
    common = {
        "customer_id": CREDENTIALS.customer_id,
        "app_id": CREDENTIALS.app_id,
        "key": CREDENTIALS.key,
    }
    return json.dumps({**common, **params}, separators=(",", ":")).encode()


async def naive(target: Target, cards: int, latency: float, where: str) -> Result:
    """What a caller without a gate does: fire everything, retry each 10004 after a nap."""
    limits = httpx.Limits(max_connections=cards, max_keepalive_connections=cards)
    async with _http(target, base_url=target.base_url, limits=limits, timeout=60) as http:
        warm = _body()
        await http.post(WALLET_LIST, content=warm, headers=_signed(warm))

        async def issue(index: int, done: list[int]) -> None:
            body = _body(bin_id=BIN_ID, amount=AMOUNT, out_order_id=f"naive-{index}")
            while True:
                response = await http.post(OPEN_CARD, content=body, headers=_signed(body))
                code = json.loads(response.content, parse_float=Decimal)["code"]
                if code == 0:
                    done.append(index)
                    return
                if code != 10004:
                    raise RuntimeError(f"naive openCard failed with code {code}")
                await anyio.sleep(random.uniform(0, 2 * latency))

        async def run() -> int:
            done: list[int] = []
            async with anyio.create_task_group() as tg:
                for index in range(cards):
                    tg.start_soon(issue, index, done)
            return len(done)

        wall, issued = await _timed(run)
    return _result("naive", where, cards, latency, wall, issued, await target.stats())


async def serial(target: Target, cards: int, latency: float, where: str) -> Result:
    """The floor for any client that never overlaps: plain httpx + hmac, one call after
    another, no gate and no model decoding."""
    async with _http(target, base_url=target.base_url, timeout=60) as http:
        warm = _body()
        await http.post(WALLET_LIST, content=warm, headers=_signed(warm))

        async def run() -> int:
            for index in range(cards):
                body = _body(bin_id=BIN_ID, amount=AMOUNT, out_order_id=f"serial-{index}")
                response = await http.post(OPEN_CARD, content=body, headers=_signed(body))
                code = json.loads(response.content, parse_float=Decimal)["code"]
                if code != 0:
                    raise RuntimeError(f"serial openCard failed with code {code}")
            return cards

        wall, issued = await _timed(run)
    return _result("serial", where, cards, latency, wall, issued, await target.stats())


def _result(
    client: str,
    where: str,
    cards: int,
    latency: float,
    wall: float,
    issued: int,
    seen: dict[str, Any],
) -> Result:
    stats = seen["stats"]
    return Result(
        client=client,
        where=where,
        cards=cards,
        latency=latency,
        wall=wall,
        issued=issued,
        rejections=sum(stats["rejections"].values()),
        max_in_flight=stats["max_in_flight"].get(OPEN_CARD, 0),
        conserved=bool(seen["conserved"]) and seen["cards"] == issued,
    )


@asynccontextmanager
async def served(latency: float) -> AsyncIterator[Target]:
    """A fresh sandbox in a uvicorn child process; stats fetched from its stats route."""
    # As ``lemft sandbox serve``: uvicorn's own Date/Server headers off (the sandbox
    # writes Date from its clock).
    args = ("--factory", "--no-date-header", "--no-server-header")
    previous = os.environ.get(LATENCY_ENV)
    os.environ[LATENCY_ENV] = repr(latency)  # read by the child's app factory
    try:
        with uvicorn_server("_sandbox_app:create_app", *args) as base_url:

            async def stats() -> dict[str, Any]:
                async with httpx.AsyncClient() as http:
                    response = await http.get(base_url + STATS_PATH)
                    seen: dict[str, Any] = response.json()
                    return seen

            yield Target(base_url, None, stats)
    finally:
        if previous is None:
            del os.environ[LATENCY_ENV]
        else:
            os.environ[LATENCY_ENV] = previous


@asynccontextmanager
async def in_process(latency: float) -> AsyncIterator[Target]:
    """A fresh sandbox called through ``httpx.ASGITransport`` (no sockets)."""
    async with Sandbox(latency=latency) as sandbox:

        async def stats() -> dict[str, Any]:
            return snapshot(sandbox)

        yield Target("http://localhost", httpx.ASGITransport(app=sandbox.app), stats)


async def measure(cards: int, latency: float, rounds: int, inprocess: bool) -> list[Result]:
    results = []
    places = [("served", served)] + ([("in-process", in_process)] if inprocess else [])
    for _ in range(rounds):
        for where, place in places:
            for client in (sdk, naive, serial):
                async with place(latency) as target:
                    results.append(await client(target, cards, latency, where))
    return results


def report(results: list[Result], cards: int, latency: float) -> None:
    print(f"Bulk issuance: {cards} cards, server latency {latency * 1000:g} ms per request")
    print(f"ideal = N x L = {cards * latency:.3f} s; the server allows one openCard at a time")
    print(f"{'where':<11}{'client':<8}{'wall s':>8}{'ratio':>8}{'10004s':>8}{'in flight':>10}")
    for r in results:
        ok = "" if r.issued == r.cards and r.conserved else "  (NOT all issued / conserved)"
        print(
            f"{r.where:<11}{r.client:<8}{r.wall:>8.3f}{r.ratio:>8.3f}"
            f"{r.rejections:>8}{r.max_in_flight:>10}{ok}"
        )
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.where, r.client), []).append(r)
    print("median ratio wall / (N x L), server-side 10004s in brackets:")
    for where in dict.fromkeys(r.where for r in results):
        ours, floor = _median(groups[(where, "sdk")]), _median(groups[(where, "serial")])
        print(
            f"  {where:<11} sdk {ours:.3f} [{_median_int(groups[(where, 'sdk')])}]"
            f"  naive {_median(groups[(where, 'naive')]):.3f}"
            f" [{_median_int(groups[(where, 'naive')])}]"
            f"  serial floor {floor:.3f} [0]  sdk / floor {ours / floor:.3f}"
        )
    print(f"targets for the served sdk: ratio <= {TARGET_RATIO}, 0 rejections")


def _median(results: list[Result]) -> float:
    return statistics.median(r.ratio for r in results)


def _median_int(results: list[Result]) -> int:
    return round(statistics.median(r.rejections for r in results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--in-process", action="store_true", help="also run without sockets")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the served SDK run misses its targets"
    )
    parser.add_argument("--max-ratio", type=float, default=TARGET_RATIO, help="for --check")
    args = parser.parse_args(argv)
    if args.cards < 1 or args.latency <= 0 or args.rounds < 1:
        parser.error("--cards and --rounds must be >= 1 and --latency > 0")
    results = anyio.run(measure, args.cards, args.latency, args.rounds, args.in_process)
    report(results, args.cards, args.latency)
    if any(r.issued != r.cards or not r.conserved for r in results):
        print("FAILED: a client did not issue every card, or the books do not balance")
        return 1
    ours = [r for r in results if r.where == "served" and r.client == "sdk"]
    if args.check and (_median(ours) > args.max_ratio or any(r.rejections for r in ours)):
        print(f"CHECK FAILED: served sdk ratio > {args.max_ratio:g} or a 10004 was answered")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
