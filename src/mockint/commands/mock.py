"""`mockint` and `mockint mock`: open the TUI, on the home screen or straight into a mock."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockint.config import Settings
    from mockint.content.loader import Library
    from mockint.store.db import Store


def add_parser(sub: Any, name: str) -> None:
    from mockint.commands._common import add_level_argument

    p = sub.add_parser(
        name, help="start a timed mock interview", description="Open the app straight into a mock."
    )
    p.add_argument("--problem", metavar="ID", help="problem id (default: pick in the app)")
    add_level_argument(p)
    p.add_argument("--minutes", type=int, metavar="N", help="total minutes (default 45)")
    p.set_defaults(run=run)


def load_context() -> tuple[Store, Library, Settings, list[str]]:
    """Settings, content and the store for the TUI; content problems become notes, not stderr lines."""
    from mockint.config import Paths, load_settings
    from mockint.content.loader import load_library
    from mockint.store.db import Store

    paths = Paths.resolve()
    settings = load_settings(paths)
    library = load_library(user_problems_dir=paths.user_problems_dir)
    notes: list[str] = []
    if library.errors:
        count = len({i.path for i in library.errors})
        notes.append(
            f"{count} content file{'s' if count != 1 else ''} skipped: run 'mockint validate' for details."
        )
    store = Store(paths.db_file)
    return store, library, settings, notes


def make_app(
    start: str = "home", start_options: dict[str, Any] | None = None, lazy: bool = False
) -> Any:
    """Build the app the same way for the CLI, tests and benchmarks.

    With `lazy`, settings, content and the database load on a thread after the first frame.
    """
    from mockint.tui.app import MockintApp

    if lazy:
        return MockintApp(
            None, None, None, start=start, start_options=start_options, loader=load_context
        )
    from mockint.commands._common import Context

    ctx = Context()
    return MockintApp(
        ctx.store, ctx.library, ctx.settings, start=start, start_options=start_options
    )


def _run(app: Any) -> int:
    from mockint.tui.app import BENCH_FIRST_FRAME_ENV

    app.run(headless=bool(os.environ.get(BENCH_FIRST_FRAME_ENV)))
    return int(app.return_code or 0)


def open_home(args: argparse.Namespace) -> int:
    return _run(make_app(lazy=True))


def run(args: argparse.Namespace) -> int:
    from mockint.commands._common import Context
    from mockint.errors import UsageError
    from mockint.interview.budgets import MAX_MINUTES, MIN_MINUTES

    ctx = Context()
    if args.problem:
        ctx.library.problem(args.problem)
    if args.minutes is not None and not MIN_MINUTES <= args.minutes <= MAX_MINUTES:
        raise UsageError(
            f"--minutes must be between {MIN_MINUTES} and {MAX_MINUTES}, got {args.minutes}"
        )
    from mockint.tui.app import MockintApp

    options = {"problem": args.problem, "level": args.level, "minutes": args.minutes}
    return _run(
        MockintApp(ctx.store, ctx.library, ctx.settings, start="mock", start_options=options)
    )
