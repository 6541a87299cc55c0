"""The phase bar: every phase with its budget, done ones ticked, the current one highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

PhaseStatus = Literal["done", "current", "upcoming"]

SHORT_NAMES = {
    "requirements": "Reqs",
    "estimation": "Estim",
    "design": "Design",
    "scale": "Scale",
    "tradeoffs": "Trade",
}
MARKS = {"done": "✓", "current": "●", "upcoming": "○"}


def budget_text(seconds: float) -> str:
    """A budget as people say it: '5m', or '3m20' when it is not whole minutes."""
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    return f"{minutes}m" if secs == 0 else f"{minutes}m{secs:02d}"


class PhaseChip(Static):
    """One phase in the bar; clicking a done or current phase shows its editor."""

    def __init__(self, phase: str) -> None:
        super().__init__("", classes="phase-chip -upcoming")
        self.phase = phase
        self.status: PhaseStatus = "upcoming"

    def show(self, budget: float, status: PhaseStatus, viewing: bool, short: bool) -> None:
        self.status = status
        name = SHORT_NAMES.get(self.phase, self.phase) if short else self.phase.capitalize()
        self.update(f"{MARKS[status]} {name} {budget_text(budget)}")
        for s in ("done", "current", "upcoming"):
            self.set_class(s == status, f"-{s}")
        self.set_class(viewing and status != "current", "-viewing")

    def on_click(self, event: events.Click) -> None:
        if self.status != "upcoming":
            view = getattr(self.screen, "view_phase", None)
            if callable(view):
                view(self.phase)


class PhaseBar(Horizontal):
    """Renders phases as `✓ Requirements 5m  ● Estimation 5m  ○ Design 20m …`."""

    DEFAULT_CSS = """
    PhaseBar { height: 1; }
    PhaseBar PhaseChip { width: auto; padding: 0 1; margin-right: 1; }
    PhaseBar PhaseChip.-done { color: $text-success; }
    PhaseBar PhaseChip.-current { background: $accent; color: $text; text-style: bold; }
    PhaseBar PhaseChip.-upcoming { color: $text-muted; }
    PhaseBar PhaseChip.-viewing { text-style: underline; }
    PhaseBar PhaseChip:hover { background: $boost; }
    """

    def __init__(self, phases: Sequence[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._chips = {p: PhaseChip(p) for p in phases}
        self._state: list[tuple[str, float, PhaseStatus]] = []
        self._viewing: str | None = None

    def compose(self) -> ComposeResult:
        yield from self._chips.values()

    def show(
        self, phases: Sequence[tuple[str, float, PhaseStatus]], viewing: str | None = None
    ) -> None:
        """Redraw with (phase, budget seconds, status) triples and the phase whose editor is shown."""
        self._state = list(phases)
        self._viewing = viewing
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if not self._state:
            return
        full = sum(len(f"{p.capitalize()} {budget_text(b)}") + 5 for p, b, _ in self._state)
        short = bool(self.size.width) and full > self.size.width
        for phase, budget, status in self._state:
            chip = self._chips.get(phase)
            if chip is not None:
                chip.show(budget, status, phase == self._viewing, short)
