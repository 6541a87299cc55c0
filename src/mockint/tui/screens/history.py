"""History: every mock, drill and own-system answer, a page at a time, with trends and weak spots.

The first page and the trends are read as the screen mounts, so the first frame already has
both: the page is an indexed LIMIT query and the trends look at the last 30 graded sessions
(together under 10 ms at 10,000 sessions, and they do not grow with history). What does grow,
further pages and the days-practised count (a scan of every session), runs on worker threads.
The widget count is kept low on purpose: Textual's cost to draw a screen grows with it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Input, Markdown, Sparkline, Static
from textual.worker import Worker, WorkerState

from mockint.progress.history import (
    DrillPoint,
    PracticeSummary,
    Trends,
    Weakness,
    drill_trend,
    practice_summary,
    trends,
    weakest_dimensions,
)
from mockint.progress.listing import KINDS, HistoryFilter, HistoryPage, history_page
from mockint.tui.screens.timed_answer import PROGRESS_CSS

PAGE_SIZE = 50
LOAD_MORE_WITHIN = 10
"""Load the next page when the cursor comes this close to the last loaded row."""
TREND_SESSIONS = 30
COLUMNS = ("Date", "Kind", "Problem", "Level", "Grader", "Score", "Status")
"""The session id is each row's key (Enter opens it) and shows in the detail view."""
LEVEL_CYCLE: tuple[str | None, ...] = (None, "mid", "senior", "staff", "principal")
STATUS_CYCLE: tuple[str | None, ...] = (
    None,
    "graded",
    "pending",
    "submitted",
    "active",
    "abandoned",
)
KIND_CYCLE: tuple[str | None, ...] = (None, *KINDS)
SPARK_BARS = "▁▂▃▄▅▆▇█"


class TrendPanelData(BaseModel):
    """What the trends panel shows: bounded queries over the last graded sessions of one kind."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind: str
    trends: Trends
    weakest: list[Weakness]
    drills: list[DrillPoint] = []


def trend_panel_data(store: Any, library: Any, kind: str) -> TrendPanelData:
    """Trends, weakest dimensions and (for drills) delivery figures for one kind of session."""
    return TrendPanelData(
        kind=kind,
        trends=trends(store, kind, last=TREND_SESSIONS, library=library),
        weakest=weakest_dimensions(store, kind, last=10, n=5, library=library),
        drills=drill_trend(store, last=TREND_SESSIONS) if kind == "drill" else [],
    )


def _when(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp[:16]


def history_row(entry: Any) -> tuple[Text, ...]:
    """One table row for a history entry, as plain Text (titles are never parsed as markup)."""
    score = "–" if entry.overall is None else f"{entry.overall:.0f}"
    cells = (
        _when(entry.started_at),
        entry.kind,
        entry.problem or (entry.title or "–")[:32],
        entry.level,
        entry.grader or "–",
        score,
        entry.status,
    )
    return tuple(Text(c) for c in cells)


def text_sparkline(values: list[float], low: float, high: float) -> str:
    """A one-line sparkline in block characters, for lists too long to give each its own widget."""
    if not values:
        return ""
    span = (high - low) or 1.0
    top = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[max(0, min(top, round((v - low) / span * top)))] for v in values)


def criteria_table(criteria: list[Any], width: int = 19) -> Text:
    """Every criterion's scores over time, one line each: label, block sparkline, latest score."""
    lines = Text()
    for c in criteria:
        values = [float(v) for v in c.values]
        last = f"{values[-1]:.0f}" if values else "–"
        lines.append(f"{c.label[:width]:<{width}} ", style="dim")
        lines.append(f"{text_sparkline(values[-12:], 1.0, 4.0):<12}")
        lines.append(f" {last}\n")
    lines.rstrip()
    return lines


class TrendChart(Horizontal):
    """Rows of (label, Sparkline, latest value): labels and values are one widget each, to stay light."""

    def __init__(self, rows: list[tuple[str, list[float]]], **kwargs: Any) -> None:
        super().__init__(classes="trend-chart", **kwargs)
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Static("\n".join(label[:19] for label, _ in self.rows), classes="trend-label")
        with Vertical(classes="trend-lines"):
            for _, values in self.rows:
                yield Sparkline(values or [0.0], summary_function=max)
        yield Static(
            "\n".join(f"{values[-1]:.0f}" if values else "–" for _, values in self.rows),
            classes="trend-last",
        )

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.rows]

    def values(self, label: str) -> list[float]:
        return next(v for name, v in self.rows if name == label)


def _next(cycle: tuple[str | None, ...], current: str | None) -> str | None:
    return cycle[(cycle.index(current) + 1) % len(cycle)] if current in cycle else cycle[0]


class HistoryScreen(Screen[None]):
    """Past sessions, newest first, with filters and a trends panel."""

    CSS_PATH = PROGRESS_CSS
    AUTO_FOCUS = "#history-table"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "leave", "Back", id="history-back"),
        Binding("k", "cycle_kind", "Kind", id="history-kind"),
        Binding("l", "cycle_level", "Level", id="history-level"),
        Binding("s", "cycle_status", "Status", id="history-status-filter"),
        Binding("slash", "focus_problem", "Problem", id="history-problem-filter"),
        Binding("c", "clear_filters", "Clear", id="history-clear"),
        Binding("r", "reload", "Refresh", id="history-refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = HistoryFilter()
        self.loaded = 0
        self.total = 0
        self.fetching = False
        self.generation = 0
        self.trend_data: TrendPanelData | None = None
        self.summary: PracticeSummary | None = None
        self._pending_page: HistoryPage | None = None

    def compose(self) -> ComposeResult:
        # Everything the first frame shows is read here, so it is laid out and drawn once.
        app: Any = self.app
        self.generation += 1
        first_page = history_page(app.store, self.filters, limit=PAGE_SIZE)
        data = trend_panel_data(app.store, app.library, self.filters.kind or "mock")
        table: DataTable[Text] = DataTable(
            id="history-table", cursor_type="row", zebra_stripes=True
        )
        for name in COLUMNS:
            table.add_column(name, key=name.lower())
        yield Header()
        with Horizontal(id="history-filters"):
            yield Static(self._filter_text(), id="history-filter-bar")
            yield Input(placeholder="problem id, Enter", id="history-problem")
        with Horizontal(id="history-body"):
            with Vertical(id="history-list"):
                yield table
                yield Static("", id="history-status")
            with VerticalScroll(id="history-trends"):
                yield Static("Days practised: …", id="history-days")
                yield from self._trend_widgets(data, charts=False)
        yield Footer()
        self._pending_page = first_page
        self.trend_data = data

    def on_mount(self) -> None:
        self._show_page(self.generation, self._pending_page)
        self._load_summary()
        if self.trend_data is not None:
            self.call_after_refresh(self._add_charts, self.generation, self.trend_data)

    async def _add_charts(self, generation: int, data: TrendPanelData) -> None:
        """Mount the sparklines after the first frame: they are the costliest part to draw."""
        if generation != self.generation or not data.trends.sessions:
            return
        panel = self.query_one("#history-trends", VerticalScroll)
        await panel.mount_all(self._parts([self._chart(data)]), after="#history-last")
        await panel.mount_all(self._parts(self._criteria(data)))

    # ------------------------------------------------------------ loading

    async def reload(self) -> None:
        """Start again from the first page with the current filters, and redraw the trends."""
        self.generation += 1
        self.loaded = 0
        self.total = 0
        self.query_one("#history-table", DataTable).clear()
        self.query_one("#history-filter-bar", Static).update(self._filter_text())
        app: Any = self.app
        self._show_page(self.generation, history_page(app.store, self.filters, limit=PAGE_SIZE))
        await self._show_trends(
            trend_panel_data(app.store, app.library, self.filters.kind or "mock")
        )

    @work(thread=True, group="history-page", name="Loading more history", exit_on_error=False)
    def _load_page(self, generation: int, filters: HistoryFilter, offset: int) -> None:
        app: Any = self.app
        page = history_page(app.store, filters, limit=PAGE_SIZE, offset=offset)
        app.call_from_thread(self._show_page, generation, page)

    @work(thread=True, group="history-summary", name="Counting practice days", exit_on_error=False)
    def _load_summary(self) -> None:
        app: Any = self.app
        summary = practice_summary(app.store)
        app.call_from_thread(self._show_summary, summary)

    def _show_summary(self, summary: PracticeSummary) -> None:
        self.summary = summary
        self.query_one("#history-days", Static).update(
            f"Days practised: {summary.days_practised} · streak {summary.practice_streak} · "
            f"own-system streak {summary.own_system_streak}"
        )

    def _show_page(self, generation: int, page: HistoryPage | None) -> None:
        if page is None or generation != self.generation:
            return
        table = self.query_one("#history-table", DataTable)
        for entry in page.entries:
            table.add_row(*history_row(entry), key=entry.session)
        self.loaded += len(page.entries)
        self.total = page.total
        self.fetching = False
        self._update_status()

    def _update_status(self) -> None:
        status = self.query_one("#history-status", Static)
        if self.total == 0:
            status.update(
                "No sessions match."
                if not self.filters.is_empty()
                else "No sessions yet: try a mock or the framing drill from home."
            )
            return
        more = " · scroll down for more" if self.loaded < self.total else ""
        status.update(f"{self.loaded:,} of {self.total:,} sessions{more} · Enter opens one")

    def _load_more(self) -> None:
        if self.fetching or self.loaded >= self.total:
            return
        self.fetching = True
        self._load_page(self.generation, self.filters, self.loaded)

    # ------------------------------------------------------------ filters

    def _filter_text(self) -> str:
        f = self.filters
        return (
            f"kind {f.kind or 'all'} (k) · level {f.level or 'all'} (l) · "
            f"status {f.status or 'any'} (s) · problem {f.problem or 'any'} (/) · clear (c)"
        )

    async def _set_filter(self, **changes: Any) -> None:
        updated = replace(self.filters, **changes)
        if updated != self.filters:
            self.filters = updated
            await self.reload()

    async def action_cycle_kind(self) -> None:
        await self._set_filter(kind=_next(KIND_CYCLE, self.filters.kind))

    async def action_cycle_level(self) -> None:
        await self._set_filter(level=_next(LEVEL_CYCLE, self.filters.level))

    async def action_cycle_status(self) -> None:
        await self._set_filter(status=_next(STATUS_CYCLE, self.filters.status))

    async def action_clear_filters(self) -> None:
        field = self.query_one("#history-problem", Input)
        field.value = ""
        field.remove_class("-open")
        await self._set_filter(kind=None, level=None, status=None, problem=None)

    def action_focus_problem(self) -> None:
        """Show the problem filter (hidden until asked for: an Input is costly to draw) and focus it."""
        field = self.query_one("#history-problem", Input)
        field.add_class("-open")
        field.focus()

    @on(Input.Submitted, "#history-problem")
    async def _problem_changed(self, event: Input.Submitted) -> None:
        event.input.set_class(bool(event.value.strip()), "-open")
        await self._set_filter(problem=event.value.strip() or None)
        self.query_one("#history-table", DataTable).focus()

    # ------------------------------------------------------------ trends panel

    async def _show_trends(self, data: TrendPanelData) -> None:
        panel = self.query_one("#history-trends", VerticalScroll)
        await panel.query(".trend-part").remove()
        await panel.mount_all(self._trend_widgets(data))
        self.trend_data = data

    def _trend_widgets(self, data: TrendPanelData, charts: bool = True) -> list[Widget]:
        """The panel's widgets, each marked `trend-part` so a reload can replace them."""
        out: list[Widget] = []
        t = data.trends
        noun = {"mock": "mocks", "drill": "drills", "own-system": "own-system answers"}[data.kind]
        if not t.sessions:
            out.append(
                Static(
                    f"No graded {noun} yet: trends appear after the first grade.",
                    classes="trend-heading",
                )
            )
            return self._parts(out)
        out.append(
            Static(
                f"Last {len(t.sessions)} graded {noun}", classes="trend-heading", id="history-last"
            )
        )
        if charts:
            out.append(self._chart(data))
        out.append(Static("Weakest dimensions", classes="trend-heading"))
        if data.weakest:
            weak = [
                f"{w.label} ({w.section}): {w.gap:+.1f} vs expected, {w.samples} graded"
                for w in data.weakest
            ]
        else:
            weak = ["Nothing below your level's expectation lately."]
        out.append(Static("\n".join(weak), id="history-weakest"))
        if charts:
            out += self._criteria(data)
        return self._parts(out)

    @staticmethod
    def _chart(data: TrendPanelData) -> TrendChart:
        t = data.trends
        rows = [("Overall", [p.score for p in t.sessions if p.score is not None])]
        if len(t.phases) > 1:
            rows += [(p.label, p.values) for p in t.phases]
        if data.drills:
            rows.append(("Words per minute", [d.wpm for d in data.drills if d.wpm is not None]))
            rows.append(
                ("Hedging words", [float(d.hedges) for d in data.drills if d.hedges is not None])
            )
        return TrendChart(rows, id="history-chart")

    @staticmethod
    def _criteria(data: TrendPanelData) -> list[Widget]:
        if not data.trends.criteria:
            return []
        return [
            Static("Per criterion (1-4), oldest to newest", classes="trend-heading"),
            Static(criteria_table(data.trends.criteria), id="history-criteria"),
        ]

    @staticmethod
    def _parts(widgets: list[Widget]) -> list[Widget]:
        for widget in widgets:
            widget.add_class("trend-part")
        return widgets

    # ------------------------------------------------------------ events

    @on(DataTable.RowHighlighted, "#history-table")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self.loaded - LOAD_MORE_WITHIN:
            self._load_more()

    @on(DataTable.RowSelected, "#history-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(SessionDetailScreen(event.row_key.value))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.fetching = False
            self.notify(
                f"{event.worker.error}",
                title=f"{event.worker.name} failed",
                severity="error",
                timeout=10,
            )

    async def action_reload(self) -> None:
        await self.reload()
        self._load_summary()

    def action_leave(self) -> None:
        self.dismiss()


class SessionDetailScreen(Screen[None]):
    """One session, read-only: the same report `mockint show` prints."""

    CSS_PATH = PROGRESS_CSS
    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "leave", "Back", id="detail-back")]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.markdown = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Markdown("Loading…", id="detail-md")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
        self._load()

    @work(thread=True, name="Loading the session", exit_on_error=False)
    def _load(self) -> None:
        from mockint.export import export_markdown

        app: Any = self.app
        text = export_markdown(app.store, app.library, self.session_id)
        app.call_from_thread(self._show, text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(
                f"{event.worker.error}",
                title=f"{event.worker.name} failed",
                severity="error",
                timeout=10,
            )

    def _show(self, text: str) -> Any:
        self.markdown = text
        return self.query_one("#detail-md", Markdown).update(text)

    def action_leave(self) -> None:
        self.dismiss()
