"""Export sessions as Markdown reports or a versioned JSON document, and import that document back.

The JSON export carries everything needed to rebuild a session on another machine (the session
row, answers, events, drill metrics, every grade report) and nothing about the machine it came
from: no settings, no endpoint, no API key.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mockint.config import Level
from mockint.content.models import section_label
from mockint.errors import UsageError
from mockint.grading.report import GradeReport
from mockint.store.db import insert_grade
from mockint.store.records import EventRecord, SessionRecord

if TYPE_CHECKING:
    from mockint.content.loader import Library
    from mockint.store.db import Store

EXPORT_FORMAT = "mockint-export"
EXPORT_VERSION = 1
_SECRET_HINTS = ("key", "token", "secret", "password", "authorization")


def _is_iso(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {value!r}") from None
    return value


class ExportModel(BaseModel):
    """Base of the export document models: unknown fields are errors (a wrong file, not a newer one)."""

    model_config = ConfigDict(extra="forbid")


class ExportedSessionRow(ExportModel):
    """The session itself, as stored."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    kind: Literal["mock", "drill", "own-system"]
    problem_id: str | None = None
    title: str | None = None
    level: Level
    status: Literal["active", "submitted", "graded", "pending", "abandoned"]
    grader: str | None = None
    started_at: str
    updated_at: str
    ended_at: str | None = None
    elapsed_s: float = Field(0.0, ge=0)
    current_phase: str | None = None
    budgets: dict[str, float] = {}
    options: dict[str, Any] = {}
    overall: float | None = Field(None, ge=0, le=100)
    verdict: str | None = None

    _iso = field_validator("started_at", "updated_at")(_is_iso)


class ExportedEvent(ExportModel):
    """One timeline event; ids are not kept, the importing database numbers them again."""

    at: str
    elapsed_s: float | None = None
    phase: str | None = None
    kind: str = Field(min_length=1)
    text: str = ""
    data: dict[str, Any] = {}


class ExportedDrill(ExportModel):
    """The drill's prompt and typed metrics."""

    prompt: str
    limit_s: float = Field(gt=0)
    seconds_used: float | None = None
    words: int | None = None
    wpm: float | None = None
    hedges: int | None = None


class ExportedSession(ExportModel):
    """Everything about one session."""

    session: ExportedSessionRow
    answers: dict[str, str] = {}
    events: list[ExportedEvent] = []
    drill: ExportedDrill | None = None
    grades: list[GradeReport] = []
    """Every grade report, oldest first; `session.saved_at` says when each was saved."""


class ExportDocument(ExportModel):
    """A versioned export file."""

    format: Literal["mockint-export"]
    version: int = Field(ge=1)
    exported_at: str | None = None
    app_version: str | None = None
    sessions: list[ExportedSession]


class ImportResult(BaseModel):
    """What an import did: sessions imported, sessions refused and why."""

    source: str
    imported: list[str] = []
    refused: dict[str, str] = {}
    """Session id -> the reason it was not imported."""


# ---------------------------------------------------------------- building the document


def _clean_options(options: dict[str, Any]) -> dict[str, Any]:
    """Drop anything that looks like a credential, whatever put it there."""
    return {k: v for k, v in options.items() if not any(h in k.lower() for h in _SECRET_HINTS)}


def session_export(store: Store, session_id: str) -> dict[str, Any]:
    """One session as the export document holds it."""
    record = store.get_session(session_id)
    row = record.model_dump(mode="json")
    row["options"] = _clean_options(row.get("options", {}))
    drill = store.drill(record.id)
    return {
        "session": row,
        "answers": store.answers(record.id),
        "events": [e.model_dump(exclude={"id", "session_id"}) for e in store.events(record.id)],
        "drill": {k: v for k, v in drill.items() if k != "session_id"} if drill else None,
        "grades": [g.model_dump(mode="json") for g in store.grades(record.id)],
    }


def export_json(store: Store, session_ids: list[str]) -> dict[str, Any]:
    """A versioned export of the given sessions (ids or unique prefixes)."""
    from mockint import __version__

    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "app_version": __version__,
        "sessions": [session_export(store, sid) for sid in session_ids],
    }


# ---------------------------------------------------------------- import


def _describe(err: Any) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ())) or "(top level)"
    if err.get("type") == "missing":
        return f"field '{loc}' is required but missing"
    if err.get("type") == "extra_forbidden":
        return f"field '{loc}' is not a known field"
    value = err.get("input")
    shown = (
        f" (got {value!r})"
        if isinstance(value, (str, int, float, bool)) and len(repr(value)) < 60
        else ""
    )
    return f"field '{loc}': {err.get('msg', 'invalid')}{shown}"


def parse_export(data: Any, source: str) -> ExportDocument:
    """Validate a loaded export; a wrong or newer format, or a bad field, is a UsageError naming it."""
    if not isinstance(data, dict):
        raise UsageError(
            f"{source}: not a mockint export (expected a JSON object, got {type(data).__name__})"
        )
    if data.get("format") != EXPORT_FORMAT:
        got = data.get("format")
        what = "is missing" if got is None else f"is {got!r}"
        raise UsageError(
            f"{source}: not a mockint export (field 'format' {what}, expected '{EXPORT_FORMAT}')"
        )
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > EXPORT_VERSION:
        raise UsageError(
            f"{source}: written by a newer mockint (export version {version}; this one reads up to "
            f"{EXPORT_VERSION}); upgrade mockint to import it"
        )
    try:
        return ExportDocument.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise UsageError(f"{source}: {_describe(errors[0])}{more}") from None


def load_export_file(path: Any) -> Any:
    """Read and decode an export file; unreadable or non-JSON files are UsageErrors naming the file."""
    from pathlib import Path

    from mockint.errors import NotFoundError

    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _insert_session(store: Store, item: ExportedSession) -> None:
    """Write one session with its answers, events, drill and grades in a single transaction."""
    s = item.session
    conn = store.conn
    conn.execute(
        "INSERT INTO sessions(id, kind, problem_id, title, level, status, grader, started_at, updated_at, ended_at, "
        "elapsed_s, current_phase, budgets_json, options_json, overall, verdict) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            s.id,
            s.kind,
            s.problem_id,
            s.title,
            s.level.value,
            s.status,
            s.grader,
            s.started_at,
            s.updated_at,
            s.ended_at,
            s.elapsed_s,
            s.current_phase,
            json.dumps(s.budgets),
            json.dumps(_clean_options(s.options)),
            s.overall,
            s.verdict,
        ),
    )
    conn.executemany(
        "INSERT INTO answers(session_id, phase, text, updated_at) VALUES(?,?,?,?)",
        [(s.id, phase, text, s.updated_at) for phase, text in item.answers.items()],
    )
    conn.executemany(
        "INSERT INTO events(session_id, at, elapsed_s, phase, kind, text, data_json) VALUES(?,?,?,?,?,?,?)",
        [
            (s.id, e.at, e.elapsed_s, e.phase, e.kind, e.text, json.dumps(e.data))
            for e in item.events
        ],
    )
    if item.drill is not None:
        d = item.drill
        conn.execute(
            "INSERT INTO drills(session_id, prompt, limit_s, seconds_used, words, wpm, hedges) VALUES(?,?,?,?,?,?,?)",
            (s.id, d.prompt, d.limit_s, d.seconds_used, d.words, d.wpm, d.hedges),
        )
    for report in item.grades:
        saved = report.session.saved_at if report.session and report.session.saved_at else None
        created = saved.isoformat(timespec="microseconds") if saved else s.updated_at
        report = report.model_copy(
            update={
                "session": report.session.model_copy(update={"id": s.id})
                if report.session
                else None
            }
        )
        insert_grade(conn, s.id, report, created)


def import_json(
    store: Store, data: Any, source: str, library: Library | None = None
) -> ImportResult:
    """Import an export document: new sessions are added, ones already present are refused, by id.

    Imported grades also count as reviews of the spaced-repetition items, at the time they were
    graded, when that is not older than an item's last review.
    """
    doc = parse_export(data, source)
    result = ImportResult(source=source)
    seen: set[str] = set()
    for item in doc.sessions:
        sid = item.session.id
        if sid in seen:
            result.refused[sid] = f"session {sid} appears twice in {source}; imported once"
            continue
        seen.add(sid)
        with store._lock:
            exists = store.conn.execute(
                "SELECT started_at FROM sessions WHERE id = ?", (sid,)
            ).fetchone()
        if exists:
            result.refused[sid] = (
                f"session {sid} (started {exists[0][:16]}) is already in this database; not imported again"
            )
            continue
        with store._lock, store.conn:
            _insert_session(store, item)
        result.imported.append(sid)
    _replay_reviews(store, library, [i for i in doc.sessions if i.session.id in result.imported])
    return result


def _replay_reviews(store: Store, library: Library | None, sessions: list[ExportedSession]) -> None:
    """Apply the imported sessions' latest graded reports to review items, oldest first."""
    from mockint.progress.reviews import update_reviews

    latest: list[tuple[datetime, str, GradeReport]] = []
    for item in sessions:
        graded = [g for g in item.grades if g.status == "graded"]
        if not graded:
            continue
        report = graded[-1]
        when = report.session.saved_at if report.session and report.session.saved_at else None
        moment = when or datetime.fromisoformat(item.session.updated_at)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        latest.append((moment, item.session.id, report))
    for moment, sid, report in sorted(latest, key=lambda t: t[0]):
        update_reviews(store, library, sid, report, now=moment)


# ---------------------------------------------------------------- Markdown


def clock_text(seconds: float | None) -> str:
    """mm:ss for a number of seconds, or a dash when unknown."""
    if seconds is None:
        return "–"
    sign = "-" if seconds < 0 else ""
    whole = round(abs(seconds))
    return f"{sign}{whole // 60:02d}:{whole % 60:02d}"


def _quote(text: str) -> str:
    lines = text.strip().splitlines() or [""]
    return "\n".join("> " + line if line.strip() else ">" for line in lines)


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}/100"


def pacing(store: Store, session_id: str) -> list[dict[str, Any]]:
    """Per phase: seconds used against the budget, and the overrun."""
    transcript = store.transcript(session_id)
    rows = []
    for p in transcript.phases:
        over = None
        if p.seconds_used is not None and p.budget_seconds is not None:
            over = round(p.seconds_used - p.budget_seconds, 1)
        rows.append(
            {
                "phase": p.phase,
                "seconds_used": None if p.seconds_used is None else round(p.seconds_used, 1),
                "budget_seconds": p.budget_seconds,
                "overrun_seconds": over,
            }
        )
    return rows


def _heading(record: SessionRecord, library: Library | None) -> str:
    kind = {
        "mock": "Mock interview",
        "drill": "Framing drill",
        "own-system": "Own-system practice",
    }.get(record.kind, record.kind)
    title = record.title
    if (
        not title
        and record.problem_id
        and library is not None
        and record.problem_id in library.problems
    ):
        title = library.problems[record.problem_id].title
    if not title and record.kind == "own-system" and library is not None:
        qid = record.options.get("question")
        q = next((q for q in library.own_system if q.id == qid), None)
        title = q.title if q else qid
    return f"# {kind}: {title}" if title else f"# {kind}"


def _criteria_md(report: GradeReport, phase: str) -> list[str]:
    result = report.phase(phase)
    if result is None:
        return []
    out = [f"**Grade: {_score(result.score)}** ({result.status})"]
    if result.summary:
        out += ["", result.summary]
    out.append("")
    for c in result.criteria:
        expected = f" (expected {c.expected})" if c.expected is not None else ""
        score = f"{c.score}/4" if c.score is not None else "not graded"
        out.append(f"- **{c.name or c.id}**: {score}{expected}")
        for quote in c.evidence:
            out.append(f'  - Evidence: "{quote}"')
        if c.missing:
            out.append(f"  - Missing: {c.missing}")
        if c.advice:
            out.append(f"  - Advice: {c.advice}")
        for flag in c.flags:
            out.append(f"  - Note: {flag}")
    return [*out, ""]


def grade_markdown(report: GradeReport, title: str | None = None) -> str:
    """A grade on its own: each part's score and summary, then every criterion with evidence and advice."""
    lines = [f"## {title}", ""] if title else []
    for phase in report.phases:
        heading = section_label(phase.phase) if len(report.phases) > 1 else "Criteria"
        lines += [f"### {heading}", ""]
        lines += _criteria_md(report, phase.phase)
    if report.notes:
        lines += ["### Notes", ""] + [f"- {n}" for n in report.notes] + [""]
    return "\n".join(lines).rstrip() + "\n"


def export_markdown(store: Store, library: Library | None, session_id: str) -> str:
    """A readable report of one session: transcript, timeline, scores with evidence and advice, pacing."""
    record = store.get_session(session_id)
    transcript = store.transcript(record.id)
    report = store.latest_grade(record.id)
    drill = store.drill(record.id)
    lines = [_heading(record, library), ""]
    lines += [
        f"- Session: `{record.id}`",
        f"- Kind: {record.kind}",
        f"- Problem: {record.problem_id or '–'}",
        f"- Level: {record.level}",
        f"- Started: {record.started_at[:19].replace('T', ' ')} UTC",
        f"- Status: {record.status}",
        f"- Time used: {clock_text(record.elapsed_s)}",
    ]
    if report is not None:
        lines += [
            f"- Grader: {report.grader}",
            f"- Overall: {_score(report.overall)}",
            f"- Verdict: {report.verdict or '–'}",
        ]
    lines.append("")
    if drill:
        lines += ["## Prompt", "", _quote(drill["prompt"]), ""]
        lines += [
            "## Drill metrics",
            "",
            f"- Words: {drill.get('words') if drill.get('words') is not None else '–'}",
            f"- Words per minute: {drill.get('wpm') if drill.get('wpm') is not None else '–'}",
            f"- Time used: {clock_text(drill.get('seconds_used'))} of {clock_text(drill.get('limit_s'))}",
            f"- Hedging words: {drill.get('hedges') if drill.get('hedges') is not None else '–'}",
            "",
        ]
    elif record.kind == "own-system" and library is not None:
        qid = record.options.get("question")
        q = next((q for q in library.own_system if q.id == qid), None)
        if q is not None:
            lines += ["## Question", "", _quote(q.question), ""]
    if report is not None and report.phases:
        lines += ["## Scores", "", "| Part | Score | Status |", "|---|---|---|"]
        for p in report.phases:
            lines.append(f"| {section_label(p.phase)} | {_score(p.score)} | {p.status} |")
        lines.append("")
    for p in transcript.phases:
        lines += [f"## {section_label(p.phase)}", ""]
        if p.seconds_used is not None or p.budget_seconds is not None:
            lines += [f"Time: {clock_text(p.seconds_used)} of {clock_text(p.budget_seconds)}", ""]
        lines += [_quote(p.answer) if p.answer.strip() else "_(no answer)_", ""]
        for ex in p.exchanges:
            who = "You asked" if ex.asked_by == "candidate" else f"Interviewer ({ex.kind})"
            lines.append(f"- **{who}:** {ex.question}")
            if ex.reply.strip():
                lines.append(f"  - **Reply:** {ex.reply.strip()}")
        if p.exchanges:
            lines.append("")
        if report is not None:
            lines += _criteria_md(report, p.phase)
    if report is not None:
        extra = [p for p in report.phases if all(p.phase != t.phase for t in transcript.phases)]
        for p in extra:
            lines += [f"## {section_label(p.phase)} (whole session)", ""]
            lines += _criteria_md(report, p.phase)
    rows = pacing(store, record.id)
    if any(r["seconds_used"] is not None for r in rows):
        lines += ["## Pacing", "", "| Phase | Used | Budget | Over |", "|---|---|---|---|"]
        for r in rows:
            lines.append(
                f"| {r['phase'].capitalize()} | {clock_text(r['seconds_used'])} | {clock_text(r['budget_seconds'])} | "
                f"{clock_text(r['overrun_seconds']) if r['overrun_seconds'] and r['overrun_seconds'] > 0 else '–'} |"
            )
        lines.append("")
    events = [e for e in store.events(record.id) if e.kind != "exchange"]
    if events:
        lines += ["## Timeline", ""]
        lines += [_timeline_line(e) for e in events]
        lines.append("")
    if report is not None and (report.notes or report.injection_flags or report.pending_reason):
        lines += ["## Notes", ""]
        lines += [f"- {n}" for n in report.notes]
        lines += [f"- Flag: {f}" for f in report.injection_flags]
        if report.pending_reason:
            lines.append(f"- Pending: {report.pending_reason}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _timeline_line(event: EventRecord) -> str:
    at = clock_text(event.elapsed_s) if event.elapsed_s is not None else event.at[11:19]
    phase = f" {event.phase}" if event.phase else ""
    text = f": {event.text.strip()[:100]}" if event.text.strip() else ""
    return f"- {at}{phase} {event.kind.replace('_', ' ')}{text}"
