"""The grader interface: one request model in, one `GradeReport` out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from mockint.config import Level
from mockint.content.models import OwnSystemQuestion, Problem, Rubric
from mockint.grading.report import GradeReport
from mockint.interview.transcript import Transcript

ProgressCallback = Callable[[str, str], None]
"""Called as progress(section_id, state) with state in 'started', 'done', 'failed', 'retrying'."""


class GradeRequest(BaseModel):
    """What a grader needs: the rubric, the problem (or own-system question), the level, the text.

    The transcript's phases name rubric sections: the five phases for a mock, `framing` for the
    drill, `answer` for own-system practice. The rubric's `overall` section, when present, is graded
    over the whole transcript.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    rubric: Rubric
    level: Level
    transcript: Transcript
    problem: Problem | None = None
    question: OwnSystemQuestion | None = None
    prompt_text: str | None = None
    """The question the candidate answered (drill prompt); defaults to the problem's prompt."""
    session_id: str | None = None


class Grader(Protocol):
    """Anything that grades: the offline grader and the LLM grader."""

    @property
    def name(self) -> str:
        """'offline' or 'llm:<model>'."""
        ...

    async def grade(
        self, request: GradeRequest, progress: ProgressCallback | None = None
    ) -> GradeReport:
        """Grade every section the rubric and transcript share; never invent a score."""
        ...
