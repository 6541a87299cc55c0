"""What to practise next: review items that are due, and a problem that works the weakest dimension."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel

from mockint.content.models import PHASES
from mockint.progress.history import last_practised, weakest_dimensions
from mockint.progress.reviews import due_items

if TYPE_CHECKING:
    from mockint.content.loader import Library
    from mockint.content.models import Problem
    from mockint.store.db import Store

RECENT_DAYS = 7
"""A problem started within this many days is 'practised recently' and not proposed again."""
WEAK_WINDOW = 10
"""How many recent graded mocks decide the weakest dimensions."""

_DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}
_PHASE_IDS = {p.value for p in PHASES}


class DueReview(BaseModel):
    """A criterion whose review is due."""

    criterion_id: str
    section: str
    label: str
    due: datetime


class Recommendation(BaseModel):
    """What the home screen proposes: due reviews, one problem, and why."""

    due: list[DueReview] = []
    problem_id: str | None = None
    problem_title: str | None = None
    focus: str | None = None
    """The criterion id the proposed problem exercises, when one drove the choice."""
    focus_label: str | None = None
    reason: str


def _exercise(problem: Problem, section: str, criterion_id: str) -> tuple[float, int]:
    """Total weight and count of the problem's reference points that are evidence for a criterion."""
    if section not in _PHASE_IDS:
        return 0.0, 0
    points = [p for p in problem.phase(section).points if p.criterion == criterion_id]
    return sum(p.weight for p in points), len(points)


def _days_ago(stamp: str | None, now: datetime) -> float | None:
    if not stamp:
        return None
    return (now - datetime.fromisoformat(stamp)).total_seconds() / 86400


def _freshness(problem_id: str, practised: dict[str, str]) -> tuple[int, str]:
    """Sort key: never practised first, then the longest ago."""
    when = practised.get(problem_id)
    return (0, "") if when is None else (1, when)


def recommend(store: Store, library: Library, now: datetime | None = None) -> Recommendation:
    """Due reviews plus the problem that most exercises the weakest dimension not practised recently."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    due = [
        DueReview(criterion_id=i.criterion_id, section=i.section, label=i.label, due=i.due)
        for i in due_items(store, now)
    ]
    problems = list(library.problems.values())
    if not problems:
        return Recommendation(
            due=due, reason="No problems are loaded; add one under problems/ to practise."
        )
    practised = last_practised(store, "mock")
    cutoff = now - timedelta(days=RECENT_DAYS)
    fresh = [
        p
        for p in problems
        if p.id not in practised or datetime.fromisoformat(practised[p.id]) < cutoff
    ]
    pool = fresh or problems

    focus: list[tuple[str, str, str, str]] = []  # (section, criterion, label, why)
    for w in weakest_dimensions(store, "mock", last=WEAK_WINDOW, n=20, library=library):
        why = f"{w.gap:+.1f} against your level's expectation over the last {w.samples} graded mock(s)"
        focus.append((w.section, w.criterion_id, w.label, why))
    for item in due:
        if item.section in _PHASE_IDS and all(f[1] != item.criterion_id for f in focus):
            focus.append((item.section, item.criterion_id, item.label, "its review is due"))

    for section, cid, label, why in focus:
        scored = [(p, *_exercise(p, section, cid)) for p in pool]
        scored = [s for s in scored if s[1] > 0]
        if not scored:
            continue
        scored.sort(key=lambda s: (-s[1], _freshness(s[0].id, practised), s[0].id))
        best, _, count = scored[0]
        ago = _days_ago(practised.get(best.id), now)
        when = (
            "you have not practised it yet"
            if ago is None
            else f"you last practised it {ago:.0f} days ago"
        )
        return Recommendation(
            due=due,
            problem_id=best.id,
            problem_title=best.title,
            focus=cid,
            focus_label=label,
            reason=(
                f"Your weakest dimension is {label} ({section.capitalize()}): {why}. "
                f"{best.title} exercises it in {count} reference point{'s' if count != 1 else ''}, and {when}."
            ),
        )

    if not practised:
        pool.sort(key=lambda p: (_DIFFICULTY_ORDER.get(p.difficulty.value, 9), p.id))
        best = pool[0]
        article = "an" if best.difficulty.value[0] in "aeiou" else "a"
        reason = (
            f"No mocks yet: start with {best.title}, {article} {best.difficulty.value} problem."
        )
    else:
        pool.sort(key=lambda p: (_freshness(p.id, practised), p.id))
        best = pool[0]
        ago = _days_ago(practised.get(best.id), now)
        reason = f"Nothing is below your level's bar lately; {best.title} is " + (
            "a problem you have not tried yet."
            if ago is None
            else f"the one you practised longest ago ({ago:.0f} days)."
        )
    return Recommendation(due=due, problem_id=best.id, problem_title=best.title, reason=reason)
