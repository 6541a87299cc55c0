"""Time the offline grader on a full 45-minute transcript (~3,000 words) against same-run baselines.

Run by hand: `.venv/bin/python bench/bench_offline.py [--runs N]`. The transcript is the strong
calibration answer for the URL shortener with the other strong answers' phases appended, so every
phase reads like real text. Baselines, measured in the same run over the same text: splitting it
into words, and the pre-check alone.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from mockint.content.loader import load_library
from mockint.content.models import PHASES
from mockint.grading.base import GradeRequest
from mockint.grading.calibrate import load_calibration_set
from mockint.grading.offline import OfflineGrader
from mockint.grading.precheck import check_section
from mockint.interview.transcript import PhaseTranscript, Transcript


def full_transcript() -> tuple[Transcript, str]:
    """About 3,000 words: the three strong calibration answers stacked phase by phase."""
    answers = [a for a in load_calibration_set() if a.label == "strong"]
    answers.sort(key=lambda a: a.problem != "url-shortener")
    phases = []
    for i, phase in enumerate(PHASES):
        text = "\n\n".join(getattr(a, phase.value).strip() for a in answers)
        phases.append(
            PhaseTranscript(
                phase=phase.value,
                answer=text,
                seconds_used=300.0 + 60 * i,
                budget_seconds=300.0 + 60 * i,
            )
        )
    return Transcript(phases=phases), answers[0].problem


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up: compiles per-problem matchers once, as the app would on first use
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    library = load_library()
    transcript, problem_id = full_transcript()
    problem = library.problem(problem_id)
    request = GradeRequest(
        rubric=library.rubric(problem.rubric),
        level="senior",
        transcript=transcript,
        problem=problem,
    )
    texts = [p.candidate_text() for p in transcript.phases]
    words = sum(len(t.split()) for t in texts)
    grader = OfflineGrader()

    cold_start = time.perf_counter()
    OfflineGrader().grade_sync(request.model_copy(update={"problem": problem.model_copy()}))
    cold = (time.perf_counter() - cold_start) * 1000

    rows = [
        ("baseline: str.split over the text", timed(lambda: [t.split() for t in texts], args.runs)),
        (
            "baseline: pre-check alone (5 phases)",
            timed(lambda: [check_section(t, problem.prompt) for t in texts], args.runs),
        ),
        ("offline grader, full mock", timed(lambda: grader.grade_sync(request), args.runs)),
    ]
    print(f"offline grader bench: {words} words, {args.runs} runs each, problem {problem_id}")
    print(f"{'what':<40} {'median ms':>10} {'p95 ms':>8}")
    for name, values in rows:
        print(f"{name:<40} {statistics.median(values):>10.2f} {p95(values):>8.2f}")
    grade_median = statistics.median(rows[-1][1])
    print(
        f"first grade incl. compiling matchers: {cold:.1f} ms; bar: under 50 ms -> {'PASS' if grade_median < 50 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
