"""SIGINT/SIGTERM on ``lemft cards issue``: the first lets calls in flight finish and be
journaled, then exits non-zero with a summary; a second stops at once. Either way the
journal is consistent and a resume issues exactly one card per spec."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import pytest

from lemft_async.jobs import RowState
from tests.jobs._served import served_job

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

CARDS = 40


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_one_signal_finishes_the_calls_in_flight_and_exits_with_a_summary(
    tmp_path: Path, signum: signal.Signals, code: int
) -> None:
    with served_job(tmp_path, CARDS, latency=0.02) as job:
        process = job.start()
        assert job.wait_for_orders(process, 3)
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)

        assert process.returncode == code, err
        summary = json.loads(out)
        assert summary["interrupted"] is True
        assert summary["stopped_by"] == signum.name
        assert summary["total"] == CARDS
        assert sum(summary["counts"].values()) == CARDS
        rows = job.journal_rows()
        assert not [r for r in rows if r.state is RowState.SENDING]  # all journaled
        issued = [r for r in rows if r.state is RowState.ISSUED]
        assert 3 <= len(issued) < CARDS
        assert len(issued) == summary["counts"]["issued"] == job.orders()  # none lost

        job.assert_exactly_one_card_per_spec(job.finish())


def test_a_second_signal_stops_at_once_and_the_journal_stays_consistent(tmp_path: Path) -> None:
    with served_job(tmp_path, CARDS, latency=0.2) as job:
        process = job.start("--concurrency", "6")
        assert job.wait_for_orders(process, 1)
        process.send_signal(signal.SIGINT)
        time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        out, _ = process.communicate(timeout=30)

        assert process.returncode == 130
        assert time.monotonic() - started < 0.2 + 1.0  # did not wait out the queued calls
        summary = json.loads(out)
        assert summary["interrupted"] is True
        assert summary["total"] == CARDS
        assert job.orders() < CARDS

        job.sandbox.faults.config.latency = 0.005
        job.assert_exactly_one_card_per_spec(job.finish())
