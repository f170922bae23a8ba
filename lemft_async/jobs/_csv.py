"""The CSV of ``lemft cards issue --from cards.csv``: one card per row.

Columns ``bin_id,amount`` and optionally ``holder_id,card_type,mark,key`` (header names
are case-insensitive, in any order). Amounts are plain decimals with at most two
decimals (``10``, ``10.5``, ``10.50``); anything else (``1e3``, ``10.123``, ``-5``,
``ten``) is a bad row. Every problem is collected with its line number, so a file can be
fixed in one go before anything is sent. Blank rows are skipped. A row without a ``key``
is keyed by its position (``#0`` is the first row), so a key of that form is refused.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ._rows import POSITIONAL_KEY

__all__ = ["COLUMNS", "REQUIRED", "CardsCsv", "CsvProblem", "parse_cards_csv", "read_cards_csv"]

REQUIRED = ("bin_id", "amount")
COLUMNS = (*REQUIRED, "holder_id", "card_type", "mark", "key")
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
_INT = re.compile(r"[0-9]{1,9}")
_MARK_MAX = 255
_KEY_MAX = 200


@dataclass(frozen=True)
class CsvProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class CardsCsv:
    """The specs read (one per good row), the line each came from, and the problems."""

    specs: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_cards_csv(path: str | os.PathLike[str]) -> CardsCsv:
    """Read a cards CSV file (UTF-8, a byte-order mark is allowed)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return parse_cards_csv(handle.read())


def _amount(text: str) -> tuple[str | None, str | None]:
    """The amount text, or the problem with it."""
    if not text:
        return None, "missing amount"
    if _AMOUNT.fullmatch(text):
        return text, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    exponent = None if value is None else value.as_tuple().exponent
    if value is not None and value.is_finite() and isinstance(exponent, int) and exponent < -2:
        return None, f"amount {text!r} has more than 2 decimal places"
    return None, f"amount {text!r} is not a plain decimal >= 0 (like 10 or 10.50)"


def _row(values: dict[str, str], line: int, keys: dict[str, int], out: CardsCsv) -> None:
    problems: list[str] = []
    spec: dict[str, Any] = {}
    bin_id = values.get("bin_id", "")
    if bin_id:
        spec["bin_id"] = bin_id
    else:
        problems.append("missing bin_id")
    amount, problem = _amount(values.get("amount", ""))
    if problem:
        problems.append(problem)
    else:
        spec["amount"] = amount
    if values.get("holder_id"):
        spec["holder_id"] = values["holder_id"]
    card_type = values.get("card_type", "")
    if card_type:
        if _INT.fullmatch(card_type):
            spec["card_type"] = int(card_type)
        else:
            problems.append(f"card_type {card_type!r} is not a whole number")
    mark = values.get("mark", "")
    if len(mark) > _MARK_MAX:
        problems.append(f"mark is longer than {_MARK_MAX} characters")
    elif mark:
        spec["mark"] = mark
    key = values.get("key", "")
    if len(key) > _KEY_MAX:
        problems.append(f"key is longer than {_KEY_MAX} characters")
    elif POSITIONAL_KEY.fullmatch(key):
        problems.append(
            f"key {key!r} is reserved: '#<number>' is the default key of a row without one "
            "(leave key empty, or choose another)"
        )
    elif key:
        if key in keys:
            problems.append(f"duplicate key {key!r} (first on line {keys[key]})")
        else:
            keys[key] = line
            spec["key"] = key
    if problems:
        out.problems.extend(CsvProblem(line, text) for text in problems)
        return
    out.specs.append(spec)
    out.lines.append(line)


def parse_cards_csv(text: str) -> CardsCsv:
    """Parse CSV text; never raises for bad content (problems are collected instead)."""
    out = CardsCsv()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        out.problems.append(CsvProblem(1, f"unreadable CSV header: {exc}"))
        return out
    if header is None:
        out.problems.append(CsvProblem(1, "the file is empty (expected a header bin_id,amount)"))
        return out
    names = [name.strip().lower() for name in header]
    unknown = sorted({n for n in names if n not in COLUMNS})
    repeated = sorted({n for n in names if names.count(n) > 1})
    missing = [n for n in REQUIRED if n not in names]
    for what, items in (("unknown", unknown), ("repeated", repeated), ("missing", missing)):
        if items:
            shown = ", ".join(repr(n) for n in items)
            known = ", ".join(COLUMNS)
            out.problems.append(CsvProblem(1, f"{what} column(s) {shown} (known: {known})"))
    if out.problems:
        return out
    keys: dict[str, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader, None)
        except csv.Error as exc:
            out.problems.append(CsvProblem(line, f"unreadable CSV: {exc}"))
            return out
        if record is None:
            if not out.specs and not out.problems:
                # A header alone: nothing to issue is a mistake, not a job that "failed".
                out.problems.append(CsvProblem(1, "no rows after the header"))
            return out
        if any(value.strip() for value in record):
            if len(record) > len(names):
                out.problems.append(
                    CsvProblem(line, f"{len(record)} fields, the header has {len(names)}")
                )
            else:
                values = {n: v.strip() for n, v in zip(names, record, strict=False)}
                _row(values, line, keys, out)
        line = reader.line_num + 1
