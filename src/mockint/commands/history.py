"""`mockint history`: past mocks, drills and own-system practice with scores, a page at a time."""

from __future__ import annotations

import argparse
from typing import Any

KINDS = ("mock", "drill", "own-system")
STATUSES = ("active", "submitted", "graded", "pending", "abandoned")


def add_parser(sub: Any, name: str) -> None:
    from mockint.commands._common import add_level_argument

    p = sub.add_parser(
        name,
        help="past mocks and drills with scores",
        description="List past sessions, newest first, with a short trend and the weakest dimensions.",
    )
    p.add_argument(
        "--json", action="store_true", help="one JSON document (a list of sessions) on stdout"
    )
    p.add_argument("--kind", choices=KINDS, help="only this kind of session")
    p.add_argument("--problem", metavar="ID", help="only sessions of this problem")
    add_level_argument(p)
    p.add_argument("--status", choices=STATUSES, help="only sessions with this status")
    p.add_argument(
        "--since", metavar="YYYY-MM-DD", help="only sessions started on or after this day"
    )
    p.add_argument(
        "--until", metavar="YYYY-MM-DD", help="only sessions started on or before this day"
    )
    p.add_argument(
        "--limit", type=int, default=50, metavar="N", help="sessions per page (default 50)"
    )
    p.add_argument(
        "--page", type=int, default=1, metavar="N", help="which page, from 1 (default 1)"
    )
    p.set_defaults(run=run)


def _day(value: str | None, flag: str) -> Any:
    from datetime import date

    from mockint.errors import UsageError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} expects a day as YYYY-MM-DD, got {value!r}") from None


def _row(entry: Any) -> list[str]:
    score = "–" if entry.overall is None else f"{entry.overall:.0f}"
    what = entry.problem or entry.title or "–"
    return [
        entry.started_at[:16].replace("T", " "),
        entry.session,
        entry.kind,
        what,
        entry.level,
        entry.grader or "–",
        score,
        entry.status,
    ]


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    return "\n".join(lines)


def open_source() -> Any:
    """A light reader on a sound, current database; otherwise the full Store (it migrates or refuses)."""
    from mockint.progress.listing import default_db_path, open_reader

    reader = open_reader(default_db_path())
    if reader is not None:
        return reader
    from mockint.commands._common import Context

    return Context().store


def run(args: argparse.Namespace) -> int:
    from mockint.commands._common import info, print_json
    from mockint.errors import UsageError
    from mockint.progress.listing import HistoryFilter, history_page

    if args.limit < 1 or args.limit > 100_000:
        raise UsageError(f"--limit must be between 1 and 100000, got {args.limit}")
    if args.page < 1:
        raise UsageError(f"--page must be 1 or more, got {args.page}")
    filters = HistoryFilter(
        kind=args.kind,
        problem=args.problem,
        level=args.level,
        status=args.status,
        since=_day(args.since, "--since"),
        until=_day(args.until, "--until"),
    )
    source = open_source()
    page = history_page(source, filters, limit=args.limit, offset=(args.page - 1) * args.limit)
    if args.json:
        print_json([e.to_dict() for e in page.entries])
        if page.has_more:
            info(
                f"mockint: page {page.page} of {page.pages} ({page.total} sessions); --page {page.page + 1} for more"
            )
        return 0
    if not page.entries:
        info(
            "no sessions yet; start one with 'mockint mock' or 'mockint drill'"
            if filters.is_empty()
            else "no sessions match"
        )
        return 0
    header = ["date (UTC)", "id", "kind", "problem", "level", "grader", "score", "status"]
    print(_table([_row(e) for e in page.entries], header))
    more = f"; --page {page.page + 1} for more" if page.has_more else ""
    print(
        f"\npage {page.page} of {page.pages}, {page.total} session{'s' if page.total != 1 else ''}{more}"
    )
    print(_summary(source, filters.kind or "mock"))
    return 0


def _summary(source: Any, kind: str) -> str:
    """A few lines under the table: recent scores, weakest criteria (by id), days practised."""
    from mockint.progress.history import practice_summary, trends, weakest_dimensions

    recent = trends(source, kind, last=10)
    scores = [p.score for p in recent.sessions if p.score is not None]
    lines: list[str] = []
    if len(scores) >= 2:
        lines.append(
            f"last {len(scores)} graded {kind}s: {' '.join(f'{s:.0f}' for s in scores)} ({scores[-1] - scores[0]:+.0f})"
        )
    weak = weakest_dimensions(source, kind, last=10, n=3)
    if weak:
        lines.append(
            "weakest: " + "; ".join(f"{w.criterion_id} ({w.section}, {w.gap:+.1f})" for w in weak)
        )
    summary = practice_summary(source)
    lines.append(
        f"days practised: {summary.days_practised}; streak: {summary.practice_streak} day(s); "
        f"own-system streak: {summary.own_system_streak}"
    )
    return "\n".join(lines)
