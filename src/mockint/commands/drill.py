"""`mockint drill`: open the app straight into the 2-minute framing drill."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any, name: str) -> None:
    from mockint.commands._common import add_level_argument

    p = sub.add_parser(
        name,
        help="the 2-minute framing drill",
        description="Frame a design problem in two minutes: define, decompose, design, discuss tradeoffs, deliver.",
    )
    p.add_argument(
        "--problem", metavar="ID", help="frame this problem instead of the general question"
    )
    p.add_argument("--prompt", metavar="ID", help="a framing prompt id from reference/framing.toml")
    add_level_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mockint.commands._common import Context
    from mockint.commands.mock import make_app
    from mockint.progress.drill import choose_prompt

    choose_prompt(
        Context().library, args.prompt, args.problem
    )  # a bad id fails here, before the TUI opens
    make_app("drill", {"prompt": args.prompt, "problem": args.problem, "level": args.level}).run()
    return 0
