"""Daily own-system practice: today's question about a system you built, on a 15-minute clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Static

from mockint.tui.screens.timed_answer import TimedAnswerScreen

if TYPE_CHECKING:
    from mockint.grading.report import GradeReport
    from mockint.progress.practice import TodaysQuestion
    from mockint.store.records import SessionRecord


class OwnSystemScreen(TimedAnswerScreen):
    """One of the seven own-system questions, one a day; graded, with the daily streak."""

    kind: ClassVar[str] = "own-system"
    section: ClassVar[str] = "answer"
    lock_when_done: ClassVar[bool] = False
    warn_at: ClassVar[float] = 120.0
    placeholder: ClassVar[str] = (
        "Plain bullet points about your own system: concrete names, reasons, failures, limits."
    )

    def __init__(self, day: int | None = None, level: str | None = None) -> None:
        super().__init__(level=level)
        self.day = day
        self.today: TodaysQuestion | None = None
        self.problem: str | None = None

    @property
    def limit(self) -> float:
        return float(self.today.question.minutes * 60) if self.today else 900.0

    def _choose(self) -> TodaysQuestion:
        from mockint.progress.practice import todays_question

        app: Any = self.app
        if self.day is None and getattr(app, "start", None) == "practice":
            options = getattr(app, "start_options", {}) or {}
            self.day = options.get("day")
            self.level = self.level or options.get("level")
        return todays_question(app.store, app.library, day=self.day)

    def compose(self) -> ComposeResult:
        from textual.widgets import Footer, Header

        from mockint.errors import MockintError

        try:
            self.today = self._choose()
        except MockintError as exc:
            self.problem = exc.message
            yield Header()
            yield Static(
                f"Own-system practice is not available: {exc.message}", id="practice-problem"
            )
            yield Footer()
            return
        yield from super().compose()

    def can_start(self) -> bool:
        if self.problem is not None:
            self.notify(self.problem, severity="error", timeout=8)
            return False
        return True

    def compose_prompt(self) -> ComposeResult:
        assert self.today is not None
        q = self.today.question
        yield Static(f"Own-system practice · day {q.day} of 7 · {q.title}", classes="timed-title")
        yield Static(q.question, id="practice-question", classes="timed-prompt")
        yield Static("Cover: " + " · ".join(q.cover), classes="timed-hint")
        yield Static(self._streak_text(), id="practice-streak", classes="timed-hint")

    def _streak_text(self) -> str:
        assert self.today is not None
        days = self.today.streak
        text = f"Streak: {days} day{'s' if days != 1 else ''}"
        if self.today.answered_today:
            text += " · today's question is done; this one is extra practice"
        return text

    def create_session(self) -> SessionRecord:
        assert self.today is not None
        q = self.today.question
        return self.app.store.create_session(  # type: ignore[attr-defined]
            "own-system",
            self.level,
            title=q.title,
            budgets={self.section: self.limit},
            options={"question": q.id, "day": q.day},
        )

    def metrics_text(self, text: str) -> str:
        from mockint.progress.drill import count_words

        return f"{count_words(text)} words"

    def result_markdown(self, report: GradeReport) -> str:
        from mockint.export import grade_markdown
        from mockint.progress.history import practice_days, streak

        days = streak(practice_days(self.app.store, "own-system"))  # type: ignore[attr-defined]
        lines = [f"## Streak: {days} day{'s' if days != 1 else ''}", ""]
        if self.today is not None:
            lines += (
                ["A good answer covers:", ""] + [f"- {c}" for c in self.today.question.cover] + [""]
            )
        return "\n".join(lines) + "\n" + grade_markdown(report, "Own-system rubric")
