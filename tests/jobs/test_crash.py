"""The issue's "done when": a served-sandbox job killed with SIGKILL at random points
(drop and 10005 faults on), resumed, ends with exactly one card per spec, books that
balance, and a report that accounts for every row."""

from __future__ import annotations

import random
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.jobs._served import served_job

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

CARDS = 40
KILLS = 6


@pytest.mark.parametrize("seed", [7])
def test_sigkill_at_random_points_then_resume_issues_exactly_one_card_per_spec(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    knobs: dict[str, Any] = {
        "latency": 0.01,
        "seed": seed,
        "drop_rate": 0.12,  # carried out, then the answer is lost
        "error_rate": 0.12,  # 10005, carried out half of the time
        "fault_operations": ["orders.open_card"],
    }
    with served_job(tmp_path, CARDS, **knobs) as job:
        killed = 0
        for point in range(KILLS):
            process = job.start()
            if point == 0:
                time.sleep(rng.uniform(0.0, 1.0))  # maybe before the first request
            else:
                # Somewhere inside issuance: after a few more orders, plus a random moment,
                # so kills land between journaling and sending and between answer and journal.
                job.wait_for_orders(process, job.orders() + rng.randint(1, 4))
                time.sleep(rng.uniform(0.0, 0.015))
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
            killed += process.returncode == -signal.SIGKILL
        assert killed >= 5, "the job finished before it could be killed"
        assert job.orders() < CARDS  # there was work left to resume

        summary = job.finish()

        job.assert_exactly_one_card_per_spec(summary)
        faults = job.sandbox.stats.faults
        assert faults["drop"] + faults["error"] > 0  # the faults did strike
