"""The grading modal: grades a submitted session in a worker, shows progress per phase, can be cancelled.

It dismisses with the report's status ('graded' or 'pending'), or None when cancelled; the session
was saved before grading started, so cancelling loses nothing and it can be graded later.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.worker import Worker

from mockint.content.models import section_label
from mockint.tui.app import MockintApp, WorkerErrorsToApp

if TYPE_CHECKING:
    from mockint.grading.base import ProgressCallback
    from mockint.grading.report import GradeReport

STATE_MARKS = {
    "waiting": ("○", "waiting"),
    "started": ("◐", "grading…"),
    "retrying": ("◑", "retrying…"),
    "done": ("✓", "done"),
    "failed": ("✗", "failed"),
}


async def grade_now(
    app: MockintApp, session_id: str, level: str | None, progress: ProgressCallback
) -> GradeReport:
    """Grade through the grading service, with the app's injected grader if it has one."""
    from mockint.grading.service import grade_session

    return await grade_session(
        app.store,
        app.library,
        app.settings,
        session_id,
        level=level,
        grader=app.grader,
        progress=progress,
    )


class GradingScreen(WorkerErrorsToApp, ModalScreen[str | None]):
    """Progress per phase while a session is graded."""

    CSS_PATH = str(Path(__file__).with_name("dialogs.tcss"))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel grading", id="grading.cancel")
    ]

    class Progress(Message):
        """A section's grading state changed (posted from wherever the grader runs)."""

        def __init__(self, section: str, state: str) -> None:
            super().__init__()
            self.section = section
            self.state = state

    def __init__(self, session_id: str, level: str | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.level = level
        self._worker: Worker[None] | None = None

    @property
    def mockint(self) -> MockintApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        app = self.mockint
        record = app.store.get_session(self.session_id)
        level = self.level or record.level
        grader = (
            "offline"
            if app.grader is None and app.settings.effective_grader() == "offline"
            else (app.grader.name if app.grader is not None else f"llm:{app.settings.model}")
        )
        with Vertical(id="grading-box", classes="dialog"):
            yield Static(
                f"Grading {record.title or record.problem_id or 'the session'} at {level}",
                id="grading-title",
            )
            yield Static(f"grader: {grader}", id="grading-grader")
            with Vertical(id="grading-rows"):
                for section in [*record.budgets, "overall"]:
                    yield Static(
                        self._row(section, "waiting"), id=f"grade-{section}", classes="grade-row"
                    )
            yield Static("", id="grading-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="grading-cancel")

    @staticmethod
    def _row(section: str, state: str) -> str:
        mark, word = STATE_MARKS.get(state, ("·", state))
        return f"{mark} {section_label(section):<14} {word}"

    def on_mount(self) -> None:
        self._worker = self.run_worker(
            self._grade(), name="Grading", group="grading", exclusive=True, exit_on_error=False
        )

    def _progress(self, section: str, state: str) -> None:
        self.post_message(self.Progress(section, state))

    def on_grading_screen_progress(self, message: GradingScreen.Progress) -> None:
        rows = self.query(f"#grade-{message.section}")
        if rows:
            rows.first(Static).update(self._row(message.section, message.state))
        else:
            self.query_one("#grading-rows").mount(
                Static(
                    self._row(message.section, message.state),
                    id=f"grade-{message.section}",
                    classes="grade-row",
                )
            )

    async def _grade(self) -> None:
        try:
            report = await grade_now(self.mockint, self.session_id, self.level, self._progress)
        except Exception:
            self.dismiss(None)
            raise
        if report.status == "pending":
            self.notify(
                f"Grading did not finish ({report.pending_reason or 'the grader was unavailable'}). "
                "Your mock is saved and will be graded when the grader is back.",
                title="Grade pending",
                severity="warning",
                timeout=10,
            )
        self.dismiss(report.status)

    def action_cancel(self) -> None:
        if self._worker is not None and self._worker.is_running:
            self._worker.cancel()
        self.notify(
            "Grading cancelled. Your mock is saved; grade it from its review (g).", timeout=6
        )
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "grading-cancel":
            self.action_cancel()
