"""Queries over stored sessions: trends per criterion and phase, weak spots, days and streaks.

The paginated list itself is in `progress.listing` (standard library only, for a fast CLI)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from mockint.content.models import section_label
from mockint.progress.listing import query

if TYPE_CHECKING:
    from mockint.content.loader import Library
    from mockint.store.db import Store

PRACTISED_STATUSES: tuple[str, ...] = ("submitted", "graded", "pending")
"""A session counts as practice once the candidate submitted it, whatever the grader did next."""

RUBRIC_KIND: dict[str, str] = {"mock": "mock", "drill": "drill", "own-system": "own-system"}


def _query(
    store: Store, sql: str, params: list[Any] | tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    return query(store, sql, params)


# ---------------------------------------------------------------- trends


class TrendPoint(BaseModel):
    """One graded session's value on a dimension."""

    session: str
    started_at: str
    score: float | None
    expected: float | None = None


class DimensionTrend(BaseModel):
    """A criterion or phase over time, oldest first (what a sparkline draws)."""

    id: str
    section: str
    label: str = ""
    points: list[TrendPoint] = []

    @property
    def values(self) -> list[float]:
        return [p.score for p in self.points if p.score is not None]


class Trends(BaseModel):
    """Overall, per-phase and per-criterion results over the last graded sessions of one kind."""

    kind: str
    sessions: list[TrendPoint] = []
    phases: list[DimensionTrend] = []
    criteria: list[DimensionTrend] = []


def _latest_graded(
    store: Store, kind: str | None, last: int
) -> list[tuple[str, str, int, float | None]]:
    """(session, started_at, grade id, overall) of the last graded sessions, newest first."""
    where = "WHERE s.status = 'graded'" + (" AND s.kind = ?" if kind else "")
    params: list[Any] = [kind] if kind else []
    rows = _query(
        store,
        "SELECT s.id, s.started_at, "
        "(SELECT g.id FROM grades g WHERE g.session_id = s.id AND g.status = 'graded' ORDER BY g.id DESC LIMIT 1), "
        f"s.overall FROM sessions s {where} ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
        [*params, last],
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows if r[2] is not None]


def _criterion_rows(
    store: Store, grade_ids: list[int]
) -> list[tuple[int, str, str, int | None, int | None]]:
    if not grade_ids:
        return []
    marks = ",".join("?" * len(grade_ids))
    return _query(
        store,
        f"SELECT grade_id, phase, criterion_id, score, expected FROM criterion_scores WHERE grade_id IN ({marks})",
        grade_ids,
    )


def criterion_label(library: Library | None, kind: str, section: str, criterion_id: str) -> str:
    """The criterion's name from the rubric of that kind of session, or its id when unknown."""
    if library is None:
        return criterion_id
    for rubric in library.rubrics.values():
        if rubric.kind != RUBRIC_KIND.get(kind, kind):
            continue
        sec = rubric.section(section)
        crit = sec.criterion(criterion_id) if sec else None
        if crit is not None:
            return crit.name
    return criterion_id


def trends(
    store: Store, kind: str = "mock", last: int = 30, library: Library | None = None
) -> Trends:
    """Per-phase and per-criterion trends over the last `last` graded sessions of a kind."""
    graded = list(reversed(_latest_graded(store, kind, last)))
    if not graded:
        return Trends(kind=kind)
    by_grade = {gid: (sid, started) for sid, started, gid, _ in graded}
    grade_ids = list(by_grade)
    order = {gid: i for i, gid in enumerate(grade_ids)}
    crit: dict[tuple[str, str], list[TrendPoint]] = defaultdict(list)
    for gid, phase, cid, score, expected in sorted(
        _criterion_rows(store, grade_ids), key=lambda r: order[r[0]]
    ):
        sid, started = by_grade[gid]
        crit[(phase, cid)].append(
            TrendPoint(session=sid, started_at=started, score=score, expected=expected)
        )
    marks = ",".join("?" * len(grade_ids))
    phase_rows = _query(
        store,
        "SELECT g.id, json_extract(p.value, '$.phase'), json_extract(p.value, '$.score') "
        f"FROM grades g, json_each(g.report_json, '$.phases') p WHERE g.id IN ({marks})",
        grade_ids,
    )
    phases: dict[str, list[TrendPoint]] = defaultdict(list)
    for gid, phase, score in sorted(phase_rows, key=lambda r: order[r[0]]):
        sid, started = by_grade[gid]
        phases[phase].append(TrendPoint(session=sid, started_at=started, score=score))
    return Trends(
        kind=kind,
        sessions=[TrendPoint(session=s, started_at=t, score=o) for s, t, _, o in graded],
        phases=[
            DimensionTrend(
                id=p,
                section=p,
                label=section_label(p),
                points=pts,
            )
            for p, pts in phases.items()
        ],
        criteria=[
            DimensionTrend(id=c, section=s, label=criterion_label(library, kind, s, c), points=pts)
            for (s, c), pts in crit.items()
        ],
    )


# ---------------------------------------------------------------- weak spots


class Weakness(BaseModel):
    """A criterion and how far below the level's expectation it sat over recent sessions."""

    criterion_id: str
    section: str
    label: str = ""
    kind: str = "mock"
    gap: float
    """Mean of (score - expected); negative means below what the level expects."""
    mean_score: float
    samples: int = Field(ge=1)
    last_seen: str
    """When the criterion was last graded (start of that session)."""


def weakest_dimensions(
    store: Store,
    kind: str = "mock",
    last: int = 10,
    n: int = 3,
    library: Library | None = None,
    include_met: bool = False,
) -> list[Weakness]:
    """Criteria most below expected over the last `last` graded sessions; only those below unless asked."""
    graded = _latest_graded(store, kind, last)
    started = {gid: t for _, t, gid, _ in graded}
    gaps: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for gid, phase, cid, score, expected in _criterion_rows(store, list(started)):
        if score is None or expected is None:
            continue
        gaps[(phase, cid)].append((score, expected, started[gid]))
    found: list[Weakness] = []
    for (section, cid), rows in gaps.items():
        gap = sum(s - e for s, e, _ in rows) / len(rows)
        if gap >= 0 and not include_met:
            continue
        found.append(
            Weakness(
                criterion_id=cid,
                section=section,
                label=criterion_label(library, kind, section, cid),
                kind=kind,
                gap=round(gap, 2),
                mean_score=round(sum(s for s, _, _ in rows) / len(rows), 2),
                samples=len(rows),
                last_seen=max(t for _, _, t in rows),
            )
        )
    found.sort(key=lambda w: (w.gap, w.mean_score, w.criterion_id))
    return found[:n]


# ---------------------------------------------------------------- days and streaks


def local_day(timestamp: str) -> date:
    """The local calendar day of a stored UTC timestamp."""
    return datetime.fromisoformat(timestamp).astimezone().date()


def _local_offset() -> str:
    """The local UTC offset now, as an SQLite date modifier ('+120 minutes')."""
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    return f"{int(offset.total_seconds() // 60):+d} minutes"


def _day_strings(store: Store, kind: str | None) -> list[str]:
    """Distinct local days (YYYY-MM-DD) with a submitted session, newest first.

    Days are shifted by today's UTC offset rather than SQLite's 'localtime' (which is ~30x slower
    and stalls under a busy UI thread); a daylight-saving change can move a session that started
    within an hour of midnight to the neighbouring day, which streaks tolerate.
    """
    marks = ",".join("?" * len(PRACTISED_STATUSES))
    where = f"status IN ({marks})" + (" AND kind = ?" if kind else "")
    params: list[Any] = [_local_offset(), *PRACTISED_STATUSES, *([kind] if kind else [])]
    rows = _query(
        store,
        f"SELECT DISTINCT date(started_at, ?) AS d FROM sessions WHERE {where} ORDER BY d DESC",
        params,
    )
    return [r[0] for r in rows if r[0]]


def practice_days(store: Store, kind: str | None = None) -> list[date]:
    """Distinct local days with a submitted session (of one kind when given), oldest first."""
    return [date.fromisoformat(d) for d in reversed(_day_strings(store, kind))]


def streak(days: list[date], today: date | None = None) -> int:
    """Consecutive days practised ending today, or yesterday when today is not done yet."""
    return _streak_from({d.isoformat() for d in days}, today)


def _streak_from(have: set[str] | list[str], today: date | None) -> int:
    today = today or date.today()
    have = set(have)
    day = today if today.isoformat() in have else today - timedelta(days=1)
    count = 0
    while day.isoformat() in have:
        count += 1
        day -= timedelta(days=1)
    return count


class PracticeSummary(BaseModel):
    """Days practised and streaks, as the home and history screens show them."""

    days_practised: int
    practice_streak: int
    own_system_streak: int
    last_practised: date | None = None


def practice_summary(store: Store, today: date | None = None) -> PracticeSummary:
    """Count practice days and the current streaks (any practice; daily own-system questions)."""
    days = _day_strings(store, None)
    own = _day_strings(store, "own-system")
    return PracticeSummary(
        days_practised=len(days),
        practice_streak=_streak_from(days, today),
        own_system_streak=_streak_from(own, today),
        last_practised=date.fromisoformat(days[0]) if days else None,
    )


# ---------------------------------------------------------------- drills


class DrillPoint(BaseModel):
    """One drill in the drill trend: score and the typed metrics."""

    session: str
    started_at: str
    overall: float | None
    words: int | None = None
    wpm: float | None = None
    seconds_used: float | None = None
    hedges: int | None = None


def drill_trend(store: Store, last: int = 30) -> list[DrillPoint]:
    """The last submitted drills, oldest first, with their scores and metrics."""
    marks = ",".join("?" * len(PRACTISED_STATUSES))
    rows = _query(
        store,
        "SELECT s.id, s.started_at, s.overall, d.words, d.wpm, d.seconds_used, d.hedges "
        "FROM sessions s JOIN drills d ON d.session_id = s.id "
        f"WHERE s.kind = 'drill' AND s.status IN ({marks}) ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
        [*PRACTISED_STATUSES, last],
    )
    return [
        DrillPoint(
            session=r[0],
            started_at=r[1],
            overall=r[2],
            words=r[3],
            wpm=r[4],
            seconds_used=r[5],
            hedges=r[6],
        )
        for r in reversed(rows)
    ]


def last_practised(store: Store, kind: str = "mock") -> dict[str, str]:
    """Problem id -> when it was last started (any status but abandoned)."""
    rows = _query(
        store,
        "SELECT problem_id, max(started_at) FROM sessions "
        "WHERE kind = ? AND problem_id IS NOT NULL AND status != 'abandoned' GROUP BY problem_id",
        [kind],
    )
    return {r[0]: r[1] for r in rows}
