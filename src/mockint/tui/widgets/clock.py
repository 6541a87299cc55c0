"""A mm:ss clock label: amber in its last minute, red and negative once the budget is spent."""

from __future__ import annotations

import math

from textual.reactive import reactive
from textual.widgets import Static


def format_clock(seconds: float) -> str:
    """Render seconds as mm:ss, with a leading minus on overrun (e.g. -01:05)."""
    sign = "-" if seconds < 0 else ""
    whole = math.ceil(abs(seconds) - 1e-9)
    return f"{sign}{whole // 60:02d}:{whole % 60:02d}"


class ClockLabel(Static):
    """Shows time remaining; sets the classes `-warning` (under a minute) and `-overrun` (past zero)."""

    DEFAULT_CSS = """
    ClockLabel { width: auto; padding: 0 1; text-style: bold; }
    ClockLabel.-warning { color: $warning; }
    ClockLabel.-overrun { color: $error; }
    """

    remaining: reactive[float] = reactive(0.0)

    def __init__(
        self, remaining: float = 0.0, label: str = "", warn_at: float = 60.0, **kwargs: object
    ) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.label = label
        self.warn_at = warn_at
        self.set_reactive(ClockLabel.remaining, remaining)

    def on_mount(self) -> None:
        self.watch_remaining(self.remaining)

    def watch_remaining(self, remaining: float) -> None:
        self.set_class(remaining < 0, "-overrun")
        self.set_class(0 <= remaining < self.warn_at, "-warning")
        prefix = f"{self.label} " if self.label else ""
        self.update(f"{prefix}{format_clock(remaining)}")
