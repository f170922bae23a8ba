"""Stopping an ``IssueJob``: ``stop()`` (and a stop signal) lets calls in flight finish and
be journaled; ``abort()`` stops at once. Either way a resume completes the job."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import anyio

from lemft_async import AsyncLemft
from lemft_async.jobs import IssueJob, JobProgress, MemoryJournal, RowState
from lemft_async.sandbox import Sandbox
from tests.jobs.conftest import OPEN_CARD, orders_for, specs


async def test_stop_lets_calls_in_flight_finish_and_sends_nothing_new(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    sandbox.faults.config.latency = 0.01
    journal = MemoryJournal()
    job = IssueJob(client, journal=journal, concurrency=2)

    def progress(p: JobProgress) -> None:
        if p.done == 3:
            job.stop()

    report = await job.run(specs(20), on_progress=progress)

    assert report.interrupted
    assert not report.ok
    stored = journal.snapshot()
    assert not [r for r in stored.values() if r.state is RowState.SENDING]
    issued = [r for r in report.rows if r.state is RowState.ISSUED]
    assert 3 <= len(issued) < 20
    assert report.pending == 20 - len(issued)
    assert len(sandbox.state.cards) == len(issued) == sandbox.stats.requests.get(OPEN_CARD, 0)

    rest = await IssueJob(client, journal=journal).run(specs(20))
    assert rest.ok
    assert rest.sent == 20 - len(issued)


async def test_abort_stops_at_once_and_leaves_a_consistent_journal(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    sandbox.faults.config.latency = 0.05
    journal = MemoryJournal()
    job = IssueJob(client, journal=journal, concurrency=3)

    async def abort_soon() -> None:
        await anyio.sleep(0.08)
        job.abort()

    async with anyio.create_task_group() as tg:
        tg.start_soon(abort_soon)
        report = await job.run(specs(10))

    assert report.interrupted
    assert not report.ok
    stored = journal.snapshot()
    assert any(r.state is RowState.SENDING for r in stored.values())  # cut mid-call
    await anyio.sleep(0.1)  # let the sandbox finish what it was holding

    resumed = await IssueJob(client, journal=journal).run(specs(10))
    assert resumed.ok
    assert all(orders_for(sandbox, r.out_order_id) == 1 for r in resumed.rows)
    sandbox.state.check_conservation()


async def test_a_stop_signal_in_process_stops_gracefully(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    sandbox.faults.config.latency = 0.01
    journal = MemoryJournal()
    job = IssueJob(client, journal=journal, concurrency=2)

    def progress(p: JobProgress) -> None:
        if p.done == 2:
            os.kill(os.getpid(), signal.SIGTERM)

    report = await job.run(specs(20), on_progress=progress, handle_signals=True)

    assert report.interrupted
    assert job.stop_signal == signal.SIGTERM
    assert 2 <= report.issued < 20
    assert not [r for r in journal.snapshot().values() if r.state is RowState.SENDING]


def test_signals_are_not_handled_off_the_main_thread(sandbox: Sandbox) -> None:
    results: list[Any] = []

    async def run() -> None:
        async with sandbox.client() as client:
            report = await IssueJob(client, journal=MemoryJournal()).run(
                specs(2), handle_signals=True
            )
        results.append(report)

    thread = threading.Thread(target=anyio.run, args=(run,))
    thread.start()
    thread.join(timeout=30)
    assert results
    assert results[0].ok
