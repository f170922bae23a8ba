"""``lemft cards issue``: bulk issuance from a CSV file, journaled and resumable.

    lemft cards issue --from cards.csv --journal job.db [--resume] [--retry-failed]
                      [--out results.csv|results.json] [--concurrency N] [--sandbox]
    lemft cards issue --status --journal job.db

Targets the LEMFT configured by ``LEMFT_*`` (``AsyncLemft.from_env()``), or with
``--sandbox`` a fresh embedded sandbox (to try it out: its state ends with the process).
Bad rows, a journal that cannot be used and an ``--out`` that cannot be written are
reported before anything is sent. Journal rows that are not in the CSV (a deleted line)
are reconciled when open, never sent, and counted. Exit codes: 0 every row issued (the
journal's rows not in the CSV too); 1 some row failed, unknown or not sent, or the results
could not be written; 2 bad arguments, bad rows, missing ``LEMFT_*``, an unusable or busy
journal, an unwritable ``--out``; 130/143 stopped by SIGINT/SIGTERM (summary printed).
``--out results.csv`` cells that a spreadsheet would run as a formula (starting with
``= + - @``, tab or CR) are written with a leading ``'``. The progress bar and tables use
rich (extra ``cli``) when installed, plain text otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anyio

from ._cli_args import positive, seconds_up_to

__all__ = ["SANDBOX_BIN_ID", "add_parser", "main"]

SANDBOX_BIN_ID = "cpi_6530de6a2f1c7"
"""The bin_id to put in a trial CSV for ``--sandbox`` (the sandbox seeds it)."""


def _settle(text: str) -> float:
    from .jobs._job import MAX_SETTLE  # the jobs package loads only when a job runs

    return seconds_up_to(MAX_SETTLE)(text)


def add_parser(commands: Any) -> None:
    """Register ``cards issue`` on the ``lemft`` subparsers."""
    cards = commands.add_parser("cards", help="cards in bulk (journaled, resumable)")
    sub = cards.add_subparsers(dest="cards_command", required=True, metavar="COMMAND")
    issue = sub.add_parser(
        "issue",
        help="issue one card per CSV row, journaled so a crash can be resumed",
        description="Issue one card per row of a CSV (columns bin_id,amount and optionally "
        "holder_id,card_type,mark,key). Every state change is journaled; run again with "
        "--resume to continue after a crash without issuing any row twice.",
    )
    issue.add_argument("--from", dest="source", metavar="CSV", help="the cards CSV file")
    issue.add_argument("--journal", required=True, metavar="DB", help="the job's SQLite journal")
    issue.add_argument(
        "--resume", action="store_true", help="continue the job already in --journal"
    )
    issue.add_argument(
        "--retry-failed",
        action="store_true",
        help="send again the rows that failed (the server did not act on them)",
    )
    issue.add_argument(
        "--out", metavar="FILE", help="write one result per row to FILE (.csv or .json)"
    )
    issue.add_argument("--concurrency", type=positive, default=8, help="calls queued at once (8)")
    issue.add_argument(
        "--settle",
        type=_settle,
        default=1.0,
        help="seconds to wait before reconciling an unknown outcome in the same run "
        "(1.0; at most 3600)",
    )
    issue.add_argument(
        "--status", action="store_true", help="print the journal's state; send nothing"
    )
    issue.add_argument(
        "--sandbox",
        action="store_true",
        help="use a fresh embedded sandbox instead of LEMFT_* (to try it out; its seeded "
        f"USD virtual BIN is {SANDBOX_BIN_ID})",
    )
    issue.add_argument("--json", action="store_true", help="print the summary as JSON")


def main(args: argparse.Namespace, *, sandbox: Callable[[], Any]) -> int:
    """Run ``lemft cards issue``; ``sandbox`` builds an embedded-sandbox client."""
    if args.status:
        if args.source or args.resume or args.retry_failed:
            return _usage("--status takes only --journal (and --json)")
        return anyio.run(_status, args)
    if not args.source:
        return _usage("--from CSV is required (or --status)")
    if args.out:
        if Path(args.out).suffix.lower() not in (".csv", ".json"):
            return _usage("--out must name a .csv or .json file")
        problem = _unwritable(Path(args.out))
        if problem:
            return _usage(f"--out {args.out}: {problem}; nothing was sent")
    return anyio.run(_issue, args, sandbox)


def _unwritable(path: Path) -> str | None:
    """Why ``path`` cannot be written (checked before anything is sent), or ``None``."""
    if path.exists():
        if not path.is_file():
            return "not a file"
        return None if os.access(path, os.W_OK) else "not writable"
    parent = path.parent
    if not parent.is_dir():
        return f"the directory {str(parent)!r} does not exist"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot create files in {str(parent)!r}"
    return None


def _usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


# -- status -----------------------------------------------------------------------------------


async def _status(args: argparse.Namespace) -> int:
    from .jobs import JournalError, SQLiteJournal
    from .jobs._report import count_states

    try:
        async with SQLiteJournal(args.journal, read_only=True) as journal:
            rows = await journal.load()
    except (FileNotFoundError, JournalError) as exc:
        return _usage(str(exc))
    counts = count_states(rows)
    if args.json:
        print(json.dumps({"total": len(rows), "counts": counts}, indent=2))
    else:
        print(f"journal {args.journal}: {len(rows)} rows")
        for state, count in counts.items():
            print(f"  {state:<8} {count}")
        for row in [r for r in rows if r.state.value != "issued"][:20]:
            print(f"  {row.key}: {row.state.value} {row.error_message or ''}".rstrip())
    return 0 if rows and counts["issued"] == len(rows) else 1


# -- issue ------------------------------------------------------------------------------------


async def _issue(args: argparse.Namespace, sandbox: Callable[[], Any]) -> int:
    from .jobs import IssueJob, JournalError, SpecError, SQLiteJournal, read_cards_csv

    try:
        cards = read_cards_csv(args.source)
    except OSError as exc:
        return _usage(f"--from: {exc.strerror or exc}: {args.source}")
    if cards.problems:
        for problem in cards.problems:
            print(f"{args.source}:{problem.line}: {problem.message}", file=sys.stderr)
        print(f"error: {len(cards.problems)} bad row(s); nothing was sent", file=sys.stderr)
        return 2
    journal_path = Path(args.journal)
    if await anyio.Path(journal_path).exists():
        try:
            async with SQLiteJournal(journal_path, read_only=True) as peek:
                held = len(await peek.load())
        except JournalError as exc:
            return _usage(str(exc))
        if held and not args.resume:
            return _usage(f"{args.journal} holds a job of {held} rows; pass --resume")
    elif args.resume:
        return _usage(f"--resume: no journal at {args.journal}")
    try:
        client = sandbox() if args.sandbox else _client_from_env()
    except (ValueError, TypeError) as exc:
        return _usage(str(exc))
    job = IssueJob(client, journal=journal_path, concurrency=args.concurrency, settle=args.settle)
    progress = _Progress(len(cards.specs), fancy=not args.json)
    try:
        async with client:
            with progress:
                report = await job.run(
                    cards.specs,
                    on_progress=progress.update,
                    retry_failed=args.retry_failed,
                    handle_signals=True,
                )
    except SpecError as exc:
        for text in exc.problems:
            print(f"{args.source}: {_with_line(text, cards.lines)}", file=sys.stderr)
        print("error: nothing was sent", file=sys.stderr)
        return 2
    except JournalError as exc:  # also JournalBusyError; raised before anything is sent
        return _usage(str(exc))
    written = True
    if args.out:
        try:
            _write_results(Path(args.out), report, cards.lines)
        except OSError as exc:  # checked up front; the disk may still fill up
            written = False
            print(f"error: --out {args.out}: {exc.strerror or exc}", file=sys.stderr)
    from ._cli_cards_summary import render_summary

    render_summary(
        report, cards.lines, as_json=args.json, sandbox=args.sandbox, stopped_by=job.stop_signal
    )
    if job.stop_signal is not None:
        return 128 + int(job.stop_signal)
    return 0 if report.ok and written else 1


def _client_from_env() -> Any:
    from . import AsyncLemft

    return AsyncLemft.from_env()


def _with_line(problem: str, lines: Sequence[int]) -> str:
    """``specs[3]: ...`` -> ``line 5: ...`` (the CSV line of the fourth card)."""

    def line(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return f"line {lines[index]}" if index < len(lines) else match.group(0)

    return re.sub(r"specs\[(\d+)\]", line, problem)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a formula-like text gets a leading ``'``
    (OWASP's advice against CSV injection; a ``mark`` is free text from the input)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _results(report: Any, lines: Sequence[int]) -> list[dict[str, Any]]:
    """One dict per row (input order, then the journal's rows not in the CSV)."""
    # report.rows are in input order; a row's journaled position may be an older one.
    rows = [
        {"line": line, "in_csv": True, **row.as_dict()}
        for row, line in zip(report.rows, lines, strict=True)
    ]
    rows += [{"line": None, "in_csv": False, **row.as_dict()} for row in report.orphans]
    return rows


def _write_results(path: Path, report: Any, lines: Sequence[int]) -> None:
    rows = _results(report, lines)
    if path.suffix.lower() == ".json":
        data = report.as_dict()
        data.pop("orphan_rows")
        data["rows"] = rows
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["line"])
        writer.writeheader()
        writer.writerows({name: _cell(value) for name, value in row.items()} for row in rows)


class _Progress:
    """A rich progress bar (rate, ETA) on a terminal; else a plain line every second."""

    def __init__(self, total: int, *, fancy: bool) -> None:
        self.total = total
        self._bar: Any = None
        self._task: Any = None
        self._last = 0.0
        self._fancy = fancy and sys.stderr.isatty() and _has_rich()

    def __enter__(self) -> _Progress:
        if self._fancy:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[line]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                refresh_per_second=4,  # the bar redraws in a thread that competes for the GIL
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("issuing", total=self.total, line="")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)

    def update(self, progress: Any) -> None:
        eta = "?" if progress.eta is None else f"{progress.eta:.0f}s"
        line = (
            f"{progress.rate:.1f}/s ETA {eta}  issued {progress.issued} "
            f"failed {progress.failed} unknown {progress.unknown}"
        )
        if self._bar is not None:
            self._bar.update(self._task, completed=progress.done, line=line)
            return
        now = time.monotonic()
        if now - self._last >= 1.0 or progress.done == progress.total:
            self._last = now
            print(f"issuing {progress.done}/{progress.total}  {line}", file=sys.stderr)


def _has_rich() -> bool:
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True
