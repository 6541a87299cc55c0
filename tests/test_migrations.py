"""Schema migrations: a v1 database opens at the latest version with its data intact; bad files are refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mockint.errors import StoreError
from mockint.store.db import Store, migrate, schema_version
from mockint.store.migrations import MIGRATIONS, latest_version


def _build_v1(path: Path) -> None:
    """A database as mockint 0.1 with only the first migration left it, with one graded session."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    MIGRATIONS[0](conn)
    conn.execute("INSERT INTO meta(key, value) VALUES('schema_version', '1')")
    conn.execute(
        "INSERT INTO sessions(id, kind, problem_id, level, status, started_at, updated_at, overall, verdict, grader) "
        "VALUES('abc123', 'mock', 'url-shortener', 'senior', 'graded', '2026-10-01T10:00:00+00:00', "
        "'2026-10-01T10:45:00+00:00', 71.5, 'Meets the senior bar', 'offline')"
    )
    conn.execute(
        "INSERT INTO answers(session_id, phase, text, updated_at) VALUES('abc123', 'design', 'A cache in front', '2026-10-01T10:30:00+00:00')"
    )
    conn.execute(
        "INSERT INTO grades(id, session_id, created_at, grader, level, status, overall, verdict, report_json) "
        "VALUES(1, 'abc123', '2026-10-01T10:46:00+00:00', 'offline', 'senior', 'graded', 71.5, 'Meets', '{}')"
    )
    conn.execute(
        "INSERT INTO criterion_scores(grade_id, session_id, phase, criterion_id, score, expected) "
        "VALUES(1, 'abc123', 'design', 'data-model', 2, 3)"
    )
    conn.commit()
    conn.close()


def test_latest_version_counts_every_migration() -> None:
    assert latest_version() == len(MIGRATIONS) >= 2


def test_v1_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _build_v1(path)
    with Store(path) as store:
        assert store.version == latest_version()
        assert schema_version(store.conn) == latest_version()
        session = store.get_session("abc123")
        assert (session.problem_id, session.overall, session.status) == (
            "url-shortener",
            71.5,
            "graded",
        )
        assert store.answers("abc123") == {"design": "A cache in front"}
        score = store.conn.execute(
            "SELECT criterion_id, score, expected FROM criterion_scores"
        ).fetchall()
        assert score == [("data-model", 2, 3)]
        tables = {
            r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {"review_items", "review_log"} <= tables
        indexes = {
            r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert "idx_sessions_kind_started" in indexes


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    Store(path).close()
    conn = sqlite3.connect(path)
    assert migrate(conn, path) == latest_version()
    assert schema_version(conn) == latest_version()
    conn.close()


def test_review_items_are_unique_per_criterion(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        row = (
            "system-design",
            "design",
            "data-model",
            "Data model",
            "{}",
            "2026-01-01",
            "2026-01-01",
        )
        sql = "INSERT INTO review_items(rubric, section, criterion_id, label, card_json, due, created_at) VALUES(?,?,?,?,?,?,?)"
        store.conn.execute(sql, row)
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute(sql, row)


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(latest_version() + 5),)
    )
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer mockint"):
        Store(path)
    assert path.read_bytes() == before


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "mockint.db"
    path.write_bytes(b"this is not a database at all" * 10)
    with pytest.raises(StoreError, match="not an SQLite database"):
        Store(path)
    assert path.read_bytes() == b"this is not a database at all" * 10
