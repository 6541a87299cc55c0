"""Sentence analysis for the offline grader: what each sentence shows, found with one scan per phase.

Each sentence is classed as prose or a list of terms, and checked for a stated reason, a connection
between components, numbers with units and arithmetic. API lines, field lists and calculations keep
their commas without being taken for a list.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from mockint.grading.offline_structure import is_structured
from mockint.grading.precheck import injection_spans, overlaps
from mockint.grading.text import (
    Quantity,
    Sentence,
    extract_quantities,
    has_arithmetic,
    lazy,
    match_form,
    split_sentences,
    wordset,
)
from mockint.interview.transcript import PhaseTranscript

FULL, SHALLOW, BARE = 1.0, 0.5, 0.15
"""Credit for a point shown with reasoning, stated in prose without reasoning, merely named."""

# ------------------------------------------------------------------ sentence features

_REASON_RE = re.compile(
    r"\b(?:because|so that|since|which means|this means|that means|meaning that|to avoid|to keep|"
    r"to make sure|in order to|instead of|rather than|trade-?offs?|at the cost of|at the expense of|"
    r"in exchange|otherwise|therefore|hence|thus|which lets|which keeps|which gives|which is why|"
    r"that's why|that way|given that|the downside|the upside|the catch|the risk|the cost|whereas|"
    r"unless|as long as|due to|thanks to|as a result|the reason|if we|if the|if a|if it|when the|"
    r"but|so we|so the|so it|so a|so i|so each|so every|so that's|so they|so one|so even|so all|"
    r"so any|so no|so both|so only|so there|so users?|so clients?|so readers|so requests|so reads|"
    r"which costs|which avoids|which keeps|we lose|we gain|we get|we pay|means?|makes (?:it|this|that))\b",
    re.I,
)
_CONNECT_RE = re.compile(
    r"->|→|=>|\b(?:then|writes? (?:it |them )?(?:to|into)|reads? (?:it |them )?from|calls?|publish(?:es)?|"
    r"consumes?|sends?|forwards?|routes?|goes to|hits?|looks? up|fetch(?:es)?|returns?|pushes|pulls|"
    r"subscribes?|enqueues?|falls back to|on a (?:cache )?miss|streams? (?:to|into)|fans? out|"
    r"replicates? to|lands in|emits?|polls?|in front of|behind (?:a|the)|passes|queries|served from|"
    r"checks?|updates?|reads? through|write-through|via|sits? (?:as|in|inside|behind|between|on)|"
    r"(?:stored|kept|held|lives?|runs?|running) (?:in|on|inside|as))\b",
    re.I,
)
_VERB_WORDS = wordset(
    "is are was were be been will would can could should must may might need needs do does "
    "did have has had use uses using keep keeps get gets put puts make makes go goes want "
    "wants let lets take takes give gives i we it they you means handle handles add adds run "
    "runs pick picks choose store stores write writes read reads serve serves fits grows "
    "costs stays avoid avoids works holds sits lives comes ask asked assume assuming say "
    "start expect allow allows"
)
"""Verbs, auxiliaries and pronouns: a sentence with one of them reads as prose, not a list of terms."""
_FUNCTION_WORDS = wordset(
    "the a an each every per to of for in on with from by into than that which"
)
_LETTERS_RE = re.compile(r"[a-z]+")
_THOUSANDS_RE = re.compile(r",\d{3}\b")
_WORD_SLASH_RE = re.compile(
    r"(?<=[A-Za-z])/(?=[A-Za-z]{2})(?!(?:sec|second|min|minute|hour|day|week|month|year)s?\b)"
)
"""'read/write' separates two terms; 'requests/sec' is a unit."""
_DIGIT_RE = re.compile(r"\d+")
_GENERIC_REASON_WORDS = wordset(
    "it its it's is are be was will would can could this that they them we our the a an and "
    "or so to of for very more most really much better best good great fast faster quick "
    "quicker scalable scale scales scaling scalability reliable reliability efficient "
    "efficiency simple simpler easy easier robust flexible secure cheap cheaper performance "
    "performant available availability popular standard modern industry works work well high "
    "low nice"
)
_RATIO_RE = re.compile(r"\b\d+\s*:\s*\d+\b")
_LIST_STOP = wordset(
    "the a an to of is are was be we i it so that this which for in on with can will would "
    "should because if then when they you our my its their has have"
)


_BRACKETED_RE = re.compile(r"[({\[][^(){}\[\]\n]*[)}\]]")
_NUMBER_COMMA_RE = re.compile(r",\s*(?:~|about |roughly |maybe |peak )?\d")
_CALCULATION_RE = re.compile(r"[=≈]\s*~?\s*\$?\d|\d\s*[kmbtKMBT]?[ \t]*[*×][ \t]*~?\d|\d\s*x\s+\d")
"""A worked calculation (a * b = c), not just a ratio such as 80/20."""


def _is_listy(text: str, has_verb: bool, tokens: Sequence[str], arithmetic: bool = False) -> bool:
    """A comma/slash separated run of short terms rather than a sentence.

    Commas inside brackets (parameters, fields) do not count, and in a worked calculation neither
    do the commas between its results nor the lack of small words.
    """
    arithmetic = arithmetic and _CALCULATION_RE.search(text) is not None
    if "(" in text or "{" in text or "[" in text:
        text = _BRACKETED_RE.sub("x", text)
    separators = text.count(";") + text.count("|") + text.count(" and ") + text.count(" + ")
    if "," in text:
        separators += text.count(",") - len(_THOUSANDS_RE.findall(text))
        if arithmetic:
            separators -= len(_NUMBER_COMMA_RE.findall(text))
    if "/" in text:
        separators += len(_WORD_SLASH_RE.findall(text))
    if separators < 2:
        return False
    parts = separators + 1
    mean = len(text.split()) / parts
    if mean <= 3.2:
        return True
    function_share = sum(1 for w in tokens if w in _LIST_STOP) / max(1, len(tokens))
    return (function_share < 0.12 and not arithmetic) or (parts >= 4 and not has_verb)


_SAME_LENGTH_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


@lru_cache(maxsize=256)
def _case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same pattern without IGNORECASE, for use on lowercased text (its literals are lowercase)."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


class PhaseScan:
    """Regex hits over one phase's whole text, mapped to sentence positions once per pattern.

    Running each pattern once over the text (instead of once per sentence) keeps a 3,000-word
    transcript well inside the offline grader's time budget.
    """

    def __init__(self, text: str, sentences: Sequence[Sentence]) -> None:
        self.text = text
        lowered = text.lower().translate(_SAME_LENGTH_FOLD)
        self.lowered = lowered if len(lowered) == len(text) else None
        self.starts = [s.start for s in sentences]
        self.ends = [s.end for s in sentences]
        self._hits: dict[re.Pattern[str], frozenset[int]] = {}

    def hits(self, pattern: re.Pattern[str]) -> frozenset[int]:
        """Positions of the sentences in which `pattern` has a match."""
        found = self._hits.get(pattern)
        if found is None:
            positions: set[int] = set()
            scanner, target = pattern, self.text
            if pattern.flags & re.IGNORECASE and self.lowered is not None:
                # case-insensitive alternations are several times faster on lowercased text
                scanner, target = _case_sensitive(pattern), self.lowered
            pos, end = 0, len(target)
            while pos <= end:
                m = scanner.search(target, pos)
                if m is None:
                    break
                i = bisect_right(self.starts, m.start()) - 1
                if i >= 0 and m.start() < self.ends[i]:
                    positions.add(i)
                    pos = max(self.ends[i], m.end())  # one hit per sentence is enough
                else:
                    pos = max(m.end(), m.start() + 1)
            found = self._hits[pattern] = frozenset(positions)
        return found


@dataclass(eq=False)
class Analysed:
    """One sentence with what it shows: prose or a list, reasoning, numbers, connections."""

    sentence: Sentence
    index: int
    phase: str
    scan: PhaseScan
    pos: int
    """Position of the sentence in its phase (the key into `scan`)."""

    def has(self, pattern: re.Pattern[str]) -> bool:
        return self.pos in self.scan.hits(pattern)

    @lazy
    def text(self) -> str:
        return self.sentence.text

    @lazy
    def word_list(self) -> list[str]:
        """Lowercase words of the sentence (letters only), in order."""
        return _LETTERS_RE.findall(self.text.lower())

    @lazy
    def tokens(self) -> frozenset[str]:
        """The same words as a set, for fast word-list checks."""
        return frozenset(self.word_list)

    @lazy
    def has_verb(self) -> bool:
        return not self.tokens.isdisjoint(_VERB_WORDS)

    @lazy
    def quantities(self) -> list[Quantity]:
        return extract_quantities(self.text) if _DIGIT_RE.search(self.text) else []

    @lazy
    def arithmetic(self) -> bool:
        return bool(self.quantities) and has_arithmetic(self.text)

    @lazy
    def unit_number(self) -> bool:
        return any(q.has_unit for q in self.quantities) or (
            ":" in self.text and _RATIO_RE.search(self.text) is not None
        )

    @lazy
    def reason(self) -> bool:
        """A stated cause with substance: 'because they sit in front of every click', not 'because it is fast'."""
        if not self.has(_REASON_RE):
            return False
        lowered = self.text.lower()
        m = _case_sensitive(_REASON_RE).search(lowered)
        after = lowered[m.end() :] if m else lowered
        substance = [w for w in _LETTERS_RE.findall(after) if w not in _GENERIC_REASON_WORDS]
        return len(substance) >= 2

    @lazy
    def connection(self) -> bool:
        return self.has(_CONNECT_RE)

    @lazy
    def has_function_word(self) -> bool:
        return not self.tokens.isdisjoint(_FUNCTION_WORDS)

    @lazy
    def structured(self) -> bool:
        """An API line or a record with its fields."""
        return is_structured(self)

    @lazy
    def listy(self) -> bool:
        """A run of terms; API lines and field lists are structure, not lists."""
        text = self.text
        if not _is_listy(text, self.has_verb, self.word_list):
            return False
        if self.arithmetic and not _is_listy(text, self.has_verb, self.word_list, True):
            return False
        return not self.structured

    @lazy
    def prose(self) -> bool:
        n = self.sentence.n_words
        if n < 5 or self.listy:
            return False
        return self.has_verb or self.has_function_word

    @lazy
    def reasoning(self) -> bool:
        return self.reason or self.connection or self.arithmetic or self.unit_number

    @lazy
    def credit(self) -> float:
        """FULL for reasoned prose, SHALLOW for plain prose or a quantified or structured fragment
        (an API line, a field list), BARE for a term list."""
        if self.listy:
            return BARE
        if not self.prose:
            return SHALLOW if (self.unit_number or self.arithmetic or self.structured) else BARE
        return FULL if self.reasoning else SHALLOW

    @lazy
    def prose_credit(self) -> float:
        """Credit where a plain statement is the substance (a requirement, an out-of-scope item)."""
        return FULL if self.prose else BARE

    @lazy
    def question(self) -> bool:
        return "?" in self.text


def _prime_match_forms(sentences: Sequence[Sentence]) -> None:
    """Compute every sentence's match form in one pass over the joined text (much faster)."""
    if not sentences:
        return
    forms = match_form("\x00".join(s.text.replace("\x00", " ") for s in sentences)).split("\x00")
    if len(forms) != len(sentences):
        return
    for sentence, form in zip(sentences, forms, strict=True):
        sentence.__dict__["match"] = form.strip()


@dataclass
class SectionText:
    """The candidate's text for one rubric section, split into analysed sentences."""

    section: str
    texts: list[PhaseTranscript]
    sentences: list[Analysed] = field(default_factory=list)
    injections: list[str] = field(default_factory=list)
    candidate_questions: int = 0

    @classmethod
    def build(
        cls, section: str, phases: Sequence[PhaseTranscript], counter: Iterator[int] | None = None
    ) -> SectionText:
        """Split and analyse the phases' candidate text, leaving out sentences addressed to the grader."""
        out = cls(section=section, texts=list(phases))
        counter = counter if counter is not None else itertools.count()
        seen: set[str] = set()
        for pt in phases:
            text = pt.candidate_text()
            spans = injection_spans(text)
            out.injections.extend(text[s:e] for s, e in spans if text[s:e] not in out.injections)
            sentences = split_sentences(text)
            scan = PhaseScan(text, sentences)
            kept: list[tuple[int, Sentence]] = []
            for pos, sentence in enumerate(sentences):
                if spans and overlaps(sentence.start, sentence.end, spans):
                    continue
                key = " ".join(sentence.text.lower().split())
                if key in seen:
                    continue  # a repeated sentence earns nothing twice
                seen.add(key)
                kept.append((pos, sentence))
            _prime_match_forms([sentence for _, sentence in kept])
            for pos, sentence in kept:
                out.sentences.append(Analysed(sentence, next(counter), pt.phase, scan, pos))
            out.candidate_questions += sum(
                1 for ex in pt.exchanges if ex.asked_by == "candidate" and ex.question.strip()
            )
        return out

    @classmethod
    def merge(cls, section: str, parts: Sequence[SectionText]) -> SectionText:
        """One context over several already analysed sections (the whole transcript)."""
        out = cls(section=section, texts=[t for p in parts for t in p.texts])
        for p in parts:
            out.sentences.extend(p.sentences)
            out.injections.extend(i for i in p.injections if i not in out.injections)
            out.candidate_questions += p.candidate_questions
        return out

    @cached_property
    def clean_text(self) -> str:
        return "\n".join(a.text for a in self.sentences)

    @cached_property
    def n_words(self) -> int:
        return sum(a.sentence.n_words for a in self.sentences)

    def with_pattern(self, pattern: re.Pattern[str]) -> list[Analysed]:
        """The sentences in which `pattern` has a match."""
        return [a for a in self.sentences if a.has(pattern)]
