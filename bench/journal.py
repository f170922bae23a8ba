"""Journaled bulk issuance vs in-memory ``open_cards``: same cards, same server, same run.

Each round issues N cards twice, each time against a fresh sandbox served by uvicorn in
a child process (``_sandbox_app.py``, every request held L seconds, one openCard at a
time), with the default per-endpoint gate and concurrency 8:

- memory:  ``client.orders.open_cards(specs)`` (state in memory only);
- journal: ``IssueJob(client, journal=<SQLite file>).run(specs)`` (WAL, synchronous=FULL:
           ``sending`` is on disk before each request, the answer right after it).

The order of the two alternates between rounds. Prints each run's wall / (N x L) and the
median of journal / memory; the target is <= 1.05 (journal writes overlap the calls).

    python bench/journal.py [--cards 200] [--latency 0.02] [--rounds 3] [--check]

``--check`` exits 1 when the median ratio is above ``--max-ratio`` (1.05).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bulk import BIN_ID, CREDENTIALS, Result, Target, _result, _timed, served

from lemft_async import AsyncLemft
from lemft_async.jobs import IssueJob, SQLiteJournal

TARGET_RATIO = 1.05

Runner = Callable[[AsyncLemft, list[dict[str, Any]]], Awaitable[int]]


async def memory(client: AsyncLemft, specs: list[dict[str, Any]]) -> int:
    outcomes = await client.orders.open_cards(specs)
    return sum(outcome.ok for outcome in outcomes)


async def journal(client: AsyncLemft, specs: list[dict[str, Any]]) -> int:
    with tempfile.TemporaryDirectory(prefix="lemft-bench-") as folder:
        job = IssueJob(client, journal=SQLiteJournal(Path(folder) / "job.db"))
        report = await job.run(specs)
        return report.issued


async def one(name: str, run: Runner, target: Target, cards: int, latency: float) -> Result:
    async with AsyncLemft(
        customer_id=CREDENTIALS.customer_id,
        app_id=CREDENTIALS.app_id,
        key=CREDENTIALS.key,
        api_key=CREDENTIALS.api_key,
        base_url=target.base_url,
    ) as client:
        await client.wallets.list()  # warm the connection pool (another path)
        specs = [{"bin_id": BIN_ID, "amount": Decimal("10.00")} for _ in range(cards)]
        wall, issued = await _timed(lambda: run(client, specs))
    return _result(name, "served", cards, latency, wall, issued, await target.stats())


async def measure(cards: int, latency: float, rounds: int) -> list[Result]:
    results = []
    runners: list[tuple[str, Runner]] = [("memory", memory), ("journal", journal)]
    for index in range(rounds):
        for name, run in runners if index % 2 == 0 else runners[::-1]:
            async with served(latency) as target:
                results.append(await one(name, run, target, cards, latency))
    return results


def median_ratio(results: list[Result]) -> float:
    """Median over rounds of journal wall / memory wall (paired by round)."""
    ours = [r.wall for r in results if r.client == "journal"]
    base = [r.wall for r in results if r.client == "memory"]
    return statistics.median(j / m for j, m in zip(ours, base, strict=True))


def report(results: list[Result], cards: int, latency: float) -> float:
    print(f"Journaled issuance: {cards} cards, server latency {latency * 1000:g} ms per request")
    print(f"ideal = N x L = {cards * latency:.3f} s; one openCard at a time on the server")
    print(f"{'client':<9}{'wall s':>8}{'ratio':>8}{'10004s':>8}")
    for r in results:
        ok = "" if r.issued == r.cards and r.conserved else "  (NOT all issued / conserved)"
        print(f"{r.client:<9}{r.wall:>8.3f}{r.ratio:>8.3f}{r.rejections:>8}{ok}")
    ratio = median_ratio(results)
    print(f"median journal / memory: {ratio:.3f} (target <= {TARGET_RATIO})")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=200, help="cards per run (200)")
    parser.add_argument("--latency", type=float, default=0.02, help="server seconds (0.02)")
    parser.add_argument("--rounds", type=int, default=3, help="pairs of runs (3)")
    parser.add_argument("--check", action="store_true", help="exit 1 above --max-ratio")
    parser.add_argument("--max-ratio", type=float, default=TARGET_RATIO, help="for --check")
    args = parser.parse_args(argv)
    if args.cards < 1 or args.latency <= 0 or args.rounds < 1:
        parser.error("--cards and --rounds must be >= 1 and --latency > 0")
    results = anyio.run(measure, args.cards, args.latency, args.rounds)
    ratio = report(results, args.cards, args.latency)
    if any(r.issued != r.cards or not r.conserved for r in results):
        print("FAILED: a run did not issue every card, or the books do not balance")
        return 1
    if args.check and ratio > args.max_ratio:
        print(f"CHECK FAILED: journal / memory {ratio:.3f} > {args.max_ratio:g}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
