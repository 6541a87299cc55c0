"""Daily own-system practice: which of the seven questions is today's, and the streak behind it."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel

from mockint.content.models import OwnSystemQuestion
from mockint.progress.history import PRACTISED_STATUSES, local_day, practice_days, streak

if TYPE_CHECKING:
    from mockint.content.loader import Library
    from mockint.store.db import Store


class TodaysQuestion(BaseModel):
    """The question to answer today, whether it is already done, and the daily streak."""

    question: OwnSystemQuestion
    day: int
    answered_today: bool
    streak: int


def _last_answered(store: Store) -> tuple[str | None, str | None]:
    """(question id, started_at) of the most recent submitted own-system session."""
    marks = ",".join("?" * len(PRACTISED_STATUSES))
    with store._lock:
        rows = store.conn.execute(
            "SELECT options_json, started_at FROM sessions WHERE kind = 'own-system' "
            f"AND status IN ({marks}) ORDER BY started_at DESC LIMIT 1",
            PRACTISED_STATUSES,
        ).fetchall()
    if not rows:
        return None, None
    options = json.loads(rows[0][0] or "{}")
    return options.get("question"), rows[0][1]


def todays_question(
    store: Store, library: Library, today: date | None = None, day: int | None = None
) -> TodaysQuestion:
    """Today's question: the one after the last answered (cycling 1-7), or the one answered today."""
    from mockint.errors import NotFoundError, UsageError

    questions = sorted(library.own_system, key=lambda q: (q.day, q.id))
    if not questions:
        raise NotFoundError("no own-system questions are loaded (reference/own-system.toml)")
    today = today or date.today()
    current = streak(practice_days(store, "own-system"), today)
    if day is not None:
        chosen = next((q for q in questions if q.day == day), None)
        if chosen is None:
            days = ", ".join(str(q.day) for q in questions)
            raise UsageError(f"no own-system question for day {day}; days available: {days}")
        return TodaysQuestion(question=chosen, day=chosen.day, answered_today=False, streak=current)
    last_id, last_at = _last_answered(store)
    last = next((q for q in questions if q.id == last_id), None)
    if last is None:
        chosen = questions[0]
    elif last_at and local_day(last_at) == today:
        return TodaysQuestion(question=last, day=last.day, answered_today=True, streak=current)
    else:
        index = questions.index(last)
        chosen = questions[(index + 1) % len(questions)]
    return TodaysQuestion(question=chosen, day=chosen.day, answered_today=False, streak=current)
