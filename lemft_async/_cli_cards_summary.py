"""The summary ``lemft cards issue`` prints: counts, money, time against the floor, and the
rows that did not end ``issued`` (a rich table when rich is installed, else plain text).
Journal rows not in the CSV (``report.orphans``) are counted apart and listed with line
``-``: a card may hang on one, so they are never left out silently."""

from __future__ import annotations

import json
import signal
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

__all__ = ["render_summary", "summary_lines"]

_SHOWN = 20


def _money(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return str(value.quantize(Decimal("0.01")))
    return str(value)


def summary_lines(report: Any, stopped_by: int | None) -> list[tuple[str, str]]:
    """(label, value) pairs of the summary table."""
    counts = report.counts
    pairs = [
        ("rows", str(len(report.rows))),
        ("issued", str(counts["issued"])),
        ("failed", str(counts["failed"])),
        ("unknown", str(counts["unknown"])),
        ("not sent", str(counts["pending"])),
        ("already issued (skipped)", str(report.skipped)),
        ("sent this run", str(report.sent)),
        ("reconciled this run", str(report.reconciled)),
    ]
    for currency, entry in sorted(report.totals().items()):
        pairs.append((f"amount {currency}", _money(entry["amount"])))
        pairs.append((f"fees {currency}", _money(entry["fee"])))
    pairs.append(("elapsed", f"{report.elapsed:.2f} s"))
    floor = report.floor
    if floor:
        pairs.append(
            (
                "N x latency (est.)",
                f"{floor:.2f} s = {report.sent} x {report.fastest_call * 1000:.0f} ms "
                f"(fastest call); elapsed / that = {report.elapsed / floor:.2f}",
            )
        )
    if report.orphans:
        open_ = sum(r.state.value != "issued" for r in report.orphans)
        pairs.append(("in journal, not in CSV", f"{len(report.orphans)} ({open_} not issued)"))
    if report.duplicates:
        pairs.append(("ISSUED TWICE (keys)", ", ".join(report.duplicates)))
    if stopped_by is not None:
        pairs.append(("stopped by", signal.Signals(stopped_by).name))
    return pairs


def _not_issued(report: Any, lines: Sequence[int]) -> list[tuple[str, Any]]:
    """(CSV line, row) of every row not issued; the orphans last, with line ``-``."""
    # report.rows are in input order (a row's journaled position may be an older one).
    rows = [
        (str(line), r)
        for r, line in zip(report.rows, lines, strict=False)
        if r.state.value != "issued"
    ]
    return rows + [("-", r) for r in report.orphans if r.state.value != "issued"]


def _open_rows(report: Any, lines: Sequence[int]) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            line,
            r.key,
            r.out_order_id,
            "unknown" if r.state.value == "sending" else r.state.value,
            r.error_message or ("not in the CSV" if line == "-" else ""),
        )
        for line, r in _not_issued(report, lines)[:_SHOWN]
    ]


def render_summary(
    report: Any,
    lines: Sequence[int],
    *,
    as_json: bool,
    sandbox: bool,
    stopped_by: int | None,
) -> None:
    if as_json:
        data = report.as_dict()
        data.pop("rows")
        data.pop("orphan_rows")
        data["stopped_by"] = None if stopped_by is None else signal.Signals(stopped_by).name
        print(json.dumps(data, indent=2))
        return
    pairs = summary_lines(report, stopped_by)
    open_rows = _open_rows(report, lines)
    more = len(_not_issued(report, lines)) - len(open_rows)
    verdict = "every row issued" if report.ok else "NOT every row issued (exit code 1)"
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        for label, value in pairs:
            print(f"{label:<26} {value}")
        for row in open_rows:
            print("  line {}  key {}  {}  {}  {}".format(*row[:2], *row[3:]).rstrip())
    else:
        table = Table(title="cards issue", show_header=False)
        table.add_column("what")
        table.add_column("value", justify="right")
        for label, value in pairs:
            table.add_row(label, value)
        console = Console()
        console.print(table)
        if open_rows:
            detail = Table(title="rows not issued")
            for name in ("line", "key", "out_order_id", "state", "error"):
                detail.add_column(name)
            for row in open_rows:
                detail.add_row(*row)
            console.print(detail)
    if more > 0:
        print(f"... and {more} more rows not issued (--out writes every row)")
    if report.orphans:
        print(
            f"{len(report.orphans)} journal row(s) are not in the CSV (line '-'): never sent "
            "by this run, reconciled when open. Rows without a key column are keyed by "
            "position: deleting a line renumbers those after it."
        )
    if sandbox:
        print("(embedded sandbox: its cards end with this process)")
    print(verdict)
