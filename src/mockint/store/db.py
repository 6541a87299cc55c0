"""The Store: one SQLite database in WAL mode, opened safely, migrated forward, never overwritten."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from mockint.content.models import PHASES
from mockint.errors import NotFoundError, StoreError
from mockint.grading.report import GradeReport, SessionRef
from mockint.interview.transcript import Exchange, PhaseTranscript, Transcript
from mockint.store.migrations import MIGRATIONS, latest_version
from mockint.store.records import EventRecord, SessionRecord

SQLITE_HEADER = b"SQLite format 3\x00"


def now_iso() -> str:
    """UTC time as ISO 8601 with microseconds, which sorts correctly as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_session_id() -> str:
    return secrets.token_hex(5)


def _check_file(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read: {exc}") from None
    if header != SQLITE_HEADER:
        raise StoreError(
            f"{path}: is not an SQLite database (corrupt or another file); it was left untouched. "
            "Move it aside or set MOCKINT_HOME to use another folder."
        )


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
    ).fetchone()
    if row is None:
        return 0
    value = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(value[0]) if value else 0


def migrate(conn: sqlite3.Connection, path: Path | str = "database") -> int:
    """Apply every migration the database has not seen; refuse a database from a newer mockint."""
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    current = schema_version(conn)
    target = latest_version()
    if current > target:
        raise StoreError(
            f"{path}: was written by a newer mockint (schema version {current}, this one knows {target}); "
            "it was left untouched. Upgrade mockint to open it."
        )
    for version in range(current, target):
        with conn:
            MIGRATIONS[version](conn)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (str(version + 1),),
            )
    return target


def insert_grade(
    conn: sqlite3.Connection, session_id: str, report: GradeReport, created_at: str
) -> int:
    """Write one grade row and its criterion rows inside the caller's transaction; return its id."""
    cur = conn.execute(
        "INSERT INTO grades(session_id, created_at, grader, level, status, overall, verdict, prompt_hash, report_json) "
        "VALUES(?,?,?,?,?,?,?,?,?)",
        (
            session_id,
            created_at,
            report.grader,
            report.level.value,
            report.status,
            report.overall,
            report.verdict,
            report.prompt_hash,
            report.model_dump_json(),
        ),
    )
    grade_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO criterion_scores(grade_id, session_id, phase, criterion_id, score, expected, evidence_json, missing, advice) "
        "VALUES(?,?,?,?,?,?,?,?,?)",
        [
            (
                grade_id,
                session_id,
                phase.phase,
                c.id,
                c.score,
                c.expected,
                json.dumps(c.evidence),
                c.missing,
                c.advice,
            )
            for phase in report.phases
            for c in phase.criteria
        ],
    )
    return grade_id


class Store:
    """All reads and writes of sessions, answers, events and grades; safe to share across threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if str(path) != ":memory:" else Path(":memory:")
        self._lock = threading.RLock()
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _check_file(self.path)
        try:
            conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
            conn.execute("PRAGMA foreign_keys=ON")
            if str(path) != ":memory:":
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{path}: cannot be opened as a database ({exc}); it was left untouched."
            ) from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        try:
            self.version = migrate(conn, path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: is damaged ({exc}); it was left untouched.") from None

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ sessions

    def create_session(
        self,
        kind: str,
        level: str,
        problem_id: str | None = None,
        title: str | None = None,
        budgets: dict[str, float] | None = None,
        options: dict[str, Any] | None = None,
        session_id: str | None = None,
        started_at: str | None = None,
        status: str = "active",
    ) -> SessionRecord:
        now = now_iso()
        row = {
            "id": session_id or new_session_id(),
            "kind": kind,
            "problem_id": problem_id,
            "title": title,
            "level": level,
            "status": status,
            "grader": None,
            "started_at": started_at or now,
            "updated_at": now,
            "elapsed_s": 0.0,
            "current_phase": None,
            "budgets_json": json.dumps(budgets or {}),
            "options_json": json.dumps(options or {}),
        }
        with self._lock, self.conn:
            self.db["sessions"].insert(row)
        return self.get_session(row["id"])

    def resolve_id(self, session: str) -> str:
        """Accept a full id or a unique prefix of one."""
        session = session.strip()
        with self._lock:
            rows = self.conn.execute(
                "SELECT id FROM sessions WHERE id = ? OR id LIKE ? ORDER BY id LIMIT 3",
                (session, session.replace("%", "").replace("_", "") + "%"),
            ).fetchall()
        ids = [r[0] for r in rows]
        if session in ids:
            return session
        if len(ids) == 1 and session:
            return ids[0]
        if not ids or not session:
            raise NotFoundError(f"no session '{session}'; run 'mockint history' to list them")
        raise NotFoundError(
            f"session id '{session}' is ambiguous ({', '.join(ids)}, ...); give more characters"
        )

    def get_session(self, session: str) -> SessionRecord:
        sid = self.resolve_id(session)
        with self._lock:
            row = next(self.db.query("SELECT * FROM sessions WHERE id = ?", [sid]))
        return SessionRecord.from_row(row)

    def update_session(self, session_id: str, **fields: Any) -> None:
        """Update session columns; `budgets` and `options` are stored as JSON."""
        if "budgets" in fields:
            fields["budgets_json"] = json.dumps(fields.pop("budgets"))
        if "options" in fields:
            fields["options_json"] = json.dumps(fields.pop("options"))
        fields["updated_at"] = now_iso()
        with self._lock, self.conn:
            self.db["sessions"].update(session_id, fields)

    def save_progress(self, session_id: str, elapsed_s: float, current_phase: str | None) -> None:
        self.update_session(session_id, elapsed_s=float(elapsed_s), current_phase=current_phase)

    def list_sessions(
        self,
        kind: str | None = None,
        status: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SessionRecord]:
        where, params = [], []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if status:
            where.append("status = ?")
            params.append(status)
        sql = "SELECT * FROM sessions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        with self._lock:
            return [SessionRecord.from_row(r) for r in self.db.query(sql, params)]

    def unfinished(self) -> list[SessionRecord]:
        return self.list_sessions(status="active")

    def pending(self) -> list[SessionRecord]:
        return self.list_sessions(status="pending")

    def delete_session(self, session_id: str) -> None:
        with self._lock, self.conn:
            self.conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # ------------------------------------------------------------ answers and events

    def save_answer(self, session_id: str, phase: str, text: str) -> None:
        """Upsert one phase's answer text; called by the debounced autosave."""
        now = now_iso()
        with self._lock, self.conn:
            self.conn.execute(
                "INSERT INTO answers(session_id, phase, text, updated_at) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(session_id, phase) DO UPDATE SET text=excluded.text, updated_at=excluded.updated_at",
                (session_id, phase, text, now),
            )
            self.conn.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (now, session_id))

    def answers(self, session_id: str) -> dict[str, str]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT phase, text FROM answers WHERE session_id = ?", (session_id,)
            ).fetchall()
        return {phase: text for phase, text in rows}

    def add_event(
        self,
        session_id: str,
        kind: str,
        phase: str | None = None,
        text: str = "",
        elapsed_s: float | None = None,
        data: dict[str, Any] | None = None,
    ) -> int:
        with self._lock, self.conn:
            cur = self.conn.execute(
                "INSERT INTO events(session_id, at, elapsed_s, phase, kind, text, data_json) VALUES(?,?,?,?,?,?,?)",
                (session_id, now_iso(), elapsed_s, phase, kind, text, json.dumps(data or {})),
            )
            return int(cur.lastrowid or 0)

    def update_event(
        self, event_id: int, text: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        sets, params = [], []
        if text is not None:
            sets.append("text = ?")
            params.append(text)
        if data is not None:
            sets.append("data_json = ?")
            params.append(json.dumps(data))
        if not sets:
            return
        with self._lock, self.conn:
            self.conn.execute(
                f"UPDATE events SET {', '.join(sets)} WHERE id = ?", (*params, event_id)
            )

    def events(self, session_id: str, kind: str | None = None) -> list[EventRecord]:
        sql = "SELECT * FROM events WHERE session_id = ?"
        params: list[Any] = [session_id]
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        with self._lock:
            return [EventRecord.from_row(r) for r in self.db.query(sql + " ORDER BY id", params)]

    def add_exchange(
        self, session_id: str, phase: str, exchange: Exchange, elapsed_s: float | None = None
    ) -> int:
        """Store a clarifying question or follow-up; the reply can be updated as it is typed."""
        return self.add_event(
            session_id,
            "exchange",
            phase,
            exchange.question,
            elapsed_s,
            exchange.model_dump(mode="json"),
        )

    def save_exchange_reply(self, event_id: int, reply: str) -> None:
        with self._lock:
            row = self.conn.execute(
                "SELECT data_json FROM events WHERE id = ?", (event_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no exchange event {event_id}")
        data = json.loads(row[0])
        data["reply"] = reply
        self.update_event(event_id, data=data)

    def transcript(self, session_id: str) -> Transcript:
        """Rebuild what the candidate wrote, with exchanges and time used per phase."""
        record = self.get_session(session_id)
        answers = self.answers(record.id)
        events = self.events(record.id)
        order = list(record.budgets)
        for phase in answers:
            if phase not in order:
                order.append(phase)
        canonical = [p.value for p in PHASES]
        order.sort(key=lambda p: canonical.index(p) if p in canonical else len(canonical))
        phases: dict[str, PhaseTranscript] = {
            p: PhaseTranscript(
                phase=p, answer=answers.get(p, ""), budget_seconds=record.budgets.get(p)
            )
            for p in order
        }
        starts: dict[str, float] = {}
        for ev in events:
            if ev.phase is None:
                continue
            pt = phases.setdefault(ev.phase, PhaseTranscript(phase=ev.phase))
            if ev.kind == "exchange":
                pt.exchanges.append(Exchange.model_validate(ev.data))
            elif ev.kind == "phase_start" and ev.elapsed_s is not None:
                starts[ev.phase] = ev.elapsed_s
            elif ev.kind == "phase_end" and ev.elapsed_s is not None and ev.phase in starts:
                pt.seconds_used = (pt.seconds_used or 0.0) + ev.elapsed_s - starts.pop(ev.phase)
            elif ev.kind == "phase_time":
                pt.seconds_used = float(ev.data.get("seconds", 0.0))
        return Transcript(phases=list(phases.values()))

    # ------------------------------------------------------------ grades

    def save_grade(self, session_id: str, report: GradeReport) -> int:
        """Store a report with its per-criterion scores and mirror the result onto the session."""
        created = now_iso()
        report = report.model_copy(
            update={"session": SessionRef(id=session_id, saved_at=datetime.fromisoformat(created))}
        )
        with self._lock, self.conn:
            grade_id = insert_grade(self.conn, session_id, report, created)
            self.conn.execute(
                "UPDATE sessions SET status=?, grader=?, overall=?, verdict=?, updated_at=? WHERE id=?",
                (report.status, report.grader, report.overall, report.verdict, created, session_id),
            )
        return grade_id

    def grades(self, session_id: str) -> list[GradeReport]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT report_json FROM grades WHERE session_id = ? ORDER BY id", (session_id,)
            ).fetchall()
        return [GradeReport.model_validate_json(r[0]) for r in rows]

    def latest_grade(self, session_id: str) -> GradeReport | None:
        with self._lock:
            row = self.conn.execute(
                "SELECT report_json FROM grades WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                (session_id,),
            ).fetchone()
        return GradeReport.model_validate_json(row[0]) if row else None

    # ------------------------------------------------------------ drills and LLM calls

    def save_drill(self, session_id: str, prompt: str, limit_s: float, **metrics: Any) -> None:
        row = {"session_id": session_id, "prompt": prompt, "limit_s": limit_s, **metrics}
        with self._lock, self.conn:
            self.db["drills"].upsert(row, pk="session_id")

    def drill(self, session_id: str) -> dict[str, Any] | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM drills WHERE session_id = ?", [session_id]))
        return rows[0] if rows else None

    def record_llm_call(self, **fields: Any) -> int:
        """Log one LLM call: model, endpoint host, tokens, latency, template hash. Never the key."""
        forbidden = {
            k for k in fields if "key" in k.lower() or k.lower() in {"authorization", "headers"}
        }
        if forbidden:
            raise ValueError(f"refusing to store secret-looking fields: {sorted(forbidden)}")
        fields.setdefault("at", now_iso())
        with self._lock, self.conn:
            return int(self.db["llm_calls"].insert(fields).last_pk or 0)

    def llm_calls(self, session_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(
                self.db.query(
                    "SELECT * FROM llm_calls WHERE session_id = ? ORDER BY id", [session_id]
                )
            )


def open_store(path: Path | str | None = None) -> Store:
    """Open the configured database (MOCKINT_HOME or the platform data dir) unless a path is given."""
    if path is None:
        from mockint.config import Paths

        path = Paths.resolve().db_file
    return Store(path)
