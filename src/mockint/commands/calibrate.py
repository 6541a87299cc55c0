"""`mockint calibrate`: how well the configured grader agrees with the labelled answers shipped with mockint."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any, name: str) -> None:
    p = sub.add_parser(
        name,
        help="check the grader against labelled answers",
        description=(
            "Grade the labelled answers shipped with mockint (strong, medium, weak, keyword-stuffing "
            "and injection answers) k times and report ranking accuracy, band agreement, mean "
            "absolute error, run-to-run spread and invented quotes against stated gates. Exit 0 "
            "when every gate passes, 1 otherwise."
        ),
    )
    p.add_argument(
        "--grader", choices=["offline", "llm"], help="grader to check (default: the configured one)"
    )
    p.add_argument(
        "-k",
        "--runs",
        type=int,
        default=3,
        metavar="N",
        help="grade each answer N times (default 3)",
    )
    p.add_argument(
        "--set",
        dest="paths",
        action="append",
        type=Path,
        metavar="PATH",
        help="a calibration file or folder instead of the built-in set (repeatable)",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=None,
        metavar="N",
        help="answers graded at once (default: 2 for llm, so a local model is not flooded; 8 offline)",
    )
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(run=run)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _print_table(result: Any) -> None:
    print(
        f"grader: {result.grader}   runs per answer: {result.runs}   answers: {len(result.answers)}"
    )
    print()
    width = max(len(a.id) for a in result.answers)
    print(
        f"{'answer':<{width}}  {'label':<9}  {'band':>7}  {'mean':>4}  {'min-max':>7}  {'in band':>7}  flags"
    )
    for a in result.answers:
        values = [v if v is not None else 0.0 for v in a.overalls]
        span = f"{min(values):.0f}-{max(values):.0f}" if values else "-"
        flags: list[str] = []
        if a.label == "injection":
            flags.append("injection flagged" if a.injection_flagged else "injection NOT flagged")
        if a.invented_quotes:
            flags.append(f"{len(a.invented_quotes)} invented quote(s)")
        if a.failed_runs:
            flags.append(f"{a.failed_runs} failed run(s): {a.failure}")
        band = f"{a.band[0]}-{a.band[1]}"
        print(
            f"{a.id:<{width}}  {a.label:<9}  {band:>7}  {_fmt(a.mean):>4}  {span:>7}  {a.in_band:>7.0%}  {'; '.join(flags)}"
        )
    if result.ranking_misses:
        print()
        print("ranking misses:")
        for miss in result.ranking_misses:
            print(f"  {miss}")
    print()
    print("gates:")
    for g in result.gates:
        value = (
            f"{g.value:.3g}"
            if isinstance(g.value, float) and not float(g.value).is_integer()
            else f"{g.value:g}"
        )
        print(
            f"  {'PASS' if g.passed else 'FAIL'}  {g.name:<28} {value:>7}  (needs {g.comparison} {g.threshold:g})"
        )
    print()
    extra = (
        f"; injection answers flagged: {result.injection_flagged:.0%}"
        if result.injection_flagged is not None
        else ""
    )
    print(f"quotes checked: {result.quotes_checked}; mean spread: {result.spread_mean:g}{extra}")
    verdict = "fit to grade" if result.passed else "NOT fit to grade: see the failed gates above"
    print(f"result: {'PASS' if result.passed else 'FAIL'} ({verdict})")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from mockint.commands._common import Context, info, print_json
    from mockint.errors import UsageError
    from mockint.grading.calibrate import load_calibration_set, run_calibration

    if args.runs < 1:
        raise UsageError(f"-k must be at least 1, got {args.runs}")
    if args.concurrency is not None and args.concurrency < 1:
        raise UsageError(f"--concurrency must be at least 1, got {args.concurrency}")
    answers = load_calibration_set(args.paths)
    ctx = Context()
    library = ctx.library
    choice = args.grader or ctx.settings.effective_grader()
    if choice == "offline":
        from mockint.grading.offline import OfflineGrader

        grader: Any = OfflineGrader()
    else:
        try:
            from mockint.grading.service import build_grader
        except ImportError as exc:
            raise UsageError(
                f"the llm grader is not available in this build ({exc}); use --grader offline"
            ) from None
        grader = build_grader(ctx.settings, library, override=choice)
    info(
        f"calibrating the {grader.name} grader on {len(answers)} labelled answers, {args.runs} run(s) each…"
    )
    concurrency = args.concurrency or (8 if choice == "offline" else 2)
    result = asyncio.run(
        run_calibration(grader, answers, library, runs=args.runs, concurrency=concurrency)
    )
    if args.json:
        data = result.model_dump(mode="json")
        data["passed"] = result.passed
        print_json(data)
    else:
        _print_table(result)
    return 0 if result.passed else 1
