"""The Textual application: holds the store, library, settings and clock the screens share.

Start-up is kept to Textual itself: when built by the CLI the app paints the home screen first
and loads settings, content and the database on a thread right after, so the first frame costs
about what a bare Textual app costs. Tests pass everything in and the app is ready at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual.screen import Screen

    from mockint.config import Settings
    from mockint.content.loader import Library
    from mockint.grading.base import Grader
    from mockint.interview.clock import Clock
    from mockint.store.db import Store

    Loaded = tuple[Store, Library, Settings, list[str]]

BENCH_FIRST_FRAME_ENV = "MOCKINT_BENCH_FIRST_FRAME"
"""Set to 1, the app exits right after its first frame; set to `ready`, once the home screen has
its data (bench/bench_startup.py). Either way it runs headless."""


def light_terminal(env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """True when the terminal says it has a light background (COLORFGBG='fg;bg' with a light bg)."""
    value = env.get("COLORFGBG", "")
    bg = value.rsplit(";", 1)[-1] if value else ""
    return bg.isdigit() and int(bg) in (7, 15)


class MockintApp(App[None]):
    """mockint's TUI."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "mockint"
    SUB_TITLE = "system design mock interviews"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f2", "numbers", "Numbers", id="numbers", show=False),
    ]

    autosave_delay: float = 0.5
    """Seconds between the first unsaved keystroke and the background save (at most 1 s by design)."""
    tick_interval: float = 0.25
    """How often the mock screen reads the clock."""

    def __init__(
        self,
        store: Store | None,
        library: Library | None,
        settings: Settings | None,
        clock: Clock | None = None,
        start: str = "home",
        start_options: dict[str, Any] | None = None,
        *,
        loader: Callable[[], Loaded] | None = None,
        grader: Grader | None = None,
    ) -> None:
        super().__init__()
        from mockint.interview.clock import MonotonicClock

        self.store: Store = store  # type: ignore[assignment]
        self.library: Library = library  # type: ignore[assignment]
        self.settings: Settings = settings  # type: ignore[assignment]
        self.clock: Clock = clock or MonotonicClock()
        self.start = start
        self.start_options = start_options or {}
        self.grader = grader
        """A grader to use instead of the configured one (tests inject a fake)."""
        self._loader = loader
        self.is_ready = loader is None
        self._when_ready: list[Callable[[], object]] = []
        self.bench_first_frame = os.environ.get(BENCH_FIRST_FRAME_ENV) == "1"
        self.bench_ready = os.environ.get(BENCH_FIRST_FRAME_ENV) == "ready"

    # ------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        from mockint.tui.screens.home import HomeScreen

        if light_terminal():
            self.theme = "textual-light"
        self.push_screen(HomeScreen())
        if self.is_ready:
            self._became_ready([])
        elif not self.bench_first_frame:
            self.call_after_refresh(self._load_in_background)

    def _load_in_background(self) -> None:
        self.run_worker(self._load, thread=True, name="load", group="load", exit_on_error=False)

    def _load(self) -> None:
        from mockint.errors import MockintError

        assert self._loader is not None
        try:
            store, library, settings, notes = self._loader()
        except MockintError as exc:
            self.call_from_thread(self.exit, None, exc.exit_code, f"mockint: {exc.message}")
            return
        self.store, self.library, self.settings = store, library, settings
        self.call_from_thread(self._became_ready, notes)

    def _became_ready(self, notes: list[str]) -> None:
        self.is_ready = True
        for note in notes:
            self.notify(note, severity="warning", timeout=8)
        callbacks, self._when_ready = self._when_ready, []
        for callback in callbacks:
            callback()
        self._open_start_screen()

    def when_ready(self, callback: Callable[[], object]) -> None:
        """Run `callback` now if settings, content and the store are loaded, else once they are."""
        if self.is_ready:
            callback()
        else:
            self._when_ready.append(callback)

    def _open_start_screen(self) -> None:
        opts = self.start_options
        if self.start == "mock":
            if opts.get("problem"):
                self.start_mock(
                    opts["problem"], level=opts.get("level"), minutes=opts.get("minutes")
                )
            else:
                self.action_new_mock(level=opts.get("level"), minutes=opts.get("minutes"))
        elif self.start == "drill":
            self.action_drill()
        elif self.start == "practice":
            self.action_practice()

    async def action_quit(self) -> None:
        """Save any open mock before leaving; it is offered for resume next time."""
        for screen in self.screen_stack:
            close = getattr(screen, "close_session", None)
            if callable(close):
                try:
                    close()
                except Exception as exc:  # never block quitting; say what happened
                    self.report_error(exc, "Saving before quit")
        self.exit()

    # ------------------------------------------------------------ errors

    def report_error(self, error: BaseException | None, doing: str = "") -> None:
        """The one place a failure becomes a notification; the app keeps running."""
        from mockint.errors import MockintError

        if error is None:
            return
        if isinstance(error, MockintError):
            message = error.message
        else:
            message = f"{type(error).__name__}: {error}"
        title = f"{doing} failed" if doing else "Something went wrong"
        self.log.error(title, message)
        self.notify(message, title=title, severity="error", timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.report_error(event.worker.error, event.worker.name)

    # ------------------------------------------------------------ navigation

    def _optional_screen(self, module: str, name: str, what: str) -> type[Screen[Any]] | None:
        import importlib

        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            self.notify(f"{what} is not available in this build.", severity="warning")
            return None

    def action_new_mock(self, level: str | None = None, minutes: float | None = None) -> None:
        def open_picker() -> None:
            from mockint.tui.screens.picker import PickerScreen

            self.push_screen(PickerScreen(level=level, minutes=minutes))

        self.when_ready(open_picker)

    def action_drill(self) -> None:
        def open_drill() -> None:
            screen = self._optional_screen(
                "mockint.tui.screens.drill", "DrillScreen", "The framing drill"
            )
            if screen is not None:
                self.push_screen(screen())

        self.when_ready(open_drill)

    def action_practice(self) -> None:
        def open_practice() -> None:
            screen = self._optional_screen(
                "mockint.tui.screens.practice", "OwnSystemScreen", "Own-system practice"
            )
            if screen is not None:
                self.push_screen(screen())

        self.when_ready(open_practice)

    def action_numbers(self) -> None:
        """Show the estimation numbers sheet over whatever screen is open (a mock keeps running)."""
        from mockint.tui.screens.numbers import NumbersScreen

        if not isinstance(self.screen, NumbersScreen):
            self.when_ready(lambda: self.push_screen(NumbersScreen()))

    def action_history(self) -> None:
        def open_history() -> None:
            screen = self._optional_screen(
                "mockint.tui.screens.history", "HistoryScreen", "History"
            )
            if screen is not None:
                self.push_screen(screen())

        self.when_ready(open_history)

    def action_review_last(self) -> None:
        def open_last() -> None:
            done = [
                s
                for s in self.store.list_sessions(kind="mock", limit=50)
                if s.status in ("graded", "pending", "submitted")
            ]
            if not done:
                self.notify("No finished mock yet: start one with n.")
                return
            self.open_review(done[0].id)

        self.when_ready(open_last)

    def action_resume(self) -> None:
        def resume_latest() -> None:
            unfinished = self.store.list_sessions(kind="mock", status="active", limit=1)
            if not unfinished:
                self.notify("No unfinished mock to resume.")
                return
            self.resume_mock(unfinished[0].id)

        self.when_ready(resume_latest)

    def start_mock(
        self,
        problem_id: str,
        level: str | None = None,
        minutes: float | None = None,
        daily_phase: str | None = None,
        practice: bool = False,
    ) -> None:
        """Create a new mock session and open the mock screen on it."""
        from mockint.errors import MockintError
        from mockint.interview.session import MockSession
        from mockint.tui.screens.mock import MockScreen

        try:
            problem = self.library.problem(problem_id)
            session = MockSession.start(
                self.store,
                problem,
                level or self.settings.level,
                self.clock,
                settings=self.settings,
                minutes=minutes,
                daily_phase=daily_phase,
                practice=practice,
            )
        except MockintError as exc:
            self.report_error(exc, "Starting the mock")
            return
        self.push_screen(MockScreen(session))

    def resume_mock(self, session_id: str) -> None:
        """Reopen an unfinished mock with its text, exchanges and clock restored."""
        from mockint.errors import MockintError
        from mockint.interview.session import MockSession
        from mockint.tui.screens.mock import MockScreen

        try:
            session = MockSession.resume(self.store, self.library, session_id, self.clock)
        except MockintError as exc:
            self.report_error(exc, "Resuming the mock")
            return
        self.push_screen(MockScreen(session))
        self.notify("Resumed where you left off.", timeout=3)

    def open_review(self, session_id: str) -> None:
        from mockint.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(session_id))

    def grade(
        self,
        session_id: str,
        level: str | None = None,
        then: Callable[[str | None], object] | None = None,
    ) -> None:
        """Grade a submitted session in a cancellable modal; `then` receives 'graded', 'pending' or None."""
        from mockint.tui.screens.grading import GradingScreen

        self.push_screen(GradingScreen(session_id, level=level), callback=then)

    # ------------------------------------------------------------ command palette

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "New mock", "Pick a problem and start a timed mock interview", self.action_new_mock
        )
        yield SystemCommand(
            "Resume mock",
            "Continue the unfinished mock with its clock restored",
            self.action_resume,
        )
        yield SystemCommand("Framing drill", "Frame a problem in two minutes", self.action_drill)
        yield SystemCommand(
            "Own-system practice",
            "Today's 15-minute question about a system you built",
            self.action_practice,
        )
        yield SystemCommand(
            "History", "Past mocks and drills with their scores", self.action_history
        )
        yield SystemCommand(
            "Review last mock",
            "Scores, evidence and advice for the latest mock",
            self.action_review_last,
        )
        yield SystemCommand(
            "Numbers sheet (F2)",
            "Latencies, throughput, sizes and nines to cite in estimates",
            self.action_numbers,
        )
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            yield from extra()


class WorkerErrorsToApp:
    """Mixin for screens: a failed worker is reported by the app's single error handler."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            app = self.app  # type: ignore[attr-defined]
            if isinstance(app, MockintApp):
                app.report_error(event.worker.error, event.worker.name)
