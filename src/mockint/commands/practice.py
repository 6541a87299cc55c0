"""`mockint practice`: open today's own-system question (one of seven, one a day, 15 minutes)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any, name: str) -> None:
    from mockint.commands._common import add_level_argument

    p = sub.add_parser(
        name,
        help="daily own-system practice",
        description="Answer one question about a system you built, on a 15-minute clock; keep the streak going.",
    )
    p.add_argument(
        "--day", type=int, metavar="N", help="answer day N's question (1-7) instead of today's"
    )
    add_level_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mockint.commands._common import Context
    from mockint.commands.mock import make_app
    from mockint.progress.practice import todays_question

    ctx = Context()
    todays_question(ctx.store, ctx.library, day=args.day)  # no questions or a bad day fails here
    make_app("practice", {"day": args.day, "level": args.level}).run()
    return 0
