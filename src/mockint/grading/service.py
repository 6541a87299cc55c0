"""Grade a stored session: pick the grader, build the request, save the report, keep failures pending.

Behaviour on failure: when the grader cannot finish (the LLM stayed unavailable, the token
budget was hit), `grade_session` does not raise. It stores a report with status "pending" and the
reason, which marks the session pending, and returns that report; callers show the reason (the CLI
exits 1) and `mockint regrade` or `regrade_pending` finishes it later. A session that already has
a finished grade keeps it: a failed regrade returns the pending report without storing it. Grading
that is cancelled (the TUI's cancel, Ctrl-C) stores nothing: the session stays "submitted", with
its answers saved, and can be graded from its review or with `mockint regrade`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mockint.config import Level
from mockint.errors import ConfigError, GradingError, NotFoundError
from mockint.grading.base import Grader, GradeRequest, ProgressCallback
from mockint.grading.report import GradeReport, SessionRef

if TYPE_CHECKING:
    from mockint.config import Settings
    from mockint.content.loader import Library
    from mockint.store.db import Store


def build_grader(
    settings: Settings,
    library: Library,
    override: str | None = None,
    http_client: Any = None,
    store: Store | None = None,
) -> Grader:
    """The grader to run: `override` ('offline' | 'llm') or the configured one (auto resolves here)."""
    choice = override or settings.effective_grader()
    if choice == "offline":
        from mockint.grading.offline import OfflineGrader

        return OfflineGrader()
    if choice != "llm":
        raise ConfigError(f"unknown grader '{choice}'; use offline or llm")
    if not settings.llm_configured():
        raise ConfigError(
            "--grader llm needs an LLM: set OPENAI_API_KEY (or api_key_command in config.toml), or "
            "OPENAI_BASE_URL for a local server such as Ollama; run 'mockint doctor' to check"
        )
    from mockint.grading.llm import LlmGrader

    return LlmGrader(settings, library, http_client=http_client, store=store)


def build_request(store: Store, library: Library, session_id: str, level: Level) -> GradeRequest:
    """What the grader needs for a stored mock, drill or own-system session."""
    record = store.get_session(session_id)
    transcript = store.transcript(record.id)
    if record.kind == "mock":
        if not record.problem_id:
            raise NotFoundError(f"session {record.id} has no problem recorded")
        problem = library.problem(record.problem_id)
        return GradeRequest(
            rubric=library.rubric(problem.rubric),
            level=level,
            transcript=transcript,
            problem=problem,
            session_id=record.id,
        )
    if record.kind == "drill":
        drill = store.drill(record.id) or {}
        problem = library.problems.get(record.problem_id) if record.problem_id else None
        return GradeRequest(
            rubric=library.rubric_of_kind("drill"),
            level=level,
            transcript=transcript,
            problem=problem,
            prompt_text=drill.get("prompt") or record.title,
            session_id=record.id,
        )
    if record.kind == "own-system":
        question_id = record.options.get("question")
        question = next((q for q in library.own_system if q.id == question_id), None)
        if question is None:
            raise NotFoundError(
                f"session {record.id}: own-system question '{question_id}' is not in the library"
            )
        return GradeRequest(
            rubric=library.rubric_of_kind("own-system"),
            level=level,
            transcript=transcript,
            question=question,
            prompt_text=question.question,
            session_id=record.id,
        )
    raise NotFoundError(f"session {record.id} is a '{record.kind}' session, which cannot be graded")


def pending_report(request: GradeRequest, grader: Grader, reason: str) -> GradeReport:
    """A report that says grading did not finish, and why."""
    return GradeReport(
        session=SessionRef(id=request.session_id) if request.session_id else None,
        status="pending",
        grader=grader.name,
        level=request.level,
        problem=request.problem.id
        if request.problem
        else (request.question.id if request.question else None),
        rubric=request.rubric.id,
        verdict="Pending: grading did not finish",
        prompt_hash=getattr(grader, "prompt_hash", None),
        pending_reason=reason,
        created_at=datetime.now(UTC),
    )


async def grade_session(
    store: Store,
    library: Library,
    settings: Settings,
    session_id: str,
    *,
    level: Level | str | None = None,
    grader: Grader | None = None,
    progress: ProgressCallback | None = None,
    http_client: Any = None,
) -> GradeReport:
    """Grade one stored session and save the report; a failure is saved as pending, not raised."""
    record = store.get_session(session_id)
    chosen = Level(level or record.level)
    request = build_request(store, library, record.id, chosen)
    owned = grader is None
    grader = grader or build_grader(settings, library, http_client=http_client, store=store)
    had_grade = record.status == "graded"
    if not had_grade:
        store.update_session(record.id, status="submitted")
    try:
        report = await grader.grade(request, progress)
    except GradingError as exc:
        report = pending_report(request, grader, exc.message)
        if had_grade:
            kept = "The previous grade was kept; run 'mockint regrade' to try again."
            return report.model_copy(update={"notes": [kept]})
        return _keep_pending(store, record.id, report)
    finally:
        if owned and hasattr(grader, "aclose"):
            await grader.aclose()
    store.save_grade(record.id, report)
    from mockint.progress.reviews import update_reviews  # lazy: fsrs costs ~50 ms to import

    update_reviews(store, library, record.id, report)
    return store.latest_grade(record.id) or report


def _keep_pending(store: Store, session_id: str, report: GradeReport) -> GradeReport:
    """Mark the session pending, storing the report unless one pending report is already there."""
    latest = store.latest_grade(session_id)
    if latest is None or latest.status != "pending":
        store.save_grade(session_id, report)
        return store.latest_grade(session_id) or report
    store.update_session(session_id, status="pending")
    return report


async def regrade_pending(
    store: Store,
    library: Library,
    settings: Settings,
    *,
    http_client: Any = None,
    progress: ProgressCallback | None = None,
) -> list[GradeReport]:
    """Try to finish every pending session, oldest first; stop at the first that still fails."""
    sessions = list(reversed(store.pending()))
    if not sessions:
        return []
    try:
        grader = build_grader(settings, library, http_client=http_client, store=store)
    except ConfigError:
        return []
    done: list[GradeReport] = []
    try:
        for record in sessions:
            try:
                report = await grade_session(
                    store, library, settings, record.id, grader=grader, progress=progress
                )
            except NotFoundError:
                continue
            done.append(report)
            if report.status == "pending":
                break
    finally:
        if hasattr(grader, "aclose"):
            await grader.aclose()
    return done
