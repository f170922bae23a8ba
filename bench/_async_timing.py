"""Interleaved rounds for async clients: wall and CPU time per call, ratios as median [range].

Each round runs every contender once, in an order rotated from round to round, so a burst
of outside load (2 vCPUs, other jobs) hits all of them alike; a ratio is taken per round
(contender / its baseline in that same round) and reported as the median with the lowest
and highest round. Before each timed block garbage is collected and frozen (the set-up's
objects are not re-scanned mid-run); the collector stays on, so what a client allocates
is paid for as in real use.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["Ratio", "Samples", "interleave", "interleave_pairs", "ratio"]

Runner = Callable[[int], Awaitable[object]]
"""``await runner(n)`` makes ``n`` calls."""


@dataclass
class Samples:
    """Per-round seconds per call of one contender."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Ratio:
    """Contender / baseline over rounds (each round's own pair)."""

    median: float
    low: float
    high: float
    base: float
    """The baseline's median seconds per call."""
    ours: float
    """The contender's median seconds per call."""

    def text(self) -> str:
        return f"{self.median:.3f}x [{self.low:.3f}-{self.high:.3f}]"


async def _timed(run: Runner, n: int) -> tuple[float, float]:
    gc.collect()
    gc.freeze()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        await run(n)
    finally:
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        gc.unfreeze()
    return wall / n, cpu / n


async def interleave(runners: Mapping[str, Runner], n: int, rounds: int) -> dict[str, Samples]:
    """``rounds`` rounds of ``n`` calls of every runner, the order rotated each round."""
    names = list(runners)
    samples = {name: Samples() for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            wall, cpu = await _timed(runners[name], n)
            samples[name].wall.append(wall)
            samples[name].cpu.append(cpu)
    return samples


async def interleave_pairs(
    pairs: Mapping[str, tuple[Runner, Runner]], n: int, rounds: int
) -> dict[str, tuple[Samples, Samples]]:
    """Like ``interleave`` for (contender, baseline) pairs: each pair runs back to back
    (which goes first alternating), so a ratio's two halves are never far apart in time;
    the pairs' order is rotated from round to round."""
    names = list(pairs)
    samples = {name: (Samples(), Samples()) for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            order = (0, 1) if index % 2 else (1, 0)
            for side in order:
                wall, cpu = await _timed(pairs[name][side], n)
                samples[name][side].wall.append(wall)
                samples[name][side].cpu.append(cpu)
    return samples


def ratio(ours: list[float], base: list[float]) -> Ratio:
    """Per-round ``ours[i] / base[i]``: median and range, with both medians."""
    per_round = [o / b for o, b in zip(ours, base, strict=True)]
    return Ratio(
        median=statistics.median(per_round),
        low=min(per_round),
        high=max(per_round),
        base=statistics.median(base),
        ours=statistics.median(ours),
    )
