"""Four processes share one ``RedisGate`` against one sandbox served by uvicorn on 127.0.0.1.

The sandbox runs in a thread of the test process (``serve_in_thread``), so its ``stats``
and books are read directly after the run. Each worker is a separate Python process
(``tests/gates/_mp_worker.py``) with its own ``AsyncLemft``; the workers start their calls
together (a ready/go handshake), each opening 10 cards and reading at once.

With ``RedisGate`` the server sees no 10004 at all and needs no retry. The same run with
the per-process ``LocalGate`` (the default) or with ``NullGate`` collides at the server:
that is what proves the first test can fail.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from lemft_async.sandbox import Sandbox
from lemft_async.sandbox.serve import serve_in_thread

from ._mp_worker import out_order_id

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
CARDS = 10
WALLET_READS = 3  # per worker, see _mp_worker
LATENCY = 0.015
OPEN_CARD = "/v1/openApi/card/order/openCard"
START_TIMEOUT = 60.0  # imports on a loaded CI machine; a healthy start takes ~1 s


@dataclass
class Run:
    sandbox: Sandbox
    outcomes: list[dict[str, Any]]


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline() if ready else ""


def _explain(proc: subprocess.Popen[str], stderr: IO[str]) -> str:
    stderr.seek(0)
    return f"worker exited with {proc.poll()}: {stderr.read()[-3000:]}"


def run_workers(gate: str, redis_url: str = "") -> Run:
    """Serve a fresh sandbox, run ``WORKERS`` worker processes with ``gate``, collect."""
    sandbox = Sandbox(latency=LATENCY)
    procs: list[tuple[subprocess.Popen[str], IO[str]]] = []
    outcomes: list[dict[str, Any]] = []
    with serve_in_thread(sandbox) as url:
        # Only this sandbox's LEMFT_* settings (a LEMFT_ENVIRONMENT from the caller's
        # shell would clash with LEMFT_BASE_URL in AsyncLemft.from_env).
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEMFT_")}
        env.update(sandbox.credentials.as_env(url))
        command = [sys.executable, "-m", "tests.gates._mp_worker", "--gate", gate]
        try:
            for index in range(WORKERS):
                err_file: IO[str] = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed below
                args = ["--redis-url", redis_url, "--name", f"w{index}", "--cards", str(CARDS)]
                proc = subprocess.Popen(  # noqa: S603 - our interpreter, fixed argv
                    [*command, *args],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=err_file,
                    text=True,
                    cwd=ROOT,
                    env=env,
                )
                procs.append((proc, err_file))
            deadline = time.monotonic() + START_TIMEOUT
            for proc, stderr in procs:
                line = _read_line(proc, max(0.0, deadline - time.monotonic()))
                assert line.strip() == "ready", _explain(proc, stderr)
            for proc, _ in procs:
                assert proc.stdin is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
            for proc, stderr in procs:
                out, _ = proc.communicate(timeout=60)
                assert proc.returncode == 0, _explain(proc, stderr)
                outcomes.append(json.loads(out.strip().splitlines()[-1]))
        finally:
            for proc, stderr in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                stderr.close()
    return Run(sandbox, outcomes)


def assert_every_call_succeeded(run: Run) -> None:
    assert len(run.outcomes) == WORKERS
    for outcome in run.outcomes:
        assert outcome["failures"] == [], outcome["worker"]
        assert len(outcome["order_ids"]) == CARDS
        # cards + wallet reads + one orders.retrieve per card
        assert outcome["ok"] == 2 * CARDS + WALLET_READS


def assert_books_balance(run: Run) -> None:
    state = run.sandbox.state
    state.check_conservation()
    assert len(state.cards) == WORKERS * CARDS
    for index in range(WORKERS):
        for card in range(CARDS):
            assert state.executions(out_order_id(f"w{index}", card)) == 1


@pytest.mark.redis
def test_four_processes_sharing_a_redis_gate_never_overlap(redis_url: str) -> None:
    run = run_workers("redis", redis_url)
    stats = run.sandbox.stats

    assert_every_call_succeeded(run)
    assert_books_balance(run)
    assert stats.rejections[OPEN_CARD] == 0
    assert sum(stats.rejections.values()) == 0  # the read paths too
    assert stats.max_in_flight[OPEN_CARD] == 1
    assert set(stats.max_in_flight.values()) == {1}
    # Not one retry was needed: each card is exactly one request on the wire.
    assert stats.requests[OPEN_CARD] == WORKERS * CARDS


@pytest.mark.parametrize("gate", ["local", "null"])
def test_without_a_shared_gate_the_same_run_collides(gate: str) -> None:
    run = run_workers(gate)
    stats = run.sandbox.stats

    # The SDK retried every 10004 through (the server did not act on them) ...
    assert_every_call_succeeded(run)
    assert_books_balance(run)
    # ... but the server saw the processes collide.
    assert stats.rejections[OPEN_CARD] > 0
    assert stats.requests[OPEN_CARD] == WORKERS * CARDS + stats.rejections[OPEN_CARD]
