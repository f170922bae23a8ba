"""A sandbox served on loopback in this process, and ``lemft cards issue`` run against it
in a child process, so the job can be killed (or signalled) while the sandbox, and its
books, live on for the test to inspect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from lemft_async.jobs import SQLiteJournal
from lemft_async.sandbox import Sandbox
from lemft_async.sandbox.serve import running_server
from tests.jobs.conftest import BIN_ID


@dataclass
class Served:
    sandbox: Sandbox
    env: dict[str, str]
    folder: Path
    cards: int

    @property
    def csv(self) -> Path:
        return self.folder / "cards.csv"

    @property
    def journal(self) -> Path:
        return self.folder / "job.db"

    def start(self, *extra: str) -> subprocess.Popen[str]:
        """``lemft cards issue`` on the CSV (``--resume`` once a journal exists)."""
        argv = [
            sys.executable, "-m", "lemft_async.cli", "cards", "issue",
            "--from", str(self.csv), "--journal", str(self.journal),
            "--json", "--concurrency", "4", "--settle", "0.05", *extra,
        ]  # fmt: skip
        if self.journal.exists():
            argv.append("--resume")
        return subprocess.Popen(  # noqa: S603 - our interpreter, fixed argv
            argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def orders(self) -> int:
        return len(self.sandbox.state.orders)

    def wait_for_orders(
        self, process: subprocess.Popen[str], count: int, timeout: float = 30
    ) -> bool:
        """Wait until the sandbox holds ``count`` orders; False if the job ended first."""
        deadline = time.monotonic() + timeout
        while self.orders() < count:
            if process.poll() is not None:
                return False
            if time.monotonic() > deadline:
                raise AssertionError(f"no progress to {count} orders within {timeout} s")
            time.sleep(0.002)
        return True

    def finish(self, attempts: int = 5) -> dict[str, Any]:
        """Resume until the job exits 0; its JSON summary."""
        for _ in range(attempts):
            process = self.start()
            out, err = process.communicate(timeout=120)
            if process.returncode == 0:
                summary: dict[str, Any] = json.loads(out)
                return summary
            assert process.returncode == 1, err  # rows left unknown by faults: go again
        raise AssertionError(f"the job did not finish in {attempts} resumes")

    def journal_rows(self) -> list[Any]:
        async def load() -> list[Any]:
            async with SQLiteJournal(self.journal, lock=False, create=False) as journal:
                return await journal.load()

        return anyio.run(load)

    def assert_exactly_one_card_per_spec(self, summary: dict[str, Any]) -> None:
        rows = self.journal_rows()
        assert len(rows) == self.cards
        assert summary["total"] == self.cards
        assert sum(summary["counts"].values()) == self.cards
        assert summary["counts"]["issued"] == self.cards
        assert summary["ok"] is True
        state = self.sandbox.state
        per_id: dict[str, int] = {}
        for order in state.orders.values():
            per_id[order.out_order_id] = per_id.get(order.out_order_id, 0) + 1
        assert {row.out_order_id: per_id.get(row.out_order_id, 0) for row in rows} == {
            row.out_order_id: 1 for row in rows
        }
        assert len(state.orders) == len(state.cards) == self.cards
        for row in rows:
            assert state.executions(row.out_order_id) == 1
            assert row.card_id in state.cards
        state.check_conservation()


@contextmanager
def served_job(
    folder: Path, cards: int, *, configure: Callable[[Sandbox], None] | None = None, **knobs: Any
) -> Iterator[Served]:
    """A served sandbox (``knobs`` go to ``Sandbox``), a CSV of ``cards`` rows, the env."""
    sandbox = Sandbox(**knobs)
    if configure is not None:
        configure(sandbox)
    rows = [f"{BIN_ID},10.00,row-{index}" for index in range(cards)]
    (folder / "cards.csv").write_text("\n".join(["bin_id,amount,key", *rows]) + "\n")
    with running_server(sandbox) as (_, url):
        env = {**os.environ, **sandbox.credentials.as_env(url)}
        env.pop("LEMFT_ENVIRONMENT", None)
        yield Served(sandbox, env, folder, cards)
