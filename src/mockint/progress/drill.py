"""The 2-minute framing drill: its prompt, its clock with a short grace, and the typed metrics."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel

if TYPE_CHECKING:
    from mockint.content.loader import Library
    from mockint.interview.clock import Clock

DRILL_SECONDS = 120.0
GRACE_SECONDS = 10.0
"""After the two minutes the editor stays open this long to finish a sentence, then locks."""

DEFAULT_PROMPT = "How do you approach any system design problem?"

HEDGES: tuple[str, ...] = (
    "maybe",
    "perhaps",
    "i think",
    "i guess",
    "i suppose",
    "i feel like",
    "kind of",
    "sort of",
    "probably",
    "possibly",
    "just",
    "basically",
    "actually",
    "somewhat",
    "might be",
    "not sure",
    "hopefully",
)
"""Words and phrases that soften a statement; a few are natural, many sound unsure."""

_HEDGE_RE = re.compile(
    r"\b(" + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in HEDGES) + r")\b", re.IGNORECASE
)
_WORD_RE = re.compile(r"[\w'’-]+")


class DrillMetrics(BaseModel):
    """What the drill measures while you type: length, pace, time and hedging."""

    words: int
    wpm: float
    seconds_used: float
    hedges: list[str]
    """Each hedge found, lower-cased, once per occurrence."""

    @property
    def hedge_count(self) -> int:
        return len(self.hedges)


def count_words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def find_hedges(text: str) -> list[str]:
    """Every hedging word or phrase in the text, in order."""
    return [re.sub(r"\s+", " ", m.group(1).lower()) for m in _HEDGE_RE.finditer(text)]


def drill_metrics(text: str, seconds_used: float) -> DrillMetrics:
    """Words, words per minute over the time used (at least 10 s, so early figures stay sane), hedges."""
    words = count_words(text)
    seconds = max(0.0, seconds_used)
    wpm = words / max(seconds, 10.0) * 60.0 if words else 0.0
    return DrillMetrics(
        words=words, wpm=round(wpm, 1), seconds_used=round(seconds, 1), hedges=find_hedges(text)
    )


class DrillTimer:
    """Counts the two minutes down on an injectable clock; locked once the grace has passed too."""

    def __init__(
        self,
        clock: Clock,
        limit: float = DRILL_SECONDS,
        grace: float = GRACE_SECONDS,
        cap: bool = True,
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.grace = grace
        self.cap = cap
        """When true, time past the limit and grace does not count (the editor is locked by then)."""
        self.started = clock.now()
        self.stopped: float | None = None

    def elapsed(self) -> float:
        end = self.stopped if self.stopped is not None else self.clock.now()
        return max(0.0, end - self.started)

    def remaining(self) -> float:
        return self.limit - self.elapsed()

    def in_grace(self) -> bool:
        return self.limit <= self.elapsed() < self.limit + self.grace

    def locked(self) -> bool:
        return self.elapsed() >= self.limit + self.grace

    def seconds_used(self) -> float:
        """Time counted for the metrics: the elapsed time, capped at the limit plus grace if `cap`."""
        return min(self.elapsed(), self.limit + self.grace) if self.cap else self.elapsed()

    def stop(self) -> None:
        if self.stopped is None:
            self.stopped = self.clock.now()


class DrillPrompt(BaseModel):
    """The prompt a drill shows, and where it came from."""

    id: str | None = None
    text: str
    problem: str | None = None


def choose_prompt(
    library: Library, prompt_id: str | None = None, problem_id: str | None = None
) -> DrillPrompt:
    """The named prompt, a prompt framing the named problem, or the general framing question."""
    from mockint.errors import NotFoundError

    if prompt_id:
        for p in library.framing:
            if p.id == prompt_id:
                return DrillPrompt(id=p.id, text=p.prompt.strip(), problem=p.problem)
        known = ", ".join(p.id for p in library.framing) or "none loaded"
        raise NotFoundError(f"no framing prompt '{prompt_id}' (known: {known})")
    if problem_id:
        for p in library.framing:
            if p.problem == problem_id:
                return DrillPrompt(id=p.id, text=p.prompt.strip(), problem=p.problem)
        problem = library.problem(problem_id)
        text = f"In two minutes, frame how you would approach this problem: {problem.title}.\n\n{problem.prompt.strip()}"
        return DrillPrompt(id=None, text=text, problem=problem.id)
    for p in library.framing:
        if p.problem is None:
            return DrillPrompt(id=p.id, text=p.prompt.strip())
    return DrillPrompt(id=None, text=DEFAULT_PROMPT)
