"""Home and picker: menu and status, resume and discard, background retry of pending grades, the
command palette, search and filters, and the lazy start-up path the CLI uses."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Select, Static

from mock_fixtures import make_app, make_library, offline_settings
from mockint.config import Level
from mockint.errors import ConfigError
from mockint.grading.report import GradeReport
from mockint.interview.clock import ManualClock
from mockint.interview.session import MockSession
from mockint.store.db import Store
from mockint.tui.app import MockintApp
from mockint.tui.screens.home import HomeScreen
from mockint.tui.screens.mock import MockScreen
from mockint.tui.screens.picker import PickerScreen

SIZE = (100, 32)


def text_of(widget: Static) -> str:
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)


async def test_home_shows_the_menu_and_status(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        lines = [text_of(item) for item in home.query("#menu .menu-item").results(Static)]
        assert lines[0] == " n   New mock"
        assert " v   Review last mock" in lines
        assert text_of(home.query_one("#home-status", Static)) == "1 problem · grader: offline"
        assert not home.query_one("#resume-card").display
        shown = {
            key
            for key, active in app.screen.active_bindings.items()
            if active.binding.show and active.enabled
        }
        assert {"n", "d", "o", "h", "v"} <= shown
        assert home.check_action("resume", ()) is False


async def test_unfinished_mock_is_offered_and_resumed_with_its_clock(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    store = Store(tmp_path / "mockint.db")
    clock = ManualClock()
    session = MockSession.start(store, library.problem("paste-bin"), "staff", clock)
    clock.advance(200)
    session.set_answer("requirements", "notes so far")
    session.save_now()
    session.writer.close()
    app = make_app(tmp_path, store=store, library=library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert (
            text_of(app.screen.query_one("#resume-text", Static))
            == "Unfinished mock: Paste service (staff), in Requirements, 03:20 of 45:00 used."
        )
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, MockScreen)
        assert app.screen.session.total_elapsed() == 200
        assert app.screen.query_one("#editor-requirements").text == "notes so far"


async def test_discarding_the_unfinished_mock_keeps_it_in_history(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    store = Store(tmp_path / "mockint.db")
    session = MockSession.start(store, library.problem("paste-bin"), "senior", ManualClock())
    session.close()
    app = make_app(tmp_path, store=store, library=library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert store.get_session(session.id).status == "abandoned"
        assert not app.screen.query_one("#resume-card").display


async def test_pending_grades_are_retried_in_the_background(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    store = Store(tmp_path / "mockint.db")
    session = MockSession.start(store, library.problem("paste-bin"), "senior", ManualClock())
    session.set_answer(
        "requirements", "Users create a paste and share a link; pastes expire after 30 days."
    )
    session.submit()
    session.close()
    store.save_grade(
        session.id,
        GradeReport(
            status="pending",
            grader="llm:test-model",
            level=Level.SENIOR,
            pending_reason="endpoint down",
        ),
    )
    assert store.get_session(session.id).status == "pending"
    app = make_app(tmp_path, store=store, library=library, grader=None)
    app.grader = None
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.get_session(session.id).status == "graded"
        assert any("Finished 1 pending grade" in n.message for n in app._notifications)
        assert "pending" not in text_of(app.screen.query_one("#home-status", Static))


async def test_command_palette_lists_every_action(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in (
            "New mock",
            "Resume mock",
            "Framing drill",
            "Own-system practice",
            "History",
            "Review last mock",
        ):
            assert title in titles
        app.start_mock("paste-bin", practice=True)
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in (
            "Next phase",
            "Ask the interviewer",
            "Save now",
            "Finish and grade",
            "Pause or resume",
            "View Requirements",
        ):
            assert title in titles


async def test_picker_searches_filters_previews_and_starts_a_daily_phase(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        options = picker.query_one("#problem-list", OptionList)
        assert options.option_count == 1
        assert "Design a service where people paste text" in text_of(
            picker.query_one("#preview", Static)
        )
        assert "Budgets: Requirements 5m · Estimation 5m · Design 20m" in text_of(
            picker.query_one("#preview", Static)
        )

        picker.query_one("#search", Input).value = "video"
        await pilot.pause()
        assert options.option_count == 0
        picker.query_one("#search", Input).value = "paste"
        await pilot.pause()
        picker.query_one("#tag-filter", Select).value = "sharding"
        picker.query_one("#difficulty-filter", Select).value = "easy"
        await pilot.pause()
        assert options.option_count == 1

        picker.query_one("#level", Select).value = "principal"
        picker.query_one("#length", Select).value = "daily"
        await pilot.pause()
        picker.query_one("#daily-phase", Select).value = "scale"
        await pilot.pause()
        preview = text_of(picker.query_one("#preview", Static))
        assert "At principal: Talk about the platform" in preview
        assert "Scale only, 15 minutes" in preview
        await pilot.press("ctrl+s")
        await pilot.pause()
        mock = app.screen
        assert isinstance(mock, MockScreen)
        assert mock.session.budgets == {"scale": 900}
        assert mock.session.level.value == "principal"
        assert mock.session.options.practice


async def test_lazy_start_paints_home_then_loads(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    loaded = (
        Store(tmp_path / "lazy.db"),
        library,
        offline_settings(),
        ["1 content file skipped: run 'mockint validate' for details."],
    )
    app = MockintApp(None, None, None, loader=lambda: loaded)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_ready
        assert (
            text_of(app.screen.query_one("#home-status", Static)) == "1 problem · grader: offline"
        )
        assert any("content file skipped" in n.message for n in app._notifications)


async def test_bad_configuration_found_while_loading_exits_with_code_2(tmp_path: Path) -> None:
    def broken() -> tuple:
        raise ConfigError("config.toml: key 'grader': Input should be 'auto', 'llm' or 'offline'")

    app = MockintApp(None, None, None, loader=broken)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
