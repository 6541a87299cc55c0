"""The review screen: score and verdict, per-phase criteria with evidence in the transcript, pacing.

Evidence quotes are highlighted where they occur in the candidate's own words, so the report can
be checked against what was written. Regrading at another level and exporting to Markdown are one
key away.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from mockint.content.models import section_label
from mockint.tui.app import MockintApp, WorkerErrorsToApp
from mockint.tui.widgets.clock import format_clock

if TYPE_CHECKING:
    from mockint.grading.report import CriterionResult, GradeReport, PhaseResult
    from mockint.interview.transcript import PhaseTranscript, Transcript

EVIDENCE_STYLE = "reverse"
LEVEL_NAMES = ("mid", "senior", "staff", "principal")
BAR_WIDTH = 24


def quote_pattern(quote: str) -> re.Pattern[str] | None:
    """A pattern for a quote that tolerates differences in whitespace and case."""
    words = quote.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, quotes: list[str], style: str = EVIDENCE_STYLE) -> Content:
    """The text with every occurrence of every quote styled; the text itself is never parsed as markup."""
    content = Content(text)
    for quote in quotes:
        pattern = quote_pattern(quote)
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            content = content.stylize(style, match.start(), match.end())
    return content


def score_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar for 0..1 (clipped), in eighths of a cell."""
    fraction = max(0.0, min(1.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part] if part else ""
    return ("█" * full + partial).ljust(width)


def transcript_content(phase: PhaseTranscript, quotes: list[str]) -> Content:
    """A phase as written: the answer, then each exchange, with evidence highlighted."""
    parts: list[Content | str | tuple[str, str]] = [("Your answer\n", "bold")]
    answer = phase.answer.strip()
    parts.append(
        highlight(answer, quotes)
        if answer
        else Content.styled("(nothing written)", "italic $text-muted")
    )
    for ex in phase.exchanges:
        parts.append("\n\n")
        if ex.asked_by == "candidate":
            parts += [("You asked: ", "bold $text-primary"), highlight(ex.question, quotes), "\n"]
            parts += [("Interviewer: ", "bold $text-accent"), Content(ex.reply)]
        else:
            parts += [
                (f"Interviewer ({ex.kind}): ", "bold $text-accent"),
                Content(ex.question),
                "\n",
            ]
            reply = ex.reply.strip()
            parts += [("You replied: ", "bold $text-primary")]
            parts.append(
                highlight(reply, quotes)
                if reply
                else Content.styled("(no reply)", "italic $text-muted")
            )
    return Content.assemble(*parts)


def criteria_content(result: PhaseResult) -> Content:
    """Each criterion: score against what the level expects, the evidence, what was missing, advice."""
    parts: list[Content | str | tuple[str, str]] = []
    head = f"{section_label(result.phase)}: {score_text(result.score)}/100"
    if result.status != "graded":
        head += f" ({result.status})"
    parts += [(head, "bold"), "\n"]
    if result.summary:
        parts += [Content(result.summary), "\n"]
    for c in result.criteria:
        parts += ["\n", *criterion_parts(c)]
    return Content.assemble(*parts)


def criterion_parts(c: CriterionResult) -> list[Content | str | tuple[str, str]]:
    score = f"{c.score}/4" if c.score is not None else "not graded"
    expected = f" · expected {c.expected}" if c.expected is not None else ""
    below = c.score is not None and c.expected is not None and c.score < c.expected
    parts: list[Content | str | tuple[str, str]] = [
        (f"{c.name or c.id}", "bold"),
        (f"  {score}{expected}", "$text-error" if below else "$text-success"),
        "\n",
    ]
    for quote in c.evidence:
        parts += [("  “", "$text-muted"), (quote, EVIDENCE_STYLE), ("”", "$text-muted"), "\n"]
    if c.missing:
        parts += [("  Missing: ", "$text-warning"), Content(c.missing), "\n"]
    if c.advice:
        parts += [("  Advice: ", "$text-accent"), Content(c.advice), "\n"]
    for flag in c.flags:
        parts += [("  Note: ", "$text-muted"), Content(flag), "\n"]
    return parts


def pacing_content(transcript: Transcript) -> Content:
    """Time spent against each phase's budget, as bars; overruns in the error colour."""
    rows = [p for p in transcript.phases if p.budget_seconds]
    if not rows:
        return Content("No timing was recorded for this session.")
    scale = (
        max(max((p.seconds_used or 0.0) for p in rows), max(p.budget_seconds or 0.0 for p in rows))
        or 1.0
    )
    parts: list[Content | str | tuple[str, str]] = [("Time used against each budget\n\n", "bold")]
    total_used = total_budget = 0.0
    for p in rows:
        used = p.seconds_used or 0.0
        budget = p.budget_seconds or 0.0
        total_used += used
        total_budget += budget
        over = used - budget
        style = "$text-error" if over > 0 else "$text-success"
        delta = f"+{format_clock(over)} over" if over > 0 else f"{format_clock(-over)} spare"
        parts += [
            f"{section_label(p.phase):<13}",
            (bar(used / scale), style),
            f"  {format_clock(used)} / {format_clock(budget)}  ",
            (delta, style),
            "\n",
        ]
    parts += [
        "\n",
        ("Total        ", "bold"),
        f"{format_clock(total_used)} / {format_clock(total_budget)}",
    ]
    return Content.assemble(*parts)


def summary_content(report: GradeReport | None, transcript: Transcript) -> Content:
    """Per-phase scores, the criteria furthest below the level, and the grader's notes."""
    if report is None:
        return Content.assemble(
            ("Not graded yet.", "bold"),
            "\n\nPress g to grade this mock. Nothing was lost: every answer is saved.",
        )
    from mockint.grading.scoring import weakest

    parts: list[Content | str | tuple[str, str]] = [
        ("Scores by phase".ljust(33), "bold"),
        ("score   time used / budget\n\n", "$text-muted"),
    ]
    for result in report.phases:
        if result.phase == "overall":
            continue
        value = result.score
        timing = transcript.get(result.phase)
        used, budget = timing.seconds_used, timing.budget_seconds
        over = used is not None and budget is not None and used > budget
        parts += [
            f"{section_label(result.phase):<13}",
            (bar((value or 0) / 100, 20), "$text-accent"),
            f"  {score_text(value):>3}   ",
            (
                f"{format_clock(used or 0)} / {format_clock(budget or 0)}" if budget else "",
                "$text-error" if over else "",
            ),
            "\n" if result.status == "graded" else f"  ({result.status})\n",
        ]
    overall = report.phase("overall")
    if overall is not None and overall.criteria:
        parts += ["\n", ("Across the interview\n", "bold")]
        for c in overall.criteria:
            parts += criterion_parts(c)
    everything = [c for p in report.phases for c in p.criteria]
    weak = weakest(everything, 3)
    if weak:
        parts += ["\n", ("What to work on\n", "bold")]
        for c in weak:
            parts += [
                ("• ", "$text-warning"),
                (c.name or c.id, "bold"),
                f" ({c.score}/4, expected {c.expected})\n",
            ]
            if c.missing:
                parts += ["  ", Content(c.missing), "\n"]
            if c.advice:
                parts += [("  Advice: ", "$text-accent"), Content(c.advice), "\n"]
    notes = [*report.notes, *report.injection_flags]
    if report.pending_reason:
        notes.insert(0, f"Pending: {report.pending_reason}")
    if notes:
        parts += ["\n", ("Notes\n", "bold")]
        for note in notes:
            parts += ["• ", Content(note), "\n"]
    if transcript.word_count() == 0:
        parts += ["\n", ("Nothing was written in this mock.", "italic $text-muted")]
    return Content.assemble(*parts)


class LevelScreen(ModalScreen[str | None]):
    """Pick the level to regrade at."""

    CSS_PATH = str(Path(__file__).with_name("dialogs.tcss"))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel", id="level.cancel")
    ]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="level-box", classes="dialog"):
            yield Static("Regrade at which level?")
            yield OptionList(
                *[
                    Option(f"{name}{'  (current)' if name == self.current else ''}", id=name)
                    for name in LEVEL_NAMES
                ],
                id="level-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = LEVEL_NAMES.index(self.current) if self.current in LEVEL_NAMES else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ReviewScreen(WorkerErrorsToApp, Screen[None]):
    """One session's grade, evidence, pacing; regrade and export."""

    CSS_PATH = str(Path(__file__).with_name("review.tcss"))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "regrade", "Regrade", id="review.regrade"),
        Binding("e", "export", "Export", id="review.export"),
        Binding("escape,b", "back", "Back", id="review.back"),
    ]

    def __init__(self, session_id: str, grade_on_open: bool = False) -> None:
        super().__init__()
        self.session_id = session_id
        self.grade_on_open = grade_on_open

    def on_mount(self) -> None:
        self._show()
        if self.grade_on_open:
            self.grade_on_open = False
            # After the first refresh: the screen switch that opened this screen must finish first.
            self.call_after_refresh(self.mockint.grade, self.session_id, None, self._graded)

    @property
    def mockint(self) -> MockintApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        self._load()
        yield Header()
        yield Static("", id="review-head")
        with TabbedContent(id="review-tabs"):
            with TabPane("Summary", id="tab-summary"), VerticalScroll():
                yield Static("", id="summary")
            for phase in self.transcript.phases:
                with TabPane(section_label(phase.phase), id=f"tab-{phase.phase}"), VerticalScroll():
                    yield Static("", id=f"criteria-{phase.phase}", classes="criteria")
                    yield Static("", id=f"transcript-{phase.phase}", classes="transcript")
            with TabPane("Pacing", id="tab-pacing"), VerticalScroll():
                yield Static("", id="pacing")
        yield Footer()

    def _load(self) -> None:
        store = self.mockint.store
        self.record = store.get_session(self.session_id)
        self.report = store.latest_grade(self.record.id)
        self.transcript = store.transcript(self.record.id)

    def _show(self) -> None:
        """Fill every part of the screen from the loaded record, report and transcript."""
        self.query_one("#review-head", Static).update(self._head())
        self.query_one("#summary", Static).update(summary_content(self.report, self.transcript))
        for phase in self.transcript.phases:
            result = self.report.phase(phase.phase) if self.report else None
            quotes = [q for c in result.criteria for q in c.evidence] if result else []
            criteria = self.query_one(f"#criteria-{phase.phase}", Static)
            criteria.update(criteria_content(result) if result is not None else "")
            criteria.display = result is not None
            self.query_one(f"#transcript-{phase.phase}", Static).update(
                transcript_content(phase, quotes)
            )
        self.query_one("#pacing", Static).update(pacing_content(self.transcript))

    def _head(self) -> Content:
        record, report = self.record, self.report
        title = record.title or record.problem_id or record.kind
        if report is None:
            status = "not graded yet: press g to grade"
            return Content.assemble(
                (title, "bold"), f" · {record.level} · ", (status, "$text-warning")
            )
        level = report.level.value
        if report.status == "pending":
            return Content.assemble(
                (title, "bold"),
                f" · {level} · {report.grader}\n",
                ("Grade pending: ", "bold $text-warning"),
                Content(
                    report.pending_reason
                    or "the grader did not finish; it is retried when you open mockint"
                ),
            )
        return Content.assemble(
            (title, "bold"),
            f" · {level} · {report.grader}\n",
            (f"{score_text(report.overall)}/100", "bold $text-accent"),
            "  ",
            Content(report.verdict),
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_regrade(self) -> None:
        current = self.report.level.value if self.report else self.record.level

        def chosen(level: str | None) -> None:
            if level:
                self.mockint.grade(self.session_id, level=level, then=self._graded)

        self.app.push_screen(LevelScreen(current), callback=chosen)

    def _graded(self, status: str | None) -> None:
        """Redraw with the newest report (or the 'not graded yet' state after a cancel)."""
        if self.is_attached:
            self._load()
            self._show()

    def action_export(self) -> None:
        from mockint.config import Paths

        try:
            from mockint.export import export_markdown
        except ImportError:
            self.notify("Export is not available in this build.", severity="warning")
            return
        text = export_markdown(self.mockint.store, self.mockint.library, self.session_id)
        folder = Paths.resolve().data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"mockint-{self.session_id}.md"
        path.write_text(text, encoding="utf-8")
        self.notify(f"Exported to {path}", title="Export", timeout=8)
