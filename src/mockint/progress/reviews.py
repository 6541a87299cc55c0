"""Spaced repetition for weak criteria: each graded criterion below expectation becomes an FSRS card.

A card stands for one rubric criterion (say, estimation / traffic-estimate), not for one session:
every later grade of that criterion is a review of it. Below the level's expectation rates Again
(two or more points short, or a 1) or Hard; at the expectation Good; above it Easy. Criteria that
meet the bar and have no card yet do not get one. Each grade is applied at most once per card.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fsrs import Card, Rating, Scheduler, State
from pydantic import BaseModel

if TYPE_CHECKING:
    from mockint.content.loader import Library
    from mockint.grading.report import GradeReport
    from mockint.store.db import Store

SCHEDULER = Scheduler(
    learning_steps=(timedelta(days=1),),
    relearning_steps=(timedelta(days=1),),
    enable_fuzzing=False,
)
"""Practice happens in sessions days apart, so learning steps are a day, not minutes; no fuzz keeps
schedules reproducible."""


def stamp(moment: datetime) -> str:
    """A UTC timestamp with fixed precision, so stored times compare correctly as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def rating_for(score: int, expected: int) -> Rating:
    """How a grade of a criterion counts as a review of its card."""
    if score < expected:
        return Rating.Again if score == 1 or expected - score >= 2 else Rating.Hard
    return Rating.Easy if score > expected else Rating.Good


class ReviewItem(BaseModel):
    """A criterion to practise again, with when it is next due."""

    id: int
    rubric: str
    section: str
    criterion_id: str
    label: str
    due: datetime
    last_review: datetime | None = None
    source_session: str | None = None
    """The session whose grade last reviewed this item."""
    last_score: int | None = None
    last_expected: int | None = None
    reviews: int = 0
    state: str = "learning"


class ReviewUpdate(BaseModel):
    """What one grade changed: cards created, cards reviewed, and with which rating each."""

    grade_id: int | None = None
    created: list[str] = []
    reviewed: list[str] = []
    ratings: dict[str, str] = {}


_COLUMNS = (
    "id, rubric, section, criterion_id, label, card_json, due, last_review, source_session, "
    "last_score, last_expected, reviews"
)


def _item(row: tuple[Any, ...]) -> ReviewItem:
    iid, rubric, section, cid, label, card_json, due, last, source, score, expected, reviews = row
    card = Card.from_json(card_json)
    return ReviewItem(
        id=iid,
        rubric=rubric,
        section=section,
        criterion_id=cid,
        label=label,
        due=datetime.fromisoformat(due),
        last_review=datetime.fromisoformat(last) if last else None,
        source_session=source,
        last_score=score,
        last_expected=expected,
        reviews=reviews,
        state=State(card.state).name.lower(),
    )


def _label(
    library: Library | None, rubric_id: str, section: str, criterion_id: str, fallback: str
) -> str:
    rubric = library.rubrics.get(rubric_id) if library is not None else None
    sec = rubric.section(section) if rubric else None
    crit = sec.criterion(criterion_id) if sec else None
    return crit.name if crit else (fallback or criterion_id)


def _latest_grade_id(store: Store, session_id: str) -> int | None:
    with store._lock:
        row = store.conn.execute(
            "SELECT id FROM grades WHERE session_id = ? AND status = 'graded' ORDER BY id DESC LIMIT 1",
            (session_id,),
        ).fetchone()
    return int(row[0]) if row else None


def update_reviews(
    store: Store,
    library: Library | None,
    session_id: str,
    report: GradeReport,
    now: datetime | None = None,
    grade_id: int | None = None,
) -> ReviewUpdate:
    """Apply a saved grade to the review items; calling it again for the same grade changes nothing."""
    if report.status != "graded":
        return ReviewUpdate()
    grade_id = grade_id if grade_id is not None else _latest_grade_id(store, session_id)
    if grade_id is None:
        return ReviewUpdate()
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    rubric_id = report.rubric or "unknown"
    update = ReviewUpdate(grade_id=grade_id)
    with store._lock, store.conn:
        for phase in report.phases:
            if phase.status != "graded":
                continue
            for crit in phase.criteria:
                if crit.score is None or crit.expected is None:
                    continue
                _review_one(
                    store,
                    library,
                    update,
                    rubric_id,
                    phase.phase,
                    crit,
                    session_id,
                    grade_id,
                    moment,
                )
    return update


def _review_one(
    store: Store,
    library: Library | None,
    update: ReviewUpdate,
    rubric_id: str,
    section: str,
    crit: Any,
    session_id: str,
    grade_id: int,
    moment: datetime,
) -> None:
    """Create or review one criterion's card inside the caller's transaction."""
    conn = store.conn
    row = conn.execute(
        "SELECT id, card_json, reviews FROM review_items WHERE rubric = ? AND section = ? AND criterion_id = ?",
        (rubric_id, section, crit.id),
    ).fetchone()
    score, expected = int(crit.score), int(crit.expected)
    if row is None and score >= expected:
        return
    if row is not None:
        seen = conn.execute(
            "SELECT 1 FROM review_log WHERE item_id = ? AND grade_id = ?", (row[0], grade_id)
        ).fetchone()
        if seen:
            return
    card = Card.from_json(row[1]) if row else Card()
    if card.last_review is not None and moment < card.last_review:
        return  # an older grade arriving late (an import) must not rewind the schedule
    rating = rating_for(score, expected)
    card, _ = SCHEDULER.review_card(card, rating, moment)
    key = f"{section}/{crit.id}"
    if row is None:
        cur = conn.execute(
            "INSERT INTO review_items(rubric, section, criterion_id, label, card_json, due, last_review, "
            "source_session, last_score, last_expected, reviews, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,1,?)",
            (
                rubric_id,
                section,
                crit.id,
                _label(library, rubric_id, section, crit.id, crit.name),
                card.to_json(),
                stamp(card.due),
                stamp(moment),
                session_id,
                score,
                expected,
                stamp(moment),
            ),
        )
        item_id = int(cur.lastrowid or 0)
        update.created.append(key)
    else:
        item_id = int(row[0])
        conn.execute(
            "UPDATE review_items SET card_json = ?, due = ?, last_review = ?, source_session = ?, "
            "last_score = ?, last_expected = ?, reviews = reviews + 1 WHERE id = ?",
            (card.to_json(), stamp(card.due), stamp(moment), session_id, score, expected, item_id),
        )
        update.reviewed.append(key)
    conn.execute(
        "INSERT INTO review_log(item_id, grade_id, session_id, rating, score, expected, reviewed_at) "
        "VALUES(?,?,?,?,?,?,?)",
        (item_id, grade_id, session_id, int(rating), score, expected, stamp(moment)),
    )
    update.ratings[key] = rating.name


def due_items(
    store: Store, now: datetime | None = None, limit: int | None = None
) -> list[ReviewItem]:
    """Review items due at `now` (default: this moment), the most overdue first."""
    moment = stamp(now or datetime.now(UTC))
    sql = f"SELECT {_COLUMNS} FROM review_items WHERE due <= ? ORDER BY due, id"
    params: list[Any] = [moment]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    with store._lock:
        rows = store.conn.execute(sql, params).fetchall()
    return [_item(r) for r in rows]


def all_items(store: Store) -> list[ReviewItem]:
    """Every review item, soonest due first."""
    with store._lock:
        rows = store.conn.execute(
            f"SELECT {_COLUMNS} FROM review_items ORDER BY due, id"
        ).fetchall()
    return [_item(r) for r in rows]
