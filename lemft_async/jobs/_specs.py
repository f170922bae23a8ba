"""A job's specs checked up front, and matched against the rows a journal already holds.

Every problem (a bad amount, a duplicate key, a spec that differs from the one journaled
under its key) is collected and raised together as ``SpecError`` before anything is sent.
A spec without a ``key`` is keyed by its position, ``#0``, ``#1`` ...; explicit keys of
that form are refused, so the two kinds can never collide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .._resource import new_out_order_id
from ._rows import PARAM_NAMES, POSITIONAL_KEY, JournalRow

__all__ = [
    "POSITIONAL_KEY",
    "SPEC_FIELDS",
    "Matched",
    "PlannedSpec",
    "SpecError",
    "match_journal",
    "plan_specs",
]

SPEC_FIELDS = frozenset({"key", "out_order_id", *PARAM_NAMES})
"""What a spec may hold: ``open_card`` arguments plus its stable ``key``."""


class SpecError(ValueError):
    """Specs that cannot be run; ``problems`` lists each one (nothing was sent)."""

    def __init__(self, problems: Sequence[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        shown = "; ".join(self.problems[:20])
        more = f" (and {len(self.problems) - 20} more)" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} bad spec(s): {shown}{more}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


@dataclass(frozen=True)
class PlannedSpec:
    key: str
    position: int
    out_order_id: str | None
    params: dict[str, str]


def _key(spec: Mapping[str, Any], position: int) -> str:
    value = spec.get("key")
    if value is None:
        return f"#{position}"  # the position in the input (a '#' keeps it apart from ids)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"key must be a str or int, got {type(value).__name__}")
    text = str(value)
    if not text.strip() or len(text) > 200:
        raise ValueError("key must be 1 to 200 characters")
    if POSITIONAL_KEY.fullmatch(text):
        raise ValueError(
            f"key {text!r} is reserved: '#<number>' is the default key of the row at that "
            "position (leave key empty, or choose another)"
        )
    return text


def _params(spec: Mapping[str, Any]) -> tuple[str | None, dict[str, str]]:
    # The very checks open_card runs (imported here: resources import this package).
    from ..resources.orders import AsyncOrders

    arguments = {name: spec.get(name) for name in ("out_order_id", *PARAM_NAMES)}
    given = arguments["out_order_id"]
    if given is None:
        arguments["out_order_id"] = "planned"  # a placeholder: generated once, when journaled
    checked = AsyncOrders._specs["open_card"].build(arguments)
    params = {name: str(checked[name]) for name in PARAM_NAMES if checked[name] is not None}
    return (None if given is None else str(checked["out_order_id"])), params


def plan_specs(specs: Iterable[Mapping[str, Any]]) -> list[PlannedSpec]:
    """Check every spec; raise ``SpecError`` listing all problems, or return the plan."""
    planned: list[PlannedSpec] = []
    problems: list[str] = []
    keys: dict[str, int] = {}
    out_ids: dict[str, int] = {}
    for position, spec in enumerate(specs):
        where = f"specs[{position}]"
        if not isinstance(spec, Mapping):
            problems.append(f"{where} must be a mapping of open_card arguments")
            continue
        unknown = sorted(str(name) for name in spec if name not in SPEC_FIELDS)
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
            continue
        try:
            key = _key(spec, position)
            out_order_id, params = _params(spec)
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        if key in keys:
            problems.append(f"{where}: duplicate key {key!r} (first at specs[{keys[key]}])")
            continue
        keys[key] = position
        if out_order_id is not None:
            if out_order_id in out_ids:
                problems.append(
                    f"{where}: duplicate out_order_id (first at specs[{out_ids[out_order_id]}])"
                )
                continue
            out_ids[out_order_id] = position
        planned.append(PlannedSpec(key, position, out_order_id, params))
    if problems:
        raise SpecError(problems)
    return planned


def _same_params(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    if set(a) != set(b):
        return False
    return all(
        Decimal(a[name]) == Decimal(b[name]) if name == "amount" else a[name] == b[name]
        for name in a
    )


@dataclass(frozen=True)
class Matched:
    """The job's rows in input order, the new ones among them (to add to the journal), and
    the journal's rows that are not in the input (``orphans``, in position order)."""

    rows: list[JournalRow]
    new: list[JournalRow]
    orphans: list[JournalRow]


def match_journal(planned: Sequence[PlannedSpec], journaled: Sequence[JournalRow]) -> Matched:
    """Match the specs with the journal's rows by key.

    A key already journaled must carry the same spec; an ``out_order_id`` the journal
    gave another key is refused. Both raise ``SpecError`` (nothing sent). Journal rows
    whose key is not in the input are returned as ``orphans``: a row left ``sending``
    may hold a card, so the job reconciles them (it never sends them)."""
    by_key = {row.key: row for row in journaled}
    owners = {row.out_order_id: row.key for row in journaled}
    rows: list[JournalRow] = []
    new: list[JournalRow] = []
    problems: list[str] = []
    for spec in planned:
        where = f"specs[{spec.position}] (key {spec.key!r})"
        row = by_key.pop(spec.key, None)
        if row is not None:
            if not _same_params(row.params, spec.params):
                problems.append(f"{where} differs from the spec journaled under its key")
            elif spec.out_order_id is not None and spec.out_order_id != row.out_order_id:
                problems.append(f"{where}: out_order_id differs from the journaled one")
            rows.append(row)
            continue
        out_order_id = spec.out_order_id or new_out_order_id()
        if out_order_id in owners:
            problems.append(f"{where}: out_order_id is journaled for key {owners[out_order_id]!r}")
            continue
        row = JournalRow(spec.key, spec.position, out_order_id, dict(spec.params))
        row.mark_pending()
        rows.append(row)
        new.append(row)
    if problems:
        raise SpecError(problems)
    orphans = sorted(by_key.values(), key=lambda row: row.position)
    return Matched(rows, new, orphans)
