"""The mock screen driven by Pilot with a manual clock: a full mock to review, autosave, crash and resume,
the interviewer, overrun and auto-advance, pause rules, grading cancel, regrade and export."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import respx
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from mock_fixtures import FakeGrader, make_app, make_library, offline_settings
from mockint.interview.clock import ManualClock
from mockint.interview.session import Stage
from mockint.store.db import Store
from mockint.tui.screens.home import HomeScreen
from mockint.tui.screens.mock import MockScreen
from mockint.tui.screens.review import ReviewScreen
from mockint.tui.widgets.answer_editor import AnswerEditor
from mockint.tui.widgets.clock import ClockLabel

SIZE = (100, 32)


def text_of(widget: Static) -> str:
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)


async def wait_until(pilot: Pilot, check: Callable[[], bool], timeout: float = 3.0) -> None:
    """Let timers and the background writer run until `check` holds (the autosave needs real time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "condition not reached in time"
        await pilot.pause(0.02)


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_mock(pilot: Pilot, **kwargs: Any) -> MockScreen:
    pilot.app.start_mock("paste-bin", level=kwargs.pop("level", "senior"), **kwargs)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MockScreen)
    return screen


async def press_keys(pilot: Pilot, text: str) -> None:
    """Type as a person would, one key at a time (slow: for short texts)."""
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def type_text(pilot: Pilot, text: str) -> None:
    """Insert text where the focus is, as a paste would: the widgets' change events still fire."""
    focused = pilot.app.focused
    if isinstance(focused, TextArea):
        focused.insert(text)
    elif isinstance(focused, Input):
        focused.insert_text_at_cursor(text)
    else:
        raise AssertionError(f"nothing to type into: {focused!r}")
    await pilot.pause()


def clock_text(screen: MockScreen, which: str) -> str:
    return text_of(screen.query_one(f"#{which}-clock", ClockLabel))


async def test_full_mock_from_start_to_review(tmp_path: Path) -> None:
    clock = ManualClock()
    grader = FakeGrader()
    app = make_app(tmp_path, clock=clock, grader=grader)
    answers = {
        "requirements": "Users create a paste and share a link",
        "estimation": "About 4 writes per second",
        "design": "Bodies in object storage",
        "scale": "Cache hot pastes behind a cdn",
        "tradeoffs": "A key value store would also work",
    }
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        session = screen.session
        await pilot.press("ctrl+t")
        await type_text(pilot, "how many users")
        await pilot.press("enter")
        for phase, answer in answers.items():
            assert session.phase.value == phase
            await pilot.press("escape")  # back to the editor
            await type_text(pilot, answer)
            clock.advance(session.phase_budget() - 30)
            screen.tick()
            await pilot.press("ctrl+n")  # end the phase: the interviewer asks follow-ups
            await settle(pilot)
            if phase == "scale":
                assert any(s.exchange.kind == "curveball" for s in session.exchanges)
            assert session.stage == Stage.FOLLOWUP
            assert screen.panel.input.has_focus
            await type_text(pilot, f"reply about {phase}")
            await pilot.press("enter")
            await pilot.press("ctrl+n")  # move on; after the last phase this submits for grading
            await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        head = text_of(app.screen.query_one("#review-head", Static))
        assert "Paste service" in head and "/100" in head
        record = app.store.get_session(session.id)
        assert record.status == "graded"
        transcript = app.store.transcript(session.id)
        assert [p.answer for p in transcript.phases] == list(answers.values())
        req = transcript.get("requirements")
        assert req.exchanges[0].question == "how many users"
        assert req.exchanges[0].reply.startswith("About 10 million")
        assert (
            req.exchanges[1].kind == "followup"
            and req.exchanges[1].reply == "reply about requirements"
        )
        assert all(p.seconds_used == p.budget_seconds - 30 for p in transcript.phases)
        # The grader saw the whole transcript, exchanges included.
        assert grader.requests[0].transcript.get("scale").exchanges[0].kind == "curveball"


async def test_typing_reaches_sqlite_within_the_autosave_delay(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        await press_keys(pilot, "first words")
        reader = Store(app.store.path)
        await wait_until(
            pilot, lambda: reader.answers(screen.session.id).get("requirements") == "first words"
        )


def crash_copy(db: Path, target: Path) -> Path:
    """What a kill -9 leaves: exactly the committed transactions (SQLite's online backup)."""
    src = sqlite3.connect(db)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()
    return target


async def test_crash_then_resume_restores_text_exchanges_and_clock(tmp_path: Path) -> None:
    clock = ManualClock()
    library = make_library(tmp_path)
    app = make_app(tmp_path, clock=clock, library=library)
    crashed = tmp_path / "after-crash.db"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        session_id = screen.session.id
        await type_text(pilot, "functional requirements first")
        await pilot.press("ctrl+t")
        await type_text(pilot, "how long do pastes live")
        await pilot.press("enter")
        clock.advance(100)
        screen.tick()
        reader = Store(app.store.path)
        await wait_until(
            pilot,
            lambda: (
                reader.answers(session_id).get("requirements") == "functional requirements first"
                and reader.get_session(session_id).elapsed_s >= 100
            ),
        )
        crash_copy(app.store.path, crashed)  # the process dies here: no quit, no final save

    app2 = make_app(tmp_path, clock=ManualClock(50_000), library=library, store=Store(crashed))
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app2.screen
        assert isinstance(home, HomeScreen)
        assert home.query_one("#resume-card").display
        assert "in Requirements, 01:40 of 45:00 used" in text_of(
            home.query_one("#resume-text", Static)
        )
        await pilot.press("r")
        await pilot.pause()
        screen = app2.screen
        assert isinstance(screen, MockScreen)
        assert screen.session.id == session_id
        assert (
            screen.query_one("#editor-requirements", AnswerEditor).text
            == "functional requirements first"
        )
        assert clock_text(screen, "phase") == "Requirements 03:20"
        assert clock_text(screen, "total") == "Total 43:20"
        assert [s.exchange.question for s in screen.session.exchanges] == [
            "how long do pastes live"
        ]


async def test_clarifying_question_gets_the_hidden_fact_and_an_unknown_one_an_assumption(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        await pilot.press("ctrl+t")
        await type_text(pilot, "how long should pastes be kept")
        await pilot.press("enter")
        await type_text(pilot, "what colour is the logo")
        await pilot.press("enter")
        await pilot.pause()
        shown = [text_of(v) for v in screen.query(".exchange").results(Static)]
        assert "Pastes expire after 30 days unless the author pins them." in shown[0]
        assert "state an assumption" in shown[1]
        assert [e.text for e in app.store.events(screen.session.id, kind="fact")] == ["expiry"]


async def test_followups_target_what_the_answer_missed(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        await type_text(pilot, "Pastes expire after a month")
        await pilot.press("ctrl+n")
        await settle(pilot)
        asked = screen.session.asked_questions("requirements")
        assert asked == ["Who can read a paste: anyone with the link, or only some people?"]
        stored = app.store.transcript(screen.session.id).get("requirements").exchanges
        assert [(e.kind, e.question) for e in stored] == [("followup", asked[0])]


async def test_soft_overrun_goes_amber_then_red_and_negative_without_moving_on(
    tmp_path: Path,
) -> None:
    clock = ManualClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        phase_clock = screen.query_one("#phase-clock", ClockLabel)
        clock.advance(250)
        screen.tick()
        await pilot.pause()
        assert phase_clock.has_class("-warning") and not phase_clock.has_class("-overrun")
        assert clock_text(screen, "phase") == "Requirements 00:50"
        clock.advance(75)
        screen.tick()
        await pilot.pause()
        assert phase_clock.has_class("-overrun")
        assert clock_text(screen, "phase") == "Requirements -00:25"
        assert screen.session.phase.value == "requirements"
        assert screen.session.stage == Stage.ANSWERING


async def test_auto_advance_moves_on_and_still_asks_the_followups(tmp_path: Path) -> None:
    clock = ManualClock()
    app = make_app(tmp_path, clock=clock, settings=offline_settings(auto_advance=True))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        await type_text(pilot, "share a link")
        clock.advance(301)
        screen.tick()
        await settle(pilot)
        assert screen.session.phase.value == "estimation"
        assert clock_text(screen, "phase") == "Estimation 05:00"
        assert screen.session.asked_questions("requirements") == ["How long should a paste live?"]
        assert screen.session.phase_seconds["requirements"] == 301


async def test_pause_only_in_practice_mode(tmp_path: Path) -> None:
    clock = ManualClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        assert screen.check_action("toggle_pause", ()) is False
        await pilot.press("ctrl+r")
        clock.advance(60)
        screen.tick()
        assert not screen.session.paused
        assert clock_text(screen, "phase") == "Requirements 04:00"

        app.pop_screen()
        await pilot.pause()
        screen = await open_mock(pilot, practice=True)
        await pilot.press("ctrl+r")
        clock.advance(60)
        screen.tick()
        await pilot.pause()
        assert screen.session.paused
        assert text_of(screen.query_one("#mock-state", Static)) == "PAUSED"
        assert clock_text(screen, "phase") == "Requirements 05:00"
        await pilot.press("ctrl+r")
        clock.advance(10)
        screen.tick()
        assert clock_text(screen, "phase") == "Requirements 04:50"


async def test_earlier_phase_stays_readable_and_editable(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        await type_text(pilot, "first")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.session.phase.value == "estimation"
        await pilot.press("alt+left")
        await pilot.pause()
        assert screen.viewing == "requirements"
        assert "earlier phase, still editable" in text_of(screen.query_one("#editor-title", Static))
        await pilot.press("end")
        await type_text(pilot, " and more")
        reader = Store(app.store.path)
        await wait_until(
            pilot, lambda: reader.answers(screen.session.id).get("requirements") == "first and more"
        )
        assert screen.session.phase.value == "estimation"


async def test_finish_early_saves_before_grading_and_cancel_keeps_the_mock(tmp_path: Path) -> None:
    gate = asyncio.Event()
    app = make_app(tmp_path, grader=FakeGrader(gate=gate))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        session_id = screen.session.id
        await type_text(pilot, "unsaved words")
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        # Grading has started and is waiting; the text was saved before it began.
        assert app.store.answers(session_id)["requirements"] == "unsaved words"
        assert app.store.get_session(session_id).status == "submitted"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "not graded yet" in text_of(app.screen.query_one("#review-head", Static))
        assert app.store.latest_grade(session_id) is None


async def test_regrade_at_another_level_and_export(tmp_path: Path, isolated_home: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        session_id = screen.session.id
        await type_text(pilot, "Users create a paste")
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert app.store.latest_grade(session_id).level.value == "senior"
        evidence = review.query_one("#transcript-requirements", Static).content
        highlighted = [
            evidence.plain[s.start : s.end] for s in evidence.spans if s.style == "reverse"
        ]
        assert highlighted == ["Users create a paste"]

        await pilot.press("e")
        await pilot.pause()
        exported = isolated_home / "exports" / f"mockint-{session_id}.md"
        assert exported.exists()
        assert "Users create a paste" in exported.read_text()

        await pilot.press("g")
        await pilot.pause()
        await pilot.press("down", "enter")  # senior -> staff
        await settle(pilot)
        await settle(pilot)
        assert [g.level.value for g in app.store.grades(session_id)] == ["senior", "staff"]
        assert isinstance(app.screen, ReviewScreen)
        assert "staff" in text_of(app.screen.query_one("#review-head", Static))


async def test_cli_start_options_open_a_mock_directly(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        start="mock",
        start_options={"problem": "paste-bin", "level": "staff", "minutes": 30},
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MockScreen)
        assert screen.session.level.value == "staff"
        assert screen.session.total_budget() == 30 * 60
        assert clock_text(screen, "total") == "Total 30:00"


async def test_quitting_saves_text_typed_since_the_last_autosave(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.autosave_delay = 600.0  # the debounce will not fire: only quitting can save this text
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mock(pilot)
        session_id = screen.session.id
        await type_text(pilot, "typed just before quitting")
        assert app.store.answers(session_id).get("requirements", "") == ""
        await pilot.press("ctrl+q")
    assert Store(app.store.path).answers(session_id)["requirements"] == "typed just before quitting"
    assert Store(app.store.path).get_session(session_id).status == "active"


async def test_llm_follow_up_in_the_mock_and_the_note_when_it_fails(tmp_path: Path) -> None:
    base = "http://llm.test/v1"
    settings = offline_settings().model_copy(
        update={"grader": "llm", "base_url": base, "retries": 0}
    )
    app = make_app(tmp_path, settings=settings)
    reply = {
        "id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "Who deletes expired pastes, and when?",
                },
                "finish_reason": "stop",
            }
        ],
    }
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_mock(pilot)
        with respx.mock(base_url=base, assert_all_called=False) as mock:
            route = mock.post("/chat/completions").mock(
                return_value=httpx.Response(200, json=reply)
            )
            await type_text(pilot, "Pastes expire")
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert route.called
        assert screen.session.asked_questions("requirements") == [
            "Who deletes expired pastes, and when?"
        ]
        await pilot.press("ctrl+n")
        await pilot.pause()
        with respx.mock(base_url=base, assert_all_called=False) as mock:
            mock.post("/chat/completions").mock(
                return_value=httpx.Response(503, json={"error": {"message": "busy"}})
            )
            await pilot.press("ctrl+n")
            await settle(pilot)
        assert screen.session.asked_questions("estimation") == [
            "How much storage do you need after five years?"
        ]
        assert any("scripted follow-ups" in n.message for n in app._notifications)
