"""The offline grader: deterministic, instant, and built to reward reasoning rather than vocabulary.

A reference point counts fully only when its signal shows up in a sentence that also reasons (a
cause, a number with its unit or arithmetic, or a connection between components); a bare term in
a list counts for little. Structural evidence that does not depend on the problem's wording (an API
line, a record with its fields, a handled failure, a decision drawn from a number, a user action)
lifts the matching criterion to partial or solid credit. Criteria without reference points are
judged on generic features (clarifying questions, arithmetic, a recap, structure). Injection
attempts are ignored and flagged.

The work is split by job: offline_sentences (what each sentence shows), offline_features (generic
features), offline_points (reference points and figures), offline_structure (structural evidence),
and this module (scoring a criterion, and the grader).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from mockint.config import Level
from mockint.content.models import (
    PHASES,
    Criterion,
    EstimationFigure,
    Problem,
    ReferencePoint,
    RubricSection,
)
from mockint.grading.base import GradeRequest, ProgressCallback
from mockint.grading.offline_features import GENERIC, Feature, _fallback
from mockint.grading.offline_points import (
    FigureHit,
    PointHit,
    match_figures,
    match_points,
    matchers_for,
)
from mockint.grading.offline_sentences import BARE, FULL, SHALLOW, Analysed, SectionText
from mockint.grading.offline_structure import PARTIAL, STRUCTURE
from mockint.grading.precheck import PrecheckResult, check_section, insufficient_phase
from mockint.grading.report import (
    OFFLINE_NOTICE,
    CriterionResult,
    GradeReport,
    PhaseResult,
    SessionRef,
)
from mockint.grading.scoring import finalize
from mockint.grading.text import words
from mockint.interview.transcript import PhaseTranscript

__all__ = [
    "GENERIC",
    "Feature",
    "OfflineGrader",
    "SectionText",
    "coverage_to_score",
    "grade_criterion",
    "grade_transcript",
]

THRESHOLDS = (0.2, 0.45, 0.72)
"""Coverage at or above each threshold lifts the score by one: <0.2 → 1, <0.45 → 2, <0.72 → 3, else 4."""

OWN_WORDS_AT = 0.3
"""Generic-feature value from which a reasoned answer in other words than the points' earns a 2."""

NOUN_CUED = frozenset({"api-design", "data-model"})
"""Criteria whose generic feature keys on nouns ('endpoint', 'table'): only structure lifts them."""

SCORE_LABELS = {1: "missing", 2: "partial", 3: "solid", 4: "exceptional"}

# ------------------------------------------------------------------ scoring a criterion


def coverage_to_score(value: float) -> int:
    """Map coverage in [0, 1] to a rubric score 1-4 by the fixed thresholds."""
    return 1 + sum(1 for t in THRESHOLDS if value >= t)


def _pitfall_for(pitfalls: Sequence[str], topic: str) -> str:
    if not pitfalls:
        return ""
    topic_words = {w.lower() for w in words(topic) if len(w) > 3}

    def overlap(p: str) -> int:
        return len(topic_words & {w.lower() for w in words(p) if len(w) > 3})

    return max(pitfalls, key=lambda p: (overlap(p), -pitfalls.index(p)))


def _advice(criterion: Criterion, score: int, pitfalls: Sequence[str], topic: str) -> str:
    parts: list[str] = []
    if score < 4:
        parts.append(
            f"To reach {score + 1} ({SCORE_LABELS[score + 1]}): {criterion.anchors[score]}"
        )
    else:
        parts.append("Keep doing this; it matches the top anchor.")
    pitfall = _pitfall_for(pitfalls, topic or criterion.description)
    if pitfall and score < 4:
        parts.append(f"Avoid: {pitfall}")
    return " ".join(parts)


def _dedupe(sentences: Sequence[Analysed], n: int = 3) -> list[str]:
    out: list[str] = []
    for a in sentences:
        if a.text not in out:
            out.append(a.text)
        if len(out) == n:
            break
    return out


@dataclass
class SectionPlan:
    """What one section is graded against: its points, figures and pitfalls."""

    section: RubricSection
    points: list[ReferencePoint]
    owner: str
    figures: list[EstimationFigure] = field(default_factory=list)
    pitfalls: list[str] = field(default_factory=list)


def own_words_floor(feature: Feature) -> float:
    """Partial credit for a topic argued in the candidate's own words when the reference points
    were phrased differently: the generic feature found a fair amount, with a reasoned sentence."""
    if feature.value >= OWN_WORDS_AT and any(a.credit >= FULL for a in feature.evidence):
        return PARTIAL
    return 0.0


def grade_criterion(
    criterion: Criterion,
    ctx: SectionText,
    point_hits: dict[str, PointHit],
    figure_hits: list[FigureHit],
    pitfalls: Sequence[str],
) -> CriterionResult:
    """Score one criterion from point coverage, figure checks, its generic feature and structure.

    Structural evidence (an API line, a record with fields, a handled failure...) sets a floor
    under the coverage, so real content scores partial or solid even in the candidate's own words.
    """
    hits = [h for h in point_hits.values() if h.point.criterion == criterion.id]
    figs = [f for f in figure_hits if f.criterion == criterion.id]
    feature_fn = GENERIC.get(criterion.id) or _fallback(criterion)
    feature = feature_fn(ctx)
    parts: list[tuple[float, float]] = []
    if hits:
        total = sum(h.point.weight for h in hits)
        parts.append(
            (sum(h.point.weight * h.credit for h in hits) / total, 0.65 if not figs else 0.4)
        )
    if figs:
        parts.append((sum(f.credit for f in figs) / len(figs), 0.35 if hits else 0.65))
    feature_weight = 1.0 - sum(w for _, w in parts)
    parts.append((feature.value, feature_weight))
    value = sum(v * w for v, w in parts)
    if (hits or figs) and criterion.id not in NOUN_CUED:
        value = max(value, own_words_floor(feature))
    structure_fn = STRUCTURE.get(criterion.id)
    structure = structure_fn(ctx) if structure_fn is not None else None
    if structure is not None:
        value = max(value, structure.floor)
    score = coverage_to_score(value)

    evidence_pool: list[Analysed] = []
    for h in sorted(hits, key=lambda h: (-h.credit, -h.point.weight)):
        if h.best is not None:
            evidence_pool.append(h.best)
    evidence_pool.extend(f.sentence for f in figs if f.sentence is not None)
    if structure is not None:
        evidence_pool.extend(structure.evidence)
    evidence_pool.extend(feature.evidence)
    evidence = _dedupe([a for a in evidence_pool if a.credit > BARE] or evidence_pool)

    uncovered = sorted((h for h in hits if h.credit < SHALLOW), key=lambda h: -h.point.weight)
    shallow = sorted((h for h in hits if SHALLOW <= h.credit < FULL), key=lambda h: -h.point.weight)
    missing_parts: list[str] = []
    if uncovered:
        missing_parts.append("; ".join(h.point.text for h in uncovered[:2]))
    elif shallow and score < 4:
        missing_parts.append("Stated without the reasoning behind it: " + shallow[0].point.text)
    off_figures = [f for f in figs if f.credit < 0.6]
    if off_figures and len(missing_parts) < 2:
        fig = off_figures[0].figure
        missing_parts.append(
            f"No figure near the reference {fig.name.lower()} (~{fig.value:g} {fig.unit}; {fig.assumptions})"
        )
    structured = structure is not None and structure.floor > 0
    if not missing_parts and feature.missing and score < 4 and not structured:
        # the generic hint would contradict structural evidence; the advice names the next anchor
        missing_parts.append(feature.missing)
    missing = " ".join(p if p.endswith(".") else p + "." for p in missing_parts)

    flags: list[str] = []
    bare_only = [h for h in hits if 0 < h.credit <= BARE]
    if bare_only:
        flags.append(f"{len(bare_only)} point(s) only named in a list, without reasoning")
    topic = " ".join(h.point.text for h in uncovered[:2]) or criterion.description
    return CriterionResult(
        id=criterion.id,
        name=criterion.name,
        score=score,
        evidence=evidence,
        missing=missing,
        advice=_advice(criterion, score, pitfalls, topic),
        flags=flags,
    )


def _pacing(criterion: Criterion, phases: Sequence[PhaseTranscript]) -> CriterionResult | None:
    timed = [p for p in phases if p.seconds_used is not None and p.budget_seconds]
    if not timed:
        return None
    values: list[float] = []
    worst: tuple[float, str] = (0.0, "")
    for p in timed:
        ratio = (p.seconds_used or 0.0) / (p.budget_seconds or 1.0)
        if 0.6 <= ratio <= 1.1:
            values.append(1.0)
        elif 0.35 <= ratio < 0.6 or 1.1 < ratio <= 1.3:
            values.append(0.65)
        elif ratio <= 1.6:
            values.append(0.35)
        else:
            values.append(0.1)
        off = abs(ratio - 1.0)
        if off > worst[0]:
            worst = (
                off,
                f"{p.phase} used {(p.seconds_used or 0) / 60:.1f} of {(p.budget_seconds or 0) / 60:.1f} min",
            )
    score = coverage_to_score(sum(values) / len(values))
    return CriterionResult(
        id=criterion.id,
        name=criterion.name,
        score=score,
        missing="" if score >= 3 else f"Time was unevenly spent ({worst[1]}).",
        advice=_advice(criterion, score, (), ""),
    )


# ------------------------------------------------------------------ the grader


def _summary(
    section: RubricSection, criteria: Sequence[CriterionResult], hits: dict[str, PointHit]
) -> str:
    scored = [c for c in criteria if c.score is not None]
    first = ""
    if hits:
        full = sum(1 for h in hits.values() if h.credit >= FULL)
        named = sum(1 for h in hits.values() if 0 < h.credit < FULL)
        first = (
            f"{full} of {len(hits)} reference points shown with reasoning"
            + (f", {named} more only mentioned" if named else "")
            + ". "
        )
    if not scored:
        return first.strip() or f"{section.title}: nothing scored."
    best = max(scored, key=lambda c: (c.score or 0, -scored.index(c)))
    worst = min(scored, key=lambda c: (c.score or 0, scored.index(c)))
    if best.score == worst.score:
        return f"{first}All criteria at {best.score}/4 ({SCORE_LABELS[best.score or 1]})."
    return (
        f"{first}Strongest: {best.name} ({best.score}/4); weakest: {worst.name} ({worst.score}/4)."
    )


class OfflineGrader:
    """Deterministic grading from the problem's reference points and the rubric, in milliseconds."""

    name = "offline"

    async def grade(
        self, request: GradeRequest, progress: ProgressCallback | None = None
    ) -> GradeReport:
        """Grade the request (synchronously; it takes milliseconds) and report progress per section."""
        if progress is not None:
            for section in request.rubric.sections:
                progress(section.id, "started")
        report = self.grade_sync(request)
        if progress is not None:
            for phase in report.phases:
                progress(phase.phase, "done")
        return report

    def grade_sync(self, request: GradeRequest) -> GradeReport:
        """Grade every section the rubric defines; insufficient sections get no score."""
        rubric = request.rubric
        level = request.level
        transcript = request.transcript
        question = self._question_text(request)
        notes = [OFFLINE_NOTICE]
        phases: list[PhaseResult] = []
        injection_flags: list[str] = []
        body_sections = [s for s in rubric.sections if s.id != "overall"]
        counter = itertools.count()
        contexts: list[SectionText] = []
        graded = 0
        for section in body_sections:
            ctx = SectionText.build(section.id, [transcript.get(section.id)], counter)
            contexts.append(ctx)
            plan = self._plan(request, section)
            result = self._grade_section(plan, ctx, question, level)
            injection_flags.extend(f for f in ctx.injections if f not in injection_flags)
            phases.append(result)
            graded += result.status == "graded"
        overall = rubric.section("overall")
        if overall is not None:
            if not graded:
                phases.append(insufficient_phase(overall, "no phase had enough to grade", level))
            else:
                whole = SectionText.merge("overall", contexts)
                result = self._grade_section(
                    SectionPlan(overall, [], owner="overall"), whole, question, level, whole=True
                )
                phases.append(result)
                has_pacing = any(c.id == "pacing" and c.applies_to(level) for c in overall.criteria)
                if has_pacing and not any(c.id == "pacing" for c in result.criteria):
                    notes.append("Pacing not graded: no phase timings were recorded.")
        if request.problem is None and rubric.kind == "mock":
            notes.append(
                "No problem given: graded on generic features only, without reference points."
            )
        if injection_flags:
            notes.append(
                "Some text looked like instructions to the grader; it was ignored and earned no credit."
            )
        report = GradeReport(
            session=SessionRef(id=request.session_id) if request.session_id else None,
            grader=self.name,
            level=level,
            problem=request.problem.id
            if request.problem
            else (request.question.id if request.question else None),
            rubric=rubric.id,
            phases=phases,
            notes=notes,
            injection_flags=injection_flags,
        )
        return finalize(report, rubric)

    # -- helpers

    @staticmethod
    def _question_text(request: GradeRequest) -> str:
        if request.prompt_text:
            return request.prompt_text
        if request.question is not None:
            return request.question.question
        if request.problem is not None:
            return request.problem.prompt
        return ""

    @staticmethod
    def _plan(request: GradeRequest, section: RubricSection) -> SectionPlan:
        crit_ids = {c.id for c in section.criteria}
        problem: Problem | None = request.problem
        if (
            request.rubric.kind == "mock"
            and problem is not None
            and section.id in {p.value for p in PHASES}
        ):
            content = problem.phase(section.id)
            points = [p for p in content.points if p.criterion in crit_ids]
            return SectionPlan(
                section,
                points,
                f"{problem.id}/{section.id}",
                list(content.figures),
                list(content.pitfalls),
            )
        if request.question is not None:
            points = [p for p in request.question.points if p.criterion in crit_ids]
            return SectionPlan(section, points, f"own-system/{request.question.id}")
        return SectionPlan(section, [], section.id)

    def _grade_section(
        self, plan: SectionPlan, ctx: SectionText, question: str, level: Level, whole: bool = False
    ) -> PhaseResult:
        """Pre-check the section, then score each criterion that applies at this level."""
        section = plan.section
        texts = ctx.texts
        seconds = None if whole else texts[0].seconds_used
        budget = None if whole else texts[0].budget_seconds
        if whole:
            seconds = (
                sum(t.seconds_used for t in texts if t.seconds_used is not None)
                if any(t.seconds_used is not None for t in texts)
                else None
            )
            budget = (
                sum(t.budget_seconds for t in texts if t.budget_seconds)
                if any(t.budget_seconds for t in texts)
                else None
            )
        # the whole transcript is graded once any phase had enough to grade
        check = PrecheckResult(ok=True) if whole else check_section(ctx.clean_text, question)
        if not check.ok:
            reason = check.reason
            if ctx.injections and reason != "no answer":
                reason += " once text addressed to the grader is set aside"
            result = insufficient_phase(section, reason, level, seconds, budget)
            if ctx.injections:
                result = result.model_copy(
                    update={"flags": ["Text addressed to the grader was ignored."]}
                )
            return result
        point_hits = match_points(ctx, matchers_for(plan.owner, plan.points)) if plan.points else {}
        crit_ids = {c.id for c in section.criteria}
        figure_hits = match_figures(ctx, plan.figures, crit_ids) if plan.figures else []
        criteria: list[CriterionResult] = []
        for criterion in section.criteria:
            if not criterion.applies_to(level):
                continue
            if criterion.id == "pacing":
                paced = _pacing(criterion, texts)
                if paced is not None:
                    criteria.append(paced)
                continue
            criteria.append(grade_criterion(criterion, ctx, point_hits, figure_hits, plan.pitfalls))
        flags: list[str] = []
        if ctx.injections:
            flags.append("Text addressed to the grader was ignored.")
        listed = sum(1 for h in point_hits.values() if 0 < h.credit <= BARE)
        if listed >= 2:
            flags.append(
                f"{listed} reference points were only listed as terms; terms without reasoning earn little."
            )
        result = PhaseResult(
            phase=section.id,
            status="graded",
            summary=_summary(section, criteria, point_hits),
            criteria=criteria,
            seconds_used=seconds,
            budget_seconds=budget,
            flags=flags,
        )
        return result


def grade_transcript(request: GradeRequest) -> GradeReport:
    """Convenience: grade synchronously with a fresh offline grader."""
    return OfflineGrader().grade_sync(request)
