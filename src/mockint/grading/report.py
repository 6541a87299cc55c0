"""The one grade report model every grader produces and every view renders."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mockint.config import Level

GradeStatus = Literal["graded", "pending"]
PhaseStatus = Literal["graded", "insufficient", "failed", "skipped"]

OFFLINE_NOTICE = (
    "Offline estimate: scored by matching your reasoning against the problem's reference points, "
    "not by a human or a language model. Treat it as a guide, not a verdict."
)


class ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CriterionResult(ReportModel):
    """One rubric criterion: score 1-4 (None when there was not enough to grade), with evidence."""

    id: str
    name: str = ""
    score: int | None = Field(default=None, ge=1, le=4)
    expected: int | None = Field(default=None, ge=1, le=4)
    evidence: list[str] = []
    """Quotes found verbatim in the candidate's own text."""
    missing: str = ""
    advice: str = ""
    flags: list[str] = []


class PhaseResult(ReportModel):
    """One phase (or a drill's single section): its criteria, a 0-100 score and a summary."""

    phase: str
    status: PhaseStatus = "graded"
    score: float | None = Field(default=None, ge=0, le=100)
    summary: str = ""
    criteria: list[CriterionResult] = []
    seconds_used: float | None = None
    budget_seconds: float | None = None
    flags: list[str] = []


class Usage(ReportModel):
    """Tokens and time spent by LLM calls; `estimated` when counts are approximations (≈)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    latency_ms: float = 0.0
    estimated: bool = False


class SessionRef(ReportModel):
    id: str
    saved_at: datetime | None = None


class GradeReport(ReportModel):
    """A full grade: per-phase results, overall 0-100 and a verdict at the target level."""

    session: SessionRef | None = None
    status: GradeStatus = "graded"
    grader: str
    """'offline' or 'llm:<model>'."""
    level: Level
    problem: str | None = None
    rubric: str | None = None
    overall: float | None = Field(default=None, ge=0, le=100)
    verdict: str = ""
    phases: list[PhaseResult] = []
    usage: Usage | None = None
    prompt_hash: str | None = None
    notes: list[str] = []
    injection_flags: list[str] = []
    pending_reason: str | None = None
    created_at: datetime | None = None

    def phase(self, phase: str) -> PhaseResult | None:
        return next((p for p in self.phases if p.phase == phase), None)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)
