"""Render grading and follow-up prompts from the templates in prompts/.

The system message is the stable part (role, security rules, procedure, rubric, question, reference
notes, output fields): byte-identical for the same problem, section and level, so providers can
cache it. The user message carries the candidate's text last, between tags with a fresh random id,
followed by a reminder that it is data to grade.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mockint.config import Level
from mockint.content.models import PHASES, Criterion, Problem, PromptTemplate, Rubric, RubricSection
from mockint.interview.transcript import PhaseTranscript, Transcript

GRADE_SYSTEM = "grade-system"
GRADE_USER = "grade-user"
INTERVIEWER_FOLLOWUP = "interviewer-followup"
OVERALL_SECTION = "overall"
USER_MARKER = "<!-- user -->"

TEMPLATE_PLACEHOLDERS: dict[str, set[str]] = {
    GRADE_SYSTEM: {
        "task",
        "level",
        "level_expectation",
        "section_title",
        "criterion_ids",
        "criteria",
        "question",
        "reference",
        "output_fields",
    },
    GRADE_USER: {"section_title", "nonce", "candidate_text", "notes", "criterion_ids"},
    INTERVIEWER_FOLLOWUP: {
        "problem_title",
        "problem_prompt",
        "phase",
        "probes",
        "asked",
        "nonce",
        "answer",
    },
}


def register_placeholders() -> None:
    """Tell the content loader which placeholders these templates must use."""
    from mockint.content.loader import PROMPT_PLACEHOLDERS

    for template_id, names in TEMPLATE_PLACEHOLDERS.items():
        PROMPT_PLACEHOLDERS.setdefault(template_id, set()).update(names)


register_placeholders()

_DELIMITER = re.compile(r"<(\s*/?\s*candidate_answer)", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def new_nonce() -> str:
    """A fresh random id for the delimiters of one call."""
    return secrets.token_hex(8)


def escape_candidate_text(text: str) -> str:
    """Neutralise anything that could pass for our delimiters and drop invisible characters."""
    return _DELIMITER.sub(r"&lt;\1", _INVISIBLE.sub("", text))


TIMED_CRITERIA = frozenset({"pacing"})
"""Criteria judged from the time used per phase: left out when nothing was timed (a pasted answer)."""


def applicable_criteria(
    section: RubricSection, level: Level, timed: bool = True
) -> list[Criterion]:
    """The criteria of a section graded at this level, in rubric order."""
    return [
        c for c in section.criteria if c.applies_to(level) and (timed or c.id not in TIMED_CRITERIA)
    ]


def template_hash(system: PromptTemplate, user: PromptTemplate) -> str:
    """The hash stored with each grade: sha256 of the system template followed by the user template."""
    return hashlib.sha256((system.text + user.text).encode("utf-8")).hexdigest()


def load_templates(
    prompts: Mapping[str, PromptTemplate] | None = None,
) -> dict[str, PromptTemplate]:
    """The templates this module needs, from a loaded library or straight from prompts/."""
    from mockint.errors import ContentError

    found: dict[str, PromptTemplate] = dict(prompts or {})
    missing = [t for t in TEMPLATE_PLACEHOLDERS if t not in found]
    if missing:
        from mockint.content.loader import ContentIssue, builtin_root, load_prompt_file

        issues: list[ContentIssue] = []
        for template_id in missing:
            path = Path(builtin_root()) / "prompts" / f"{template_id}.md"
            loaded = load_prompt_file(path, issues) if path.exists() else None
            if loaded is not None:
                found[template_id] = loaded
        still = [t for t in TEMPLATE_PLACEHOLDERS if t not in found]
        if still:
            detail = "; ".join(str(i) for i in issues) or "not found"
            raise ContentError(f"prompt template {', '.join(still)} cannot be loaded: {detail}")
    return found


# ------------------------------------------------------------------ candidate text


def phase_block(phase: PhaseTranscript) -> str:
    """One phase as the grader reads it: the answer, then each exchange with who said what."""
    parts = [phase.answer.strip()] if phase.answer.strip() else []
    for ex in phase.exchanges:
        if ex.asked_by == "candidate":
            parts.append(f"Candidate asked: {ex.question.strip()}")
            if ex.reply.strip():
                parts.append(f"Interviewer answered: {ex.reply.strip()}")
        else:
            parts.append(f"Interviewer asked ({ex.kind}): {ex.question.strip()}")
            parts.append(f"Candidate replied: {ex.reply.strip() or '(no reply)'}")
    return "\n\n".join(parts)


def interviewer_text(phase: PhaseTranscript) -> str:
    """What the interviewer said in a phase: quotes found only here are not the candidate's."""
    parts: list[str] = []
    for ex in phase.exchanges:
        parts.append(ex.reply if ex.asked_by == "candidate" else ex.question)
    return "\n".join(p for p in parts if p.strip())


def _clock(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(round(seconds))
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def _in_interview_order(transcript: Transcript) -> list[PhaseTranscript]:
    order = {p.value: i for i, p in enumerate(PHASES)}
    return sorted(transcript.phases, key=lambda p: order.get(p.phase, len(order)))


def timing_note(transcript: Transcript) -> str:
    """Time used per phase as measured by the app, or '' when nothing was timed."""
    items = [
        f"{p.phase.capitalize()} {_clock(p.seconds_used)}"
        + (f" of {_clock(p.budget_seconds)}" if p.budget_seconds else "")
        for p in _in_interview_order(transcript)
        if p.seconds_used is not None
    ]
    if not items:
        return ""
    return (
        "Time used per phase, measured by the app (not written by the candidate): "
        + "; ".join(items)
        + "."
    )


@dataclass(frozen=True)
class SectionInput:
    """What one section's grading reads: the text to show, the text quotes must come from."""

    section: RubricSection
    shown: str
    quotable: str
    not_candidate: str
    notes: str
    timed: bool = True
    """False when the transcript has no timings, so time-based criteria are not graded."""

    @property
    def candidate(self) -> str:
        """Only what the candidate wrote (the quotable text without the app's timing note)."""
        if self.notes and self.quotable.endswith(self.notes):
            return self.quotable[: -len(self.notes)].rstrip()
        return self.quotable


def section_input(
    request_transcript: Transcript,
    section: RubricSection,
    kind: str,
    fallback_phase: str | None = None,
) -> SectionInput:
    """The candidate's text for a section: its phase, or the whole transcript for `overall`."""
    if section.id == OVERALL_SECTION and kind == "mock":
        phases = _in_interview_order(request_transcript)
        shown = "\n\n".join(
            f"## {p.phase.capitalize()}\n\n{phase_block(p) or '(nothing written)'}" for p in phases
        )
        notes = timing_note(request_transcript)
        quotable = "\n\n".join(p.candidate_text() for p in phases)
        if notes:
            quotable += "\n\n" + notes
        other = "\n".join(interviewer_text(p) for p in phases)
        return SectionInput(section, shown, quotable, other, notes, timed=bool(notes))
    phase = request_transcript.get(section.id)
    if not phase.candidate_text() and fallback_phase:
        phase = request_transcript.get(fallback_phase)
    return SectionInput(
        section, phase_block(phase), phase.candidate_text(), interviewer_text(phase), ""
    )


# ------------------------------------------------------------------ the stable part


def _criteria_block(criteria: list[Criterion], level: Level) -> str:
    blocks = []
    for c in criteria:
        anchors = "\n".join(f"- {i} = {text.strip()}" for i, text in enumerate(c.anchors, start=1))
        blocks.append(
            f"### `{c.id}`: {c.name} (weight {c.weight:g}; expected at {level.value}: {c.expected[level]})\n\n"
            f"{c.description.strip()}\n\n{anchors}"
        )
    return "\n\n".join(blocks)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {i.strip()}" for i in items)


def _mock_reference(problem: Problem, section_id: str, level: Level) -> str:
    parts: list[str] = []
    if section_id == OVERALL_SECTION:
        parts.append(
            "This part judges the interview as a whole; the answer holds every phase under its own heading."
        )
        if problem.summary:
            parts.append(f"The problem in one line: {problem.summary.strip()}")
    else:
        content = problem.phase(section_id)
        parts.append(
            "Points an expert answer covers in this phase (the candidate need not use these words; each names "
            "the criterion it bears on):\n"
            + "\n".join(f"- ({p.criterion}) {p.text.strip()}" for p in content.points)
        )
        if content.figures:
            parts.append(
                "Reference figures (a candidate's figure within the stated factor, with sound arithmetic, is fine):\n"
                + "\n".join(
                    f"- {f.name}: about {f.value:g} {f.unit}, within a factor of {f.tolerance:g} ({f.assumptions.strip()})"
                    for f in content.figures
                )
            )
        if content.pitfalls:
            parts.append("Common pitfalls:\n" + _bullets(content.pitfalls))
        if section_id == "requirements":
            if problem.facts:
                parts.append(
                    "Facts the interviewer reveals when asked:\n"
                    + "\n".join(f"- {f.topic}: {f.answer.strip()}" for f in problem.facts)
                )
            if problem.out_of_scope:
                parts.append("Out of scope for this problem:\n" + _bullets(problem.out_of_scope))
    note = getattr(problem.level_notes, level.value, "")
    if note:
        parts.append(f"What changes for this problem at {level.value}: {note.strip()}")
    return "\n\n".join(parts)


@dataclass(frozen=True, eq=False)
class GradingContext:
    """Everything that fixes the stable part: rubric, level, and the question being answered."""

    rubric: Rubric
    level: Level
    problem: Problem | None = None
    question_title: str | None = None
    question_text: str | None = None
    question_cover: tuple[str, ...] = ()
    question_points: tuple[str, ...] = ()
    prompt_text: str | None = None

    @property
    def kind(self) -> str:
        return self.rubric.kind

    @property
    def cache_key(self) -> tuple[str | None, ...]:
        """What makes two contexts render the same stable part."""
        return (
            self.rubric.id,
            self.level.value,
            self.problem.id if self.problem else None,
            self.question_title,
            self.question_text,
            self.prompt_text,
        )

    def task(self) -> str:
        if self.kind == "drill":
            return "two-minute framing drill, where the candidate frames their approach to a system design question before designing"
        if self.kind == "own-system":
            return "daily practice question about a system the candidate has built or run"
        title = self.problem.title if self.problem else "a system design problem"
        return f'system design mock interview on "{title}"'

    def question(self) -> str:
        if self.kind == "own-system" and self.question_text:
            return self.question_text.strip()
        if self.prompt_text:
            return self.prompt_text.strip()
        if self.problem is not None:
            return self.problem.prompt.strip()
        return "(not recorded)"

    def reference(self, section_id: str) -> str:
        if self.kind == "own-system":
            parts = []
            if self.question_cover:
                parts.append("A good answer covers:\n" + _bullets(list(self.question_cover)))
            if self.question_points:
                parts.append(
                    "Points a strong answer makes:\n" + _bullets(list(self.question_points))
                )
            return "\n\n".join(parts) or "None beyond the rubric."
        if self.kind == "mock" and self.problem is not None:
            return _mock_reference(self.problem, section_id, self.level)
        if self.kind == "drill" and self.problem is not None and self.problem.summary:
            return f"The problem behind this prompt: {self.problem.summary.strip()}"
        return "None beyond the rubric."


class PromptBuilder:
    """Renders grading messages; the system message is cached per (context, section)."""

    def __init__(self, templates: Mapping[str, PromptTemplate]) -> None:
        self.templates = load_templates(templates)
        self.system_template = self.templates[GRADE_SYSTEM]
        self.user_template = self.templates[GRADE_USER]
        self.hash = template_hash(self.system_template, self.user_template)
        self._systems: dict[tuple[object, ...], str] = {}

    def system(self, ctx: GradingContext, section: RubricSection, timed: bool = True) -> str:
        """The stable part for one section: identical bytes on every call with the same inputs."""
        key = (*ctx.cache_key, section.id, timed)
        cached = self._systems.get(key)
        if cached is not None:
            return cached
        from mockint.grading.llm_schema import field_descriptions

        criteria = applicable_criteria(section, ctx.level, timed)
        expectation = ctx.rubric.expectation(ctx.level)
        rendered = self.system_template.render(
            task=ctx.task(),
            level=ctx.level.value,
            level_expectation=f"{expectation.summary.strip()} A {ctx.level.value} candidate passes at {expectation.pass_score}/100 overall.",
            section_title=section.title,
            criterion_ids=", ".join(f"`{c.id}`" for c in criteria),
            criteria=_criteria_block(criteria, ctx.level),
            question=ctx.question(),
            reference=ctx.reference(section.id),
            output_fields=field_descriptions(),
        )
        self._systems[key] = rendered
        return rendered

    def user(
        self,
        section: RubricSection,
        level: Level,
        candidate_text: str,
        notes: str = "",
        nonce: str | None = None,
        timed: bool = True,
    ) -> tuple[str, str]:
        """The variable part: the candidate's text inside nonce tags, then the reminder."""
        nonce = nonce or new_nonce()
        criteria = applicable_criteria(section, level, timed)
        rendered = self.user_template.render(
            section_title=section.title,
            nonce=nonce,
            candidate_text=escape_candidate_text(candidate_text.strip()) or "(nothing written)",
            notes=notes,
            criterion_ids=", ".join(f"`{c.id}`" for c in criteria),
        )
        return re.sub(r"\n{3,}", "\n\n", rendered), nonce

    def messages(
        self, ctx: GradingContext, item: SectionInput, nonce: str | None = None
    ) -> tuple[list[dict[str, str]], str]:
        """System then user message for one section, and the nonce used."""
        user, nonce = self.user(item.section, ctx.level, item.shown, item.notes, nonce, item.timed)
        return [
            {"role": "system", "content": self.system(ctx, item.section, item.timed)},
            {"role": "user", "content": user},
        ], nonce


# ------------------------------------------------------------------ interviewer follow-ups


def render_followup(
    template: PromptTemplate,
    problem: Problem,
    phase: str,
    answer: str,
    asked: list[str] | None = None,
    nonce: str | None = None,
) -> list[dict[str, str]]:
    """Messages asking the LLM for one follow-up question grounded in the phase's probes."""
    content = problem.phase(phase)
    probes = [p.question for p in [*content.probes, *content.curveballs]]
    rendered = template.render(
        problem_title=problem.title,
        problem_prompt=problem.prompt.strip(),
        phase=phase,
        probes=_bullets(probes) if probes else "- (none listed)",
        asked=_bullets(asked) if asked else "- (none yet)",
        nonce=nonce or new_nonce(),
        answer=escape_candidate_text(answer.strip()) or "(nothing written yet)",
    )
    system, _, user = rendered.partition(USER_MARKER)
    return [
        {"role": "system", "content": system.strip()},
        {"role": "user", "content": user.strip()},
    ]
