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
    python bench/bulk.py --matrix [--rounds 5] [--check]

Prints, per client: wall / (N x L), the 10004s the server answered, the most requests it
had in flight on openCard; then per place the medians and SDK / serial (the target:
<= 1.02, ``--max-ratio``, with 0 server-side 10004s; wall / (N x L) is information).
``--in-process`` adds the same three against an in-process sandbox (no sockets).
``--matrix`` runs SDK and serial only, served and in process x 200 and 1000 cards x 5 and
20 ms, in rounds that alternate which client goes first (each cell at least ``--rounds``
rounds and at least 10 s of N x L per client: 10 rounds of 200 cards at 5 ms), and prints
SDK / serial per cell (median of the per-round ratios, with their range). ``--check``
exits 1 when SDK / serial misses the target in any place (or cell), or the SDK met a 10004.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import hmac
import json
import math
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
TARGET_RATIO = 1.02
"""SDK / serial: the best hand-written serial loop is the floor."""
MATRIX_CARDS = (200, 1000)
MATRIX_LATENCIES = (0.005, 0.02)
MIN_CELL_SECONDS = 10.0

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


@asynccontextmanager
async def sdk_client(target: Target) -> AsyncIterator[AsyncLemft]:
    """An SDK client on ``target`` with its connection pool warmed (on another path)."""
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
            await client.wallets.list()
            yield client
    finally:
        if http is not None:
            await http.aclose()


async def sdk(target: Target, cards: int, latency: float, where: str) -> Result:
    """The SDK: ``open_cards`` behind the default per-endpoint gate."""
    async with sdk_client(target) as client:
        orders = client.orders
        specs = [{"bin_id": BIN_ID, "amount": Decimal(AMOUNT)} for _ in range(cards)]

        async def run() -> int:
            outcomes = await orders.open_cards(specs)
            return sum(outcome.ok for outcome in outcomes)

        wall, issued = await _timed(run)
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


PLACES = {"served": served, "in-process": in_process}
Client = Callable[[Target, int, float, str], Awaitable[Result]]


async def measure(cards: int, latency: float, rounds: int, inprocess: bool) -> list[Result]:
    places = ["served"] + (["in-process"] if inprocess else [])
    return await _rounds(places, [(cards, latency)], (sdk, naive, serial), rounds)


async def _rounds(
    places: list[str],
    cells: list[tuple[int, float]],
    clients: tuple[Client, ...],
    rounds: int,
    cell_rounds: Callable[[int, float], int] | None = None,
) -> list[Result]:
    """Each client once per round and cell, each against a fresh sandbox; odd rounds run
    the clients in reverse order, so a slow spell of a busy machine hits both sides.
    ``cell_rounds(cards, latency)`` gives a cell more rounds than ``rounds``."""
    counts = {cell: rounds if cell_rounds is None else cell_rounds(*cell) for cell in cells}
    results = []
    for number in range(max(counts.values(), default=0)):
        order = clients if number % 2 == 0 else tuple(reversed(clients))
        for where in places:
            for cards, latency in cells:
                if number >= counts[(cards, latency)]:
                    continue
                for client in order:
                    async with PLACES[where](latency) as target:
                        results.append(await client(target, cards, latency, where))
    return results


def matrix_rounds(rounds: int) -> Callable[[int, float], int]:
    """At least ``rounds`` per cell, and at least MIN_CELL_SECONDS of N x L per client: a
    1-second run (200 cards at 5 ms) moves by +-5 % from one round to the next here."""

    def count(cards: int, latency: float) -> int:
        return max(rounds, math.ceil(MIN_CELL_SECONDS / (cards * latency)))

    return count


async def measure_matrix(rounds: int) -> list[Result]:
    cells = [(n, latency) for n in MATRIX_CARDS for latency in MATRIX_LATENCIES]
    return await _rounds(list(PLACES), cells, (sdk, serial), rounds, matrix_rounds(rounds))


def pair_ratios(results: list[Result], where: str, cards: int, latency: float) -> list[float]:
    """SDK / serial of each round (the runs of one round are back to back)."""

    def cell(client: str) -> list[Result]:
        return [
            r
            for r in results
            if (r.where, r.client, r.cards, r.latency) == (where, client, cards, latency)
        ]

    return [a.wall / b.wall for a, b in zip(cell("sdk"), cell("serial"), strict=True)]


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
        pairs = pair_ratios(results, where, cards, latency)
        print(
            f"  {where:<11} sdk {ours:.3f} [{_median_int(groups[(where, 'sdk')])}]"
            f"  naive {_median(groups[(where, 'naive')]):.3f}"
            f" [{_median_int(groups[(where, 'naive')])}]"
            f"  serial floor {floor:.3f} [0]  sdk / floor {_spread(pairs)}"
        )
    print(f"target: sdk / serial floor <= {TARGET_RATIO} with 0 10004s (N x L: information)")


def report_matrix(results: list[Result]) -> None:
    print("Bulk issuance matrix, SDK vs the hand-written serial loop")
    print(
        f"{'where':<11}{'cards':>6}{'L ms':>6}{'rounds':>7}{'sdk/NxL':>9}{'serial/NxL':>11}"
        f"{'sdk 10004s':>11}   sdk / serial (median, range)"
    )
    for where in PLACES:
        for cards in MATRIX_CARDS:
            for latency in MATRIX_LATENCIES:
                cell = [
                    r for r in results if (r.where, r.cards, r.latency) == (where, cards, latency)
                ]
                ours = [r for r in cell if r.client == "sdk"]
                floor = [r for r in cell if r.client == "serial"]
                print(
                    f"{where:<11}{cards:>6}{latency * 1000:>6g}{len(ours):>7}{_median(ours):>9.3f}"
                    f"{_median(floor):>11.3f}{sum(r.rejections for r in ours):>11}   "
                    f"{_spread(pair_ratios(results, where, cards, latency))}"
                )
    print(f"target: sdk / serial <= {TARGET_RATIO} in every cell, 0 10004s")


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def missed(results: list[Result], max_ratio: float) -> list[str]:
    """The cells whose median SDK / serial is over ``max_ratio`` or whose SDK met a 10004."""
    cells = dict.fromkeys((r.where, r.cards, r.latency) for r in results)
    problems = []
    for where, cards, latency in cells:
        ratio = statistics.median(pair_ratios(results, where, cards, latency))
        rejected = sum(
            r.rejections
            for r in results
            if (r.where, r.client, r.cards, r.latency) == (where, "sdk", cards, latency)
        )
        if ratio > max_ratio or rejected:
            problems.append(
                f"{where} {cards} cards {latency * 1000:g} ms: sdk / serial {ratio:.3f}, "
                f"{rejected} 10004s"
            )
    return problems


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
        "--matrix",
        action="store_true",
        help="sdk and serial, served and in process x 200/1000 cards x 5/20 ms",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if sdk / serial misses its target"
    )
    parser.add_argument("--max-ratio", type=float, default=TARGET_RATIO, help="for --check")
    args = parser.parse_args(argv)
    if args.cards < 1 or args.latency <= 0 or args.rounds < 1:
        parser.error("--cards and --rounds must be >= 1 and --latency > 0")
    if args.matrix:
        results = anyio.run(measure_matrix, args.rounds)
        report_matrix(results)
    else:
        results = anyio.run(measure, args.cards, args.latency, args.rounds, args.in_process)
        report(results, args.cards, args.latency)
    if any(r.issued != r.cards or not r.conserved for r in results):
        print("FAILED: a client did not issue every card, or the books do not balance")
        return 1
    problems = missed(results, args.max_ratio)
    if args.check and problems:
        print(f"CHECK FAILED: sdk / serial > {args.max_ratio:g} or a 10004 was answered:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
