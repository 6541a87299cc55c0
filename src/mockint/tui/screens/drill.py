"""The 2-minute framing drill: a prompt, a countdown, an editor that locks after a short grace."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Static

from mockint.progress.drill import (
    DRILL_SECONDS,
    GRACE_SECONDS,
    DrillPrompt,
    choose_prompt,
    drill_metrics,
)
from mockint.tui.screens.timed_answer import TimedAnswerScreen

if TYPE_CHECKING:
    from mockint.grading.report import GradeReport
    from mockint.store.records import SessionRecord

STEPS = "Define → Decompose → Design → Discuss tradeoffs → Deliver"


class DrillScreen(TimedAnswerScreen):
    """Frame a problem in two minutes; graded against the framing rubric, with typed metrics."""

    kind: ClassVar[str] = "drill"
    section: ClassVar[str] = "framing"
    lock_when_done: ClassVar[bool] = True
    warn_at: ClassVar[float] = 30.0
    placeholder: ClassVar[str] = f"Two minutes, spoken length (about 200-300 words). {STEPS}."

    def __init__(
        self, prompt_id: str | None = None, problem_id: str | None = None, level: str | None = None
    ) -> None:
        super().__init__(level=level)
        self.prompt_id = prompt_id
        self.problem_id = problem_id
        self.prompt: DrillPrompt | None = None

    @property
    def limit(self) -> float:
        return DRILL_SECONDS

    @property
    def grace(self) -> float:
        return GRACE_SECONDS

    def _resolve_prompt(self) -> DrillPrompt:
        from mockint.errors import MockintError
        from mockint.progress.drill import DEFAULT_PROMPT

        app: Any = self.app
        if (
            self.prompt_id is None
            and self.problem_id is None
            and getattr(app, "start", None) == "drill"
        ):
            options = getattr(app, "start_options", {}) or {}
            self.prompt_id, self.problem_id = options.get("prompt"), options.get("problem")
            self.level = self.level or options.get("level")
        try:
            return choose_prompt(app.library, self.prompt_id, self.problem_id)
        except MockintError as exc:
            self.notify(exc.message, severity="warning", timeout=6)
            return DrillPrompt(text=DEFAULT_PROMPT)

    def compose_prompt(self) -> ComposeResult:
        self.prompt = self._resolve_prompt()
        yield Static("Framing drill · 2 minutes", classes="timed-title")
        yield Static(self.prompt.text, id="drill-prompt", classes="timed-prompt")
        yield Static(STEPS, classes="timed-hint")

    def create_session(self) -> SessionRecord:
        assert self.prompt is not None
        app: Any = self.app
        title = self.prompt.text.splitlines()[0][:80]
        return app.store.create_session(
            "drill",
            self.level,
            problem_id=self.prompt.problem,
            title=title,
            budgets={self.section: DRILL_SECONDS},
            options={"prompt_id": self.prompt.id},
        )

    def metrics_text(self, text: str) -> str:
        assert self.timer is not None
        m = drill_metrics(text, self.timer.elapsed())
        hedges = ""
        if m.hedges:
            common = ", ".join(h for h, _ in Counter(m.hedges).most_common(3))
            hedges = f" ({common})"
        return f"{m.words} words · {m.wpm:.0f} wpm · {m.hedge_count} hedge{'s' if m.hedge_count != 1 else ''}{hedges}"

    def before_grading(self, text: str) -> None:
        assert self.session is not None and self.timer is not None and self.prompt is not None
        m = drill_metrics(text, self.timer.seconds_used())
        self.app.store.save_drill(  # type: ignore[attr-defined]
            self.session.id,
            self.prompt.text,
            DRILL_SECONDS,
            seconds_used=m.seconds_used,
            words=m.words,
            wpm=m.wpm,
            hedges=m.hedge_count,
        )

    def result_markdown(self, report: GradeReport) -> str:
        from mockint.export import clock_text, grade_markdown
        from mockint.progress.history import drill_trend

        assert self.timer is not None
        m = drill_metrics(self.editor.text, self.timer.seconds_used())
        hedges = ", ".join(f"{h} ×{n}" for h, n in Counter(m.hedges).most_common()) or "none"
        lines = [
            "## Your delivery",
            "",
            f"- Words: {m.words}",
            f"- Words per minute: {m.wpm:.0f}",
            f"- Time used: {clock_text(m.seconds_used)} of {clock_text(DRILL_SECONDS)}",
            f"- Hedging words: {hedges}",
            "",
        ]
        recent = [p.overall for p in drill_trend(self.app.store, last=8) if p.overall is not None]  # type: ignore[attr-defined]
        if len(recent) > 1:
            lines += [f"Recent drills: {' → '.join(f'{v:.0f}' for v in recent)}", ""]
        return "\n".join(lines) + "\n" + grade_markdown(report, "Framing rubric")
