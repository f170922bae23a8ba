"""What a job hands back: progress while it runs, a report that accounts for every row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ._rows import JournalRow, RowState

__all__ = ["JobProgress", "JobReport", "count_states"]


def count_states(rows: Sequence[JournalRow]) -> dict[str, int]:
    """Rows per state, every state named (a ``sending`` row counts as unknown: it may
    have been sent)."""
    counts = Counter(
        RowState.UNKNOWN.value if row.state is RowState.SENDING else row.state.value for row in rows
    )
    return {
        state.value: counts.get(state.value, 0) for state in RowState if state.value != "sending"
    }


@dataclass(frozen=True)
class JobProgress:
    """Handed to ``on_progress`` each time a row is settled for this run."""

    done: int
    total: int
    issued: int
    failed: int
    unknown: int
    elapsed: float
    last: JournalRow | None

    @property
    def rate(self) -> float:
        """Rows settled per second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate (``None`` before the first row)."""
        if self.done == 0 or self.elapsed <= 0:
            return None
        return (self.total - self.done) / self.rate


@dataclass
class JobReport:
    """Every row of the job, in input order, and how the run went.

    ``ok`` only when every row is ``issued``, the ``orphans`` too, and (with follow-ups)
    every step of every row is done. ``pending`` rows were
    not sent (the job was stopped); ``unknown`` rows (also rows left ``sending`` by an
    immediate stop) are reconciled by the next run with the same journal.

    ``orphans`` are the journal's rows that were not in this run's input (a deleted CSV
    line): never sent by this run, but reconciled when their outcome was open. One still
    ``pending``/``failed``/``unknown`` is a row of the job that is not issued.
    """

    rows: list[JournalRow]
    elapsed: float
    interrupted: bool = False
    sent: int = 0
    """Requests sent by this run."""
    reconciled: int = 0
    """Rows looked up by ``out_order_id`` in this run."""
    skipped: int = 0
    """Rows already issued by an earlier run (not touched)."""
    fastest_call: float | None = None
    """The quickest send of this run in seconds: an estimate of the server's latency."""
    duplicates: list[str] = field(default_factory=list)
    """Keys whose ``out_order_id`` reconciliation found on more than one order."""
    orphans: list[JournalRow] = field(default_factory=list)
    """Journal rows not in this run's input (position order)."""
    followup_steps: tuple[str, ...] = ()
    """The follow-up steps of this run (``run(then=...)``), by name."""

    @property
    def followups_left(self) -> list[JournalRow]:
        """Issued rows with a follow-up step that failed or did not run (the job was
        stopped); running the job again repeats just those steps."""
        return [
            row
            for row in self.rows
            if row.state is RowState.ISSUED
            and any(row.followups.get(step) != "done" for step in self.followup_steps)
        ]

    @property
    def counts(self) -> dict[str, int]:
        return count_states(self.rows)

    @property
    def issued(self) -> int:
        return self.counts["issued"]

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    @property
    def unknown(self) -> int:
        return self.counts["unknown"]

    @property
    def pending(self) -> int:
        return self.counts["pending"]

    @property
    def orphan_counts(self) -> dict[str, int]:
        return count_states(self.orphans)

    @property
    def ok(self) -> bool:
        return (
            bool(self.rows)
            and all(row.state is RowState.ISSUED for row in (*self.rows, *self.orphans))
            and not self.followups_left
        )

    def by_state(self, state: RowState | str) -> list[JournalRow]:
        wanted = RowState(state)
        return [row for row in self.rows if row.state is wanted]

    def totals(self) -> dict[str, dict[str, Decimal]]:
        """Per currency: ``amount`` and ``fee`` of the issued rows (not the orphans)."""
        totals: dict[str, dict[str, Decimal]] = {}
        for row in self.by_state(RowState.ISSUED):
            entry = totals.setdefault(
                row.currency or "?", {"amount": Decimal(0), "fee": Decimal(0)}
            )
            entry["amount"] += row.amount
            entry["fee"] += row.fee_amount or Decimal(0)
        return totals

    @property
    def floor(self) -> float | None:
        """``sent`` x ``fastest_call``: what this run's calls cost at best, one at a time."""
        if self.fastest_call is None or not self.sent:
            return None
        return self.sent * self.fastest_call

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON types (money as exact strings)."""
        return {
            "ok": self.ok,
            "interrupted": self.interrupted,
            "counts": self.counts,
            "total": len(self.rows),
            "sent": self.sent,
            "reconciled": self.reconciled,
            "skipped": self.skipped,
            "elapsed": round(self.elapsed, 3),
            "fastest_call": None if self.fastest_call is None else round(self.fastest_call, 4),
            "totals": {
                currency: {name: str(value) for name, value in entry.items()}
                for currency, entry in self.totals().items()
            },
            "duplicates": list(self.duplicates),
            "followups_left": len(self.followups_left),
            "orphans": {"total": len(self.orphans), "counts": self.orphan_counts},
            "rows": [row.as_dict() for row in self.rows],
            "orphan_rows": [row.as_dict() for row in self.orphans],
        }

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts.items())
        orphans = f", orphans={len(self.orphans)}" if self.orphans else ""
        return f"JobReport(total={len(self.rows)}, {counts}{orphans}, elapsed={self.elapsed:.3f})"
