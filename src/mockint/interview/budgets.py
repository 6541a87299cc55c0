"""Phase budgets: how many seconds each phase of a mock gets, by level, config, length and mode.

The default 45-minute split follows DESIGN.md for mid and senior; staff and principal spend less
on the high-level design and more on scale and tradeoffs (reference/content-facts.md §1.3).
"""

from __future__ import annotations

from collections.abc import Mapping

from mockint.config import Level, PhaseMinutes, Settings
from mockint.content.models import PHASES, Phase
from mockint.errors import UsageError

DEFAULT_TOTAL_MINUTES = 45
DAILY_MINUTES = 15
MIN_MINUTES = 5
MAX_MINUTES = 180

LEVEL_MINUTES: dict[Level, tuple[float, float, float, float, float]] = {
    Level.MID: (5, 5, 20, 10, 5),
    Level.SENIOR: (5, 5, 20, 10, 5),
    Level.STAFF: (5, 4, 10, 17, 9),
    Level.PRINCIPAL: (6, 4, 8, 15, 12),
}
"""Minutes per phase (requirements, estimation, design, scale, tradeoffs) for a 45-minute mock."""


def level_minutes(level: Level | str) -> dict[Phase, float]:
    """The recommended minutes per phase at a level, in interview order."""
    return dict(zip(PHASES, LEVEL_MINUTES[Level(level)], strict=True))


def _from_config(minutes: PhaseMinutes) -> dict[Phase, float]:
    return {phase: float(getattr(minutes, phase.value)) for phase in PHASES}


def scale_seconds(minutes: Mapping[Phase, float], total_minutes: float) -> dict[Phase, float]:
    """Scale a split to a new total, in whole seconds that add up exactly to the total."""
    target = round(total_minutes * 60)
    base = sum(minutes.values())
    seconds = {phase: float(round(m / base * target)) for phase, m in minutes.items()}
    drift = target - sum(seconds.values())
    if drift:
        largest = max(seconds, key=lambda p: seconds[p])
        seconds[largest] += drift
    return seconds


def phase_budgets(
    level: Level | str,
    settings: Settings | None = None,
    minutes: float | None = None,
    daily_phase: Phase | str | None = None,
) -> dict[str, float]:
    """Seconds per phase for a mock; `daily_phase` gives a single 15-minute phase instead.

    `settings.phase_minutes`, when set, replaces the level's split; `minutes` scales the split
    (whichever it is) to that total.
    """
    if minutes is not None and not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise UsageError(
            f"minutes must be between {MIN_MINUTES} and {MAX_MINUTES}, got {minutes:g}"
        )
    if daily_phase is not None:
        try:
            phase = Phase(daily_phase)
        except ValueError:
            names = ", ".join(p.value for p in PHASES)
            raise UsageError(f"unknown phase '{daily_phase}'; expected one of {names}") from None
        return {phase.value: float(round((minutes or DAILY_MINUTES) * 60))}
    split = (
        _from_config(settings.phase_minutes)
        if settings is not None and settings.phase_minutes is not None
        else level_minutes(level)
    )
    total = minutes if minutes is not None else sum(split.values())
    return {phase.value: secs for phase, secs in scale_seconds(split, total).items()}


def total_minutes(budgets: Mapping[str, float]) -> float:
    """The whole mock's length in minutes."""
    return sum(budgets.values()) / 60
