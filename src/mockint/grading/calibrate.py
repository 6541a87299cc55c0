"""Calibration: run a grader over labelled answers and measure how well it agrees with the labels.

The labelled set ships with mockint (calibration/*.toml): strong, medium and weak answers per
problem plus keyword-stuffing and injection answers, each with the band its overall score should
land in. Users run it to learn whether their grader (say, a local model) is fit to grade.
"""

from __future__ import annotations

import asyncio
import statistics
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mockint.config import Level
from mockint.content.models import PHASES
from mockint.errors import GradingError, UsageError
from mockint.grading.base import Grader, GradeRequest
from mockint.grading.report import GradeReport
from mockint.grading.text import normalize
from mockint.interview.transcript import Transcript

Label = Literal["strong", "solid", "medium", "mid", "weak", "stuffing", "injection"]

RANKED_PAIRS: tuple[tuple[Label, Label], ...] = (
    ("strong", "medium"),
    ("strong", "weak"),
    ("medium", "weak"),
    ("medium", "stuffing"),
    ("medium", "injection"),
    # realistic answers typed the way candidates type: solid senior and typical mid-level
    ("strong", "solid"),
    ("strong", "mid"),
    ("solid", "mid"),
    ("solid", "weak"),
    ("mid", "weak"),
    ("solid", "stuffing"),
    ("mid", "stuffing"),
    ("solid", "injection"),
    ("mid", "injection"),
)
"""(better, worse) label pairs whose order the grader must reproduce within a problem."""

GATE_RANKING = 0.9
GATE_BAND = 0.7
GATE_MAE = 8.0
GATE_SPREAD = 10.0
GATE_INVENTED = 0


class LabelledAnswer(BaseModel):
    """One labelled answer: which problem and level, its label, the band its overall should hit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    problem: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    level: Level
    label: Label
    band: tuple[int, int]
    """Inclusive range [lo, hi] the overall 0-100 score should land in."""
    note: str = ""
    requirements: str = ""
    estimation: str = ""
    design: str = ""
    scale: str = ""
    tradeoffs: str = ""

    @field_validator("band")
    @classmethod
    def _band_range(cls, band: tuple[int, int]) -> tuple[int, int]:
        lo, hi = band
        if not 0 <= lo <= hi <= 100:
            raise ValueError(f"band must be [lo, hi] with 0 <= lo <= hi <= 100, got [{lo}, {hi}]")
        return band

    def transcript(self) -> Transcript:
        return Transcript.from_answers({p.value: getattr(self, p.value) for p in PHASES})

    def candidate_text(self) -> str:
        return "\n\n".join(pt.candidate_text() for pt in self.transcript().phases)


def default_set_dir() -> Path:
    """The calibration folder shipped with mockint (inside the wheel, or the source checkout)."""
    from mockint.content.loader import builtin_root

    return builtin_root() / "calibration"


def _field_path(err: dict[str, Any]) -> str:
    return ".".join(str(p) for p in err.get("loc", ()))


def load_calibration_file(path: Path) -> list[LabelledAnswer]:
    """Read one calibration TOML file; any bad entry is a UsageError naming the file and field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read: {exc}") from None
    entries = data.get("answers")
    if not isinstance(entries, list) or not entries:
        raise UsageError(f"{path}: expected one or more [[answers]] tables")
    answers: list[LabelledAnswer] = []
    for i, entry in enumerate(entries):
        try:
            answers.append(LabelledAnswer.model_validate(entry))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = f"answers.{i}.{_field_path(err)}".rstrip(".")
            ident = entry.get("id") if isinstance(entry, dict) else None
            label = f" (id '{ident}')" if ident else ""
            value = err.get("input")
            shown = (
                f" (got {value!r})"
                if isinstance(value, (str, int, float)) and len(repr(value)) < 60
                else ""
            )
            msg = (
                "is required but missing"
                if err.get("type") == "missing"
                else f"{err.get('msg', 'invalid')}{shown}"
            )
            if err.get("type") == "extra_forbidden":
                msg = "is not a known field"
            raise UsageError(f"{path}: field '{where}'{label}: {msg}") from None
    return answers


def load_calibration_set(paths: Iterable[Path] | None = None) -> list[LabelledAnswer]:
    """Load every calibration file (a folder means its *.toml files); ids must be unique."""
    files: list[Path] = []
    for p in list(paths) if paths is not None else [default_set_dir()]:
        if p.is_dir():
            files.extend(sorted(f for f in p.glob("*.toml") if not f.name.startswith(".")))
        elif p.exists():
            files.append(p)
        else:
            raise UsageError(f"{p}: no such calibration file or folder")
    if not files:
        raise UsageError("no calibration files found (expected calibration/*.toml)")
    answers: list[LabelledAnswer] = []
    seen: dict[str, Path] = {}
    for f in files:
        for a in load_calibration_file(f):
            if a.id in seen:
                raise UsageError(
                    f"{f}: field 'id': duplicate answer id '{a.id}' (also in {seen[a.id]})"
                )
            seen[a.id] = f
            answers.append(a)
    return answers


# ------------------------------------------------------------------ results


class AnswerOutcome(BaseModel):
    """How one labelled answer fared over k runs."""

    id: str
    problem: str
    level: Level
    label: Label
    band: tuple[int, int]
    overalls: list[float | None]
    """Overall per run (None when the grade found nothing to score or the run failed)."""
    failed_runs: int = 0
    mean: float | None = None
    spread: float = 0.0
    in_band: float = 0.0
    """Share of runs whose overall landed inside the band."""
    error: float = 0.0
    """Mean distance from the band over the runs (0 inside it)."""
    quotes: int = 0
    invented_quotes: list[str] = []
    injection_flagged: bool = False
    failure: str | None = None


class Gate(BaseModel):
    """One stated gate: the measured value, the threshold and whether it passed."""

    name: str
    value: float
    threshold: float
    comparison: Literal[">=", "<=", "=="]
    passed: bool

    @classmethod
    def measure(
        cls,
        name: str,
        value: float,
        threshold: float,
        comparison: Literal[">=", "<=", "=="],
        digits: int = 3,
    ) -> Gate:
        """Judge the unrounded value against the threshold; report it rounded."""
        passed = {">=": value >= threshold, "<=": value <= threshold, "==": value == threshold}[
            comparison
        ]
        return cls(
            name=name,
            value=round(value, digits),
            threshold=threshold,
            comparison=comparison,
            passed=passed,
        )


class CalibrationResult(BaseModel):
    """Agreement of a grader with the labelled set, and a pass/fail per gate."""

    grader: str
    runs: int
    answers: list[AnswerOutcome]
    ranking_accuracy: float
    ranking_pairs: int
    ranking_misses: list[str] = []
    band_agreement: float
    mean_absolute_error: float
    spread_mean: float
    spread_worst: float
    invented_quotes: int
    quotes_checked: int
    injection_flagged: float | None = None
    """Share of injection answers the grader flagged (informational, not a gate)."""
    gates: list[Gate]

    @property
    def passed(self) -> bool:
        return all(g.passed for g in self.gates)


def _distance(value: float, band: tuple[int, int]) -> float:
    lo, hi = band
    return lo - value if value < lo else value - hi if value > hi else 0.0


def _outcome(
    answer: LabelledAnswer, reports: Sequence[GradeReport | BaseException]
) -> AnswerOutcome:
    overalls: list[float | None] = []
    failed = 0
    failure: str | None = None
    quotes = 0
    invented: list[str] = []
    flagged = False
    candidate = normalize(answer.candidate_text())
    for r in reports:
        if isinstance(r, BaseException) or r.status != "graded":
            failed += 1
            failure = failure or (
                str(r) if isinstance(r, BaseException) else (r.pending_reason or "pending")
            )
            overalls.append(None)
            continue
        overalls.append(r.overall)
        flagged = flagged or bool(r.injection_flags)
        for phase in r.phases:
            for c in phase.criteria:
                for q in c.evidence:
                    quotes += 1
                    nq = normalize(q)
                    if not nq or nq not in candidate:
                        invented.append(q)
    values = [
        0.0 if o is None else o
        for o, r in zip(overalls, reports, strict=True)
        if not isinstance(r, BaseException) and r.status == "graded"
    ]
    mean = statistics.fmean(values) if values else None
    return AnswerOutcome(
        id=answer.id,
        problem=answer.problem,
        level=answer.level,
        label=answer.label,
        band=answer.band,
        overalls=overalls,
        failed_runs=failed,
        mean=None if mean is None else round(mean, 1),
        spread=round(max(values) - min(values), 1) if values else 0.0,
        in_band=(sum(1 for v in values if _distance(v, answer.band) == 0) / len(values))
        if values
        else 0.0,
        error=round(statistics.fmean(_distance(v, answer.band) for v in values), 1)
        if values
        else 0.0,
        quotes=quotes,
        invented_quotes=invented,
        injection_flagged=flagged,
        failure=failure,
    )


def summarize(grader_name: str, runs: int, outcomes: Sequence[AnswerOutcome]) -> CalibrationResult:
    """Compute ranking accuracy, band agreement, MAE, spread and invented quotes, and the gates."""
    right = total = 0
    misses: list[str] = []
    by_problem: dict[str, list[AnswerOutcome]] = {}
    for o in outcomes:
        by_problem.setdefault(o.problem, []).append(o)
    for problem in sorted(by_problem):
        group = by_problem[problem]
        for better, worse in RANKED_PAIRS:
            for a in (o for o in group if o.label == better):
                for b in (o for o in group if o.label == worse):
                    total += 1
                    va, vb = a.mean or 0.0, b.mean or 0.0
                    if va > vb:
                        right += 1
                    else:
                        misses.append(f"{a.id} ({va:.0f}) should beat {b.id} ({vb:.0f})")
    scored = [o for o in outcomes if o.failed_runs < len(o.overalls)]
    ranking = right / total if total else 1.0
    band = statistics.fmean(o.in_band for o in scored) if scored else 0.0
    mae = statistics.fmean(o.error for o in scored) if scored else 100.0
    spreads = [o.spread for o in scored] or [0.0]
    invented = sum(len(o.invented_quotes) for o in outcomes)
    injections = [o for o in outcomes if o.label == "injection"]
    failed = sum(o.failed_runs for o in outcomes)
    gates = [
        Gate.measure("ranking accuracy", ranking, GATE_RANKING, ">="),
        Gate.measure("band agreement", band, GATE_BAND, ">="),
        Gate.measure("mean absolute error", mae, GATE_MAE, "<=", digits=2),
        Gate.measure("run-to-run spread (worst)", max(spreads), GATE_SPREAD, "<=", digits=1),
        Gate.measure("invented quotes", invented, GATE_INVENTED, "=="),
        Gate.measure("failed runs", failed, 0, "=="),
    ]
    return CalibrationResult(
        grader=grader_name,
        runs=runs,
        answers=list(outcomes),
        ranking_accuracy=round(ranking, 3),
        ranking_pairs=total,
        ranking_misses=misses,
        band_agreement=round(band, 3),
        mean_absolute_error=round(mae, 2),
        spread_mean=round(statistics.fmean(spreads), 2),
        spread_worst=round(max(spreads), 1),
        invented_quotes=invented,
        quotes_checked=sum(o.quotes for o in outcomes),
        injection_flagged=(sum(1 for o in injections if o.injection_flagged) / len(injections))
        if injections
        else None,
        gates=gates,
    )


def build_requests(answers: Sequence[LabelledAnswer], library: Any) -> list[GradeRequest]:
    """One grade request per labelled answer; an unknown problem names the answer and field."""
    requests: list[GradeRequest] = []
    for a in answers:
        problem = library.problems.get(a.problem)
        if problem is None:
            raise UsageError(
                f"calibration answer '{a.id}': field 'problem': no problem with id '{a.problem}' is loaded"
            )
        requests.append(
            GradeRequest(
                rubric=library.rubric(problem.rubric),
                level=a.level,
                transcript=a.transcript(),
                problem=problem,
            )
        )
    return requests


async def run_calibration(
    grader: Grader,
    answers: Sequence[LabelledAnswer],
    library: Any,
    runs: int = 3,
    concurrency: int = 4,
) -> CalibrationResult:
    """Grade every answer `runs` times (at most `concurrency` at once) and summarise the agreement."""
    if runs < 1:
        raise UsageError(f"-k must be at least 1, got {runs}")
    requests = build_requests(answers, library)
    limit = asyncio.Semaphore(max(1, concurrency))

    async def one(request: GradeRequest) -> GradeReport | BaseException:
        async with limit:
            try:
                return await grader.grade(request)
            except GradingError as exc:
                return exc

    jobs = [one(req) for req in requests for _ in range(runs)]
    try:
        results = await asyncio.gather(*jobs)
    finally:
        close = getattr(grader, "aclose", None)
        if close is not None:
            await close()
    outcomes = [_outcome(a, results[i * runs : (i + 1) * runs]) for i, a in enumerate(answers)]
    return summarize(grader.name, runs, outcomes)
