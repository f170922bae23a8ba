"""Journals: ``SQLiteJournal`` (durable per state change, one job at a time) and
``MemoryJournal``; rows and their rebuilt errors."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from lemft_async import LemftError, OutcomeUnknownError, ParamError
from lemft_async.jobs import (
    Journal,
    JournalBusyError,
    JournalError,
    JournalRow,
    MemoryJournal,
    RowState,
    SQLiteJournal,
)


def row(index: int) -> JournalRow:
    return JournalRow(f"k{index}", index, f"oid-{index}", {"bin_id": "b", "amount": "10.50"})


def on_disk(path: Path) -> dict[str, str]:
    """The states as another connection (another process) sees them right now."""
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT key, state FROM rows").fetchall())


async def test_each_save_is_on_disk_when_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "job.db"
    async with SQLiteJournal(path) as journal:
        assert isinstance(journal, Journal)
        await journal.add([row(0), row(1)])
        assert on_disk(path) == {"k0": "pending", "k1": "pending"}
        first = row(0)
        first.mark_sending()
        await journal.save(first)
        assert on_disk(path)["k0"] == "sending"  # before the request would go out
        first.mark_issued(
            type(
                "O",
                (),
                {
                    "order_id": "o1",
                    "card_id": "c1",
                    "fee": Decimal("1.5"),
                    "status": 1,
                    "currency": "USD",
                },
            )()
        )
        await journal.save(first)
        loaded = await journal.load()
    assert [(r.key, r.state) for r in loaded] == [("k0", RowState.ISSUED), ("k1", RowState.PENDING)]
    assert loaded[0].order_id == "o1"
    assert loaded[0].fee_amount == Decimal("1.5")
    assert loaded[0].amount == Decimal("10.50")
    assert loaded[0].sends == 1
    assert loaded[0].call_args() == {
        "out_order_id": "oid-0",
        "bin_id": "b",
        "amount": Decimal("10.50"),
    }


async def test_it_is_in_wal_mode_with_full_sync_by_default(tmp_path: Path) -> None:
    async with SQLiteJournal(tmp_path / "job.db") as journal:
        assert journal._db is not None
        assert journal._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    with pytest.raises(ValueError, match="synchronous"):
        SQLiteJournal(tmp_path / "x.db", synchronous="OFF")  # type: ignore[arg-type]


async def test_a_second_job_on_the_same_journal_is_refused_until_the_first_closes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "job.db"
    async with SQLiteJournal(path):
        with pytest.raises(JournalBusyError, match="another job"):
            await SQLiteJournal(path).open()
        async with SQLiteJournal(path, lock=False) as reader:  # --status reads meanwhile
            assert await reader.load() == []
    async with SQLiteJournal(path):
        pass


async def test_a_killed_job_leaves_no_lock_behind(tmp_path: Path) -> None:
    path = tmp_path / "job.db"
    holder = (
        "import sys, anyio\n"
        "from lemft_async.jobs import SQLiteJournal\n"
        "async def main():\n"
        "    await SQLiteJournal(sys.argv[1]).open()\n"
        "    print('held', flush=True)\n"
        "    await anyio.sleep(60)\n"
        "anyio.run(main)\n"
    )
    child = subprocess.Popen(  # noqa: S603 - our interpreter, fixed script
        [sys.executable, "-c", holder, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(JournalBusyError):
            await SQLiteJournal(path).open()
    finally:
        child.kill()
        child.wait(timeout=10)
    async with SQLiteJournal(path) as journal:
        assert await journal.load() == []


async def test_misuse_is_reported(tmp_path: Path) -> None:
    journal = SQLiteJournal(tmp_path / "job.db")
    with pytest.raises(RuntimeError, match="not open"):
        await journal.load()
    async with journal:
        with pytest.raises(KeyError, match="k9"):
            await journal.save(row(9))
        await journal.add([row(0)])
        with pytest.raises(sqlite3.IntegrityError):
            await journal.add([row(0)])  # one transaction: nothing of it is kept
    with pytest.raises(FileNotFoundError):
        await SQLiteJournal(tmp_path / "missing.db", create=False).open()
    assert not (tmp_path / "missing.db").exists()
    with sqlite3.connect(tmp_path / "job.db") as db:
        db.execute("UPDATE meta SET value = '99' WHERE name = 'version'")
    with pytest.raises(JournalError, match="schema version"):
        await SQLiteJournal(tmp_path / "job.db").open()
    assert "job.db" in repr(journal)


async def test_the_memory_journal_keeps_copies_without_live_errors() -> None:
    journal = MemoryJournal()
    first = row(0)
    await journal.add([first])
    with pytest.raises(ValueError, match="already"):
        await journal.add([row(0)])
    with pytest.raises(KeyError):
        await journal.save(row(1))
    first.mark_failed(ParamError(10001, "insufficient balance"))
    assert journal.snapshot()["k0"].state is RowState.PENDING  # not saved yet
    await journal.save(first)
    stored = journal.snapshot()["k0"]
    assert stored.state is RowState.FAILED
    assert stored.exception is None
    assert journal.saves == 1


def test_a_rows_error_is_rebuilt_typed_from_what_was_journaled() -> None:
    failed = row(0)
    failed.mark_failed(ParamError(10001, "insufficient wallet balance"))
    failed.exception = None  # as loaded by a later run
    rebuilt = failed.error
    assert isinstance(rebuilt, ParamError)
    assert rebuilt.code == 10001
    unknown = row(1)
    unknown.mark_unknown(
        OutcomeUnknownError("lost", operation="orders.open_card", path="/p", out_order_id="o")
    )
    unknown.exception = None
    again = unknown.error
    assert isinstance(again, OutcomeUnknownError)
    assert again.out_order_id == "oid-1"
    odd = row(2)
    odd.mark_failed(ValueError("bad"))
    odd.exception = None
    assert type(odd.error) is LemftError
    assert "ValueError" in str(odd.error)
    assert row(3).error is None
    assert failed.as_dict()["error_code"] == 10001
    assert failed.as_dict()["state"] == "failed"
    assert str(RowState.ISSUED) == "issued"
