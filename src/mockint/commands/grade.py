"""`mockint grade FILE.md --problem ID`: grade an answer written elsewhere, print or save the report.

Exit codes: 0 graded; 1 pending (the LLM stayed unavailable: the reason goes to stderr with the
session id to regrade); 2 bad usage or input (missing file, unknown problem, bad headings, an LLM
requested but not configured). With --json the report is one JSON document on stdout; its
`session` is null with --no-save.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockint.grading.report import GradeReport


def add_parser(sub: Any, name: str) -> None:
    from mockint.commands._common import add_level_argument

    p = sub.add_parser(
        name,
        help="grade an answer written in Markdown",
        description="Grade an answer written elsewhere: Markdown with '## Requirements' ... '## Tradeoffs' headings.",
    )
    p.add_argument(
        "file", type=Path, metavar="FILE.md", help="the answer, one '## Phase' heading per phase"
    )
    p.add_argument(
        "--problem", required=True, metavar="ID", help="the problem it answers, e.g. url-shortener"
    )
    add_level_argument(p)
    p.add_argument("--grader", choices=["offline", "llm"], help="override the configured grader")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument("--no-save", action="store_true", help="grade without storing a session")
    p.set_defaults(run=run)


# ------------------------------------------------------------------ rendering


def _clock(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(round(seconds))
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def format_usage(report: GradeReport) -> str:
    """Tokens and time in one line ('≈' when the counts are estimates)."""
    usage = report.usage
    if usage is None or usage.calls == 0:
        return ""
    mark = "≈" if usage.estimated else ""
    cached = f" ({usage.cached_tokens:,} cached)" if usage.cached_tokens else ""
    return (
        f"Tokens: {mark}{usage.prompt_tokens:,} prompt{cached}, {usage.completion_tokens:,} completion "
        f"in {usage.calls} call{'s' if usage.calls != 1 else ''}, {usage.latency_ms / 1000:.1f} s"
    )


def format_report(report: GradeReport, title: str | None = None) -> str:
    """The report as readable text: per phase and criterion, evidence, what was missing, advice."""
    from mockint.content.models import section_label
    from mockint.grading.report import OFFLINE_NOTICE

    lines: list[str] = []
    head = title or report.problem or "answer"
    session = f"  session {report.session.id}" if report.session else ""
    lines.append(f"{head} · {report.level.value} · graded by {report.grader}{session}")
    if report.status == "pending":
        lines.append(f"Pending: {report.pending_reason or 'grading did not finish'}")
        lines.extend(report.notes)
        return "\n".join(lines)
    lines.append(f"Overall {_score(report.overall)}/100: {report.verdict}")
    if report.injection_flags:
        lines.append("")
        lines.append("⚠ Possible manipulation attempt (flagged, not penalised):")
        lines.extend(f"    {s!r}" for s in report.injection_flags)
    for phase in report.phases:
        lines.append("")
        timing = ""
        if phase.seconds_used is not None:
            timing = f"  ({_clock(phase.seconds_used)}" + (
                f" of {_clock(phase.budget_seconds)})" if phase.budget_seconds else ")"
            )
        status = "" if phase.status == "graded" else f"  [{phase.status}]"
        lines.append(f"## {section_label(phase.phase)}  {_score(phase.score)}/100{timing}{status}")
        if phase.summary:
            lines.append(f"   {phase.summary}")
        for c in phase.criteria:
            score = "—" if c.score is None else f"{c.score}/4"
            expected = f" (expected {c.expected})" if c.expected is not None else ""
            mark = (
                ""
                if c.score is None or c.expected is None
                else ("  ✓" if c.score >= c.expected else "  ↓")
            )
            lines.append(f"   {c.id:<26} {score}{expected}{mark}")
            for quote in c.evidence:
                lines.append(f'       "{quote}"')
            if c.missing:
                lines.append(f"       missing: {c.missing}")
            if c.advice:
                lines.append(f"       advice: {c.advice}")
            for flag in c.flags:
                lines.append(f"       ! {flag}")
    usage = format_usage(report)
    if usage or report.notes:
        lines.append("")
    if usage:
        lines.append(usage)
    lines.extend(f"Note: {n}" for n in report.notes if n != OFFLINE_NOTICE)
    if report.grader == "offline":
        lines.append("")
        lines.append(OFFLINE_NOTICE)
    return "\n".join(lines)


def report_json(report: GradeReport) -> dict[str, Any]:
    """The report as the JSON document the CLI prints."""
    return report.model_dump(mode="json")


def pending_message(report: GradeReport, saved_id: str | None) -> str:
    """What to tell the user when grading stayed pending."""
    reason = report.pending_reason or "grading did not finish"
    if saved_id:
        return f"grading is pending: {reason}. The answer is saved as session {saved_id}; run 'mockint regrade {saved_id}' to finish it."
    return f"grading did not finish: {reason}. Nothing was saved (--no-save)."


# ------------------------------------------------------------------ the command


def _save_session(store: Any, problem: Any, level: str, transcript: Any, source: Path) -> str:
    record = store.create_session(
        "mock",
        level,
        problem_id=problem.id,
        title=problem.title,
        options={"source": str(source), "imported": "grade"},
        status="submitted",
    )
    for phase in transcript.phases:
        store.save_answer(record.id, phase.phase, phase.answer)
        for exchange in phase.exchanges:
            store.add_exchange(record.id, phase.phase, exchange)
    return record.id


async def _grade_unsaved(grader: Any, request: Any) -> GradeReport:
    from mockint.errors import GradingError
    from mockint.grading.service import pending_report

    try:
        return await grader.grade(request)
    except GradingError as exc:
        return pending_report(request, grader, exc.message)
    finally:
        if hasattr(grader, "aclose"):
            await grader.aclose()


def run(args: argparse.Namespace) -> int:
    import asyncio

    from mockint.commands._common import Context, info, print_json
    from mockint.config import Level
    from mockint.errors import UsageError
    from mockint.grading.answer_file import parse_answer_markdown
    from mockint.grading.base import GradeRequest
    from mockint.grading.service import build_grader, grade_session

    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read: {exc}") from None
    ctx = Context()
    problem = ctx.library.problem(args.problem)
    transcript = parse_answer_markdown(text, str(path))
    level = Level(args.level or ctx.settings.level)
    store = None if args.no_save else ctx.store
    grader = build_grader(ctx.settings, ctx.library, args.grader, store=store)

    saved_id: str | None = None
    if store is None:
        request = GradeRequest(
            rubric=ctx.library.rubric(problem.rubric),
            level=level,
            transcript=transcript,
            problem=problem,
        )
        if not args.json:
            info(f"grading with {grader.name}…")
        report = asyncio.run(_grade_unsaved(grader, request))
    else:
        saved_id = _save_session(store, problem, level.value, transcript, path)
        if not args.json:
            info(f"saved as session {saved_id}; grading with {grader.name}…")

        async def _go() -> GradeReport:
            try:
                return await grade_session(
                    store, ctx.library, ctx.settings, saved_id, level=level, grader=grader
                )
            finally:
                if hasattr(grader, "aclose"):
                    await grader.aclose()

        report = asyncio.run(_go())

    if args.json:
        print_json(report_json(report))
    else:
        print(format_report(report, problem.title))
    if report.status == "pending":
        info(f"mockint: {pending_message(report, saved_id)}")
        return 1
    return 0
