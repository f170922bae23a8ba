"""CPU time per call, the one timer the micro benchmarks share."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

__all__ = ["cpu_per_call"]


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
