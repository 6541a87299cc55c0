"""`mockint show SESSION`: one session whole — transcript, timeline, latest grade, pacing."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any, name: str) -> None:
    p = sub.add_parser(
        name, help="one session with its transcript and grades", description="Show one session."
    )
    p.add_argument(
        "session", metavar="SESSION", help="session id (or a unique prefix), from 'mockint history'"
    )
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(run=run)


def session_document(store: Any, session_id: str) -> dict[str, Any]:
    """The whole session as JSON: record, transcript per phase, timeline, drill, grades, pacing."""
    from mockint.export import pacing

    record = store.get_session(session_id)
    grades = store.grades(record.id)
    latest = grades[-1] if grades else None
    return {
        "session": record.model_dump(mode="json"),
        "transcript": store.transcript(record.id).model_dump(mode="json")["phases"],
        "timeline": [e.model_dump(exclude={"id", "session_id"}) for e in store.events(record.id)],
        "drill": store.drill(record.id),
        "grade": latest.model_dump(mode="json") if latest else None,
        "grades": [
            {
                "saved_at": g.session.saved_at.isoformat()
                if g.session and g.session.saved_at
                else None,
                "grader": g.grader,
                "level": g.level.value,
                "status": g.status,
                "overall": g.overall,
                "verdict": g.verdict,
            }
            for g in grades
        ],
        "pacing": pacing(store, record.id),
    }


def run(args: argparse.Namespace) -> int:
    from mockint.commands._common import Context, print_json
    from mockint.export import export_markdown

    ctx = Context()
    sid = ctx.store.resolve_id(args.session)
    if args.json:
        print_json(session_document(ctx.store, sid))
        return 0
    print(export_markdown(ctx.store, ctx.library, sid), end="")
    return 0
