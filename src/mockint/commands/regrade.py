"""`mockint regrade SESSION [--level L]`: grade a stored session again and compare with the last grade.

Finishes a pending grade, or grades again at another level or with another grader, then shows the
previous and the new result side by side (per phase, per criterion, overall). With --json the output
is `{"previous": <report or null>, "current": <report>}`. Exit 0 graded, 1 still pending.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockint.grading.report import GradeReport


def add_parser(sub: Any, name: str) -> None:
    from mockint.commands._common import add_level_argument

    p = sub.add_parser(
        name,
        help="grade a session again, at another level, or finish a pending grade",
        description="Grade a stored session again and show the previous and the new grade side by side. "
        'With --json: {"previous": report or null, "current": report}.',
    )
    p.add_argument("session", metavar="SESSION", help="session id (a unique prefix is enough)")
    add_level_argument(p)
    p.add_argument("--grader", choices=["offline", "llm"], help="override the configured grader")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(run=run)


def _cell(report: GradeReport | None, value: float | int | None, width: int) -> str:
    if report is None:
        text = "—"
    elif report.status == "pending":
        text = "pending"
    else:
        text = "—" if value is None else f"{value:.0f}" if isinstance(value, float) else str(value)
    return f"{text:>{width}}"


def _delta(old: float | int | None, new: float | int | None) -> str:
    if old is None or new is None:
        return ""
    diff = new - old
    return f"  {diff:+.0f}" if diff else "   ="


def format_comparison(previous: GradeReport | None, current: GradeReport) -> str:
    """Previous and new grade side by side: overall, per phase, per criterion (scores 1-4)."""
    from mockint.commands.grade import format_usage

    def label(r: GradeReport | None) -> str:
        if r is None:
            return "none"
        when = f", {r.session.saved_at:%Y-%m-%d %H:%M}" if r.session and r.session.saved_at else ""
        return f"{r.grader} at {r.level.value}{when}" + (
            " (pending)" if r.status == "pending" else ""
        )

    from mockint.content.models import section_label

    w = 12
    lines = [
        f"previous: {label(previous)}",
        f"new:      {label(current)}",
        "",
        f"{'':<32}{'previous':>{w}}{'new':>{w}}",
        f"{'Overall (0-100)':<32}{_cell(previous, previous.overall if previous else None, w)}"
        f"{_cell(current, current.overall, w)}{_delta(previous.overall if previous else None, current.overall)}",
    ]
    phase_ids = [p.phase for p in current.phases] or (
        [p.phase for p in previous.phases] if previous else []
    )
    for pid in phase_ids:
        old = previous.phase(pid) if previous else None
        new = current.phase(pid)
        lines.append("")
        lines.append(
            f"{section_label(pid):<32}{_cell(previous, old.score if old else None, w)}"
            f"{_cell(current, new.score if new else None, w)}{_delta(old.score if old else None, new.score if new else None)}"
        )
        crit_ids = [c.id for c in (new.criteria if new else [])] or [
            c.id for c in (old.criteria if old else [])
        ]
        for cid in crit_ids:
            oc = next((c for c in old.criteria if c.id == cid), None) if old else None
            nc = next((c for c in new.criteria if c.id == cid), None) if new else None
            expected = nc.expected if nc and nc.expected is not None else None
            exp = f"  (expected {expected})" if expected is not None else ""
            lines.append(
                f"  {cid:<30}{_cell(previous, oc.score if oc else None, w)}"
                f"{_cell(current, nc.score if nc else None, w)}{_delta(oc.score if oc else None, nc.score if nc else None)}{exp}"
            )
    lines.append("")
    if previous is not None:
        lines.append(f"Previous verdict: {previous.verdict or previous.pending_reason or '—'}")
    lines.append(f"New verdict:      {current.verdict}")
    usage = format_usage(current)
    if usage:
        lines.append(usage)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from mockint.commands._common import Context, info, print_json
    from mockint.commands.grade import format_report
    from mockint.grading.service import build_grader, grade_session

    ctx = Context()
    store = ctx.store
    record = store.get_session(args.session)
    previous = store.latest_grade(record.id)
    grader = build_grader(ctx.settings, ctx.library, args.grader, store=store)
    if not args.json:
        info(f"grading session {record.id} with {grader.name}…")

    async def _go() -> GradeReport:
        try:
            return await grade_session(
                store, ctx.library, ctx.settings, record.id, level=args.level, grader=grader
            )
        finally:
            if hasattr(grader, "aclose"):
                await grader.aclose()

    current = asyncio.run(_go())
    if args.json:
        print_json(
            {
                "previous": previous.model_dump(mode="json") if previous else None,
                "current": current.model_dump(mode="json"),
            }
        )
    else:
        if current.status == "graded":
            print(format_report(current, record.title))
            print()
        print(format_comparison(previous, current))
    if current.status == "pending":
        info(
            f"mockint: grading is still pending: {current.pending_reason}. "
            f"Run 'mockint regrade {record.id}' again once the LLM is reachable."
        )
        return 1
    return 0
