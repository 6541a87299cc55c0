"""Check that evidence quotes really are the candidate's words, so a grade cannot rest on invented text.

Both sides are normalised (Unicode form, case, curly quotes, dashes, whitespace) with
`grading.text.normalize`. A quote may skip text with an ellipsis: its fragments must then appear in
order. Very short quotes prove nothing and are rejected, as are quotes that exist only in the
question or the interviewer's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mockint.grading.text import normalize

MIN_QUOTE_CHARS = 8
_ELLIPSIS = re.compile(r"\s*(?:\.\s*){3,}\s*|\s*\[(?:\.\.\.|…)\]\s*")


@dataclass(frozen=True)
class QuoteVerdict:
    """One quote and whether it was found; `reason` says why it was dropped."""

    quote: str
    ok: bool
    reason: str = ""


def _fragments(normalized_quote: str) -> list[str]:
    return [f.strip(" \"'") for f in _ELLIPSIS.split(normalized_quote) if f.strip(" \"'")]


def _in_order(fragments: list[str], haystack: str) -> bool:
    pos = 0
    for fragment in fragments:
        found = haystack.find(fragment, pos)
        if found == -1:
            return False
        pos = found + len(fragment)
    return True


@dataclass
class QuoteChecker:
    """Checks quotes against one candidate text (normalised once), rejecting question-only quotes."""

    candidate: str
    question: str = ""
    _cand: str = field(init=False, repr=False)
    _quest: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._cand = normalize(self.candidate)
        self._quest = normalize(self.question)

    def check(self, quote: str) -> QuoteVerdict:
        """Is this quote, after normalisation, in the candidate's own text?"""
        fragments = _fragments(normalize(quote))
        if sum(len(f) for f in fragments) < MIN_QUOTE_CHARS:
            return QuoteVerdict(quote, False, f"shorter than {MIN_QUOTE_CHARS} characters")
        if _in_order(fragments, self._cand):
            return QuoteVerdict(quote, True)
        if self._quest and _in_order(fragments, self._quest):
            return QuoteVerdict(
                quote, False, "found only in the question or the interviewer's words"
            )
        return QuoteVerdict(quote, False, "not found word for word in the answer")

    def split(self, quotes: list[str]) -> tuple[list[str], list[QuoteVerdict]]:
        """The quotes that were found (deduplicated, in order) and the verdicts of those dropped."""
        kept: list[str] = []
        dropped: list[QuoteVerdict] = []
        seen: set[str] = set()
        for quote in quotes:
            verdict = self.check(quote)
            if not verdict.ok:
                dropped.append(verdict)
                continue
            key = normalize(quote)
            if key not in seen:
                seen.add(key)
                kept.append(quote.strip())
        return kept, dropped


def verify_quote(quote: str, candidate: str, question: str = "") -> bool:
    """True when `quote` is the candidate's own words (see QuoteChecker)."""
    return QuoteChecker(candidate, question).check(quote).ok
