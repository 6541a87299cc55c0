"""What to practise next: due reviews, and a problem that exercises the weakest dimension, not a recent one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mockint.content.loader import Library
from mockint.progress.recommend import recommend
from mockint.progress.reviews import update_reviews
from mockint.store.db import Store
from progress_support import BASE_TIME, add_session, days, real_library


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "mockint.db") as s:
        yield s


def _weight(lib: Library, problem_id: str, section: str, criterion: str) -> float:
    return sum(
        p.weight for p in lib.problem(problem_id).phase(section).points if p.criterion == criterion
    )


def test_no_history_proposes_an_easy_problem(store: Store) -> None:
    lib = real_library()
    rec = recommend(store, lib, now=BASE_TIME)
    assert rec.due == [] and rec.focus is None
    assert lib.problem(rec.problem_id).difficulty.value == "easy"
    assert "No mocks yet" in rec.reason and rec.problem_title in rec.reason


def test_weakest_dimension_picks_the_problem_that_exercises_it_most(store: Store) -> None:
    lib = real_library()
    add_session(
        store,
        lib,
        problem="url-shortener",
        scores={"traffic-estimate": 1},
        started=BASE_TIME - days(30),
    )
    rec = recommend(store, lib, now=BASE_TIME)
    assert rec.focus == "traffic-estimate"
    best = max(_weight(lib, p, "estimation", "traffic-estimate") for p in lib.problems)
    assert _weight(lib, rec.problem_id, "estimation", "traffic-estimate") == best > 0
    assert rec.focus_label in rec.reason and rec.problem_title in rec.reason


def test_problems_practised_recently_are_not_proposed(store: Store) -> None:
    lib = real_library()
    ranked = sorted(
        lib.problems, key=lambda p: (-_weight(lib, p, "estimation", "traffic-estimate"), p)
    )
    first = ranked[0]
    add_session(
        store, lib, problem=first, scores={"traffic-estimate": 1}, started=BASE_TIME - days(1)
    )
    rec = recommend(store, lib, now=BASE_TIME)
    assert rec.problem_id != first
    assert rec.focus == "traffic-estimate"
    later = recommend(store, lib, now=BASE_TIME + days(30))
    assert _weight(lib, later.problem_id, "estimation", "traffic-estimate") == _weight(
        lib, first, "estimation", "traffic-estimate"
    )


def test_cross_cutting_weakness_falls_through_to_one_a_problem_can_exercise(store: Store) -> None:
    lib = real_library()
    add_session(
        store, lib, scores={"communication": 1, "alternatives": 2}, started=BASE_TIME - days(20)
    )
    rec = recommend(store, lib, now=BASE_TIME)
    assert rec.focus == "alternatives"


def test_due_reviews_are_listed(store: Store) -> None:
    lib = real_library()
    sid = add_session(store, lib, scores={"bottlenecks": 1}, started=BASE_TIME - days(3))
    update_reviews(store, lib, sid, store.latest_grade(sid), now=BASE_TIME - days(3))
    rec = recommend(store, lib, now=BASE_TIME)
    assert [d.criterion_id for d in rec.due] == ["bottlenecks"]
    assert rec.due[0].section == "scale" and rec.due[0].label
    assert recommend(store, lib, now=BASE_TIME - days(3) + timedelta(hours=1)).due == []


def test_all_met_proposes_the_least_recently_practised(store: Store) -> None:
    lib = real_library()
    for i, pid in enumerate(sorted(lib.problems)):
        add_session(store, lib, problem=pid, default=3, started=BASE_TIME - days(40 - i))
    rec = recommend(store, lib, now=BASE_TIME)
    assert rec.problem_id == sorted(lib.problems)[0]
    assert "longest ago" in rec.reason


def test_an_empty_library_says_so(store: Store) -> None:
    rec = recommend(store, Library(), now=BASE_TIME)
    assert rec.problem_id is None and "No problems" in rec.reason
