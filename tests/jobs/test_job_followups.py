"""``IssueJob.run(specs, then=...)``: follow-up steps per issued row, journaled, resumed
without re-opening a card."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import anyio
import pytest

from lemft_async import FollowUp, ReadCard, WaitForOrder
from lemft_async.jobs import IssueJob, MemoryJournal, RowState, SQLiteJournal
from lemft_async.sandbox import Sandbox
from lemft_async.types.constants import OrderStatus

from .conftest import OPEN_CARD, specs

GET_ORDER = "/v1/openApi/card/order/getOrder"
GET_CARD = "/v1/openApi/card/card/getCard"
STEPS: list[FollowUp] = [WaitForOrder(interval=0), ReadCard()]


async def test_every_row_is_issued_followed_up_and_journaled(tmp_path: Path) -> None:
    path = tmp_path / "job.db"
    async with Sandbox(latency=0.002) as sandbox, sandbox.client() as client:
        report = await IssueJob(client, journal=path).run(specs(5), then=STEPS)
        assert sum(sandbox.stats.rejections.values()) == 0
        assert all(n == 1 for n in sandbox.stats.max_in_flight.values())
        numbers = [c.card_no for c in sandbox.state.cards.values()]
    assert report.ok
    assert report.followup_steps == ("wait_for_order", "read_card")
    assert report.followups_left == []
    for row in report.rows:
        assert row.state is RowState.ISSUED
        assert row.followups == {"wait_for_order": "done", "read_card": "done"}
        assert row.order_status == OrderStatus.COMPLETED
        assert row.card is not None
        assert row.card.card_id == row.card_id
    async with SQLiteJournal(path) as journal:
        stored = await journal.load()
    assert [r.followups for r in stored] == [r.followups for r in report.rows]
    assert all(r.card is None for r in stored)
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("job.db"))
    assert not any(number.encode() in raw for number in numbers)  # no card data on disk
    assert report.as_dict()["followups_left"] == 0


async def test_a_resumed_run_does_the_follow_ups_without_reopening(tmp_path: Path) -> None:
    path = tmp_path / "job.db"
    async with Sandbox() as sandbox, sandbox.client() as client:
        first = await IssueJob(client, journal=path).run(specs(4))  # as if it stopped here
        assert first.ok
        assert sandbox.stats.requests[OPEN_CARD] == 4
        again = await IssueJob(client, journal=path).run(specs(4), then=STEPS)
        assert sandbox.stats.requests[OPEN_CARD] == 4  # nothing re-opened
        assert sandbox.stats.requests[GET_ORDER] == 4
        assert sandbox.stats.requests[GET_CARD] == 4
        third = await IssueJob(client, journal=path).run(specs(4), then=STEPS)
        assert sandbox.stats.requests[GET_CARD] == 4  # done steps are not repeated
    assert again.ok
    assert again.sent == 0
    assert again.skipped == 0  # touched: followed up
    assert third.ok
    assert third.skipped == 4


async def test_a_failed_step_keeps_the_row_issued_and_the_next_run_repeats_it() -> None:
    journal = MemoryJournal()
    async with Sandbox(order_delay=3600) as sandbox, sandbox.client() as client:
        report = await IssueJob(client, journal=journal).run(
            specs(3), then=[WaitForOrder(polls=2, interval=0), ReadCard()]
        )
        assert not report.ok
        assert len(report.followups_left) == 3
        for row in report.rows:
            assert row.state is RowState.ISSUED
            assert row.followups == {"wait_for_order": "failed"}  # ReadCard not run
            assert row.followup_error is not None
            assert row.followup_error.startswith("OrderNotCompletedError")
            assert row.followup_exception is not None
        stored = journal.snapshot()
        assert all(r.followups == {"wait_for_order": "failed"} for r in stored.values())
        assert sandbox.stats.requests[GET_ORDER] == 6

        await sandbox.advance(3601)  # the orders complete
        again = await IssueJob(client, journal=journal).run(specs(3), then=STEPS)
        assert sandbox.stats.requests[OPEN_CARD] == 3
    assert again.ok
    assert all(r.followup_error is None and r.card is not None for r in again.rows)


async def test_a_card_read_without_a_card_id_fails_only_that_step() -> None:
    async with Sandbox(order_delay=3600) as sandbox, sandbox.client() as client:
        report = await IssueJob(client, journal=MemoryJournal()).run(specs(1), then=[ReadCard()])
        assert sandbox.stats.requests[GET_CARD] == 0
    (row,) = report.rows
    assert row.state is RowState.ISSUED
    assert row.followups == {"read_card": "failed"}
    assert row.followup_error is not None
    assert "WaitForOrder() before ReadCard()" in row.followup_error


async def test_an_abort_while_polling_resumes_the_follow_ups_only(tmp_path: Path) -> None:
    path = tmp_path / "job.db"
    async with Sandbox(order_delay=3600) as sandbox, sandbox.client() as client:
        job = IssueJob(client, journal=path)

        async def abort_when_polling() -> None:
            while sandbox.stats.requests[GET_ORDER] < 4:
                await anyio.sleep(0.001)
            job.abort()

        async with anyio.create_task_group() as tg:
            tg.start_soon(abort_when_polling)
            stopped = await job.run(specs(2), then=[WaitForOrder(polls=10_000, interval=0.001)])
        assert stopped.interrupted
        assert all(r.state is RowState.ISSUED for r in stopped.rows)
        assert all("wait_for_order" not in r.followups for r in stopped.rows)

        await sandbox.advance(3601)
        resumed = await IssueJob(client, journal=path).run(specs(2), then=STEPS)
        assert sandbox.stats.requests[OPEN_CARD] == 2  # never re-opened
    assert resumed.ok
    assert all(r.card is not None for r in resumed.rows)


async def test_bad_follow_ups_are_refused_before_the_journal_is_touched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "job.db"
    async with Sandbox() as sandbox, sandbox.client() as client:
        with pytest.raises(ValueError, match="before ReadCard"):
            await IssueJob(client, journal=path).run(specs(1), then=[ReadCard(), WaitForOrder()])
        assert sum(sandbox.stats.requests.values()) == 0
    assert not path.exists()


V1_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rows (
  key TEXT PRIMARY KEY, position INTEGER NOT NULL, out_order_id TEXT NOT NULL UNIQUE,
  params TEXT NOT NULL, state TEXT NOT NULL, order_id TEXT, card_id TEXT,
  order_status INTEGER, fee TEXT, currency TEXT, error_type TEXT, error_code INTEGER,
  error_message TEXT, sends INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL
);
INSERT INTO meta VALUES ('version', '1');
INSERT INTO rows VALUES ('k0', 0, 'oid-0', '{"amount": "10.00", "bin_id": "b"}', 'issued',
  'ord_1', 'cid_1', 1, '1.00', 'USD', NULL, NULL, NULL, 1, 0);
"""


def v1_journal(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.commit()
    db.close()


async def test_a_version_1_journal_is_read_as_is_and_upgraded_on_write(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    v1_journal(path)
    async with SQLiteJournal(path, read_only=True) as journal:
        (row,) = await journal.load()
    assert row.followups == {}
    assert row.state is RowState.ISSUED
    async with SQLiteJournal(path) as journal:
        (row,) = await journal.load()
        row.mark_step("read_card", ValueError("boom"))
        await journal.save(row)
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone() == ("2",)
    finally:
        db.close()
    async with SQLiteJournal(path) as journal:
        (again,) = await journal.load()
    assert again.followups == {"read_card": "failed"}
    assert again.followup_error == "ValueError: boom"
    assert again.followed_up is False


async def test_an_unknown_journal_version_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    v1_journal(path)
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '9' WHERE name = 'version'")
    db.commit()
    db.close()
    from lemft_async.jobs import JournalError

    with pytest.raises(JournalError, match="version '9'"):
        async with SQLiteJournal(path):
            pass
