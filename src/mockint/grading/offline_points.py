"""Reference points and estimation figures for the offline grader: the problem-specific evidence.

A point's signals are compiled to sets of stems once per problem; a sentence matches a signal when
it holds all of its stems, and earns the point fully only when it also reasons. The candidate's
numbers are checked against each reference figure within its tolerance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mockint.content.models import EstimationFigure, ReferencePoint
from mockint.grading.offline_sentences import BARE, SHALLOW, Analysed, SectionText
from mockint.grading.text import stems, unit_dimension

PROSE_IS_FULL = frozenset({"functional-scope", "scope-control"})
"""Criteria where a requirement stated as a full sentence is the evidence itself."""

# ------------------------------------------------------------------ reference point matchers


@dataclass(frozen=True)
class PointMatcher:
    """A reference point and its signals as sets of stems; a signal matches when all its stems appear."""

    point: ReferencePoint
    signals: tuple[frozenset[str], ...]

    def matches(self, sentence_stems: frozenset[str]) -> bool:
        return any(sig <= sentence_stems for sig in self.signals)


@dataclass(frozen=True)
class CompiledPoints:
    """Matchers for a section's points plus an index from each stem to the points that use it."""

    matchers: tuple[PointMatcher, ...]
    by_stem: dict[str, tuple[int, ...]]

    def matching(self, sentence_stems: frozenset[str]) -> list[PointMatcher]:
        """The points with a signal whose stems all appear in the sentence (checks only candidates)."""
        candidates: set[int] = set()
        for stem_ in sentence_stems:
            found = self.by_stem.get(stem_)
            if found:
                candidates.update(found)
        return [
            self.matchers[i] for i in sorted(candidates) if self.matchers[i].matches(sentence_stems)
        ]


def _compile(points: Sequence[ReferencePoint]) -> CompiledPoints:
    matchers: list[PointMatcher] = []
    index: dict[str, set[int]] = {}
    for i, p in enumerate(points):
        signals = tuple(dict.fromkeys(sig for sig in (stems(s) for s in p.signals) if sig))
        matchers.append(PointMatcher(p, signals))
        for sig in signals:
            index.setdefault(min(sig, key=lambda st: (-len(st), st)), set()).add(i)
    return CompiledPoints(tuple(matchers), {k: tuple(sorted(v)) for k, v in index.items()})


_MATCHER_CACHE: dict[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], CompiledPoints] = {}


def matchers_for(owner: str, points: Sequence[ReferencePoint]) -> CompiledPoints:
    """Compiled signal matchers for a list of points, cached by owner id and signal content."""
    key = (owner, tuple((p.id, tuple(p.signals)) for p in points))
    cached = _MATCHER_CACHE.get(key)
    if cached is None:
        if len(_MATCHER_CACHE) > 256:
            _MATCHER_CACHE.clear()
        cached = _MATCHER_CACHE[key] = _compile(points)
    return cached


@dataclass
class PointHit:
    point: ReferencePoint
    credit: float = 0.0
    sentences: list[Analysed] = field(default_factory=list)
    best: Analysed | None = None


def match_points(ctx: SectionText, compiled: CompiledPoints) -> dict[str, PointHit]:
    """Credit per reference point: full with reasoning, half in plain prose, little as a bare term."""
    hits = {m.point.id: PointHit(m.point) for m in compiled.matchers}
    for a in ctx.sentences:
        matched = compiled.matching(a.sentence.stems)
        if not matched:
            continue
        for m in matched:
            credit = a.prose_credit if m.point.criterion in PROSE_IS_FULL else a.credit
            if len(matched) >= 3 and a.sentence.n_words < 9 * len(matched):
                credit = min(credit, SHALLOW if a.prose and a.reasoning else BARE)
            hit = hits[m.point.id]
            hit.sentences.append(a)
            if credit > hit.credit:
                hit.credit, hit.best = credit, a
    return hits


# ------------------------------------------------------------------ estimation figures

_FIGURE_CRITERIA = {
    "rate": "traffic-estimate",
    "count": "traffic-estimate",
    "bytes": "storage-bandwidth",
    "bandwidth": "storage-bandwidth",
}


_CAPACITY_RE = re.compile(
    r"\b(?:nodes?|servers?|shards?|primar(?:y|ies)|machines?|instances?|replicas?|hosts?|brokers?|partitions?|workers?|gpus?)\b",
    re.I,
)


@dataclass
class FigureHit:
    figure: EstimationFigure
    criterion: str
    credit: float = 0.0
    sentence: Analysed | None = None


def _within(value: float, target: float, tolerance: float) -> bool:
    return target / tolerance <= value <= target * tolerance if value > 0 else False


def match_figures(
    ctx: SectionText, figures: Sequence[EstimationFigure], criteria: set[str]
) -> list[FigureHit]:
    """Check the candidate's numbers against the reference figures within each figure's tolerance."""
    out: list[FigureHit] = []
    for fig in figures:
        dimension, factor = unit_dimension(fig.unit)
        target = fig.value * factor
        criterion = _FIGURE_CRITERIA.get(dimension, "estimation-method")
        if dimension == "count" and _CAPACITY_RE.search(f"{fig.name} {fig.unit}"):
            criterion = "estimation-drives-design"
        if criterion not in criteria:
            criterion = (
                "estimation-method"
                if "estimation-method" in criteria
                else next(iter(sorted(criteria)), "")
            )
        hit = FigureHit(fig, criterion)
        for a in ctx.sentences:
            for q in a.quantities:
                same = q.dimension == dimension and _within(q.value, target, fig.tolerance)
                same = same or (
                    q.amount_dimension == dimension and _within(q.amount, target, fig.tolerance)
                )
                if not same:
                    continue
                credit = 1.0 if a.arithmetic and not a.listy else 0.6 if a.prose else 0.25
                if credit > hit.credit:
                    hit.credit, hit.sentence = credit, a
        out.append(hit)
    return out
