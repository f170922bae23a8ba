"""CPU time per call, the one timer the micro benchmarks share."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable

__all__ = ["cpu_per_call", "interleaved"]


def cpu_per_call(fn: Callable[[], object], n: int) -> float:
    """Seconds of this process's CPU per ``fn()`` over ``n`` calls: time spent descheduled
    by other load is not counted, and like timeit the cyclic GC is paused."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(n):
            fn()
        return (time.process_time() - start) / n
    finally:
        if gc_was_enabled:
            gc.enable()


def interleaved(
    ours: Callable[[], object], base: Callable[[], object], n: int, rounds: int
) -> tuple[float, float, float, float]:
    """Time ``ours`` and ``base`` back to back for ``rounds`` rounds of ``n`` calls,
    alternating which goes first (a burst of outside load hits both sides of one round
    alike; the median over rounds discards the rest). Returns per call: (baseline seconds,
    our seconds = baseline x median ratio, median ratio, spread of the ratios)."""
    bases: list[float] = []
    ratios: list[float] = []
    for i in range(rounds):
        if i % 2:
            o = cpu_per_call(ours, n)
            b = cpu_per_call(base, n)
        else:
            b = cpu_per_call(base, n)
            o = cpu_per_call(ours, n)
        bases.append(b)
        ratios.append(o / b)
    base_time = statistics.median(bases)
    ratio = statistics.median(ratios)
    return base_time, base_time * ratio, ratio, max(ratios) - min(ratios)
