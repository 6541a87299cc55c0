"""Phase budgets: the level splits, the config override, scaling to --minutes, the daily mode."""

from __future__ import annotations

import pytest

from mockint.config import PhaseMinutes, Settings
from mockint.errors import UsageError
from mockint.interview.budgets import phase_budgets, total_minutes

ORDER = ["requirements", "estimation", "design", "scale", "tradeoffs"]


def minutes(budgets: dict[str, float]) -> list[float]:
    return [budgets[p] / 60 for p in ORDER]


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("mid", [5, 5, 20, 10, 5]),
        ("senior", [5, 5, 20, 10, 5]),
        ("staff", [5, 4, 10, 17, 9]),
        ("principal", [6, 4, 8, 15, 12]),
    ],
)
def test_each_level_has_its_45_minute_split(level: str, expected: list[int]) -> None:
    budgets = phase_budgets(level)
    assert list(budgets) == ORDER
    assert minutes(budgets) == expected
    assert total_minutes(budgets) == 45


def test_configured_phase_minutes_replace_the_level_split() -> None:
    settings = Settings(
        phase_minutes=PhaseMinutes(requirements=8, estimation=2, design=15, scale=15, tradeoffs=10)
    )
    assert minutes(phase_budgets("staff", settings)) == [8, 2, 15, 15, 10]


@pytest.mark.parametrize("total", [30, 60, 37, 90])
def test_scaling_keeps_the_proportions_and_adds_up_exactly(total: int) -> None:
    budgets = phase_budgets("senior", minutes=total)
    assert sum(budgets.values()) == total * 60
    assert all(float(s).is_integer() for s in budgets.values())
    assert budgets["design"] == pytest.approx(total * 60 * 20 / 45, abs=1)


def test_scaling_applies_to_a_configured_split_too() -> None:
    settings = Settings(
        phase_minutes=PhaseMinutes(
            requirements=10, estimation=10, design=10, scale=10, tradeoffs=10
        )
    )
    assert minutes(phase_budgets("senior", settings, minutes=25)) == [5, 5, 5, 5, 5]


def test_daily_mode_is_one_phase_of_15_minutes() -> None:
    assert phase_budgets("senior", daily_phase="scale") == {"scale": 900.0}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"minutes": 2}, "minutes must be between"),
        ({"daily_phase": "coding"}, "unknown phase 'coding'"),
    ],
)
def test_bad_values_are_reported_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        phase_budgets("senior", **kwargs)
