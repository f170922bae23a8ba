"""Journal rows that are not in the input any more (a line deleted from the CSV): reconciled
when open, never sent, counted in the report, ``ok`` and the exit code. And default keys
(``#<position>``) can never collide with explicit ones."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from lemft_async import AsyncLemft, cli
from lemft_async.jobs import IssueJob, MemoryJournal, RowState, SpecError, parse_cards_csv
from lemft_async.sandbox import Sandbox
from tests.jobs.conftest import BIN_ID, OPEN_CARD, specs


async def test_an_open_row_missing_from_the_input_is_reconciled_not_sent(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    journal = MemoryJournal()
    first = await IssueJob(client, journal=journal).run(specs(3))
    assert first.ok
    stored = journal.snapshot()
    stored["k1"].state = RowState.SENDING  # a crash before the answer was journaled
    stored["k2"].state = RowState.SENDING
    stored["k2"].out_order_id = "never-sent"  # ... and this one never reached the server
    journal = MemoryJournal(stored)
    sent = sandbox.stats.requests[OPEN_CARD]

    report = await IssueJob(client, journal=journal, settle=0).run(specs(1))  # k1, k2 gone

    assert [r.key for r in report.rows] == ["k0"]
    assert [(r.key, r.state) for r in report.orphans] == [
        ("k1", RowState.ISSUED),  # found: its card exists
        ("k2", RowState.PENDING),  # absent, and not sent: it is not in the input
    ]
    assert report.reconciled == 2
    assert sandbox.stats.requests[OPEN_CARD] == sent
    assert not report.ok  # k2 is a row of the job that is not issued
    assert report.orphan_counts == {"pending": 1, "issued": 1, "failed": 0, "unknown": 0}
    data = report.as_dict()
    assert data["orphans"] == {"total": 2, "counts": report.orphan_counts}
    assert [row["key"] for row in data["orphan_rows"]] == ["k1", "k2"]
    assert "orphans=2" in repr(report)
    assert journal.snapshot()["k1"].state is RowState.ISSUED  # journaled


async def test_issued_rows_missing_from_the_input_keep_the_job_ok(
    sandbox: Sandbox, client: AsyncLemft
) -> None:
    journal = MemoryJournal()
    await IssueJob(client, journal=journal).run(specs(3))
    report = await IssueJob(client, journal=journal).run(specs(2))
    assert report.ok
    assert [r.key for r in report.orphans] == ["k2"]
    assert report.reconciled == 0  # nothing open: nothing looked up
    assert report.totals()["USD"]["amount"] == 20  # the input's rows only


@pytest.mark.parametrize("key", ["#0", "#1", "#12"])
async def test_explicit_keys_of_the_default_form_are_refused(client: AsyncLemft, key: str) -> None:
    with pytest.raises(SpecError, match="reserved"):
        await IssueJob(client, journal=MemoryJournal()).run(
            [{"bin_id": BIN_ID, "amount": "1", "key": key}, {"bin_id": BIN_ID, "amount": "1"}]
        )
    parsed = parse_cards_csv(f"bin_id,amount,key\n{BIN_ID},1,{key}\n{BIN_ID},1,\n")
    assert str(parsed.problems[0]).startswith(f"line 2: key '{key}' is reserved")


@pytest.mark.parametrize("key", ["#", "#a", "1", "x#1", "#1x"])
def test_other_keys_with_a_hash_are_fine(key: str) -> None:
    assert parse_cards_csv(f"bin_id,amount,key\n{BIN_ID},1,{key}\n").ok


def test_the_cli_counts_a_row_deleted_from_the_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The review's reproduction: two positional rows, #1 left `sending` by a crash, then
    # the user deletes the line that was done. Exit 0 "every row issued" was the bug.
    cards = tmp_path / "cards.csv"
    journal = tmp_path / "job.db"
    cards.write_text(f"bin_id,amount\n{BIN_ID},10\n{BIN_ID},10\n", encoding="utf-8")
    base = ["cards", "issue", "--sandbox", "--from", str(cards), "--journal", str(journal)]
    assert cli.main(base) == 0
    with sqlite3.connect(journal) as db:
        db.execute("UPDATE rows SET state = 'sending', order_id = NULL WHERE key = '#1'")
    cards.write_text(f"bin_id,amount\n{BIN_ID},10\n", encoding="utf-8")
    capsys.readouterr()

    out = tmp_path / "results.csv"
    code = cli.main([*base, "--resume", "--settle", "0", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 1
    assert "NOT every row issued" in printed
    assert "in journal, not in CSV" in printed
    assert "deleting a line renumbers" in printed
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["line"], r["in_csv"], r["key"]) for r in rows] == [
        ("2", "True", "#0"),
        ("", "False", "#1"),
    ]
    # A fresh sandbox per run: #1's order is absent there, so it is pending (never sent).
    assert rows[1]["state"] == "pending"

    json_code = cli.main([*base, "--resume", "--settle", "0", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert json_code == 1
    assert summary["ok"] is False
    assert summary["orphans"]["total"] == 1
    assert summary["orphans"]["counts"]["pending"] == 1
    assert "orphan_rows" not in summary
