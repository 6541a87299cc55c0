"""What the drill and own-system screens share: a prompt, a clock, an editor that autosaves, grading.

A subclass says which session kind and rubric section it writes, how long the clock runs, whether
the editor locks when time is up, and what to show above the editor and after the grade.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, ContentSwitcher, Footer, Header, Markdown, Static, TextArea
from textual.worker import Worker, WorkerState

from mockint.progress.drill import DrillTimer
from mockint.tui.widgets.clock import ClockLabel

if TYPE_CHECKING:
    from mockint.grading.report import GradeReport
    from mockint.store.records import SessionRecord

PROGRESS_CSS = Path(__file__).resolve().parent.parent / "progress.tcss"


class TimedAnswerScreen(Screen[None]):
    """A timed written answer that is saved as it is typed and graded on submit."""

    CSS_PATH = PROGRESS_CSS
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("ctrl+s", "submit", "Submit", id="submit", priority=True),
        Binding("escape", "leave", "Back", id="leave"),
    ]

    kind: ClassVar[str] = ""
    section: ClassVar[str] = ""
    lock_when_done: ClassVar[bool] = False
    warn_at: ClassVar[float] = 60.0
    placeholder: ClassVar[str] = ""

    def __init__(self, level: str | None = None) -> None:
        super().__init__()
        self.level = level
        self.session: SessionRecord | None = None
        self.timer: DrillTimer | None = None
        self.locked = False
        self.submitted = False
        self.report: GradeReport | None = None
        self._save_timer: Timer | None = None
        self._saved_text = ""
        self._latest_text = ""

    # ------------------------------------------------------------ hooks for subclasses

    @property
    def limit(self) -> float:
        raise NotImplementedError

    def compose_prompt(self) -> ComposeResult:
        """Widgets above the editor: the prompt or question."""
        raise NotImplementedError

    def create_session(self) -> SessionRecord:
        """Create and return the stored session this screen writes to."""
        raise NotImplementedError

    def metrics_text(self, text: str) -> str:
        """The line of live figures next to the clock."""
        return ""

    def before_grading(self, text: str) -> None:
        """Store anything the grader needs besides the answer (runs on a worker thread)."""

    def result_markdown(self, report: GradeReport) -> str:
        """What the result view says after grading."""
        from mockint.export import grade_markdown

        return grade_markdown(report)

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="answer-pane", id="timed-switcher"):
            with Vertical(id="answer-pane"):
                yield from self.compose_prompt()
                with Horizontal(id="answer-status"):
                    yield ClockLabel(self.limit, warn_at=self.warn_at, id="answer-clock")
                    yield Static("", id="answer-metrics")
                    yield Static("", id="answer-note")
                    yield Button(
                        "Submit (ctrl+s)", id="answer-submit", variant="primary", compact=True
                    )
                yield TextArea(
                    "",
                    soft_wrap=True,
                    tab_behavior="focus",
                    highlight_cursor_line=False,
                    placeholder=self.placeholder,
                    id="answer-editor",
                )
            with VerticalScroll(id="result-pane"):
                yield Static("Grading…", id="result-status")
                yield Markdown("", id="result-body")
                yield Button("Back (esc)", id="result-back")
        yield Footer()

    def can_start(self) -> bool:
        """False when the screen could not be built (it then only shows why)."""
        return True

    def on_mount(self) -> None:
        if not self.can_start():
            return
        app: Any = self.app
        self.level = self.level or str(app.settings.level)
        self.session = self.create_session()
        self.timer = DrillTimer(
            app.clock, limit=self.limit, grace=self.grace, cap=self.lock_when_done
        )
        self.query_one("#answer-editor", TextArea).focus()
        self.set_interval(float(getattr(app, "tick_interval", 0.25)), self.tick)
        self.tick()

    @property
    def grace(self) -> float:
        return 0.0

    @property
    def editor(self) -> TextArea:
        return self.query_one("#answer-editor", TextArea)

    # ------------------------------------------------------------ clock

    def tick(self) -> None:
        """Read the clock: update the countdown and the figures; lock the editor once time is up."""
        if self.timer is None or self.submitted:
            return
        self.query_one("#answer-clock", ClockLabel).remaining = self.timer.remaining()
        self.query_one("#answer-metrics", Static).update(self.metrics_text(self.editor.text))
        note = self.query_one("#answer-note", Static)
        if self.lock_when_done and self.timer.in_grace():
            note.update(
                f"Time! {self.timer.limit + self.timer.grace - self.timer.elapsed():.0f} s to finish your sentence."
            )
        if self.lock_when_done and not self.locked and self.timer.locked():
            self.lock_editor()

    def lock_editor(self) -> None:
        """Make the editor read-only, save, and submit what was written."""
        self.locked = True
        self.editor.read_only = True
        self.query_one("#answer-note", Static).update("Time is up: the editor is locked.")
        if self.editor.text.strip():
            self.action_submit()
        else:
            self.notify("Time is up and nothing was written. Press esc to go back.", timeout=6)

    # ------------------------------------------------------------ autosave

    @on(TextArea.Changed, "#answer-editor")
    def _changed(self) -> None:
        self._latest_text = self.editor.text
        if self._save_timer is None and not self.submitted:
            delay = float(getattr(self.app, "autosave_delay", 0.5))
            self._save_timer = self.set_timer(delay, self.flush)

    def flush(self) -> None:
        """Save the current text on a worker thread (called by the debounce timer)."""
        self._save_timer = None
        text = self.editor.text
        if self.session is None or text == self._saved_text:
            return
        self._saved_text = text
        self.run_worker(
            lambda: self._save(text),
            thread=True,
            group="autosave",
            name="Saving your answer",
            exit_on_error=False,
        )

    def _save(self, text: str) -> None:
        assert self.session is not None and self.timer is not None
        store = self.app.store  # type: ignore[attr-defined]
        store.save_answer(self.session.id, self.section, text)
        store.save_progress(self.session.id, self.timer.seconds_used(), self.section)

    # ------------------------------------------------------------ submit and grade

    @on(Button.Pressed, "#answer-submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#result-back")
    def _back_pressed(self) -> None:
        self.dismiss()

    def action_submit(self) -> None:
        if self.submitted or self.session is None or self.timer is None:
            return
        text = self.editor.text
        if not text.strip():
            self.notify("Write your answer first.", severity="warning", timeout=4)
            return
        self.submitted = True
        self.timer.stop()
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        self.editor.read_only = True
        self.query_one("#timed-switcher", ContentSwitcher).current = "result-pane"
        self.query_one("#result-status", Static).update("Grading…")
        self.run_worker(
            self._grade(text), group="grade", name="Grading", exclusive=True, exit_on_error=False
        )

    async def _grade(self, text: str) -> None:
        import asyncio

        from mockint.store.db import now_iso

        assert self.session is not None and self.timer is not None
        app: Any = self.app
        store = app.store
        sid = self.session.id
        seconds = self.timer.seconds_used()

        def store_answer() -> None:
            store.save_answer(sid, self.section, text)
            self.before_grading(text)
            store.update_session(
                sid, status="submitted", ended_at=now_iso(), elapsed_s=seconds, current_phase=None
            )

        await asyncio.to_thread(store_answer)
        from mockint.grading.service import grade_session

        report = await grade_session(
            store,
            app.library,
            app.settings,
            sid,
            level=self.level,
            grader=getattr(app, "grader", None),
        )
        self.show_result(report)

    def show_result(self, report: GradeReport) -> None:
        self.report = report
        status = self.query_one("#result-status", Static)
        if report.status == "graded":
            score = "–" if report.overall is None else f"{report.overall:.0f}/100"
            status.update(f"{score}  {report.verdict}")
        else:
            status.update(
                f"Grading did not finish: {report.pending_reason or 'unknown reason'}. Run 'mockint regrade {report.session.id if report.session else ''}' later."
            )
        self.query_one("#result-body", Markdown).update(self.result_markdown(report))
        self.query_one("#result-back", Button).focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        from mockint.errors import MockintError

        error = event.worker.error
        message = (
            error.message if isinstance(error, MockintError) else f"{type(error).__name__}: {error}"
        )
        if event.worker.group == "grade":
            self.query_one("#result-status", Static).update(
                f"Grading failed: {message}. Your answer is saved."
            )
            self.query_one("#result-back", Button).focus()
        self.notify(message, title=f"{event.worker.name} failed", severity="error", timeout=10)

    # ------------------------------------------------------------ leaving

    def action_leave(self) -> None:
        self.dismiss()

    def on_unmount(self) -> None:
        """Leaving before submitting: keep what was written as abandoned, or drop an empty session."""
        if self.session is None or self.submitted:
            return
        store = self.app.store  # type: ignore[attr-defined]
        text = self._latest_text
        try:
            if text.strip():
                store.save_answer(self.session.id, self.section, text)
                store.update_session(
                    self.session.id,
                    status="abandoned",
                    elapsed_s=self.timer.seconds_used() if self.timer else 0.0,
                )
            else:
                store.delete_session(self.session.id)
        except Exception:  # the app may be closing; the last autosave already holds the text
            pass
