"""The home screen: where every practice starts, and where an unfinished mock is offered for resume.

It paints before settings, content and the database are loaded (the first frame stays cheap) and
fills in the resume card, today's suggestion and the status line once they are. Pending grades are
retried in the background.
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from mockint.tui.app import WorkerErrorsToApp
from mockint.tui.widgets.clock import format_clock

if TYPE_CHECKING:
    from mockint.tui.app import MockintApp

MENU = (
    ("new-mock", "New mock", "n", "new_mock", None),
    ("drill", "Framing drill (2 min)", "d", "drill", "mockint.tui.screens.drill"),
    ("practice", "Own-system practice", "o", "practice", "mockint.tui.screens.practice"),
    ("history", "History", "h", "history", "mockint.tui.screens.history"),
    ("review", "Review last mock", "v", "review_last", None),
)


class MenuItem(Static):
    """One line of the menu: its key and what it does; clicking it does the same as the key.

    Plain text lines rather than buttons keep the home screen's first frame cheap.
    """

    def __init__(
        self, key: str, label: str, action: str, enabled: bool = True, **kwargs: object
    ) -> None:
        text = Content.assemble((f" {key} ", "bold reverse"), "  ", label)
        if not enabled:
            text = Content.assemble(text, ("  (not available)", "italic"))
        super().__init__(text, classes="menu-item" + ("" if enabled else " -disabled"), **kwargs)  # type: ignore[arg-type]
        self.action = action
        self.enabled = enabled

    async def on_click(self, event: events.Click) -> None:
        if self.enabled:
            await self.run_action(self.action)


def available(module: str | None) -> bool:
    """True when an optional screen's module is installed (checked without importing it)."""
    if module is None:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


class HomeScreen(WorkerErrorsToApp, Screen[None]):
    """Start a mock, the framing drill, own-system practice; history, review, resume."""

    CSS_PATH = str(Path(__file__).with_name("home.tcss"))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.new_mock", "New mock", id="home.new_mock"),
        Binding("r", "resume", "Resume", id="home.resume"),
        Binding("d", "app.drill", "Drill", id="home.drill"),
        Binding("o", "app.practice", "Own system", id="home.practice"),
        Binding("h", "app.history", "History", id="home.history"),
        Binding("v", "app.review_last", "Review", id="home.review"),
        Binding("x", "discard", "Discard unfinished", show=False, id="home.discard"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._unfinished_id: str | None = None
        self._retry_started = False

    @property
    def mockint(self) -> MockintApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static("mockint", id="home-title")
            yield Static(
                "Timed system design mock interviews, graded against a written rubric.",
                id="home-tagline",
            )
            with Vertical(id="resume-card"):
                yield Static("", id="resume-text")
                yield MenuItem("r", "Resume it, clock and all", "screen.resume", id="resume-item")
                yield MenuItem("x", "Set it aside", "screen.discard", id="discard-item")
            yield Static("", id="today")
            with Vertical(id="menu"):
                for item_id, label, key, action, module in MENU:
                    yield MenuItem(
                        key, label, f"app.{action}", available(module), id=f"menu-{item_id}"
                    )
            yield Static("Loading…", id="home-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#resume-card").display = False
        self.query_one("#today").display = False
        app = self.mockint
        if app.bench_first_frame:
            self.call_after_refresh(app.exit)
            return
        app.when_ready(self.refresh_data)

    def on_screen_resume(self) -> None:
        if self.mockint.is_ready:
            self.refresh_data()

    def refresh_data(self) -> None:
        """Fill the resume card, the status line and (in the background) today's suggestion."""
        app = self.mockint
        store = app.store
        unfinished = store.list_sessions(kind="mock", status="active", limit=1)
        card = self.query_one("#resume-card")
        if unfinished:
            record = unfinished[0]
            self._unfinished_id = record.id
            phase = (record.current_phase or "requirements").capitalize()
            total = sum(record.budgets.values())
            self.query_one("#resume-text", Static).update(
                f"Unfinished mock: {record.title or record.problem_id} ({record.level}), in {phase}, "
                f"{format_clock(record.elapsed_s)} of {format_clock(total)} used."
            )
            card.display = True
        else:
            self._unfinished_id = None
            card.display = False
        pending = len(store.pending())
        grader = app.settings.effective_grader()
        count = len(app.library.problems)
        status = f"{count} problem{'s' if count != 1 else ''} · grader: {grader}"
        if grader == "llm":
            status += f" ({app.settings.model})"
        if pending:
            status += f" · {pending} pending grade{'s' if pending != 1 else ''}"
        self.query_one("#home-status", Static).update(status)
        self.refresh_bindings()
        if pending and not self._retry_started:
            self._retry_started = True
            self.run_worker(
                self._retry_pending(pending),
                name="Retrying pending grades",
                group="pending",
                exit_on_error=False,
            )
        if app.bench_ready:
            self.call_after_refresh(app.exit)
            return
        if available("mockint.progress.recommend"):
            self.run_worker(
                self._suggest,
                thread=True,
                name="Today's suggestion",
                group="suggest",
                exclusive=True,
                exit_on_error=False,
            )

    def _suggest(self) -> None:
        from mockint.progress.recommend import recommend

        app = self.mockint
        rec = recommend(app.store, app.library)
        lines = []
        if rec.problem_title or rec.problem_id:
            lines.append(f"Today: {rec.problem_title or rec.problem_id}. {rec.reason}")
        elif rec.reason:
            lines.append(f"Today: {rec.reason}")
        if rec.due:
            labels = ", ".join(item.label for item in rec.due[:3])
            lines.append(f"Due for review: {labels}")
        self.app.call_from_thread(self._show_today, "\n".join(lines))

    def _show_today(self, text: str) -> None:
        today = self.query_one("#today", Static)
        today.update(text)
        today.display = bool(text)

    async def _retry_pending(self, count: int) -> None:
        app = self.mockint
        try:
            from mockint.grading.service import regrade_pending
        except ImportError:
            return
        result = regrade_pending(app.store, app.library, app.settings)
        if inspect.isawaitable(result):
            result = await result
        still = len(app.store.pending())
        finished = count - still
        if finished > 0:
            self.notify(
                f"Finished {finished} pending grade{'s' if finished != 1 else ''}.",
                title="Grades",
                timeout=6,
            )
        if self.is_attached:
            self.refresh_data()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("resume", "discard"):
            return self._unfinished_id is not None
        return True

    def action_resume(self) -> None:
        if self._unfinished_id:
            self.mockint.resume_mock(self._unfinished_id)

    def action_discard(self) -> None:
        session_id = self._unfinished_id
        if not session_id:
            return
        from mockint.tui.widgets.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.mockint.store.update_session(session_id, status="abandoned")
                self.notify(
                    "The unfinished mock was set aside; it stays in history as abandoned.",
                    timeout=4,
                )
                self.refresh_data()

        self.app.push_screen(
            ConfirmScreen(
                "Discard the unfinished mock? It stays in history as abandoned.", yes="Discard"
            ),
            callback=answered,
        )
