"""`mockint validate [PATH...]`: check problems, rubrics and prompts; exit 2 on any error."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any


def add_parser(sub: Any, name: str) -> None:
    p = sub.add_parser(
        name,
        help="check problems/rubrics/prompts; non-zero on error",
        description="Validate content files. With no PATH: the built-in library and your own problems.",
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders to check")
    p.set_defaults(run=run)


def _is_rubric(path: Path) -> bool:
    if path.parent.name == "rubrics":
        return True
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return "sections" in data and "kind" in data


def run(args: argparse.Namespace) -> int:
    from mockint.commands._common import Context, info
    from mockint.content.loader import (
        ContentIssue,
        builtin_root,
        load_library,
        load_prompt_file,
        load_rubric_file,
    )
    from mockint.errors import UsageError

    ctx = Context()
    if not args.paths:
        lib = load_library(user_problems_dir=ctx.paths.user_problems_dir)
        issues = lib.issues
        counts = f"{len(lib.problems)} problems, {len(lib.rubrics)} rubrics, {len(lib.prompts)} prompts, {len(lib.concepts)} concepts"
    else:
        issues: list[ContentIssue] = []
        roots: list[Path] = []
        problem_files: list[Path] = []
        n_rubrics = n_prompts = 0
        for path in args.paths:
            if not path.exists():
                raise UsageError(f"{path}: no such file or folder")
            if path.is_dir() and any(
                (path / d).is_dir() for d in ("problems", "rubrics", "prompts")
            ):
                roots.append(path)
            elif path.is_dir():
                problem_files.extend(sorted(path.glob("*.toml")))
                for md in sorted(path.glob("*.md")):
                    n_prompts += load_prompt_file(md, issues) is not None
            elif path.suffix == ".md":
                n_prompts += load_prompt_file(path, issues) is not None
            elif path.suffix == ".toml" and _is_rubric(path):
                n_rubrics += load_rubric_file(path, issues) is not None
            elif path.suffix == ".toml":
                problem_files.append(path)
            else:
                issues.append(ContentIssue(path, "not a content file (expected .toml or .md)"))
        lib = load_library(
            roots=roots or [builtin_root()],
            extra_problem_files=problem_files,
            include_problems=bool(roots),
        )
        checked = {p.resolve() for p in problem_files}
        if roots:
            issues.extend(lib.issues)
        else:
            issues.extend(i for i in lib.issues if i.path.resolve() in checked)
        n_problems = sum(
            1 for p in lib.problems.values() if p.source and p.source.resolve() in checked
        )
        if roots:
            n_problems, n_rubrics, n_prompts = len(lib.problems), len(lib.rubrics), len(lib.prompts)
        counts = f"{n_problems} problems, {n_rubrics} rubrics, {n_prompts} prompts"
    errors = [i for i in issues if i.severity == "error"]
    for issue in issues:
        info(f"{'error' if issue.severity == 'error' else 'notice'}: {issue}")
    if errors:
        info(f"{len(errors)} error(s); {counts} valid")
        return 2
    print(f"ok: {counts}")
    return 0
