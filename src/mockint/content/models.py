"""Pydantic models for the content files: problems, rubrics, prompts, concepts and numbers."""

from __future__ import annotations

import hashlib
import re
import string
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from mockint.config import Level

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class Phase(StrEnum):
    """The five phases of a mock, in the order they are run."""

    REQUIREMENTS = "requirements"
    ESTIMATION = "estimation"
    DESIGN = "design"
    SCALE = "scale"
    TRADEOFFS = "tradeoffs"

    @property
    def title(self) -> str:
        return self.value.capitalize()


PHASES: tuple[Phase, ...] = tuple(Phase)

_SECTION_LABELS = {"overall": "Cross-cutting", "framing": "Framing", "answer": "Answer"}


def section_label(section_id: str) -> str:
    """How a rubric section is named to the user: phases by name, `overall` as Cross-cutting."""
    return _SECTION_LABELS.get(section_id, section_id.replace("-", " ").capitalize())


LEVELS: tuple[Level, ...] = tuple(Level)


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class ContentModel(BaseModel):
    """Base for content: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- problems


class ReferencePoint(ContentModel):
    """One thing an expert answer covers in a phase, and the phrases that show it."""

    id: Slug
    text: Text
    signals: list[Text] = Field(min_length=2)
    weight: float = Field(1.0, gt=0, le=5)
    criterion: Slug
    """The rubric criterion (of this phase's rubric section) this point is evidence for."""

    @field_validator("signals")
    @classmethod
    def _signals_specific(cls, signals: list[str]) -> list[str]:
        lowered = [s.strip().lower() for s in signals]
        if len(set(lowered)) != len(lowered):
            raise ValueError("duplicate signal")
        return signals


class Probe(ContentModel):
    """A follow-up question; `targets` names the reference points it checks."""

    question: Text
    targets: list[Slug] = []


class EstimationFigure(ContentModel):
    """A reference number with the assumptions and arithmetic behind it."""

    name: Text
    value: float = Field(gt=0)
    unit: Text
    assumptions: Text
    tolerance: float = Field(3.0, ge=1.0)
    """A candidate's figure within this factor of `value` counts as consistent."""


class PhaseContent(ContentModel):
    """Everything the interviewer and graders know about one phase of a problem."""

    points: list[ReferencePoint] = Field(min_length=1)
    probes: list[Probe] = []
    pitfalls: list[Text] = []
    figures: list[EstimationFigure] = []
    curveballs: list[Probe] = []

    @model_validator(mode="after")
    def _unique_point_ids(self) -> PhaseContent:
        ids = [p.id for p in self.points]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate reference point id {', '.join(dupes)}")
        known = set(ids)
        for probe in [*self.probes, *self.curveballs]:
            unknown = [t for t in probe.targets if t not in known]
            if unknown:
                raise ValueError(f"probe targets unknown reference point {', '.join(unknown)}")
        return self


class HiddenFact(ContentModel):
    """A fact the interviewer reveals only when a clarifying question asks about it."""

    topic: Text
    keywords: list[Text] = Field(min_length=1)
    """Words in a clarifying question that make the interviewer reveal this fact."""
    answer: Text


class LevelNotes(ContentModel):
    """What changes in this problem at each level; staff and principal are required."""

    mid: str = ""
    senior: str = ""
    staff: Text
    principal: Text


class Problem(ContentModel):
    """An interview problem: the opening prompt, hidden facts and per-phase reference content."""

    id: Slug
    title: Text
    difficulty: Difficulty
    tags: list[Slug] = Field(min_length=1)
    summary: str = ""
    prompt: Text
    rubric: Slug = "system-design"
    facts: list[HiddenFact] = []
    out_of_scope: list[Text] = []
    requirements: PhaseContent
    estimation: PhaseContent
    design: PhaseContent
    scale: PhaseContent
    tradeoffs: PhaseContent
    level_notes: LevelNotes

    _source: Path | None = PrivateAttr(default=None)
    _origin: Literal["builtin", "user"] = PrivateAttr(default="builtin")

    @property
    def source(self) -> Path | None:
        return self._source

    @property
    def origin(self) -> str:
        return self._origin

    def phase(self, phase: Phase | str) -> PhaseContent:
        return getattr(self, Phase(phase).value)

    def phases(self) -> list[tuple[Phase, PhaseContent]]:
        return [(p, self.phase(p)) for p in PHASES]


# ---------------------------------------------------------------- rubrics


class Criterion(ContentModel):
    """A scored criterion with anchored descriptors for scores 1 (missing) to 4 (exceptional)."""

    id: Slug
    name: Text
    description: Text
    weight: float = Field(1.0, gt=0, le=5)
    anchors: list[Text] = Field(min_length=4, max_length=4)
    """Descriptors for scores 1, 2, 3 and 4, in that order."""
    expected: dict[Level, int]
    """The score each level is expected to reach on this criterion (1-4)."""
    min_level: Level | None = None
    """Only graded at this level and above (e.g. business framing from staff on)."""

    @field_validator("expected")
    @classmethod
    def _expected_range(cls, expected: dict[Level, int]) -> dict[Level, int]:
        missing = [lvl.value for lvl in LEVELS if lvl not in expected]
        if missing:
            raise ValueError(f"expected scores missing for level {', '.join(missing)}")
        bad = {k.value: v for k, v in expected.items() if not 1 <= v <= 4}
        if bad:
            raise ValueError(f"expected scores must be 1-4, got {bad}")
        return expected

    def applies_to(self, level: Level) -> bool:
        return self.min_level is None or LEVELS.index(level) >= LEVELS.index(self.min_level)


class RubricSection(ContentModel):
    """Criteria for one part of an answer: a phase of a mock, or the whole of a drill."""

    id: Slug
    title: Text
    criteria: list[Criterion] = Field(min_length=1)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)


class LevelExpectation(ContentModel):
    """What a candidate at a level is expected to show overall, and the score that passes."""

    level: Level
    summary: Text
    pass_score: int = Field(ge=0, le=100)


class Rubric(ContentModel):
    """A rubric: sections of criteria and what each level is expected to reach."""

    id: Slug
    title: Text
    kind: Literal["mock", "drill", "own-system"]
    description: str = ""
    levels: list[LevelExpectation] = Field(min_length=4, max_length=4)
    sections: list[RubricSection] = Field(min_length=1)

    _source: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_structure(self) -> Rubric:
        levels = [e.level for e in self.levels]
        if sorted(levels) != sorted(LEVELS):
            raise ValueError("levels must list mid, senior, staff and principal once each")
        ids = [s.id for s in self.sections]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate section id")
        if self.kind == "mock":
            missing = [p.value for p in PHASES if p.value not in ids]
            if missing:
                raise ValueError(
                    f"a mock rubric needs a section per phase; missing {', '.join(missing)}"
                )
        crit_ids = [c.id for s in self.sections for c in s.criteria]
        dupes = sorted({c for c in crit_ids if crit_ids.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate criterion id {', '.join(dupes)}")
        return self

    @property
    def source(self) -> Path | None:
        return self._source

    def section(self, section_id: str) -> RubricSection | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def expectation(self, level: Level) -> LevelExpectation:
        return next(e for e in self.levels if e.level == level)


# ---------------------------------------------------------------- prompts

_PLACEHOLDER = re.compile(r"\$(?:(\w+)|\{(\w+)\})")


class PromptTemplate(ContentModel):
    """A Markdown prompt template with $placeholders (string.Template syntax)."""

    id: Slug
    text: Text

    @property
    def placeholders(self) -> set[str]:
        return {a or b for a, b in _PLACEHOLDER.findall(self.text.replace("$$", ""))}

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def render(self, **values: str) -> str:
        """Substitute every placeholder; a missing value is an error, never a silent gap."""
        return string.Template(self.text).substitute(**values)


# ---------------------------------------------------------------- reference sheets


class Concept(ContentModel):
    """A core concept problems tag into, with a one-line definition."""

    id: Slug
    name: Text
    definition: Text
    related: list[Slug] = []


class NumberItem(ContentModel):
    name: Text
    value: Text
    note: str = ""


class NumberSection(ContentModel):
    title: Text
    items: list[NumberItem] = Field(min_length=1)


class OwnSystemQuestion(ContentModel):
    """One question of the daily own-system practice, with what a good answer covers."""

    id: Slug
    day: int = Field(ge=1, le=7)
    title: Text
    question: Text
    cover: list[Text] = Field(min_length=2)
    points: list[ReferencePoint] = Field(min_length=2)
    probes: list[Probe] = []
    minutes: int = Field(15, ge=1, le=60)


class FramingPrompt(ContentModel):
    """A prompt for the 2-minute framing drill."""

    id: Slug
    prompt: Text
    problem: Slug | None = None
