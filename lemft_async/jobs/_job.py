"""``IssueJob``: bulk card issuance that survives a crash (ARCHITECTURE §4 "Jobs").

Per row, in this order (each state change journaled before the next step):

1. a row left ``sending`` or ``unknown`` by an earlier run is reconciled by its
   ``out_order_id`` first: found -> ``issued``; absent -> sent again with the same id;
   still unknown -> stays ``unknown`` and is reported;
2. ``sending`` is journaled (durable), then ``orders.open_card`` is called;
3. the answer is journaled: ``issued``, ``failed`` (the server did not act) or
   ``unknown``. An unknown outcome is reconciled again in the same run after ``settle``
   seconds, up to ``resolve_rounds`` times, before it is left for the next run.

With follow-ups (``run(then=[WaitForOrder(), ReadCard()])``) an issued row then goes
through each step (pipeline stages, each on its own endpoint, overlapping the sends of
the rows after it); each step's result is journaled (``done``/``failed``). A resumed run
repeats only the steps not done, and never re-opens the card. A failed step leaves the
row ``issued`` and is reported (``JobReport.followups_left``).

Journal rows whose key is not in this run's input (a line deleted from the CSV) are
*orphans*: never sent, but one left ``sending``/``unknown`` is reconciled (it may hold a
card), and the report counts them (``JobReport.orphans``; not ``ok`` unless all issued).

Journal writes happen outside the endpoint's gate: while one call holds the gate, the
rows queued behind it write their ``sending`` records, so the writes overlap the calls
instead of adding to them. Rows are sent in input order, ``concurrency`` at a time.
"""

from __future__ import annotations

import inspect
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import TYPE_CHECKING, Any

import anyio
from typing_extensions import Unpack

from .._core._logging import logger
from .._core._options import RequestOptions
from .._errors import LemftError, OutcomeUnknownError
from ..resources._followups import FollowUp, check_followups
from ..resources._handoff import hand_off
from ._follow import JobSteps
from ._reconcile import reconcile
from ._report import JobProgress, JobReport
from ._rows import Journal, JournalRow, RowState
from ._signals import on_stop_signals
from ._specs import match_journal, plan_specs
from ._sqlite import SQLiteJournal

if TYPE_CHECKING:
    from .._client import AsyncLemft

__all__ = ["MAX_SETTLE", "IssueJob", "check_settle"]

ProgressCallback = Callable[[JobProgress], Awaitable[None] | None]


MAX_SETTLE = 3600.0
"""The longest ``settle`` wait (an hour): a longer one is a mistake, not a setting."""


def check_settle(value: object) -> float:
    """Seconds to wait before reconciling an unknown outcome: finite, 0 to ``MAX_SETTLE``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"settle must be a number of seconds, got {value!r}")
    if not 0 <= value <= MAX_SETTLE:  # also refuses NaN and infinity
        raise ValueError(f"settle must be 0 to {MAX_SETTLE:g} seconds, got {value!r}")
    return float(value)


def _count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


class IssueJob:
    """Issue one card per spec, journaled, resumable, never issuing a spec twice.

    >>> job = IssueJob(client, journal="job.db")
    >>> report = await job.run([{"bin_id": bin_id, "amount": "10.00"}] * 100)
    >>> report.ok, report.counts

    Each spec holds ``open_card`` arguments (``bin_id``, ``amount``, ``holder_id``,
    ``card_type``, ``mark``, optionally ``out_order_id``) and a stable ``key`` (default:
    its position in the input). Run the same specs again with the same journal to resume.
    ``journal`` is a path (an ``SQLiteJournal``) or any ``Journal``; the job opens and
    closes it.
    """

    def __init__(
        self,
        client: AsyncLemft,
        journal: Journal | str | os.PathLike[str],
        *,
        concurrency: int = 8,
        resolve_rounds: int = 2,
        settle: float = 1.0,
    ) -> None:
        self._client = client
        self.journal: Journal = (
            SQLiteJournal(journal) if isinstance(journal, str | os.PathLike) else journal
        )
        if not isinstance(self.journal, Journal):
            raise TypeError("journal must be a path or a Journal (open/close/load/add/save)")
        self.concurrency = _count("concurrency", concurrency, 1)
        self.resolve_rounds = _count("resolve_rounds", resolve_rounds, 0)
        self.settle = check_settle(settle)
        self.stop_signal: int | None = None
        """The signal that stopped the last run (``handle_signals=True``), if any."""
        self._stopping = False
        self._scope: anyio.CancelScope | None = None

    # -- stopping ----------------------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self._stopping

    def stop(self) -> None:
        """Send nothing new; calls in flight finish and are journaled, then ``run`` returns."""
        self._stopping = True

    def abort(self) -> None:
        """Stop at once: calls in flight are cancelled (their rows stay ``sending``)."""
        self._stopping = True
        if self._scope is not None:
            self._scope.cancel()

    def _first_signal(self, signum: int) -> None:
        self.stop_signal = signum
        logger.warning("signal %d: finishing the calls in flight (again to stop at once)", signum)
        self.stop()

    def _second_signal(self, signum: int) -> None:
        logger.warning("signal %d: stopping at once", signum)
        self.abort()

    # -- running -------------------------------------------------------------------------------

    async def run(
        self,
        specs: Iterable[Mapping[str, Any]],
        *,
        on_progress: ProgressCallback | None = None,
        retry_failed: bool = False,
        handle_signals: bool = False,
        then: Sequence[FollowUp] = (),
        **options: Unpack[RequestOptions],
    ) -> JobReport:
        """Run (or resume) the job; returns a report with one row per spec, in order.

        Every spec is checked, and matched against the journal, before anything is sent
        (``SpecError`` lists all problems). ``retry_failed`` re-sends rows that failed
        (the server did not act). ``handle_signals``: SIGINT/SIGTERM stops gracefully, a
        second one at once. ``options`` (``timeout``, ``max_retries``, ``extra_headers``)
        apply to every call. ``then``: follow-up steps per issued row, as in
        ``orders.open_cards`` (journaled; a resumed run repeats only those not done).
        """
        self._client._call_settings(options)  # checked before anything is sent
        steps = check_followups(then)
        planned = plan_specs(specs)
        self._stopping = False
        self.stop_signal = None
        await self.journal.open()
        try:
            matched = match_journal(planned, await self.journal.load())
            await self.journal.add(matched.new)
            return await self._run_rows(
                matched.rows,
                matched.orphans,
                on_progress,
                retry_failed,
                handle_signals,
                options,
                steps,
            )
        finally:
            with anyio.CancelScope(shield=True):
                await self.journal.close()

    async def _run_rows(
        self,
        rows: list[JournalRow],
        orphans: list[JournalRow],
        on_progress: ProgressCallback | None,
        retry_failed: bool,
        handle_signals: bool,
        options: Mapping[str, Any],
        steps: tuple[FollowUp, ...],
    ) -> JobReport:
        run = _Run(self, rows, on_progress, options, steps)
        signals: AbstractAsyncContextManager[Any] = (
            on_stop_signals(self._first_signal, self._second_signal)
            if handle_signals
            else nullcontext()
        )
        async with signals, anyio.create_task_group() as tg:
            self._scope = tg.cancel_scope
            for row in orphans:
                if row.state in (RowState.SENDING, RowState.UNKNOWN):
                    tg.start_soon(run.reconcile_orphan, row)
            for row in rows:
                if row.state is RowState.ISSUED and not run.followups.left(row):
                    continue
                if row.state is RowState.FAILED and not retry_failed:
                    continue
                tg.start_soon(run.process, row)
        self._scope = None
        return JobReport(
            rows=rows,
            elapsed=time.perf_counter() - run.started,
            interrupted=self._stopping,
            sent=run.sent,
            reconciled=run.reconciled,
            skipped=run.skipped,
            fastest_call=run.fastest,
            duplicates=run.duplicates,
            orphans=orphans,
            followup_steps=tuple(step.name for step in steps),
        )


def _is(row: JournalRow, state: RowState) -> bool:
    # A function, so a type checker does not keep a state narrowed across an await.
    return row.state is state


class _Run:
    """The state of one ``run()``: limiters, counters, progress."""

    def __init__(
        self,
        job: IssueJob,
        rows: list[JournalRow],
        on_progress: ProgressCallback | None,
        options: Mapping[str, Any],
        steps: tuple[FollowUp, ...] = (),
    ) -> None:
        self.job = job
        # Each answer's after-work (decoding, journal writes) runs once the next call is
        # sent (``_handoff``).
        client = job._client
        self.client = client.with_options(gate=hand_off(client.gate))
        self.orders = self.client.orders
        self.followups = JobSteps(self.client, steps, job.journal, options, job.concurrency)
        self.journal = job.journal
        self.options = dict(options)
        self.on_progress = on_progress
        self.total = len(rows)
        self.send_slots = anyio.CapacityLimiter(job.concurrency)
        self.lookup_slots = anyio.CapacityLimiter(job.concurrency)
        self.started = time.perf_counter()
        self.sent = self.reconciled = 0
        self.fastest: float | None = None
        self.duplicates: list[str] = []
        self.settled: Counter[str] = Counter()
        untouched = [
            r
            for r in rows
            if r.state is RowState.FAILED
            or (r.state is RowState.ISSUED and not self.followups.left(r))
        ]
        self.skipped = sum(r.state is RowState.ISSUED for r in untouched)
        self.done = len(untouched)
        for row in untouched:
            self.settled[row.state.value] += 1

    async def process(self, row: JournalRow) -> None:
        job = self.job
        if row.state is RowState.FAILED:
            self.done -= 1  # counted as settled at the start; re-sent now (retry_failed)
            self.settled["failed"] -= 1
        send = row.state in (RowState.PENDING, RowState.FAILED)
        if row.state in (RowState.SENDING, RowState.UNKNOWN):
            if job.stopping:
                return
            await self.reconcile(row)
            send = _is(row, RowState.PENDING)
        rounds = 0
        while send and not job.stopping:
            await self.send(row)
            if row.state is not RowState.UNKNOWN or rounds >= job.resolve_rounds:
                break
            rounds += 1
            await anyio.sleep(job.settle)
            if job.stopping:
                break
            await self.reconcile(row)
            send = _is(row, RowState.PENDING)
        if _is(row, RowState.ISSUED) and not job.stopping:
            await self.followups.run(row, stopping=lambda: job.stopping)
        if not _is(row, RowState.PENDING):
            await self.settle(row)

    async def send(self, row: JournalRow) -> None:
        async with self.send_slots:
            if self.job.stopping:
                return
            row.mark_sending()
            await self.journal.save(row)  # durable before the request goes out
            try:
                self.job._client._check_open()  # the copy does not know when it is closed
                raw = await self.orders.with_raw_response.open_card(
                    **row.call_args(), **self.options
                )
            except OutcomeUnknownError as exc:
                row.mark_unknown(exc)
            except (LemftError, ValueError, TypeError) as exc:
                row.mark_failed(exc)  # an answer refused it, or nothing was sent
            else:
                if self.fastest is None or raw.elapsed < self.fastest:
                    self.fastest = raw.elapsed
                row.mark_issued(raw.parse())
            self.sent += 1
            await self.journal.save(row)

    async def reconcile_orphan(self, row: JournalRow) -> None:
        """A row not in the input: looked up (never sent, whatever the answer)."""
        if self.job.stopping:
            return
        logger.warning("journal row %r is not in the input; reconciling it", row.key)
        await self.reconcile(row)

    async def reconcile(self, row: JournalRow) -> None:
        async with self.lookup_slots:
            found = await reconcile(self.orders, row.out_order_id, **self.options)
        self.reconciled += 1
        if found.found:
            row.mark_issued(found.order)
            if found.matches > 1:
                logger.error("out_order_id of key %r is on %d orders", row.key, found.matches)
                self.duplicates.append(row.key)
        elif found.absent:
            row.mark_pending()
        else:
            assert found.error is not None
            row.mark_unknown(found.error)
        await self.journal.save(row)

    async def settle(self, row: JournalRow) -> None:
        self.done += 1
        state = RowState.UNKNOWN if row.state is RowState.SENDING else row.state
        self.settled[state.value] += 1
        if self.on_progress is None:
            return
        progress = JobProgress(
            done=self.done,
            total=self.total,
            issued=self.settled["issued"],
            failed=self.settled["failed"],
            unknown=self.settled["unknown"],
            elapsed=time.perf_counter() - self.started,
            last=row,
        )
        try:
            maybe = self.on_progress(progress)
            if inspect.isawaitable(maybe):
                await maybe
        except Exception as exc:
            # A broken progress callback must not cancel calls in flight.
            logger.warning("on_progress raised %s; ignored", type(exc).__name__)
