"""Durable bulk issuance: a journal, resume without double issuance, graceful stop.

>>> from lemft_async.jobs import IssueJob
>>> report = await IssueJob(client, journal="job.db").run(specs)

- ``IssueJob``: runs the specs, journaling each row's state before and after its call;
  running it again with the same journal resumes (issued rows are skipped, rows whose
  outcome is open are reconciled by ``out_order_id`` before anything is re-sent).
- ``SQLiteJournal`` (the default, one file), ``MemoryJournal``, and the ``Journal``
  protocol for keeping the rows elsewhere.
- ``reconcile(client.orders, out_order_id)``: found / absent / unknown.
- ``read_cards_csv``: the CSV format of ``lemft cards issue``.
- Claims for ``client.orders.open_card_once``: ``ClaimStore``, ``MemoryClaimStore``
  (``lemft_async.gates.claims.RedisClaimStore`` across hosts).
"""

from .._core._claims import (
    ClaimError,
    ClaimHeldError,
    ClaimLostError,
    ClaimStore,
    ClaimUnavailableError,
    MemoryClaimStore,
)
from ._csv import CardsCsv, CsvProblem, parse_cards_csv, read_cards_csv
from ._job import IssueJob
from ._reconcile import Reconciled, reconcile
from ._report import JobProgress, JobReport
from ._rows import Journal, JournalRow, MemoryJournal, RowState
from ._specs import SpecError
from ._sqlite import JournalBusyError, JournalError, SQLiteJournal

__all__ = [
    "CardsCsv",
    "ClaimError",
    "ClaimHeldError",
    "ClaimLostError",
    "ClaimStore",
    "ClaimUnavailableError",
    "CsvProblem",
    "IssueJob",
    "JobProgress",
    "JobReport",
    "Journal",
    "JournalBusyError",
    "JournalError",
    "JournalRow",
    "MemoryClaimStore",
    "MemoryJournal",
    "Reconciled",
    "RowState",
    "SQLiteJournal",
    "SpecError",
    "parse_cards_csv",
    "read_cards_csv",
    "reconcile",
]
