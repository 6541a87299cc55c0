"""Pilot tests for the framing drill and own-system screens, driven by a manual clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockint.interview.clock import ManualClock
from mockint.progress.drill import choose_prompt
from mockint.progress.reviews import all_items
from mockint.store.db import Store
from mockint.tui.screens.drill import DrillScreen
from mockint.tui.screens.practice import OwnSystemScreen
from mockint.tui.widgets.clock import ClockLabel
from progress_support import add_session, library_with_prompts, progress_app, real_library

ANSWER = (
    "Define: I think I would first ask who the users are and what the top three features are, "
    "and pin down scale with numbers like 10k requests per second and p99 latency. "
    "Decompose: break it into the write path, the read path and storage. "
    "Design: an API per core requirement, then the simplest design, a service with a database and a cache. "
    "Discuss tradeoffs: SQL versus NoSQL, because consistency matters more than write throughput here. "
    "Deliver: recap, name the bottlenecks and failure modes, and what I would build first."
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "mockint.db") as s:
        yield s


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_countdown_grace_then_lock_and_grade(store: Store) -> None:
    clock = ManualClock()
    app = progress_app(store, library_with_prompts(), DrillScreen, clock)
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        label = screen.query_one("#answer-clock", ClockLabel)
        assert str(label.render()) == "02:00"
        screen.editor.insert(ANSWER)
        clock.advance(95)
        screen.tick()
        await pilot.pause()
        assert str(label.render()) == "00:25" and label.has_class("-warning")
        assert "words" in str(screen.query_one("#answer-metrics").render())
        clock.advance(30)  # 2:05: past zero, inside the grace
        screen.tick()
        await pilot.pause()
        assert label.has_class("-overrun") and not screen.editor.read_only
        assert "to finish your sentence" in str(screen.query_one("#answer-note").render())
        screen.editor.insert(" Done.")
        clock.advance(6)  # 2:11: the grace is over
        screen.tick()
        await _settle(pilot)
        assert screen.editor.read_only and screen.locked and screen.submitted
        assert screen.report is not None and screen.report.status == "graded"
        assert screen.query_one("#timed-switcher").current == "result-pane"
        status = str(screen.query_one("#result-status").render())
        assert f"{screen.report.overall:.0f}/100" in status
    record = store.get_session(screen.session.id)
    assert record.kind == "drill" and record.status == "graded" and record.grader == "offline"
    assert store.answers(record.id)["framing"].endswith("Done.")
    drill = store.drill(record.id)
    assert drill["seconds_used"] == 130.0 and drill["words"] == len((ANSWER + " Done.").split())
    assert drill["hedges"] == 1 and drill["prompt"] == choose_prompt(library_with_prompts()).text
    report = store.latest_grade(record.id)
    assert report.rubric == "framing" and {c.id for c in report.phases[0].criteria} >= {
        "define",
        "deliver",
        "order",
    }


async def test_live_metrics_show_words_pace_and_hedges(store: Store) -> None:
    clock = ManualClock()
    app = progress_app(store, library_with_prompts(), DrillScreen, clock)
    async with app.run_test() as pilot:
        screen = app.screen
        await pilot.press(*"maybe we just define users")
        clock.advance(30)
        screen.tick()
        await pilot.pause()
        metrics = str(screen.query_one("#answer-metrics").render())
        assert (
            metrics.startswith("5 words · 10 wpm · 2 hedges")
            and "maybe" in metrics
            and "just" in metrics
        )


async def test_typing_is_autosaved_off_the_ui_thread(store: Store) -> None:
    app = progress_app(store, library_with_prompts(), DrillScreen)
    async with app.run_test() as pilot:
        await pilot.press(*"Define the users")
        await pilot.pause(0.2)
        await _settle(pilot)
        sid = app.screen.session.id
        assert store.answers(sid) == {"framing": "Define the users"}
        assert store.get_session(sid).status == "active"


async def test_submit_early_shows_rubric_scores_and_creates_reviews(store: Store) -> None:
    clock = ManualClock()
    app = progress_app(store, library_with_prompts(), lambda: DrillScreen(level="staff"), clock)
    async with app.run_test() as pilot:
        screen = app.screen
        screen.editor.insert(ANSWER + " Maybe a cache too.")
        clock.advance(20)
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert screen.report is not None and screen.report.level.value == "staff"
        body = screen.query_one("#result-body").source
        assert "## Your delivery" in body and "maybe ×1" in body and "i think ×1" in body
        assert "**Define**" in body and "**Deliver**" in body
        assert "00:20 of 02:00" in body
        below = {
            c.id
            for c in screen.report.phases[0].criteria
            if c.score is not None and c.score < c.expected
        }
    assert below, "a short staff-level drill leaves something below the bar"
    assert {i.criterion_id for i in all_items(store)} == below
    assert {i.rubric for i in all_items(store)} == {"framing"}


async def test_empty_submit_is_refused(store: Store) -> None:
    app = progress_app(store, library_with_prompts(), DrillScreen)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.screen.submitted
        assert any("Write your answer first" in n.message for n in app._notifications)


async def test_leaving_drops_an_empty_drill_and_keeps_written_text(store: Store) -> None:
    app = progress_app(store, library_with_prompts(), DrillScreen)
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(DrillScreen())
        await pilot.pause()
        written = app.screen.session.id
        await pilot.press(*"half a thought")
        await pilot.press("escape")
        await pilot.pause()
    assert [s.id for s in store.list_sessions()] == [written]
    assert store.get_session(written).status == "abandoned"
    assert store.answers(written) == {"framing": "half a thought"}


async def test_drill_for_a_chosen_problem(store: Store) -> None:
    lib = library_with_prompts()
    app = progress_app(store, lib, lambda: DrillScreen(problem_id="rate-limiter"))
    async with app.run_test():
        screen = app.screen
        assert screen.prompt.problem == "rate-limiter"
        assert store.get_session(screen.session.id).problem_id == "rate-limiter"


async def test_own_system_question_clock_and_streak(store: Store) -> None:
    lib = real_library()
    first = sorted(lib.own_system, key=lambda q: q.day)[0]
    clock = ManualClock()
    app = progress_app(store, lib, OwnSystemScreen, clock)
    async with app.run_test() as pilot:
        screen = app.screen
        assert screen.today.question.id == first.id
        assert first.question in str(screen.query_one("#practice-question").render())
        label = screen.query_one("#answer-clock", ClockLabel)
        assert str(label.render()) == f"{first.minutes:02d}:00"
        assert "Streak: 0 days" in str(screen.query_one("#practice-streak").render())
        screen.editor.insert(
            "The request hits uvicorn listening on port 8000 behind nginx, because TLS ends there."
        )
        clock.advance(16 * 60)
        screen.tick()
        await pilot.pause()
        assert (
            label.has_class("-overrun") and not screen.editor.read_only
        )  # a soft overrun, no lock
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert screen.report.status == "graded" and screen.report.rubric == "own-system"
        assert "## Streak: 1 day" in screen.query_one("#result-body").source
    record = store.get_session(screen.session.id)
    assert (
        record.kind == "own-system"
        and record.options["question"] == first.id
        and record.status == "graded"
    )
    assert record.elapsed_s == 16 * 60


async def test_own_system_day_choice_and_done_today(store: Store) -> None:
    lib = real_library()
    q3 = next(q for q in lib.own_system if q.day == 3)
    app = progress_app(store, lib, lambda: OwnSystemScreen(day=3))
    async with app.run_test():
        assert app.screen.today.question.id == q3.id
    from datetime import UTC, datetime

    add_session(
        store, lib, kind="own-system", started=datetime.now(UTC), options={"question": q3.id}
    )
    app = progress_app(store, lib, OwnSystemScreen)
    async with app.run_test():
        assert app.screen.today.answered_today
        assert "extra practice" in str(app.screen.query_one("#practice-streak").render())


async def test_own_system_without_questions_says_so(store: Store) -> None:
    from mockint.content.loader import Library

    app = progress_app(store, Library(rubrics=real_library().rubrics), OwnSystemScreen)
    async with app.run_test():
        assert "not available" in str(app.screen.query_one("#practice-problem").render())
    assert store.list_sessions() == []


async def test_the_app_opens_straight_into_the_drill_with_cli_options(store: Store) -> None:
    from mockint.tui.app import MockintApp
    from progress_support import settings

    app = MockintApp(
        store,
        library_with_prompts(),
        settings(),
        clock=ManualClock(),
        start="drill",
        start_options={"problem": "rate-limiter", "prompt": None, "level": "staff"},
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert screen.prompt.problem == "rate-limiter" and screen.level == "staff"


async def test_the_app_opens_straight_into_own_system_practice(store: Store) -> None:
    from mockint.tui.app import MockintApp
    from progress_support import settings

    lib = real_library()
    app = MockintApp(
        store,
        lib,
        settings(),
        clock=ManualClock(),
        start="practice",
        start_options={"day": 2, "level": None},
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OwnSystemScreen) and app.screen.today.day == 2
