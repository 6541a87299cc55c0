"""Spaced repetition: failed criteria become FSRS review items, later grades review them, once per grade."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from mockint.progress.reviews import all_items, due_items, rating_for, update_reviews
from mockint.store.db import Store
from progress_support import add_session, make_report, real_library

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "mockint.db") as s:
        yield s


def _grade(store: Store, scores: dict[str, int], level: str = "senior", sid: str | None = None):
    lib = real_library()
    if sid is None:
        sid = add_session(store, lib, graded=False)
    report = make_report(lib, "system-design", level, scores)
    store.save_grade(sid, report)
    return sid, report


@pytest.mark.parametrize(
    ("score", "expected", "rating"),
    [
        (1, 3, Rating.Again),
        (1, 2, Rating.Again),
        (2, 4, Rating.Again),
        (2, 3, Rating.Hard),
        (3, 3, Rating.Good),
        (4, 3, Rating.Easy),
    ],
)
def test_rating_from_score_against_expected(score: int, expected: int, rating: Rating) -> None:
    assert rating_for(score, expected) == rating


def test_failed_criteria_become_items_due_the_next_day(store: Store) -> None:
    sid, report = _grade(store, {"traffic-estimate": 1, "data-model": 2})
    update = update_reviews(store, real_library(), sid, report, now=T0)
    assert sorted(update.created) == ["design/data-model", "estimation/traffic-estimate"]
    assert update.ratings == {"estimation/traffic-estimate": "Again", "design/data-model": "Hard"}
    items = {i.criterion_id: i for i in all_items(store)}
    assert set(items) == {"traffic-estimate", "data-model"}
    item = items["traffic-estimate"]
    assert (
        item.section == "estimation"
        and item.rubric == "system-design"
        and item.source_session == sid
    )
    assert (
        item.label
        == real_library()
        .rubric("system-design")
        .section("estimation")
        .criterion("traffic-estimate")
        .name
    )
    assert (item.last_score, item.last_expected, item.reviews) == (1, 3, 1)
    assert item.due == T0 + timedelta(days=1)
    assert items["data-model"].due == T0 + timedelta(days=1, hours=12)  # Hard waits a little longer
    assert due_items(store, T0 + timedelta(hours=1)) == []
    assert [i.criterion_id for i in due_items(store, T0 + timedelta(days=1, minutes=1))] == [
        "traffic-estimate"
    ]
    assert [i.criterion_id for i in due_items(store, T0 + timedelta(days=2))] == [
        "traffic-estimate",
        "data-model",
    ]


def test_same_grade_applied_twice_changes_nothing(store: Store) -> None:
    sid, report = _grade(store, {"traffic-estimate": 1})
    update_reviews(store, real_library(), sid, report, now=T0)
    before = all_items(store)
    again = update_reviews(store, real_library(), sid, report, now=T0 + timedelta(days=3))
    assert again.created == [] and again.reviewed == []
    assert all_items(store) == before
    assert store.conn.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1


def test_passing_later_pushes_the_item_out(store: Store) -> None:
    sid, report = _grade(store, {"traffic-estimate": 1})
    update_reviews(store, real_library(), sid, report, now=T0)
    first_due = all_items(store)[0].due
    sid2, report2 = _grade(store, {"traffic-estimate": 4})
    update = update_reviews(
        store, real_library(), sid2, report2, now=T0 + timedelta(days=1, hours=1)
    )
    assert update.reviewed == ["estimation/traffic-estimate"] and update.created == []
    item = all_items(store)[0]
    assert item.reviews == 2 and item.last_score == 4 and item.source_session == sid2
    assert item.due > first_due + timedelta(days=1)
    assert item.state == "review"


def test_criteria_meeting_the_bar_do_not_create_items(store: Store) -> None:
    sid, report = _grade(store, {})
    update = update_reviews(store, real_library(), sid, report, now=T0)
    assert update.created == [] and all_items(store) == []


def test_pending_or_unsaved_reports_are_ignored(store: Store) -> None:
    lib = real_library()
    sid = add_session(store, lib, graded=False)
    report = make_report(lib, "system-design", "senior", {"traffic-estimate": 1})
    assert update_reviews(store, lib, sid, report, now=T0).grade_id is None  # not saved yet
    pending = report.model_copy(update={"status": "pending"})
    store.save_grade(sid, pending)
    assert update_reviews(store, lib, sid, pending, now=T0).created == []
    assert all_items(store) == []


def test_an_older_grade_does_not_rewind_a_card(store: Store) -> None:
    sid, report = _grade(store, {"traffic-estimate": 1})
    update_reviews(store, real_library(), sid, report, now=T0)
    sid2, report2 = _grade(store, {"traffic-estimate": 2})
    update = update_reviews(store, real_library(), sid2, report2, now=T0 - timedelta(days=5))
    assert update.reviewed == []
    assert all_items(store)[0].reviews == 1


def test_drill_and_mock_criteria_with_the_same_id_are_separate(store: Store) -> None:
    lib = real_library()
    sid, report = _grade(store, {"business-framing": 1}, level="staff")
    update_reviews(store, lib, sid, report, now=T0)
    drill = add_session(store, lib, kind="drill", problem=None, graded=False, level="staff")
    drill_report = make_report(lib, "framing", "staff", {"business-framing": 1})
    store.save_grade(drill, drill_report)
    update_reviews(store, lib, drill, drill_report, now=T0)
    rubrics = sorted(
        (i.rubric, i.section) for i in all_items(store) if i.criterion_id == "business-framing"
    )
    assert rubrics == [("framing", "framing"), ("system-design", "overall")]
