"""Drill metrics, the two-minute clock with its grace, prompt choice, and today's own-system question."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mockint.errors import NotFoundError, UsageError
from mockint.interview.clock import ManualClock
from mockint.progress.drill import (
    DEFAULT_PROMPT,
    DRILL_SECONDS,
    GRACE_SECONDS,
    DrillTimer,
    choose_prompt,
    drill_metrics,
    find_hedges,
)
from mockint.progress.practice import todays_question
from mockint.store.db import Store
from progress_support import BASE_TIME, add_session, days, library_with_prompts, real_library


def test_metrics_count_words_pace_and_hedges() -> None:
    text = "I think we should maybe define the users first. Then, basically, sort of decompose it. Just ship."
    m = drill_metrics(text, 60.0)
    assert m.words == 17
    assert m.wpm == 17.0
    assert m.seconds_used == 60.0
    assert m.hedges == ["i think", "maybe", "basically", "sort of", "just"]
    assert m.hedge_count == 5


def test_hedges_need_whole_words_and_span_line_breaks() -> None:
    assert find_hedges("justice is adjusted; Probably fine. I\nguess so") == ["probably", "i guess"]
    assert find_hedges("Define, decompose, design, discuss, deliver.") == []


def test_pace_is_sane_in_the_first_seconds() -> None:
    assert drill_metrics("one two three", 1.0).wpm == 18.0  # counted over at least 10 s
    assert drill_metrics("", 30.0).wpm == 0.0


def test_timer_counts_down_then_locks_after_the_grace() -> None:
    clock = ManualClock()
    timer = DrillTimer(clock)
    assert timer.remaining() == DRILL_SECONDS and not timer.locked()
    clock.advance(DRILL_SECONDS - 1)
    assert timer.remaining() == 1 and not timer.in_grace()
    clock.advance(1)
    assert timer.in_grace() and not timer.locked()
    clock.advance(GRACE_SECONDS - 0.5)
    assert timer.in_grace() and not timer.locked()
    clock.advance(0.5)
    assert timer.locked() and not timer.in_grace()
    clock.advance(100)
    assert timer.seconds_used() == DRILL_SECONDS + GRACE_SECONDS


def test_stopped_timer_keeps_its_time() -> None:
    clock = ManualClock()
    timer = DrillTimer(clock)
    clock.advance(42)
    timer.stop()
    clock.advance(600)
    assert timer.elapsed() == 42 and not timer.locked()


def test_prompt_choice() -> None:
    lib = library_with_prompts()
    general = choose_prompt(lib)
    assert general.problem is None and general.text
    named = choose_prompt(lib, prompt_id=lib.framing[-1].id)
    assert named.id == lib.framing[-1].id
    framed = choose_prompt(lib, problem_id="rate-limiter")
    assert framed.problem == "rate-limiter"
    assert lib.problem("rate-limiter").title in framed.text or framed.id is not None
    with pytest.raises(NotFoundError, match="no framing prompt 'nope'"):
        choose_prompt(lib, prompt_id="nope")
    with pytest.raises(NotFoundError, match="no problem"):
        choose_prompt(lib, problem_id="no-such-problem")


def test_prompt_falls_back_to_the_general_question() -> None:
    from mockint.content.loader import Library

    assert choose_prompt(Library()).text == DEFAULT_PROMPT


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "mockint.db") as s:
        yield s


def test_own_system_questions_follow_one_a_day(store: Store) -> None:
    lib = real_library()
    questions = sorted(lib.own_system, key=lambda q: q.day)
    today = BASE_TIME.date()
    first = todays_question(store, lib, today)
    assert (first.day, first.answered_today, first.streak) == (questions[0].day, False, 0)
    add_session(
        store, lib, kind="own-system", started=BASE_TIME, options={"question": questions[0].id}
    )
    done = todays_question(store, lib, today)
    assert done.question.id == questions[0].id and done.answered_today and done.streak == 1
    tomorrow = todays_question(store, lib, today + days(1))
    assert (
        tomorrow.question.id == questions[1].id
        and not tomorrow.answered_today
        and tomorrow.streak == 1
    )
    add_session(
        store,
        lib,
        kind="own-system",
        started=BASE_TIME + days(1),
        options={"question": questions[-1].id},
    )
    assert (
        todays_question(store, lib, today + days(2)).question.id == questions[0].id
    )  # wraps around


def test_own_system_day_override(store: Store) -> None:
    lib = real_library()
    chosen = todays_question(store, lib, date(2026, 11, 1), day=3)
    assert chosen.day == 3
    with pytest.raises(UsageError, match="day 9"):
        todays_question(store, lib, day=9)


def test_no_own_system_questions_is_a_clear_error(store: Store) -> None:
    from mockint.content.loader import Library

    with pytest.raises(NotFoundError, match="own-system questions"):
        todays_question(store, Library())
