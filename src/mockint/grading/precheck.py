"""Deterministic checks run before any grader: too little to grade, and manipulation attempts.

A section that is empty, very short, gibberish or a copy of the question gets "insufficient
evidence" and no score, so no grader is asked to invent one. Injection heuristics only flag:
a design answer about an LLM product can legitimately talk about a "system prompt".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from mockint.config import Level
from mockint.content.models import RubricSection
from mockint.grading.report import CriterionResult, PhaseResult
from mockint.grading.text import INVISIBLE_RE, normalize, strip_invisible, words

MIN_WORDS = 15
"""Fewer words than this is not enough to grade (closes the ':' / 'Thought process:' hole)."""


class PrecheckResult(BaseModel):
    """Whether a section has enough to grade, and if not, why (in words for the candidate)."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    reason: str = ""


_VOWELS = set("aeiouy")
_KEYBOARD_RUNS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_MASH = {row[i : i + 4] for row in _KEYBOARD_RUNS for i in range(len(row) - 3)}
_MASH |= {s[::-1] for s in _MASH}
_MASH_RE = re.compile("|".join(sorted(_MASH)))
_CONSONANT_RUN = re.compile(r"[bcdfghjklmnpqrstvwxz]{6,}")
_REPEATED_CHAR = re.compile(r"(.)\1\1")


@lru_cache(maxsize=16384)
def _looks_real(w: str) -> bool:
    """A rough test that a lowercase token looks like a word (or a number), not keyboard mash."""
    if any(ch.isdigit() for ch in w):
        return True
    letters = [ch for ch in w if ch.isalpha()]
    if not letters:
        return False
    if len(letters) > 25 or _REPEATED_CHAR.search(w) or _CONSONANT_RUN.search(w):
        return False
    vowels = sum(1 for ch in letters if ch in _VOWELS)
    if vowels == 0 and len(letters) > 3:
        return False
    if len(letters) >= 5 and vowels / len(letters) < 0.2:
        return False
    return not (len(letters) >= 4 and _MASH_RE.search(w))


def _shingles(tokens: tuple[str, ...], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _new_words(tokens: list[str], question_tokens: tuple[str, ...], n: int = 4) -> int:
    """How many of the answer's words are not part of a 4-word run copied from the question."""
    if len(question_tokens) < n or len(tokens) < n:
        return len(tokens)
    shared = _shingles(question_tokens, n)
    covered = [False] * len(tokens)
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i : i + n]) in shared:
            for j in range(i, i + n):
                covered[j] = True
    return covered.count(False)


def check_section(text: str, question: str = "") -> PrecheckResult:
    """Decide whether a section has enough real text to grade; no grader runs when it does not."""
    clean = strip_invisible(text).strip()
    if not clean:
        return PrecheckResult(ok=False, reason="no answer")
    tokens = words(normalize(clean))
    if len(tokens) < MIN_WORDS:
        n = len(tokens)
        return PrecheckResult(
            ok=False,
            reason=f"too short ({n} word{'s' if n != 1 else ''}; at least {MIN_WORDS} are needed to grade)",
        )
    top, top_count = Counter(tokens).most_common(1)[0]
    if top_count / len(tokens) >= 0.5:
        return PrecheckResult(ok=False, reason=f"mostly one word repeated ('{top}')")
    if len(set(tokens)) / len(tokens) < 0.2:
        return PrecheckResult(ok=False, reason="the same few words repeated over and over")
    real = sum(1 for t in tokens if _looks_real(t))
    if real / len(tokens) < 0.6:
        return PrecheckResult(ok=False, reason="looks like random characters rather than an answer")
    if question.strip():
        fresh = _new_words(tokens, _question_tokens(question))
        if fresh < MIN_WORDS:
            return PrecheckResult(ok=False, reason="mostly repeats the question")
    return PrecheckResult(ok=True)


@lru_cache(maxsize=64)
def _question_tokens(question: str) -> tuple[str, ...]:
    return tuple(words(normalize(question)))


# ------------------------------------------------------------------ injection heuristics

_NAMES_OF_GRADERS = (
    "grader",
    "evaluator",
    "reviewer",
    "judge",
    "ai",
    "llm",
    "model",
    "assessor",
    "examiner",
)

# (pattern, keyword groups): a pattern only runs when, for every group, one keyword is in the
# lowercased text; cheap substring tests skip most patterns on ordinary answers.
_INJECTION_RULES: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    (
        r"\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|previous|prior|above|earlier|preceding|your|of|my)\s+){1,4}"
        r"(?:instructions?|rules|guidelines|directions|prompts?|rubrics?|criteria)\b",
        (("ignore", "disregard", "forget", "override"),),
    ),
    (r"\bsystem\s+prompt\b", (("prompt",),)),
    (r"\byou\s+are\s+now\b", (("now",),)),
    (
        r"\b(?:full|max(?:imum)?|perfect)\s+(?:marks?|scores?|points|grades?|ratings?)\b",
        (("full", "max", "perfect"), ("mark", "score", "point", "grade", "rating")),
    ),
    (r"\bscore\s+of\s+\d+", (("score",),)),
    (
        r"\b(?:give|award|assign|grade|rate|score)\s+(?:me|this|it|the\s+candidate|this\s+(?:answer|response|candidate))\s+"
        r"(?:an?\s+|as\s+(?:an?\s+)?)?(?:\d+|full|perfect|maximum)\b",
        (("give", "award", "assign", "grade", "rate", "score"),),
    ),
    (
        r"[\"'](?:level|score|criterion_id|overall)[\"']\s*:",
        (("level", "score", "criterion_id", "overall"), ('"', "'")),
    ),
    (
        r"</?\s*(?:candidate_answer|answer|system|instructions?|assistant|user|developer|rubric)\b[^>]*>",
        (("<",),),
    ),
    (r"<\|\s*[a-z_]+\s*\|>", (("<|",),)),
    (r"\[/?(?:INST|SYS)\]", (("[inst", "[/inst", "[sys", "[/sys"),)),
    (r"^\s*(?:system|assistant|developer)\s*:", (("system", "assistant", "developer"),)),
    (r"^\s*#{2,}\s*(?:system|instructions?)\b", (("##",),)),
    (
        r"\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+)?(?:grader|evaluator|reviewer|judge|ai|llm|model|assessor|examiner)\b",
        (("note", "message", "instruction"), _NAMES_OF_GRADERS),
    ),
    (
        r"\b(?:dear|attention|hey)\s+(?:grader|evaluator|reviewer|judge|ai|llm|model|assessor|examiner)\b",
        (("dear", "attention", "hey"), _NAMES_OF_GRADERS),
    ),
    (
        r"\bas\s+an?\s+(?:ai|llm|language\s+model)\b[^.\n]*\b(?:must|should)\b",
        (("as a",), ("ai", "llm", "language model")),
    ),
    (r"\bgrader\s+note\b", (("grader",),)),
)
_INJECTION_PATTERNS: tuple[
    tuple[re.Pattern[str], re.Pattern[str], tuple[tuple[str, ...], ...]], ...
] = tuple(
    (re.compile(p, re.IGNORECASE | re.MULTILINE), re.compile(p.lower(), re.MULTILINE), groups)
    for p, groups in _INJECTION_RULES
)
"""Each rule compiled twice: case-insensitive, and lowercase for the (much faster) scan of lowercased text."""
_SNIPPET_MAX = 160


def _enclosing(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence or line around a match, trimmed, so a flag reads as the candidate wrote it."""
    left = max(text.rfind("\n", 0, start), *(text.rfind(p, 0, start) for p in (". ", "! ", "? ")))
    left = left + 1 if left >= 0 else 0
    stops = [
        i
        for i in (text.find("\n", end), *(text.find(p, end) for p in (". ", "! ", "? ")))
        if i >= 0
    ]
    right = min(stops) + 1 if stops else len(text)
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    if right - left > _SNIPPET_MAX:
        left = max(left, start - 40)
        right = min(right, max(end, left + _SNIPPET_MAX))
    return left, right


def injection_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of suspected grader manipulation (the enclosing sentence of each match)."""
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    same_length = len(lowered) == len(text)
    for pattern, lower_pattern, groups in _INJECTION_PATTERNS:
        if all(any(k in lowered for k in group) for group in groups):
            scanner, target = (lower_pattern, lowered) if same_length else (pattern, text)
            spans.extend(_enclosing(text, m.start(), m.end()) for m in scanner.finditer(target))
    for m in INVISIBLE_RE.finditer(text):
        spans.append(_enclosing(text, m.start(), m.end()))
    return sorted(set(spans))


def detect_injection(text: str) -> list[str]:
    """Verbatim snippets that look like attempts to instruct the grader; flags only, never a penalty."""
    seen: list[str] = []
    for start, end in injection_spans(text):
        snippet = text[start:end]
        if snippet and snippet not in seen:
            seen.append(snippet)
    return seen


def overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """True when [start, end) touches any of the spans."""
    return any(start < e and s < end for s, e in spans)


# ------------------------------------------------------------------ insufficient results


def insufficient_phase(
    section: RubricSection,
    reason: str,
    level: Level | None = None,
    seconds_used: float | None = None,
    budget_seconds: float | None = None,
) -> PhaseResult:
    """A phase result with no score: every criterion None and the reason stated as missing."""
    missing = f"Insufficient evidence: {reason}"
    criteria = [
        CriterionResult(id=c.id, name=c.name, score=None, missing=missing)
        for c in section.criteria
        if level is None or c.applies_to(level)
    ]
    return PhaseResult(
        phase=section.id,
        status="insufficient",
        score=None,
        summary=f"Not graded: {reason}.",
        criteria=criteria,
        seconds_used=seconds_used,
        budget_seconds=budget_seconds,
    )
