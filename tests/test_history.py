"""History queries: pages and filters, trends per criterion and phase, weak spots, days and streaks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mockint.errors import UsageError
from mockint.progress.history import (
    drill_trend,
    last_practised,
    practice_summary,
    streak,
    trends,
    weakest_dimensions,
)
from mockint.progress.listing import HistoryFilter, history_page
from mockint.store.db import Store
from progress_support import BASE_TIME, add_session, days, real_library


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "mockint.db") as s:
        yield s


def test_history_is_newest_first_and_paginated(store: Store) -> None:
    lib = real_library()
    ids = [add_session(store, lib, started=BASE_TIME + days(i)) for i in range(7)]
    first = history_page(store, limit=3)
    assert [e.session for e in first.entries] == ids[::-1][:3]
    assert (first.total, first.page, first.pages, first.has_more) == (7, 1, 3, True)
    last = history_page(store, limit=3, offset=6)
    assert [e.session for e in last.entries] == [ids[0]]
    assert last.has_more is False
    entry = first.entries[0]
    assert entry.kind == "mock" and entry.problem == "url-shortener" and entry.level == "senior"
    assert entry.status == "graded" and entry.grader == "offline" and entry.overall is not None


def test_history_filters_combine(store: Store) -> None:
    lib = real_library()
    mock = add_session(store, lib, started=BASE_TIME)
    drill = add_session(store, lib, kind="drill", problem=None, started=BASE_TIME + days(1))
    other = add_session(
        store, lib, problem="rate-limiter", level="staff", started=BASE_TIME + days(2), graded=False
    )
    own = add_session(
        store,
        lib,
        kind="own-system",
        started=BASE_TIME + days(3),
        options={"question": "request-flow"},
    )

    def ids(**kw: object) -> list[str]:
        return [e.session for e in history_page(store, HistoryFilter(**kw)).entries]

    assert ids(kind="drill") == [drill]
    assert ids(kind="own-system") == [own]
    assert ids(problem="rate-limiter") == [other]
    assert ids(level="staff") == [other]
    assert ids(status="submitted") == [other]
    assert ids(kind="mock", status="graded") == [mock]
    assert ids(since=date(2026, 11, 2), until=date(2026, 11, 3)) == [other, drill]
    assert ids(kind="mock", problem="nope") == []


def test_bad_page_arguments_are_usage_errors(store: Store) -> None:
    with pytest.raises(UsageError, match="limit"):
        history_page(store, limit=0)
    with pytest.raises(UsageError, match="offset"):
        history_page(store, offset=-1)


def test_trends_follow_criteria_and_phases_oldest_first(store: Store) -> None:
    lib = real_library()
    for i, score in enumerate([1, 2, 3, 4]):
        add_session(store, lib, scores={"data-model": score}, started=BASE_TIME + days(i))
    add_session(store, lib, kind="drill", problem=None, started=BASE_TIME + days(9))
    t = trends(store, "mock", library=lib)
    assert len(t.sessions) == 4
    data_model = next(c for c in t.criteria if c.id == "data-model")
    assert data_model.section == "design"
    assert (
        data_model.label
        == lib.rubric("system-design").section("design").criterion("data-model").name
    )
    assert data_model.values == [1, 2, 3, 4]
    assert all(p.expected == 3 for p in data_model.points)
    design = next(p for p in t.phases if p.id == "design")
    assert len(design.values) == 4
    assert design.values == sorted(design.values) and design.values[0] < design.values[-1]
    assert [s.score for s in t.sessions] == sorted(s.score for s in t.sessions)


def test_trends_use_only_the_latest_grade_of_a_session(store: Store) -> None:
    from progress_support import make_report

    lib = real_library()
    sid = add_session(store, lib, scores={"data-model": 1})
    store.save_grade(sid, make_report(lib, "system-design", "senior", {"data-model": 4}))
    data_model = next(c for c in trends(store, "mock").criteria if c.id == "data-model")
    assert data_model.values == [4]


def test_trends_limit_to_last_sessions(store: Store) -> None:
    lib = real_library()
    for i in range(6):
        add_session(store, lib, scores={"alternatives": 1 + i % 4}, started=BASE_TIME + days(i))
    t = trends(store, "mock", last=2)
    alt = next(c for c in t.criteria if c.id == "alternatives")
    assert alt.values == [1 + 4 % 4, 1 + 5 % 4]


def test_weakest_dimensions_are_the_furthest_below_expected(store: Store) -> None:
    lib = real_library()
    add_session(
        store, lib, scores={"traffic-estimate": 1, "data-model": 2, "wrap-up": 4}, started=BASE_TIME
    )
    add_session(
        store, lib, scores={"traffic-estimate": 1, "data-model": 3}, started=BASE_TIME + days(1)
    )
    weak = weakest_dimensions(store, "mock", library=lib)
    assert [w.criterion_id for w in weak] == ["traffic-estimate", "data-model"]
    assert weak[0].gap == -2.0 and weak[0].samples == 2 and weak[0].section == "estimation"
    assert weak[1].gap == -0.5
    assert (
        weak[0].label
        == lib.rubric("system-design").section("estimation").criterion("traffic-estimate").name
    )
    assert weak[0].last_seen.startswith("2026-11-02")
    only_last = weakest_dimensions(store, "mock", last=1)
    assert [w.criterion_id for w in only_last] == ["traffic-estimate"]


def test_nothing_weak_when_every_criterion_meets_the_bar(store: Store) -> None:
    lib = real_library()
    add_session(store, lib, default=3)
    assert weakest_dimensions(store, "mock") == []
    assert weakest_dimensions(store, "mock", include_met=True, n=2)[0].gap == 0.0


def test_streak_counts_back_from_today_or_yesterday() -> None:
    d = date(2026, 11, 10)
    assert streak([d, d - days(1), d - days(2), d - days(4)], d) == 3
    assert streak([d - days(1), d - days(2)], d) == 2
    assert streak([d - days(2)], d) == 0
    assert streak([], d) == 0


def test_practice_summary_counts_days_and_own_system_streak(store: Store) -> None:
    lib = real_library()
    add_session(store, lib, started=BASE_TIME)
    add_session(store, lib, started=BASE_TIME + days(0.1))
    add_session(
        store,
        lib,
        kind="own-system",
        started=BASE_TIME + days(1),
        options={"question": "request-flow"},
    )
    add_session(
        store,
        lib,
        kind="own-system",
        started=BASE_TIME + days(2),
        options={"question": "data-model"},
    )
    store.create_session(
        "mock", "senior", "url-shortener", started_at=(BASE_TIME + days(3)).isoformat()
    )  # active only
    summary = practice_summary(store, today=(BASE_TIME + days(2)).date())
    assert summary.days_practised == 3
    assert summary.practice_streak == 3
    assert summary.own_system_streak == 2
    assert summary.last_practised == (BASE_TIME + days(2)).date()


def test_drill_trend_carries_the_typed_metrics(store: Store) -> None:
    lib = real_library()
    for i in range(3):
        add_session(store, lib, kind="drill", problem=None, started=BASE_TIME + days(i))
    points = drill_trend(store)
    assert len(points) == 3 and points[0].started_at < points[-1].started_at
    assert (points[0].words, points[0].wpm, points[0].hedges) == (200, 120.0, 2)
    assert points[0].overall is not None


def test_last_practised_per_problem(store: Store) -> None:
    lib = real_library()
    add_session(store, lib, problem="url-shortener", started=BASE_TIME)
    add_session(store, lib, problem="url-shortener", started=BASE_TIME + days(3))
    add_session(store, lib, problem="rate-limiter", started=BASE_TIME + days(1))
    seen = last_practised(store)
    assert seen["url-shortener"].startswith("2026-11-04") and seen["rate-limiter"].startswith(
        "2026-11-02"
    )
