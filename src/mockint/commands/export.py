"""`mockint export SESSION`: a session as a Markdown report or a JSON document `mockint import` reads."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any, name: str) -> None:
    p = sub.add_parser(
        name,
        help="a session as Markdown or JSON",
        description="Export a session: transcript, timeline, scores, evidence, advice and pacing.",
    )
    p.add_argument("session", metavar="SESSION", nargs="+", help="session id(s) or unique prefixes")
    p.add_argument(
        "--format",
        choices=["md", "json"],
        default="md",
        help="md (default) or json (for 'mockint import')",
    )
    p.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from mockint.commands._common import Context, info
    from mockint.errors import UsageError
    from mockint.export import export_json, export_markdown

    ctx = Context()
    ids = [ctx.store.resolve_id(s) for s in args.session]
    if args.format == "json":
        text = json.dumps(export_json(ctx.store, ids), indent=2, ensure_ascii=False) + "\n"
    else:
        text = "\n---\n\n".join(export_markdown(ctx.store, ctx.library, sid) for sid in ids)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot be written: {exc.strerror or exc}") from None
    info(f"mockint: wrote {len(ids)} session{'s' if len(ids) != 1 else ''} to {args.output}")
    return 0
