"""``SQLiteJournal``: the default journal, one SQLite file (stdlib ``sqlite3``).

WAL mode, ``synchronous=FULL`` by default: every state change is one transaction that is
on disk when ``save`` returns, so ``sending`` is durable before the request goes out.
The blocking sqlite work runs in a worker thread, one statement at a time (a capacity
limiter of one), so the event loop keeps the pipe to the server full meanwhile.

One job at a time per journal: ``open()`` takes an exclusive lock on a small companion
file (``<path>-lock``), which the operating system releases when the process dies, so a
crashed job never leaves it stuck; a second job on the same journal gets
``JournalBusyError`` instead of sending the same rows twice.

Before anything is written, the file is looked at read-only: a missing or empty file is
initialised; a directory, a file that is not SQLite, or a database of another program
(tables that are not a journal's) is refused untouched with ``JournalError``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

import anyio

from .._errors import LemftError
from ._rows import JournalRow, RowState

__all__ = ["JournalBusyError", "JournalError", "SQLiteJournal"]

T = TypeVar("T")
SCHEMA_VERSION = "2"
"""2 added ``followups`` (``run(then=...)``); a version 1 journal is upgraded on open."""
_OLDER_VERSIONS = ("1",)
_COLUMNS = (
    "key",
    "position",
    "out_order_id",
    "params",
    "state",
    "order_id",
    "card_id",
    "order_status",
    "fee",
    "currency",
    "error_type",
    "error_code",
    "error_message",
    "sends",
    "updated_at",
    "followups",
)
_V1_COLUMNS = _COLUMNS[:-1]
_MUTABLE = _COLUMNS[4:]
_UPDATE = f"UPDATE rows SET {', '.join(f'{c} = ?' for c in _MUTABLE)} WHERE key = ?"  # noqa: S608
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
  key TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  out_order_id TEXT NOT NULL UNIQUE,
  params TEXT NOT NULL,
  state TEXT NOT NULL,
  order_id TEXT,
  card_id TEXT,
  order_status INTEGER,
  fee TEXT,
  currency TEXT,
  error_type TEXT,
  error_code INTEGER,
  error_message TEXT,
  sends INTEGER NOT NULL DEFAULT 0,
  updated_at REAL NOT NULL,
  followups TEXT
);
CREATE INDEX IF NOT EXISTS rows_by_position ON rows (position);
"""


class JournalError(LemftError):
    """This file cannot be used as a job journal (nothing was written to it)."""


class JournalBusyError(JournalError):
    """Another job holds this journal (two jobs on one journal could send a row twice)."""


class SQLiteJournal:
    """A job journal in the SQLite file ``path`` (created when missing).

    ``synchronous="NORMAL"`` trades durability against power loss (not against a killed
    process) for speed; ``lock=False`` skips the one-job lock; ``create=False`` refuses a
    missing file; ``read_only=True`` (``lemft cards issue --status``) never writes: no
    lock, no schema, ``add``/``save`` fail.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["FULL", "EXTRA", "NORMAL"] = "FULL",
        lock: bool = True,
        create: bool = True,
        read_only: bool = False,
    ) -> None:
        if synchronous not in ("FULL", "EXTRA", "NORMAL"):
            raise ValueError(f"synchronous must be FULL, EXTRA or NORMAL, got {synchronous!r}")
        self.path = Path(path)
        self._synchronous = synchronous
        self._read_only = read_only
        self._lock_wanted = lock and not read_only
        self._create = create and not read_only
        self._db: sqlite3.Connection | None = None
        self._empty = False  # opened read-only on an empty file: no tables to read
        self._lock: sqlite3.Connection | None = None
        self._limiter: anyio.CapacityLimiter | None = None

    # -- plumbing ----------------------------------------------------------------------------

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._db is None or self._limiter is None:
            raise RuntimeError("the journal is not open (use `async with journal:` or open())")
        db = self._db
        # Not abandoned on cancellation: a started write finishes, so the file stays whole.
        return await anyio.to_thread.run_sync(work, db, limiter=self._limiter)

    def _connect(self) -> None:
        fresh = _inspect(self.path, create=self._create)  # read-only: refused untouched
        self._empty = fresh
        if self._lock_wanted:
            self._lock = _take_lock(Path(f"{self.path}-lock"))
        try:
            self._db = self._open_db(fresh)
        except BaseException:
            self._release_lock()
            raise

    def _open_db(self, fresh: bool) -> sqlite3.Connection:
        try:
            if self._read_only:
                return _connect_read_only(self.path, timeout=30)
            db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
        except sqlite3.Error as exc:
            raise _unusable(self.path, exc) from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={self._synchronous}")
            db.executescript(_SCHEMA)
            _check_version(db, fresh)
        except sqlite3.Error as exc:
            db.close()
            raise _unusable(self.path, exc) from None
        except BaseException:
            db.close()
            raise
        return db

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # -- the Journal protocol ------------------------------------------------------------------

    async def open(self) -> None:
        if self._db is not None:
            return
        self._limiter = anyio.CapacityLimiter(1)
        await anyio.to_thread.run_sync(self._connect, limiter=self._limiter)

    async def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            await anyio.to_thread.run_sync(db.close, limiter=self._limiter)
        self._release_lock()

    async def load(self) -> list[JournalRow]:
        def work(db: sqlite3.Connection) -> list[JournalRow]:
            # A version 1 journal opened read-only has no followups column: read NULL.
            have = {info[1] for info in db.execute("PRAGMA table_info(rows)")}
            names = [c if c in have else f"NULL AS {c}" for c in _COLUMNS]
            query = f"SELECT {', '.join(names)} FROM rows ORDER BY position"  # noqa: S608
            return [_row(values) for values in db.execute(query)]

        if self._read_only and self._empty:
            return []
        return await self._run(work)

    async def add(self, rows: Sequence[JournalRow]) -> None:
        values = [_values(row) for row in rows]
        marks = ", ".join("?" * len(_COLUMNS))

        def work(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    f"INSERT INTO rows ({', '.join(_COLUMNS)}) VALUES ({marks})",  # noqa: S608
                    values,
                )
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

        if values:
            await self._run(work)

    async def save(self, row: JournalRow) -> None:
        values = (*_mutable(row), row.key)

        def work(db: sqlite3.Connection) -> int:
            # One statement in autocommit mode: one transaction, durable when it returns.
            return db.execute(_UPDATE, values).rowcount

        if await self._run(work) != 1:
            raise KeyError(f"the journal holds no key {row.key!r}")

    async def __aenter__(self) -> SQLiteJournal:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"SQLiteJournal({str(self.path)!r}, synchronous={self._synchronous!r})"


def _take_lock(path: Path) -> sqlite3.Connection:
    """An exclusive lock held for as long as the returned connection is open."""
    journal = path.name[: -len("-lock")]
    try:
        lock = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0)
    except sqlite3.Error as exc:
        raise JournalError(f"cannot create the lock file {str(path)!r} ({exc})") from None
    try:
        lock.execute("BEGIN EXCLUSIVE")
    except sqlite3.Error as exc:
        lock.close()
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise JournalBusyError(f"another job is running on the journal {journal!r}") from None
        raise JournalError(f"cannot lock the journal {journal!r} ({exc})") from None
    return lock


def _unusable(path: Path, exc: sqlite3.Error) -> JournalError:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return JournalError(f"{path}: the journal is locked by another program")
    return JournalError(f"{path}: cannot use the journal ({exc})")


def _connect_read_only(path: Path, *, timeout: float) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout)


_OURS = {"meta", "rows"}


def _inspect(path: Path, *, create: bool) -> bool:
    """Check ``path`` without writing to it; True when it is new (to be initialised)."""
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"no journal at {path}")
        parent = path.parent
        if not parent.is_dir():
            raise JournalError(f"{path}: the directory {str(parent)!r} does not exist")
        return True
    if not path.is_file():
        raise JournalError(f"{path}: not a file (a journal is one SQLite file)")
    if path.stat().st_size == 0:
        return True
    try:
        db = _connect_read_only(path, timeout=5)
    except sqlite3.Error as exc:
        raise _unusable(path, exc) from None
    try:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        tables = {t for t in tables if not t.startswith("sqlite_")}
        if not tables:
            return True  # an empty database
        if not tables >= _OURS:
            raise JournalError(
                f"{path}: an SQLite database of another program (tables "
                f"{', '.join(sorted(tables)[:5])}), not a job journal; it was not changed"
            )
        columns = {info[1] for info in db.execute("PRAGMA table_info(rows)")}
        if not set(_V1_COLUMNS) <= columns:
            raise JournalError(f"{path}: its 'rows' table is not a journal's; it was not changed")
        version = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        if version is None:
            if db.execute("SELECT 1 FROM rows LIMIT 1").fetchone() is None:
                return True  # created, then stopped before its version was written
            raise JournalError(f"{path}: no schema version; not a job journal")
        if version[0] != SCHEMA_VERSION and version[0] not in _OLDER_VERSIONS:
            raise JournalError(
                f"{path}: journal schema version {version[0]!r} is not {SCHEMA_VERSION!r}"
            )
    except sqlite3.DatabaseError as exc:
        raise _unusable(path, exc) from None
    finally:
        db.close()
    return False


def _check_version(db: sqlite3.Connection, fresh: bool) -> None:
    found = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
    if found is None and fresh:
        db.execute(
            "INSERT INTO meta (name, value) VALUES ('version', ?), ('created_at', ?)",
            (SCHEMA_VERSION, str(time.time())),
        )
    elif found is None:
        raise JournalError("the journal has no schema version: not a job journal")
    elif found[0] in _OLDER_VERSIONS:
        _upgrade(db)
    elif found[0] != SCHEMA_VERSION:
        raise JournalError(f"journal schema version {found[0]!r} is not {SCHEMA_VERSION!r}")


def _upgrade(db: sqlite3.Connection) -> None:
    """Version 1 -> 2 in one transaction: the ``followups`` column (NULL: none run)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        columns = {info[1] for info in db.execute("PRAGMA table_info(rows)")}
        if "followups" not in columns:
            db.execute("ALTER TABLE rows ADD COLUMN followups TEXT")
        db.execute("UPDATE meta SET value = ? WHERE name = 'version'", (SCHEMA_VERSION,))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _values(row: JournalRow) -> tuple[Any, ...]:
    return (
        row.key,
        row.position,
        row.out_order_id,
        json.dumps(row.params, sort_keys=True),
        *_mutable(row),
    )


def _mutable(row: JournalRow) -> tuple[Any, ...]:
    """The columns a state change updates (the first four never change)."""
    return (
        row.state.value,
        row.order_id,
        row.card_id,
        row.order_status,
        row.fee,
        row.currency,
        row.error_type,
        row.error_code,
        row.error_message,
        row.sends,
        row.updated_at,
        _followups_text(row),
    )


def _followups_text(row: JournalRow) -> str | None:
    if not row.followups and row.followup_error is None:
        return None
    return json.dumps({"steps": row.followups, "error": row.followup_error}, sort_keys=True)


def _row(values: Sequence[Any]) -> JournalRow:
    data = dict(zip(_COLUMNS, values, strict=True))
    data["params"] = json.loads(data["params"])
    data["state"] = RowState(data["state"])
    followups = json.loads(data.pop("followups") or "{}")
    data["followups"] = dict(followups.get("steps", {}))
    data["followup_error"] = followups.get("error")
    return JournalRow(**data)
