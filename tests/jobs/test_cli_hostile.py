"""``lemft cards issue`` against hostile files: journals that are not journals, an ``--out``
that cannot be written, formula-like cells, absurd ``--settle``. Each is refused with one
line and exit 2 before anything is sent, or written harmlessly."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import anyio
import pytest

from lemft_async import AsyncLemft, _cli_cards, cli
from lemft_async.jobs import (
    IssueJob,
    JournalError,
    JournalRow,
    MemoryJournal,
    SQLiteJournal,
)
from lemft_async.sandbox import Sandbox
from tests.jobs.conftest import BIN_ID


def _row() -> JournalRow:
    return JournalRow("k", 0, "oid", {"bin_id": BIN_ID, "amount": "1"})


def cards_csv(tmp_path: Path, body: str = f"{BIN_ID},10\n") -> Path:
    path = tmp_path / "cards.csv"
    path.write_text("bin_id,amount\n" + body, encoding="utf-8")
    return path


def foreign_db(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE rows (a)")
        db.execute("INSERT INTO rows VALUES (1)")
    return path


def fingerprint(path: Path) -> tuple[bytes, list[str]]:
    siblings = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))
    return path.read_bytes(), siblings


def hostile(tmp_path: Path, kind: str) -> Path:
    if kind == "not sqlite":
        path = tmp_path / "bad.db"
        path.write_text("this is not sqlite\n", encoding="utf-8")
    elif kind == "a directory":
        path = tmp_path / "dir.db"
        path.mkdir()
    elif kind == "missing directory":
        path = tmp_path / "nodir" / "j.db"
    else:
        path = foreign_db(tmp_path / "other.db")
    return path


KINDS = ["not sqlite", "a directory", "missing directory", "another program's database"]
EXPECTED = {
    "not sqlite": "file is not a database",
    "a directory": "not a file",
    "missing directory": "does not exist",
    "another program's database": "another program",
}


@pytest.mark.parametrize("kind", KINDS)
def test_an_unusable_journal_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    journal = hostile(tmp_path, kind)
    before = fingerprint(journal) if journal.is_file() else None
    argv = ["cards", "issue", "--sandbox", "--from", str(cards_csv(tmp_path)),
            "--journal", str(journal)]  # fmt: skip
    for extra in ([], ["--resume"]) if kind != "missing directory" else ([],):
        assert cli.main([*argv, *extra]) == 2
        err = capsys.readouterr().err
        assert EXPECTED[kind] in err
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
    if kind != "missing directory":
        assert cli.main(["cards", "issue", "--status", "--journal", str(journal)]) == 2
        assert EXPECTED[kind] in capsys.readouterr().err
    if before is not None:
        assert fingerprint(journal) == before  # not changed, no WAL, no lock file


async def test_the_journal_class_refuses_them_untouched(tmp_path: Path) -> None:
    for kind in KINDS:
        path = hostile(tmp_path, kind)
        with pytest.raises(JournalError, match=EXPECTED[kind]):
            await SQLiteJournal(path).open()
    other = tmp_path / "other.db"
    with sqlite3.connect(f"file:{other}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert [n for (n,) in db.execute("SELECT name FROM sqlite_master")] == ["rows"]


async def test_an_empty_file_or_empty_database_becomes_a_journal(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    sqlite3.connect(tmp_path / "blank.db").close()  # a database with no tables
    for path in (empty, tmp_path / "blank.db"):
        async with SQLiteJournal(path) as journal:
            assert await journal.load() == []
        async with SQLiteJournal(path, read_only=True) as journal:
            assert await journal.load() == []


async def test_a_read_only_journal_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "job.db"
    async with SQLiteJournal(path):
        pass
    before = path.read_bytes()
    async with SQLiteJournal(path, read_only=True) as journal:
        assert await journal.load() == []
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await journal.add([_row()])
    assert path.read_bytes() == before  # (SQLite may add its -shm file for a WAL reader)
    empty = tmp_path / "empty.db"
    empty.touch()
    async with SQLiteJournal(empty, read_only=True) as journal:
        assert await journal.load() == []
    assert empty.read_bytes() == b""
    with pytest.raises(FileNotFoundError):
        await SQLiteJournal(tmp_path / "none.db", read_only=True).open()


@pytest.mark.parametrize("where", ["no/such/dir/results.csv", "adir.json"])
def test_an_unwritable_out_is_refused_before_anything_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    (tmp_path / "adir.json").mkdir()
    journal = tmp_path / "job.db"
    argv = ["cards", "issue", "--sandbox", "--from", str(cards_csv(tmp_path)),
            "--journal", str(journal), "--out", str(tmp_path / where)]  # fmt: skip
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "nothing was sent" in err
    assert "Traceback" not in err
    assert not journal.exists()  # the job never started


def test_results_that_cannot_be_written_after_all_still_print_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_cli_cards, "_write_results", full_disk)
    argv = ["cards", "issue", "--sandbox", "--from", str(cards_csv(tmp_path)),
            "--journal", str(tmp_path / "job.db"), "--out", str(tmp_path / "r.csv")]  # fmt: skip
    assert cli.main(argv) == 1
    printed = capsys.readouterr()
    assert "No space left on device" in printed.err
    assert "every row issued" in printed.out


def test_formula_like_cells_are_written_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marks = ["=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(1)", "plain", "a=b"]
    body = "".join(f'{BIN_ID},10,"{mark}",k{i}\n' for i, mark in enumerate(marks))
    cards = tmp_path / "cards.csv"
    cards.write_text("bin_id,amount,mark,key\n" + body, encoding="utf-8")
    base = ["cards", "issue", "--sandbox", "--from", str(cards)]
    out = tmp_path / "results.csv"
    assert cli.main([*base, "--journal", str(tmp_path / "a.db"), "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        written = [row["mark"] for row in csv.DictReader(handle)]
    assert written == ["'=cmd|' /C calc'!A0", "'+1+1", "'-2", "'@SUM(1)", "plain", "a=b"]
    # The CSV reader strips blanks, so a tab or CR can only lead a cell built from an answer.
    assert _cli_cards._cell("\tx") == "'\tx"
    assert _cli_cards._cell("\rx") == "'\rx"
    assert _cli_cards._cell(-2) == -2  # numbers are not text: left alone

    capsys.readouterr()
    as_json = tmp_path / "results.json"
    assert cli.main([*base, "--journal", str(tmp_path / "b.db"), "--out", str(as_json)]) == 0
    rows = json.loads(as_json.read_text(encoding="utf-8"))["rows"]
    assert [row["mark"] for row in rows] == marks  # JSON is data, not a sheet: unchanged


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "3600.5", "1e9"])
def test_settle_must_be_a_finite_number_of_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    argv = ["cards", "issue", "--sandbox", "--from", str(cards_csv(tmp_path)),
            "--journal", str(tmp_path / "job.db"), "--settle", value]  # fmt: skip
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    assert caught.value.code == 2
    assert "0 to 3600" in capsys.readouterr().err


async def test_the_job_bounds_settle_too(client: AsyncLemft) -> None:
    for bad in (float("inf"), float("nan"), 3601, -0.1, "1", True):
        with pytest.raises(ValueError, match="settle"):
            IssueJob(client, journal=MemoryJournal(), settle=bad)  # type: ignore[arg-type]
    assert IssueJob(client, journal=MemoryJournal(), settle=3600).settle == 3600.0


def test_help_names_the_sandbox_bin_and_the_sandbox_seeds_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["cards", "issue", "--help"])
    assert _cli_cards.SANDBOX_BIN_ID in " ".join(capsys.readouterr().out.split())

    async def seeded() -> bool:
        async with Sandbox() as box:
            return _cli_cards.SANDBOX_BIN_ID in box.state.bins

    assert anyio.run(seeded)
