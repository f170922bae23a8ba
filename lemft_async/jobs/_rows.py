"""A job's rows, their states, and the journal protocol that keeps them.

One row per spec: its stable ``key``, the ``out_order_id`` generated once for it, the
``open_card`` params it sends, and where it stands:

- ``pending``: never sent, or known not to exist (may be sent with its ``out_order_id``);
- ``sending``: recorded *before* the request goes out; still ``sending`` after a crash
  means "maybe sent" and is reconciled before anything is re-sent;
- ``issued``: the order exists (from the answer or from reconciliation);
- ``failed``: the server definitely did not act (an error answer, or nothing was sent);
  re-sent only with ``retry_failed=True``;
- ``unknown``: the outcome could not be told (lost answer, 10005, timeout, or a
  reconciliation that itself failed); reconciled again on the next run.

An ``issued`` row of a job run with follow-ups (``run(then=...)``) also records each
step's result (``followups``: ``done`` or ``failed``), so a resumed run repeats only the
steps not done; it never re-opens the card.
"""

from __future__ import annotations

import copy
import enum
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from .._errors import APIError, LemftError, OutcomeUnknownError, error_for_code

__all__ = ["POSITIONAL_KEY", "Journal", "JournalRow", "MemoryJournal", "RowState"]


class RowState(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    ISSUED = "issued"
    FAILED = "failed"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


POSITIONAL_KEY = re.compile(r"#[0-9]+")
"""The form of a default key, ``#<position>``: refused as an explicit key (no collision)."""

PARAM_NAMES = ("bin_id", "amount", "holder_id", "card_type", "mark")
"""The ``open_card`` params a row carries (as text), in the order they are sent."""


@dataclass
class JournalRow:
    """One spec of a job and what became of it."""

    key: str
    position: int
    out_order_id: str
    params: dict[str, str]
    state: RowState = RowState.PENDING
    order_id: str | None = None
    card_id: str | None = None
    order_status: int | None = None
    fee: str | None = None
    currency: str | None = None
    error_type: str | None = None
    error_code: int | None = None
    error_message: str | None = None
    sends: int = 0
    """How many times the request was sent (>1 only after an absent reconciliation)."""
    updated_at: float = 0.0
    followups: dict[str, str] = field(default_factory=dict)
    """Follow-up step name -> ``done`` or ``failed`` (journaled)."""
    followup_error: str | None = None
    """``<type>: <message>`` of the follow-up that failed (journaled; masked like errors)."""
    exception: Exception | None = field(default=None, compare=False, repr=False)
    """The live error of this run (not journaled; ``error`` rebuilds one after a restart)."""
    followup_exception: Exception | None = field(default=None, compare=False, repr=False)
    """The live error of the follow-up that failed in this run (not journaled)."""
    card: Any = field(default=None, compare=False, repr=False)
    """The card ``ReadCard`` read in this run. Never journaled: it holds card data; a
    resumed run does not read it again (``cards.retrieve(row.card_id)`` does)."""

    @property
    def amount(self) -> Decimal:
        return Decimal(self.params["amount"])

    @property
    def fee_amount(self) -> Decimal | None:
        return None if self.fee is None else Decimal(self.fee)

    def call_args(self) -> dict[str, Any]:
        """The ``open_card`` keyword arguments of this row."""
        args: dict[str, Any] = {"out_order_id": self.out_order_id}
        for name in PARAM_NAMES:
            value = self.params.get(name)
            if value is None:
                continue
            if name == "amount":
                args[name] = Decimal(value)
            elif name == "card_type":
                args[name] = int(value)
            else:
                args[name] = value
        return args

    @property
    def error(self) -> Exception | None:
        """The typed error of a failed or unknown row (rebuilt from the journal when the
        failure happened in an earlier run)."""
        if self.exception is not None:
            return self.exception
        if self.error_type is None:
            return None
        message = self.error_message or ""
        if self.error_code is not None:
            return error_for_code(self.error_code, message)
        if self.state is RowState.UNKNOWN:
            return OutcomeUnknownError(
                message, operation="orders.open_card", path=None, out_order_id=self.out_order_id
            )
        return LemftError(f"{self.error_type}: {message}" if message else self.error_type)

    # -- transitions (the job journals each one) ------------------------------------------

    def _touch(self, state: RowState) -> None:
        self.state = state
        self.updated_at = time.time()

    def mark_sending(self) -> None:
        self.sends += 1
        self._clear_error()
        self._touch(RowState.SENDING)

    def mark_pending(self) -> None:
        self._clear_error()
        self._touch(RowState.PENDING)

    def mark_issued(self, order: Any) -> None:
        self.order_id = _text(getattr(order, "order_id", None))
        self.card_id = _text(getattr(order, "card_id", None))
        status = getattr(order, "status", None)
        self.order_status = None if status is None else int(status)
        fee = getattr(order, "fee", None)
        self.fee = None if fee is None else str(fee)
        self.currency = _text(getattr(order, "currency", None))
        self._clear_error()
        self._touch(RowState.ISSUED)

    def mark_order(self, order: Any) -> None:
        """A later read of the issued order (``WaitForOrder``): its status and card id."""
        status = getattr(order, "status", None)
        self.order_status = None if status is None else int(status)
        self.card_id = _text(getattr(order, "card_id", None)) or self.card_id
        self.updated_at = time.time()

    def mark_step(self, name: str, error: Exception | None = None) -> None:
        """A follow-up step finished (``error`` is ``None``) or failed."""
        self.followups[name] = "done" if error is None else "failed"
        self.followup_exception = error
        # Messages of the package's errors mask card data and never carry a credential.
        self.followup_error = None if error is None else f"{type(error).__name__}: {error}"[:500]
        self.updated_at = time.time()

    @property
    def followed_up(self) -> bool:
        """No follow-up step of this row failed or is left (of those it was run with)."""
        return all(state == "done" for state in self.followups.values())

    def mark_failed(self, error: Exception) -> None:
        self._set_error(error)
        self._touch(RowState.FAILED)

    def mark_unknown(self, error: Exception) -> None:
        self._set_error(error)
        self._touch(RowState.UNKNOWN)

    def _set_error(self, error: Exception) -> None:
        self.exception = error
        self.error_type = type(error).__name__
        self.error_code = error.code if isinstance(error, APIError) else None
        # Messages of the package's errors mask card data and never carry a credential.
        self.error_message = str(error)[:500]

    def _clear_error(self) -> None:
        self.exception = None
        self.error_type = self.error_code = self.error_message = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON types: what ``--out results.json`` writes per row."""
        return {
            "key": self.key,
            "position": self.position,
            "out_order_id": self.out_order_id,
            "state": self.state.value,
            **{name: self.params.get(name) for name in PARAM_NAMES},
            "order_id": self.order_id,
            "card_id": self.card_id,
            "order_status": self.order_status,
            "fee": self.fee,
            "currency": self.currency,
            "error_type": self.error_type,
            "error_code": self.error_code,
            "error": self.error_message,
            "sends": self.sends,
            "followups": dict(self.followups),
            "followup_error": self.followup_error,
        }


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


@runtime_checkable
class Journal(Protocol):
    """Where a job's rows are kept. Each ``save``/``add`` is durable when it returns."""

    async def open(self) -> None:
        """Get ready (and take whatever lock keeps a second job off this journal)."""
        ...

    async def close(self) -> None: ...

    async def load(self) -> list[JournalRow]:
        """Every row, in position order."""
        ...

    async def add(self, rows: Sequence[JournalRow]) -> None:
        """Insert new rows (the job's plan) in one transaction."""
        ...

    async def save(self, row: JournalRow) -> None:
        """Record one state change of an existing row."""
        ...


class MemoryJournal:
    """A journal in memory: no durability, for tests and throwaway jobs."""

    def __init__(self, rows: Mapping[str, JournalRow] | None = None) -> None:
        self._rows: dict[str, JournalRow] = {k: copy.copy(r) for k, r in (rows or {}).items()}
        self.saves = 0

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def load(self) -> list[JournalRow]:
        return sorted((_stored(r) for r in self._rows.values()), key=lambda r: r.position)

    async def add(self, rows: Sequence[JournalRow]) -> None:
        for row in rows:
            if row.key in self._rows:
                raise ValueError(f"the journal already holds key {row.key!r}")
        for row in rows:
            self._rows[row.key] = _stored(row)

    async def save(self, row: JournalRow) -> None:
        if row.key not in self._rows:
            raise KeyError(f"the journal holds no key {row.key!r}")
        self._rows[row.key] = _stored(row)
        self.saves += 1

    def snapshot(self) -> dict[str, JournalRow]:
        """The stored rows (copies), by key."""
        return {k: _stored(r) for k, r in self._rows.items()}


def _stored(row: JournalRow) -> JournalRow:
    stored = copy.copy(row)
    stored.params = dict(row.params)
    stored.followups = dict(row.followups)
    # What a durable journal keeps: no live objects, no card data.
    stored.exception = stored.followup_exception = stored.card = None
    return stored
