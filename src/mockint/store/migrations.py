"""Forward migrations: MIGRATIONS[n] brings a database from schema version n to n + 1."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _v1_base_schema(conn: sqlite3.Connection) -> None:
    """Sessions, answers, events, grades, criterion scores, drills, LLM calls."""
    conn.executescript(
        """
        CREATE TABLE IF NOT EXISTS sessions (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            problem_id TEXT,
            title TEXT,
            level TEXT NOT NULL,
            status TEXT NOT NULL,
            grader TEXT,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            ended_at TEXT,
            elapsed_s REAL NOT NULL DEFAULT 0,
            current_phase TEXT,
            budgets_json TEXT NOT NULL DEFAULT '{}',
            options_json TEXT NOT NULL DEFAULT '{}',
            overall REAL,
            verdict TEXT
        );
        CREATE TABLE IF NOT EXISTS answers (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            phase TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (session_id, phase)
        );
        CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            elapsed_s REAL,
            phase TEXT,
            kind TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            data_json TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE IF NOT EXISTS grades (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            grader TEXT NOT NULL,
            level TEXT NOT NULL,
            status TEXT NOT NULL,
            overall REAL,
            verdict TEXT,
            prompt_hash TEXT,
            report_json TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS criterion_scores (
            id INTEGER PRIMARY KEY,
            grade_id INTEGER NOT NULL REFERENCES grades(id) ON DELETE CASCADE,
            session_id TEXT NOT NULL,
            phase TEXT NOT NULL,
            criterion_id TEXT NOT NULL,
            score INTEGER,
            expected INTEGER,
            evidence_json TEXT NOT NULL DEFAULT '[]',
            missing TEXT NOT NULL DEFAULT '',
            advice TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE IF NOT EXISTS drills (
            session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
            prompt TEXT NOT NULL,
            limit_s REAL NOT NULL,
            seconds_used REAL,
            words INTEGER,
            wpm REAL,
            hedges INTEGER
        );
        CREATE TABLE IF NOT EXISTS llm_calls (
            id INTEGER PRIMARY KEY,
            session_id TEXT,
            at TEXT NOT NULL,
            model TEXT NOT NULL,
            endpoint TEXT,
            phase TEXT,
            mode TEXT,
            status TEXT NOT NULL,
            error TEXT,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            cached_tokens INTEGER,
            estimated_prompt_tokens INTEGER,
            latency_ms REAL,
            prompt_hash TEXT
        );
        CREATE INDEX IF NOT EXISTS idx_sessions_started ON sessions(started_at);
        CREATE INDEX IF NOT EXISTS idx_sessions_status ON sessions(status);
        CREATE INDEX IF NOT EXISTS idx_events_session ON events(session_id, id);
        CREATE INDEX IF NOT EXISTS idx_grades_session ON grades(session_id, id);
        CREATE INDEX IF NOT EXISTS idx_scores_criterion ON criterion_scores(criterion_id, session_id);
        CREATE INDEX IF NOT EXISTS idx_scores_grade ON criterion_scores(grade_id);
        CREATE INDEX IF NOT EXISTS idx_llm_calls_session ON llm_calls(session_id);
        """
    )


def _v2_reviews_and_history(conn: sqlite3.Connection) -> None:
    """Spaced-repetition review items for failed criteria, their review log, and history indexes."""
    conn.executescript(
        """
        CREATE TABLE IF NOT EXISTS review_items (
            id INTEGER PRIMARY KEY,
            rubric TEXT NOT NULL,
            section TEXT NOT NULL,
            criterion_id TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            card_json TEXT NOT NULL,
            due TEXT NOT NULL,
            last_review TEXT,
            source_session TEXT,
            last_score INTEGER,
            last_expected INTEGER,
            reviews INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            UNIQUE (rubric, section, criterion_id)
        );
        CREATE TABLE IF NOT EXISTS review_log (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES review_items(id) ON DELETE CASCADE,
            grade_id INTEGER NOT NULL,
            session_id TEXT NOT NULL,
            rating INTEGER NOT NULL,
            score INTEGER,
            expected INTEGER,
            reviewed_at TEXT NOT NULL,
            UNIQUE (item_id, grade_id)
        );
        CREATE INDEX IF NOT EXISTS idx_review_items_due ON review_items(due);
        CREATE INDEX IF NOT EXISTS idx_review_log_grade ON review_log(grade_id);
        CREATE INDEX IF NOT EXISTS idx_sessions_kind_started ON sessions(kind, started_at);
        CREATE INDEX IF NOT EXISTS idx_sessions_problem_started ON sessions(problem_id, started_at);
        CREATE INDEX IF NOT EXISTS idx_grades_status_session ON grades(status, session_id, id);
        """
    )


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = [_v1_base_schema, _v2_reviews_and_history]


def latest_version() -> int:
    return len(MIGRATIONS)
