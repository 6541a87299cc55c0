"""What the candidate produced in a session: answers, exchanges with the interviewer, timings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mockint.content.models import PHASES, Phase

ExchangeKind = Literal["clarifying", "followup", "curveball"]


class Exchange(BaseModel):
    """A question and the candidate's reply: a clarifying question they asked, or a follow-up."""

    model_config = ConfigDict(extra="forbid")

    kind: ExchangeKind
    question: str
    reply: str = ""
    asked_by: Literal["candidate", "interviewer"] = "interviewer"


class PhaseTranscript(BaseModel):
    """One phase: the answer text, its exchanges, and time used against the budget."""

    model_config = ConfigDict(extra="forbid")

    phase: str
    answer: str = ""
    exchanges: list[Exchange] = []
    seconds_used: float | None = None
    budget_seconds: float | None = None

    def candidate_text(self) -> str:
        """All text the candidate wrote in this phase: what grading reads and quotes must come from."""
        parts = [self.answer.strip()]
        for ex in self.exchanges:
            if ex.asked_by == "candidate":
                parts.append(ex.question.strip())
            if ex.reply.strip() and ex.asked_by == "interviewer":
                parts.append(ex.reply.strip())
        return "\n\n".join(p for p in parts if p)


class Transcript(BaseModel):
    """A whole session as graders see it; phases in interview order."""

    model_config = ConfigDict(extra="forbid")

    phases: list[PhaseTranscript] = Field(default_factory=list)

    def get(self, phase: Phase | str) -> PhaseTranscript:
        key = Phase(phase).value if phase in PHASES or isinstance(phase, Phase) else str(phase)
        for p in self.phases:
            if p.phase == key:
                return p
        return PhaseTranscript(phase=key)

    def word_count(self) -> int:
        return sum(len(p.candidate_text().split()) for p in self.phases)

    @classmethod
    def from_answers(cls, answers: dict[str, str]) -> Transcript:
        return cls(phases=[PhaseTranscript(phase=k, answer=v) for k, v in answers.items()])
