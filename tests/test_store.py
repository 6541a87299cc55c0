"""The store: round trips of sessions, answers, exchanges and grades; refusing unsafe databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mockint.config import Level
from mockint.errors import NotFoundError, StoreError
from mockint.grading.report import CriterionResult, GradeReport, PhaseResult, Usage
from mockint.interview.transcript import Exchange
from mockint.store.db import Store
from mockint.store.migrations import latest_version


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "m.db")
    yield s
    s.close()


def make_report(score: int = 3) -> GradeReport:
    return GradeReport(
        grader="offline",
        level=Level.SENIOR,
        overall=61.5,
        verdict="Meets the senior bar",
        phases=[
            PhaseResult(
                phase="design",
                score=66.7,
                criteria=[
                    CriterionResult(
                        id="api-design",
                        score=score,
                        evidence=["POST /links returns the code"],
                        missing="",
                        advice="Name the status codes.",
                    ),
                    CriterionResult(id="data-model", score=None, missing="Insufficient evidence"),
                ],
            )
        ],
        usage=Usage(calls=1, prompt_tokens=1200, completion_tokens=300),
    )


def test_new_database_is_wal_and_at_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    with Store(path) as s:
        assert s.version == latest_version()
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert path.exists()


def test_session_round_trip(store: Store) -> None:
    rec = store.create_session(
        "mock",
        "senior",
        "url-shortener",
        "URL shortener",
        budgets={"requirements": 300.0},
        options={"practice": True},
    )
    got = store.get_session(rec.id)
    assert got.kind == "mock" and got.problem_id == "url-shortener" and got.status == "active"
    assert got.budgets == {"requirements": 300.0}
    assert got.options == {"practice": True}
    store.save_progress(rec.id, 125.5, "estimation")
    again = store.get_session(rec.id)
    assert again.elapsed_s == 125.5 and again.current_phase == "estimation"


def test_session_lookup_by_unique_prefix(store: Store) -> None:
    rec = store.create_session("mock", "senior", session_id="abc123def0")
    store.create_session("mock", "senior", session_id="abd0000000")
    assert store.get_session("abc1").id == rec.id
    with pytest.raises(NotFoundError, match="ambiguous"):
        store.get_session("ab")
    with pytest.raises(NotFoundError, match="no session 'zzz'"):
        store.get_session("zzz")


def test_answers_upsert_keeps_latest_text(store: Store) -> None:
    rec = store.create_session("mock", "senior")
    store.save_answer(rec.id, "requirements", "first draft")
    store.save_answer(rec.id, "requirements", "first draft, improved")
    store.save_answer(rec.id, "design", "boxes and arrows")
    assert store.answers(rec.id) == {
        "requirements": "first draft, improved",
        "design": "boxes and arrows",
    }


def test_exchanges_and_timings_rebuild_the_transcript(store: Store) -> None:
    rec = store.create_session(
        "mock", "senior", budgets={"requirements": 300.0, "estimation": 300.0}
    )
    store.add_event(rec.id, "phase_start", "requirements", elapsed_s=0)
    q = store.add_exchange(
        rec.id,
        "requirements",
        Exchange(
            kind="clarifying",
            question="How many users?",
            reply="About 100M a month.",
            asked_by="candidate",
        ),
    )
    f = store.add_exchange(
        rec.id, "requirements", Exchange(kind="followup", question="Custom aliases?")
    )
    store.save_exchange_reply(f, "Yes, optional, checked for collisions.")
    store.save_answer(rec.id, "requirements", "Shorten and redirect.")
    store.add_event(rec.id, "phase_end", "requirements", elapsed_s=280)
    transcript = store.transcript(rec.id)
    req = transcript.get("requirements")
    assert req.seconds_used == 280 and req.budget_seconds == 300.0
    assert [e.kind for e in req.exchanges] == ["clarifying", "followup"]
    assert req.exchanges[1].reply == "Yes, optional, checked for collisions."
    text = req.candidate_text()
    assert "How many users?" in text and "checked for collisions" in text
    assert "About 100M a month." not in text  # the interviewer's words are not the candidate's
    assert q < f


def test_grade_round_trip_and_session_mirror(store: Store) -> None:
    rec = store.create_session("mock", "senior")
    grade_id = store.save_grade(rec.id, make_report())
    assert grade_id > 0
    back = store.latest_grade(rec.id)
    assert back is not None and back.session is not None and back.session.id == rec.id
    assert back.phases[0].criteria[0].evidence == ["POST /links returns the code"]
    session = store.get_session(rec.id)
    assert session.status == "graded" and session.overall == 61.5 and session.grader == "offline"
    rows = store.conn.execute(
        "SELECT criterion_id, score FROM criterion_scores WHERE grade_id = ?", (grade_id,)
    ).fetchall()
    assert sorted(rows, key=str) == sorted([("api-design", 3), ("data-model", None)], key=str)


def test_grades_keep_history(store: Store) -> None:
    rec = store.create_session("mock", "senior")
    store.save_grade(rec.id, make_report(2))
    store.save_grade(rec.id, make_report(4))
    assert [g.phases[0].criteria[0].score for g in store.grades(rec.id)] == [2, 4]


def test_pending_sessions_are_listed(store: Store) -> None:
    rec = store.create_session("mock", "senior")
    store.save_grade(
        rec.id,
        GradeReport(grader="llm:m", level=Level.SENIOR, status="pending", pending_reason="timeout"),
    )
    assert [s.id for s in store.pending()] == [rec.id]
    assert store.unfinished() == []


def test_list_sessions_newest_first_with_paging(store: Store) -> None:
    ids = [
        store.create_session(
            "drill" if i % 2 else "mock", "mid", started_at=f"2026-01-0{i + 1}T00:00:00+00:00"
        ).id
        for i in range(5)
    ]
    assert [s.id for s in store.list_sessions()] == ids[::-1]
    assert [s.id for s in store.list_sessions(limit=2, offset=1)] == ids[::-1][1:3]
    assert {s.kind for s in store.list_sessions(kind="drill")} == {"drill"}


def test_llm_calls_never_store_keys(store: Store) -> None:
    rec = store.create_session("mock", "senior")
    store.record_llm_call(session_id=rec.id, model="m", status="ok", prompt_tokens=10)
    assert store.llm_calls(rec.id)[0]["prompt_tokens"] == 10
    with pytest.raises(ValueError, match="secret"):
        store.record_llm_call(session_id=rec.id, model="m", status="ok", api_key="sk-1")


def test_drill_metrics_round_trip(store: Store) -> None:
    rec = store.create_session("drill", "staff")
    store.save_drill(
        rec.id, "How do you approach any system design problem?", 120.0, words=240, wpm=130.0
    )
    drill = store.drill(rec.id)
    assert drill is not None and drill["words"] == 240 and drill["limit_s"] == 120.0


def test_data_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    with Store(path) as s:
        rec = s.create_session("mock", "senior")
        s.save_answer(rec.id, "design", "kept")
    with Store(path) as s:
        assert s.answers(rec.id) == {"design": "kept"}


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "mockint.db"
    path.write_bytes(b"this is not a database at all" * 10)
    before = path.read_bytes()
    with pytest.raises(StoreError) as err:
        Store(path)
    assert str(path) in err.value.message and "left untouched" in err.value.message
    assert path.read_bytes() == before


def test_damaged_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mockint.db"
    with Store(path) as s:
        s.create_session("mock", "senior")
    s.conn = None  # type: ignore[assignment]
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StoreError):
        Store(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mockint.db"
    with Store(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(latest_version() + 5),)
    )
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer mockint"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta").fetchone()[0] == str(latest_version() + 5)
    conn.close()


def test_unversioned_database_is_migrated_from_zero(tmp_path: Path) -> None:
    path = tmp_path / "mockint.db"
    sqlite3.connect(path).close()
    with Store(path) as s:
        assert s.version == latest_version()
        assert "sessions" in s.db.table_names()
