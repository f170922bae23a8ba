"""``lemft cards issue`` run in-process (``--sandbox``, or ``LEMFT_*`` for the refusals)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import anyio
import pytest

from lemft_async import cli
from lemft_async.jobs import SQLiteJournal
from tests.jobs.conftest import BIN_ID


def write_csv(path: Path, rows: list[str], header: str = "bin_id,amount,key") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def good_rows(count: int) -> list[str]:
    return [f"{BIN_ID},10.00,r{i}" for i in range(count)]


async def journal_states(path: Path) -> dict[str, str]:
    async with SQLiteJournal(path, lock=False, create=False) as journal:
        return {row.key: row.state.value for row in await journal.load()}


def test_it_issues_every_row_writes_results_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = write_csv(tmp_path / "cards.csv", good_rows(6))
    out = tmp_path / "results.csv"
    code = cli.main(
        ["cards", "issue", "--sandbox", "--from", str(cards), "--journal",
         str(tmp_path / "job.db"), "--out", str(out), "--concurrency", "3"]
    )  # fmt: skip
    printed = capsys.readouterr()
    assert code == 0
    assert "every row issued" in printed.out
    assert "amount USD" in printed.out
    assert "60.00" in printed.out
    assert "N x latency" in printed.out
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["line"], r["key"], r["state"]) for r in rows] == [
        (str(i + 2), f"r{i}", "issued") for i in range(6)
    ]
    assert all(r["card_id"] for r in rows)


def test_json_summary_and_json_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cards = write_csv(tmp_path / "cards.csv", good_rows(2))
    out = tmp_path / "results.json"
    argv = ["cards", "issue", "--sandbox", "--json", "--from", str(cards), "--journal",
            str(tmp_path / "job.db"), "--out", str(out)]  # fmt: skip
    assert cli.main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] is True
    assert summary["counts"]["issued"] == 2
    assert "rows" not in summary
    assert summary["stopped_by"] is None
    written = json.loads(out.read_text(encoding="utf-8"))
    assert [row["line"] for row in written["rows"]] == [2, 3]
    assert written["totals"]["USD"]["amount"] == "20.00"


def test_bad_rows_are_listed_with_line_numbers_and_nothing_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = write_csv(
        tmp_path / "cards.csv",
        [f"{BIN_ID},10,a", ",10,b", f"{BIN_ID},1.234,c", f"{BIN_ID},10,a", f"{BIN_ID},abc,d"],
    )
    journal = tmp_path / "job.db"
    code = cli.main(
        ["cards", "issue", "--sandbox", "--from", str(cards), "--journal", str(journal)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"{cards}:3: missing bin_id" in err
    assert f"{cards}:4: amount '1.234' has more than 2 decimal places" in err
    assert f"{cards}:5: duplicate key 'a' (first on line 2)" in err
    assert f"{cards}:6: amount 'abc'" in err
    assert "4 bad row(s); nothing was sent" in err
    assert not journal.exists()


def test_an_existing_journal_needs_resume_and_a_changed_row_is_named_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = write_csv(tmp_path / "cards.csv", good_rows(3))
    journal = tmp_path / "job.db"
    base = [
        "cards",
        "issue",
        "--sandbox",
        "--json",
        "--from",
        str(cards),
        "--journal",
        str(journal),
    ]
    assert cli.main(base) == 0
    capsys.readouterr()

    assert cli.main(base) == 2
    assert "holds a job of 3 rows; pass --resume" in capsys.readouterr().err

    resumed = cli.main([*base, "--resume"])
    summary = json.loads(capsys.readouterr().out)
    assert resumed == 0
    assert summary["skipped"] == 3
    assert summary["sent"] == 0

    write_csv(cards, [f"{BIN_ID},10.00,r0", f"{BIN_ID},12.00,r1", f"{BIN_ID},10.00,r2"])
    assert cli.main([*base, "--resume"]) == 2
    err = capsys.readouterr().err
    assert "line 3 (key 'r1') differs from the spec journaled under its key" in err
    assert "nothing was sent" in err
    assert set(anyio.run(journal_states, journal).values()) == {"issued"}


def test_status_prints_the_journal_and_sends_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "job.db"
    assert cli.main(["cards", "issue", "--status", "--journal", str(journal)]) == 2
    assert "no journal" in capsys.readouterr().err
    cards = write_csv(tmp_path / "cards.csv", [*good_rows(2), f"{BIN_ID},999999.00,big"])
    argv = [
        "cards",
        "issue",
        "--sandbox",
        "--json",
        "--from",
        str(cards),
        "--journal",
        str(journal),
    ]
    assert cli.main(argv) == 1  # the big one fails (over the BIN's limit): exit 1
    capsys.readouterr()

    assert cli.main(["cards", "issue", "--status", "--journal", str(journal)]) == 1
    out = capsys.readouterr().out
    assert "3 rows" in out
    assert "issued   2" in out
    assert "failed   1" in out
    assert "big: failed [10001]" in out
    assert cli.main(["cards", "issue", "--status", "--json", "--journal", str(journal)]) == 1
    assert json.loads(capsys.readouterr().out)["counts"]["failed"] == 1


def test_argument_problems_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = str(tmp_path / "job.db")
    cards = str(write_csv(tmp_path / "cards.csv", good_rows(1)))
    for name in ("LEMFT_CUSTOMER_ID", "LEMFT_APP_ID", "LEMFT_KEY", "LEMFT_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    cases = [
        (["--journal", journal], "--from CSV is required"),
        (["--status", "--from", cards, "--journal", journal], "--status takes only"),
        (["--from", cards, "--journal", journal, "--out", "x.txt"], ".csv or .json"),
        (["--from", cards, "--journal", journal, "--resume"], "--resume: no journal"),
        (["--from", str(tmp_path / "none.csv"), "--journal", journal], "--from:"),
        (["--from", cards, "--journal", journal], "LEMFT_"),  # no --sandbox, no env
    ]
    for argv, message in cases:
        assert cli.main(["cards", "issue", *argv]) == 2, argv
        assert message in capsys.readouterr().err, argv
    with pytest.raises(SystemExit):
        cli.main(["cards", "issue", "--from", cards, "--journal", journal, "--concurrency", "0"])


def test_every_flag_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["cards", "issue", "--help"])
    text = capsys.readouterr().out
    for flag in ("--from", "--journal", "--resume", "--retry-failed", "--out", "--concurrency",
                 "--status", "--sandbox", "--settle", "--json"):  # fmt: skip
        assert flag in text
    assert text.count("(") >= 3


def test_a_header_without_rows_is_bad_input_and_creates_no_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "cards.csv", [])
    journal = tmp_path / "job.db"
    code = cli.main(
        ["cards", "issue", "--from", str(source), "--journal", str(journal), "--sandbox"]
    )
    assert code == 2
    assert "no rows after the header" in capsys.readouterr().err
    assert not journal.exists()


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = write_csv(tmp_path / "cards.csv", good_rows(3))
    journal = tmp_path / "job.db"
    assert (
        cli.main(["cards", "issue", "--from", str(source), "--journal", str(journal), "--sandbox"])
        == 0
    )
    command = [sys.executable, "-m", "lemft_async.cli", "cards", "issue", "--status"]
    process = subprocess.Popen(  # noqa: S603 (our interpreter, our arguments)
        [*command, "--journal", str(journal)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # as `| head` does once it has its lines
    errors = process.stderr.read()
    assert process.wait() == 141
    assert b"Traceback" not in errors
