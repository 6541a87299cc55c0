"""`mockint import FILE.json`: bring exported sessions back, e.g. on another machine."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any, name: str) -> None:
    p = sub.add_parser(
        name,
        help="bring exported sessions back (another machine)",
        description="Import sessions from a file written by 'mockint export --format json'. "
        "Sessions already present are refused; the others are imported.",
    )
    p.add_argument(
        "file",
        type=Path,
        metavar="FILE.json",
        help="an export written by 'mockint export --format json'",
    )
    p.add_argument("--json", action="store_true", help="the result as one JSON document on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mockint.commands._common import Context, info, print_json
    from mockint.export import import_json, load_export_file

    data = load_export_file(args.file)
    ctx = Context()
    result = import_json(ctx.store, data, str(args.file), library=ctx.library)
    for reason in result.refused.values():
        info(f"mockint: refused: {reason}")
    if args.json:
        print_json(result)
    n = len(result.imported)
    info(
        f"mockint: imported {n} session{'s' if n != 1 else ''} from {args.file}"
        + (f" ({', '.join(result.imported)})" if 0 < n <= 10 else "")
    )
    return 2 if result.refused and not result.imported else 0
