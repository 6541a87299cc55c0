"""`mockint problems`: list the problem library, filter it, show one problem."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any, name: str) -> None:
    p = sub.add_parser(
        name,
        help="list problems; 'problems show ID' for one",
        description="List the interview problems.",
    )
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument(
        "--tag",
        action="append",
        default=[],
        help="only problems with this concept tag (repeatable)",
    )
    p.add_argument("--difficulty", choices=["easy", "medium", "hard"], help="only this difficulty")
    p.set_defaults(run=run_list)
    inner = p.add_subparsers(dest="problems_command", metavar="show")
    show = inner.add_parser("show", help="show one problem")
    show.add_argument("id", help="problem id, e.g. url-shortener")
    show.add_argument("--json", action="store_true", help="the full problem as JSON")
    show.set_defaults(run=run_show)


def _summary(problem: Any) -> dict[str, Any]:
    return {
        "id": problem.id,
        "title": problem.title,
        "difficulty": problem.difficulty.value,
        "tags": list(problem.tags),
        "summary": problem.summary,
        "origin": problem.origin,
    }


def run_list(args: argparse.Namespace) -> int:
    from mockint.commands._common import Context, info, print_json
    from mockint.errors import UsageError

    lib = Context().library
    unknown = [t for t in args.tag if lib.concepts and t not in lib.concepts]
    if unknown:
        raise UsageError(
            f"unknown tag {', '.join(unknown)}; known tags: {', '.join(sorted(lib.concepts))}"
        )
    problems = [
        p
        for p in lib.problems.values()
        if all(t in p.tags for t in args.tag)
        and (args.difficulty is None or p.difficulty.value == args.difficulty)
    ]
    problems.sort(key=lambda p: (["easy", "medium", "hard"].index(p.difficulty.value), p.id))
    if args.json:
        print_json([_summary(p) for p in problems])
        return 0
    if not problems:
        info("no problems match")
        return 0
    width = max(len(p.id) for p in problems)
    for p in problems:
        print(f"{p.id:<{width}}  {p.difficulty.value:<6}  {p.title}  [{', '.join(p.tags)}]")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from mockint.commands._common import Context, print_json

    problem = Context().library.problem(args.id)
    if args.json:
        print_json(problem)
        return 0
    print(f"{problem.title}  ({problem.id}, {problem.difficulty.value})")
    print(f"tags: {', '.join(problem.tags)}")
    print()
    print(problem.prompt.strip())
    if problem.out_of_scope:
        print("\nOut of scope: " + "; ".join(problem.out_of_scope))
    for phase, content in problem.phases():
        print(
            f"\n## {phase.title}: {len(content.points)} reference points, {len(content.probes)} probes"
        )
        for point in content.points:
            print(f"  - {point.text}")
    print("\nStaff: " + problem.level_notes.staff)
    print("Principal: " + problem.level_notes.principal)
    return 0
