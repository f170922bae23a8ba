"""Open N cards, then read each order back: card by card vs as a pipeline across endpoints.

The server lets one request per URL run at a time, not one per flow. Each client opens N
cards (``openCard``) and reads each order back (``getOrder``) against its own fresh
sandbox (served by uvicorn on loopback, ``_sandbox_app.py``; ``--in-process`` adds the
same without sockets), every request held L seconds:

- per card: ``open_card`` then ``orders.retrieve``, one card after another: 2 x N x L
  at best, since nothing overlaps.
- pipeline: ``open_cards(specs, then=[WaitForOrder()])``: the read of card i (its own
  endpoint, its own gate) overlaps the opening of card i+1: N x L + L at best.
- open only: ``open_cards(specs)``, no read back: the floor of the pipeline (information).

    python bench/pipeline.py [--cards 200] [--latency 0.02] [--rounds 3] [--in-process]
                             [--check] [--max-ratio 1.1]

Prints each run's wall / (N x L), the 10004s the server answered and the most requests
it had in flight per endpoint, then per place the medians (with their range), pipeline /
per card and pipeline / open only. ``--check`` exits 1 unless, in every place, the
pipeline's median wall is <= 1.1x (``--max-ratio``) the median wall of opening alone in
the same run (the pipeline's own floor: what the read-backs add to the opening chain),
with 0 10004s and at most one request in flight per endpoint. wall / (N x L) is printed as
information beside it: it also holds the per-request cost of the client, the server and
the VM, which the serial opening loop alone pays (1.12-1.17x N x L served on this VM).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bulk import BIN_ID, PLACES, Target, _timed, sdk_client

from lemft_async import AsyncLemft, WaitForOrder

TARGET_RATIO = 1.1
OPEN_CARD = "/v1/openApi/card/order/openCard"
GET_ORDER = "/v1/openApi/card/order/getOrder"

Flow = Callable[[AsyncLemft, list[dict[str, Any]]], Awaitable[int]]


@dataclass
class Run:
    flow: str
    where: str
    cards: int
    latency: float
    wall: float
    done: int
    rejections: int
    in_flight: dict[str, int]

    @property
    def ratio(self) -> float:
        return self.wall / (self.cards * self.latency)


async def per_card(client: AsyncLemft, specs: list[dict[str, Any]]) -> int:
    done = 0
    for spec in specs:
        order = await client.orders.open_card(**spec)
        detail = await client.orders.retrieve(order.order_id)
        done += detail.order_info.order_id == order.order_id
    return done


async def pipeline(client: AsyncLemft, specs: list[dict[str, Any]]) -> int:
    # Orders complete at once in this sandbox: one read per order; the interval is moot.
    outcomes = await client.orders.open_cards(specs, then=[WaitForOrder(interval=0.05)])
    return sum(o.complete for o in outcomes)


async def open_only(client: AsyncLemft, specs: list[dict[str, Any]]) -> int:
    return sum(o.ok for o in await client.orders.open_cards(specs))


FLOWS: dict[str, Flow] = {"per card": per_card, "pipeline": pipeline, "open only": open_only}


async def one(flow: str, target: Target, cards: int, latency: float, where: str) -> Run:
    async with sdk_client(target) as client:
        specs = [{"bin_id": BIN_ID, "amount": Decimal(10)} for _ in range(cards)]

        async def run() -> int:
            return await FLOWS[flow](client, specs)

        wall, done = await _timed(run)
    stats = (await target.stats())["stats"]
    return Run(
        flow,
        where,
        cards,
        latency,
        wall,
        done,
        sum(stats["rejections"].values()),
        dict(stats["max_in_flight"]),
    )


async def measure(cards: int, latency: float, rounds: int, inprocess: bool) -> list[Run]:
    places = ["served"] + (["in-process"] if inprocess else [])
    runs = []
    for number in range(rounds):
        flows = list(FLOWS) if number % 2 == 0 else list(reversed(FLOWS))
        for where in places:
            for flow in flows:
                async with PLACES[where](latency) as target:
                    runs.append(await one(flow, target, cards, latency, where))
    return runs


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def per_round(runs: list[Run], where: str, flow: str, base: str) -> list[float]:
    """``flow``'s wall / ``base``'s wall in each round (the runs of a round are back to back)."""
    ours = [r.wall for r in runs if (r.where, r.flow) == (where, flow)]
    bases = [r.wall for r in runs if (r.where, r.flow) == (where, base)]
    return [o / b for o, b in zip(ours, bases, strict=True)]


def report(runs: list[Run], cards: int, latency: float) -> None:
    print(f"Open {cards} cards and read each order back, server latency {latency * 1000:g} ms")
    print(f"N x L = {cards * latency:.3f} s per endpoint; one request per URL at a time")
    print(f"{'where':<11}{'flow':<10}{'wall s':>8}{'ratio':>8}{'10004s':>8}  in flight")
    for r in runs:
        flight = (
            f"openCard {r.in_flight.get(OPEN_CARD, 0)}, getOrder {r.in_flight.get(GET_ORDER, 0)}"
        )
        ok = "" if r.done == r.cards else f"  (only {r.done} of {r.cards} done)"
        print(
            f"{r.where:<11}{r.flow:<10}{r.wall:>8.3f}{r.ratio:>8.3f}{r.rejections:>8}  {flight}{ok}"
        )
    print("median wall / (N x L) (range), 10004s in brackets:")
    for where in dict.fromkeys(r.where for r in runs):
        cells = {flow: [r for r in runs if (r.where, r.flow) == (where, flow)] for flow in FLOWS}
        parts = [
            f"{flow} {_spread([r.ratio for r in cells[flow]])} "
            f"[{sum(r.rejections for r in cells[flow])}]"
            for flow in FLOWS
        ]
        pairs = per_round(runs, where, "pipeline", "per card")
        floor = per_round(runs, where, "pipeline", "open only")
        print(f"  {where:<11}" + "  ".join(parts))
        print(
            f"  {'':<11}pipeline / per card {_spread(pairs)}  pipeline / open only {_spread(floor)}"
        )
    print(
        f"target: pipeline median wall <= {TARGET_RATIO} x opening alone's, 0 10004s, "
        "1 in flight per endpoint (wall / N x L: information)"
    )


def missed(runs: list[Run], max_ratio: float) -> list[str]:
    problems = []
    for where in dict.fromkeys(r.where for r in runs):
        ratio = statistics.median(per_round(runs, where, "pipeline", "open only"))
        if ratio > max_ratio:
            problems.append(f"{where}: pipeline {ratio:.3f} x opening alone > {max_ratio:g}")
    for r in runs:
        if r.rejections or any(n > 1 for n in r.in_flight.values()):
            problems.append(f"{r.where} {r.flow}: {r.rejections} 10004s, in flight {r.in_flight}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--in-process", action="store_true", help="also run without sockets")
    parser.add_argument("--check", action="store_true", help="exit 1 if the pipeline misses")
    parser.add_argument("--max-ratio", type=float, default=TARGET_RATIO, help="for --check")
    args = parser.parse_args(argv)
    if args.cards < 1 or args.latency <= 0 or args.rounds < 1:
        parser.error("--cards and --rounds must be >= 1 and --latency > 0")
    runs = anyio.run(measure, args.cards, args.latency, args.rounds, args.in_process)
    report(runs, args.cards, args.latency)
    if any(r.done != r.cards for r in runs):
        print("FAILED: a flow did not open and read back every card")
        return 1
    problems = missed(runs, args.max_ratio)
    if args.check and problems:
        print("CHECK FAILED:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
