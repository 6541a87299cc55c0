"""Turn criterion scores into phase scores, an overall 0-100 and a verdict, the same for every grader."""

from __future__ import annotations

from mockint.config import Level
from mockint.content.models import Rubric
from mockint.grading.report import CriterionResult, GradeReport, PhaseResult


def criterion_points(score: int) -> float:
    """Map a 1-4 score onto 0-100 (1 = missing = 0, 4 = exceptional = 100)."""
    return (score - 1) / 3 * 100


def phase_score(rubric: Rubric, phase: PhaseResult) -> float | None:
    """Weighted mean of the criteria that were scored; None when none were."""
    section = rubric.section(phase.phase)
    total = weight_sum = 0.0
    for c in phase.criteria:
        if c.score is None:
            continue
        crit = section.criterion(c.id) if section else None
        weight = crit.weight if crit else 1.0
        total += criterion_points(c.score) * weight
        weight_sum += weight
    return round(total / weight_sum, 1) if weight_sum else None


def overall_score(phases: list[PhaseResult]) -> float | None:
    """Mean over phases; a phase with insufficient evidence counts as zero, not as absent."""
    counted = [p for p in phases if p.status != "skipped"]
    if not counted:
        return None
    if all(p.status in ("insufficient", "failed") for p in counted):
        return None if all(p.status == "failed" for p in counted) else 0.0
    values = [p.score if p.score is not None else 0.0 for p in counted if p.status != "failed"]
    return round(sum(values) / len(values), 1) if values else None


def verdict(rubric: Rubric, level: Level, overall: float | None) -> str:
    """Say plainly where the score sits against the level's pass mark."""
    if overall is None:
        return "Not graded: not enough of an answer to judge"
    bar = rubric.expectation(level).pass_score
    name = level.value
    if overall >= bar + 12:
        return f"Strong at {name}: clearly above the bar ({overall:.0f} vs {bar})"
    if overall >= bar:
        return f"Meets the {name} bar ({overall:.0f} vs {bar})"
    if overall >= bar - 10:
        return f"Borderline at {name}: just under the bar ({overall:.0f} vs {bar})"
    return f"Below the {name} bar ({overall:.0f} vs {bar})"


def expected_for(rubric: Rubric, section_id: str, criterion_id: str, level: Level) -> int | None:
    section = rubric.section(section_id)
    crit = section.criterion(criterion_id) if section else None
    return crit.expected[level] if crit else None


def finalize(report: GradeReport, rubric: Rubric) -> GradeReport:
    """Fill expected scores, phase scores, overall and verdict from the criterion scores."""
    phases: list[PhaseResult] = []
    for phase in report.phases:
        criteria = [
            c.model_copy(update={"expected": expected_for(rubric, phase.phase, c.id, report.level)})
            for c in phase.criteria
        ]
        updated = phase.model_copy(update={"criteria": criteria})
        if updated.status == "graded":
            updated = updated.model_copy(update={"score": phase_score(rubric, updated)})
        phases.append(updated)
    overall = overall_score(phases) if report.status == "graded" else None
    return report.model_copy(
        update={
            "phases": phases,
            "overall": overall,
            "verdict": verdict(rubric, report.level, overall)
            if report.status == "graded"
            else "Pending: grading did not finish",
            "rubric": rubric.id,
        }
    )


def weakest(criteria: list[CriterionResult], n: int = 3) -> list[CriterionResult]:
    """The criteria furthest below what the level expects."""
    scored = [c for c in criteria if c.score is not None and c.expected is not None]
    return sorted(scored, key=lambda c: (c.score - c.expected, c.score))[:n]  # type: ignore[operator]
