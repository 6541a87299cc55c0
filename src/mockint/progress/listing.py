"""The history list: pages of sessions, newest first, using only the standard library.

`mockint history --json` is the command scripts call most, so its path stays free of pydantic,
sqlite-utils and the content library (together ~350 ms of imports): plain dataclasses here, and a
plain sqlite3 connection when the database is sound and current. Anything unusual (missing,
corrupt, older or newer schema) goes through `Store`, which migrates or refuses with its messages.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

KINDS: tuple[str, ...] = ("mock", "drill", "own-system")
STATUSES: tuple[str, ...] = ("active", "submitted", "graded", "pending", "abandoned")
SQLITE_HEADER = b"SQLite format 3\x00"


class QuerySource(Protocol):
    """A `Store`, or a `HistoryReader`: anything with a connection (and a lock when shared)."""

    conn: sqlite3.Connection


def query(
    source: QuerySource, sql: str, params: list[Any] | tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """Run a read query under the source's lock, if it has one."""
    lock: AbstractContextManager[Any] = getattr(source, "_lock", None) or nullcontext()
    with lock:
        return source.conn.execute(sql, params).fetchall()


@dataclass(frozen=True)
class HistoryFilter:
    """Which sessions to list; every field is optional and they combine with AND."""

    kind: str | None = None
    problem: str | None = None
    level: str | None = None
    status: str | None = None
    since: date | None = None
    """First day included (UTC date of the start)."""
    until: date | None = None
    """Last day included (UTC date of the start)."""

    def __post_init__(self) -> None:
        from mockint.errors import UsageError

        if self.kind is not None and self.kind not in KINDS:
            raise UsageError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.status is not None and self.status not in STATUSES:
            raise UsageError(f"status must be one of {', '.join(STATUSES)}, got {self.status!r}")

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def where(self) -> tuple[str, list[Any]]:
        """SQL conditions and parameters for this filter."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("kind", self.kind),
            ("problem_id", self.problem),
            ("level", self.level),
            ("status", self.status),
        ):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.since:
            clauses.append("started_at >= ?")
            params.append(self.since.isoformat())
        if self.until:
            clauses.append("started_at < ?")
            params.append((self.until + timedelta(days=1)).isoformat())
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


@dataclass(frozen=True)
class HistoryEntry:
    """One row of history: a mock, drill or own-system practice with its latest result."""

    session: str
    kind: str
    problem: str | None
    title: str | None
    level: str
    status: str
    grader: str | None
    overall: float | None
    verdict: str | None
    started_at: str
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class HistoryPage:
    """A page of history, newest first, with what is needed to ask for the next one."""

    entries: list[HistoryEntry]
    total: int
    limit: int
    offset: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.entries) < self.total


_COLUMNS = (
    "id, kind, problem_id, title, level, status, grader, overall, verdict, started_at, elapsed_s"
)


def history_page(
    source: QuerySource, filters: HistoryFilter | None = None, limit: int = 50, offset: int = 0
) -> HistoryPage:
    """One page of sessions, newest first; indexed on (kind, started_at) so 10,000 rows stay fast."""
    from mockint.errors import UsageError

    if limit < 1:
        raise UsageError(f"limit must be at least 1, got {limit}")
    if offset < 0:
        raise UsageError(f"offset must not be negative, got {offset}")
    where, params = (filters or HistoryFilter()).where()
    rows = query(
        source,
        f"SELECT {_COLUMNS} FROM sessions{where} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    total = query(source, f"SELECT count(*) FROM sessions{where}", params)[0][0]
    entries = [HistoryEntry(*r[:10], elapsed_s=r[10] or 0.0) for r in rows]
    return HistoryPage(entries=entries, total=total, limit=limit, offset=offset)


# ---------------------------------------------------------------- the light read path


def default_db_path(env: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    """Where the database lives: the same answer as `config.Paths.resolve().db_file` (a test checks)."""
    home = env.get("MOCKINT_HOME", "").strip()
    if home:
        return Path(home).expanduser() / "mockint.db"
    import platformdirs

    return Path(platformdirs.user_data_dir("mockint")) / "mockint.db"


class HistoryReader:
    """A plain read connection to a database known to be sound and at the current schema."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._lock = threading.RLock()

    def close(self) -> None:
        self.conn.close()


def open_reader(path: Path) -> HistoryReader | None:
    """A light reader when the file is a current mockint database; None means 'open a Store instead'."""
    from mockint.store.migrations import latest_version

    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                return None
        conn = sqlite3.connect(str(path), timeout=10)
    except (OSError, sqlite3.Error):
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or int(row[0]) != latest_version():
            conn.close()
            return None
    except (sqlite3.Error, ValueError):
        conn.close()
        return None
    return HistoryReader(conn)
