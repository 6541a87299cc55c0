"""The interviewer: answers clarifying questions from hidden facts and asks follow-ups and curveballs.

Offline everything is scripted from the problem file: facts are revealed by keyword, follow-ups
are the probes that target what the answer missed. With an LLM configured, follow-ups are written
by the model from the problem's probes and the candidate's answer; any failure falls back to the
scripted probes, so a mock never stalls on the network.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from mockint.content.models import HiddenFact, Phase, Probe, Problem

if TYPE_CHECKING:
    from mockint.config import Settings
    from mockint.content.loader import Library

NO_FACT_REPLY = "That's up to you: state an assumption out loud and keep going."
FOLLOWUP_TEMPLATE = "interviewer-followup"
MAX_FACTS_PER_ANSWER = 2
MAX_FOLLOWUPS = 2
LLM_FOLLOWUP_TIMEOUT = 20.0


class ClarifyingAnswer(BaseModel):
    """The interviewer's reply to a clarifying question, and which hidden facts it revealed."""

    reply: str
    facts: list[str] = []


class Followups(BaseModel):
    """Follow-up questions for the end of a phase, where they came from, and any note for the user."""

    questions: list[str]
    source: Literal["llm", "scripted"] = "scripted"
    note: str = ""


def normalize(text: str) -> str:
    """Lower-case, hyphens and underscores as spaces, whitespace collapsed: the form signals match in."""
    return " ".join(re.sub(r"[-_/]+", " ", text.lower()).split())


def mentions(text_norm: str, phrase: str) -> bool:
    """True when the normalised text contains the phrase as whole words."""
    needle = normalize(phrase)
    if not needle:
        return False
    return re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", text_norm) is not None


def stable_index(seed: str, n: int) -> int:
    """A deterministic choice in range(n) from a seed, the same on every machine and run."""
    return zlib.crc32(seed.encode("utf-8")) % n if n else 0


class Interviewer:
    """Plays the interviewer for one problem, with no state beyond the problem itself."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    # ------------------------------------------------------------ clarifying questions

    def _fact_score(self, fact: HiddenFact, question_norm: str) -> int:
        return sum(1 for kw in fact.keywords if mentions(question_norm, kw))

    def answer(self, question: str) -> ClarifyingAnswer:
        """Answer a clarifying question from the facts its words ask about; else invite an assumption."""
        q = normalize(question)
        scored = [(self._fact_score(f, q), i, f) for i, f in enumerate(self.problem.facts)]
        hits = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))[
            :MAX_FACTS_PER_ANSWER
        ]
        if not hits:
            return ClarifyingAnswer(reply=NO_FACT_REPLY)
        hits.sort(key=lambda s: s[1])
        return ClarifyingAnswer(
            reply=" ".join(f.answer for _, _, f in hits), facts=[f.topic for _, _, f in hits]
        )

    # ------------------------------------------------------------ follow-ups

    def covered_points(self, phase: Phase | str, text: str) -> set[str]:
        """Ids of the phase's reference points whose signals appear in the text."""
        norm = normalize(text)
        return {
            p.id
            for p in self.problem.phase(phase).points
            if any(mentions(norm, s) for s in p.signals)
        }

    def scripted_followups(
        self,
        phase: Phase | str,
        answer_text: str,
        asked: Iterable[str] = (),
        limit: int = MAX_FOLLOWUPS,
    ) -> list[str]:
        """Probes aimed at what the answer missed (most missed weight first); else the first unused ones."""
        content = self.problem.phase(phase)
        asked_norm = {normalize(q) for q in asked}
        unused = [p for p in content.probes if normalize(p.question) not in asked_norm]
        if not unused:
            return []
        covered = self.covered_points(phase, answer_text)
        weights = {p.id: p.weight for p in content.points}
        ranked = []
        for order, probe in enumerate(unused):
            missed = sum(weights.get(t, 0.0) for t in probe.targets if t not in covered)
            ranked.append((missed, order, probe))
        targeted = [r for r in ranked if r[0] > 0]
        if targeted:
            targeted.sort(key=lambda r: (-r[0], r[1]))
            return [r[2].question for r in targeted[:limit]]
        return [unused[0].question]

    def curveball(self, seed: str) -> Probe | None:
        """The Scale phase's curveball for this session, chosen deterministically from the seed."""
        balls = self.problem.scale.curveballs
        return balls[stable_index(seed, len(balls))] if balls else None

    async def followups(
        self,
        phase: Phase | str,
        answer_text: str,
        asked: Iterable[str] = (),
        settings: Settings | None = None,
        library: Library | None = None,
        level: str = "senior",
    ) -> Followups:
        """Follow-ups from the LLM when one is configured, else (or on any failure) the scripted probes."""
        asked = list(asked)
        scripted = self.scripted_followups(phase, answer_text, asked)
        if settings is None or library is None or settings.effective_grader() != "llm":
            return Followups(questions=scripted)
        try:
            questions = await llm_followups(
                settings, library, self.problem, Phase(phase), answer_text, asked, level
            )
        except Exception as exc:  # any failure: the scripted probes keep the interview going
            reason = getattr(exc, "message", None) or (
                "no answer in time" if isinstance(exc, TimeoutError) else type(exc).__name__
            )
            return Followups(
                questions=scripted,
                note=f"Interviewer model unavailable ({reason}); using scripted follow-ups.",
            )
        if not questions:
            return Followups(
                questions=scripted,
                note="The interviewer model gave no usable question; using scripted follow-ups.",
            )
        return Followups(questions=questions[:MAX_FOLLOWUPS], source="llm")


def parse_questions(text: str) -> list[str]:
    """Pull questions out of a model reply: one per line, bullets and numbering stripped."""
    out: list[str] = []
    for raw in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)]|Q\d*[:.])\s*", "", raw).strip().strip('"').strip()
        if len(line) >= 8 and line.endswith("?"):
            out.append(line)
    if not out:
        first = next((ln.strip() for ln in text.splitlines() if len(ln.strip()) >= 8), "")
        if first:
            out.append(first)
    return out


async def llm_followups(
    settings: Settings,
    library: Library,
    problem: Problem,
    phase: Phase,
    answer_text: str,
    asked: list[str],
    level: str,
    timeout: float = LLM_FOLLOWUP_TIMEOUT,
) -> list[str]:
    """Ask the configured model for a follow-up, grounded in the phase's probes and the answer.

    The call runs on its own thread and event loop, so neither a slow endpoint nor a key command
    can stall the interface; after `timeout` seconds the scripted probes take over.
    """
    from mockint.grading.llm_client import complete_text, strip_think
    from mockint.grading.prompting import INTERVIEWER_FOLLOWUP, load_templates, render_followup

    template = library.prompts.get(INTERVIEWER_FOLLOWUP) or load_templates()[INTERVIEWER_FOLLOWUP]
    messages = render_followup(template, problem, phase.value, answer_text, asked)

    def call() -> str:
        return asyncio.run(complete_text(settings, messages))

    text = await asyncio.wait_for(
        asyncio.to_thread(call), timeout=min(timeout, settings.request_timeout)
    )
    return parse_questions(strip_think(text))
