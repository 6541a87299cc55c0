"""The problem picker: search and filter problems, preview one, choose level and length, start.

Lengths: the full mock (45 minutes by default, or 30/60, or the `--minutes` given), a 15-minute
daily mode on one phase, or today's own-system question.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from mockint.content.models import PHASES, Problem
from mockint.interview.budgets import DAILY_MINUTES, phase_budgets
from mockint.tui.app import WorkerErrorsToApp
from mockint.tui.widgets.phase_bar import budget_text

if TYPE_CHECKING:
    from mockint.tui.app import MockintApp

LEVELS = ("mid", "senior", "staff", "principal")
DIFFICULTIES = ("easy", "medium", "hard")


def matches(problem: Problem, query: str, tag: Any, difficulty: Any) -> bool:
    """True when the problem fits the search words (all of them) and the chosen filters."""
    if isinstance(tag, str) and tag not in problem.tags:
        return False
    if isinstance(difficulty, str) and problem.difficulty.value != difficulty:
        return False
    haystack = " ".join([problem.id, problem.title, problem.summary, *problem.tags]).lower()
    return all(word in haystack for word in query.lower().split())


class PickerScreen(WorkerErrorsToApp, Screen[None]):
    """Choose what to practise."""

    CSS_PATH = str(Path(__file__).with_name("picker.tcss"))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start", id="picker.start", priority=True),
        Binding("slash", "focus_search", "Search", id="picker.search"),
        Binding("escape", "back", "Back", id="picker.back"),
    ]

    def __init__(self, level: str | None = None, minutes: float | None = None) -> None:
        super().__init__()
        self.initial_level = level
        self.initial_minutes = minutes
        self._shown: list[Problem] = []

    @property
    def mockint(self) -> MockintApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        app = self.mockint
        problems = sorted(
            app.library.problems.values(),
            key=lambda p: (DIFFICULTIES.index(p.difficulty.value), p.title),
        )
        self._all = problems
        tags = sorted({t for p in problems for t in p.tags})
        level = self.initial_level or app.settings.level.value
        default_total = round(sum(phase_budgets(level, app.settings).values()) / 60)
        lengths: list[tuple[str, str]] = [(f"Length: {default_total} min", "default")]
        if self.initial_minutes and round(self.initial_minutes) != default_total:
            lengths.insert(
                0, (f"Length: {self.initial_minutes:g} min", f"{self.initial_minutes:g}")
            )
        lengths += [
            ("Length: 30 min", "30"),
            ("Length: 60 min", "60"),
            (f"Daily: one phase, {DAILY_MINUTES} min", "daily"),
            (f"Daily: own system, {DAILY_MINUTES} min", "own"),
        ]
        lengths = _unique(lengths)
        yield Header()
        with Horizontal(id="picker-body"):
            with Vertical(id="picker-left"):
                yield Input(placeholder="Search problems (/)", id="search")
                with Horizontal(id="filters"):
                    yield Select([(t, t) for t in tags], prompt="Any tag", id="tag-filter")
                    yield Select(
                        [(d, d) for d in DIFFICULTIES],
                        prompt="Any difficulty",
                        id="difficulty-filter",
                    )
                yield OptionList(id="problem-list")
            with Vertical(id="picker-right"):
                with VerticalScroll(id="preview-scroll"):
                    yield Static("", id="preview")
                with Horizontal(classes="picker-row"):
                    yield Select(
                        [(f"Level: {lv}", lv) for lv in LEVELS],
                        value=level,
                        allow_blank=False,
                        id="level",
                    )
                    yield Select(
                        [(label, value) for label, value in lengths],
                        value=lengths[0][1],
                        allow_blank=False,
                        id="length",
                    )
                with Horizontal(classes="picker-row"):
                    yield Select(
                        [(f"Phase: {p.title}", p.value) for p in PHASES],
                        value=PHASES[2].value,
                        allow_blank=False,
                        id="daily-phase",
                    )
                    yield Checkbox(
                        "Practice", id="practice", tooltip="Practice mode: the clock can be paused"
                    )
                    yield Button("Start (Ctrl+S)", variant="primary", id="start")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#daily-phase").display = False
        self._refilter()
        self.query_one("#problem-list", OptionList).focus()

    # ------------------------------------------------------------ filtering and preview

    def _refilter(self) -> None:
        query = self.query_one("#search", Input).value
        tag = self.query_one("#tag-filter", Select).value
        difficulty = self.query_one("#difficulty-filter", Select).value
        options = self.query_one("#problem-list", OptionList)
        previous = self._selected()
        self._shown = [p for p in self._all if matches(p, query, tag, difficulty)]
        options.clear_options()
        options.add_options(
            [
                Option(
                    Content.assemble((p.title, "bold"), (f"  {p.difficulty.value}", "$text-muted")),
                    id=p.id,
                )
                for p in self._shown
            ]
        )
        if self._shown:
            ids = [p.id for p in self._shown]
            options.highlighted = ids.index(previous.id) if previous and previous.id in ids else 0
        self._preview()

    def _selected(self) -> Problem | None:
        options = self.query_one("#problem-list", OptionList)
        index = options.highlighted
        if index is None or not 0 <= index < len(self._shown):
            return None
        return self._shown[index]

    def _preview(self) -> None:
        preview = self.query_one("#preview", Static)
        problem = self._selected()
        if problem is None:
            preview.update("No problem matches. Clear the search or the filters.")
            return
        level = str(self.query_one("#level", Select).value)
        length = str(self.query_one("#length", Select).value)
        parts: list[Content | str | tuple[str, str]] = [
            (problem.title, "bold"),
            (f"  {problem.difficulty.value} · {', '.join(problem.tags)}\n\n", "$text-muted"),
            Content(problem.prompt.strip()),
            "\n",
        ]
        notes = getattr(problem.level_notes, level, "")
        if notes:
            parts += ["\n", (f"At {level}: ", "bold"), Content(notes.strip()), "\n"]
        if length not in ("daily", "own"):
            minutes = None if length == "default" else float(length)
            budgets = phase_budgets(level, self.mockint.settings, minutes)
            split = " · ".join(f"{p.capitalize()} {budget_text(s)}" for p, s in budgets.items())
            parts += ["\n", ("Budgets: ", "bold"), split]
        elif length == "daily":
            phase = str(self.query_one("#daily-phase", Select).value)
            parts += [
                "\n",
                ("Daily: ", "bold"),
                f"{phase.capitalize()} only, {DAILY_MINUTES} minutes, pause allowed.",
            ]
        else:
            parts += [
                "\n",
                ("Own-system: ", "bold"),
                "today's question about a system you built, 15 minutes.",
            ]
        preview.update(Content.assemble(*parts))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self._refilter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.query_one("#problem-list", OptionList).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("tag-filter", "difficulty-filter"):
            self._refilter()
        else:
            if event.select.id == "length":
                self.query_one("#daily-phase").display = event.value == "daily"
            self._preview()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    # ------------------------------------------------------------ actions

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_start(self) -> None:
        app = self.mockint
        length = str(self.query_one("#length", Select).value)
        if length == "own":
            self.app.pop_screen()
            app.action_practice()
            return
        problem = self._selected()
        if problem is None:
            self.notify("Pick a problem first.", severity="warning")
            return
        level = str(self.query_one("#level", Select).value)
        practice = self.query_one("#practice", Checkbox).value
        daily = str(self.query_one("#daily-phase", Select).value) if length == "daily" else None
        minutes = None if length in ("daily", "own", "default") else float(length)
        self.app.pop_screen()
        app.start_mock(
            problem.id, level=level, minutes=minutes, daily_phase=daily, practice=practice
        )


def _unique(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for label, value in pairs:
        if value not in seen:
            seen.add(value)
            out.append((label, value))
    return out
