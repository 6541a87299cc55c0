"""Text helpers for grading: normalisation, sentence splitting with exact offsets, quantities."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar, overload

# Invisible characters a candidate (or a paste) can smuggle in: zero-width and BiDi controls.
INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_FOLD: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2026": "...",
}
"""Typographic characters folded to ASCII before quotes are compared."""
_FOLD_RE = re.compile("[" + "".join(_FOLD) + "]")


def strip_invisible(text: str) -> str:
    """Remove zero-width and BiDi control characters."""
    return INVISIBLE_RE.sub("", text)


def normalize(text: str) -> str:
    """Canonical form for comparing quotes: NFKC, casefold, ASCII quotes/dashes, one space."""
    text = unicodedata.normalize("NFKC", text)
    if INVISIBLE_RE.search(text):
        text = INVISIBLE_RE.sub("", text)
    if _FOLD_RE.search(text):
        text = _FOLD_RE.sub(lambda m: _FOLD[m.group(0)], text)
    return " ".join(text.casefold().split())


def contains_quote(haystack: str, quote: str) -> bool:
    """True when `quote` appears in `haystack` after both are normalised."""
    q = normalize(quote)
    return bool(q) and q in normalize(haystack)


# ------------------------------------------------------------------ match form

_THOUSANDS_RE = re.compile(r",(?<=\d,)(?=\d{3}\b)")
_KILO_RE = re.compile(r"([0-9]+)k\b")
_PER_WORD_RE = re.compile(
    r"(?<![a-z])(?:an?|each|every|per)\s+(s|sec|secs|second|minute|hour|day|week|month|year)\b"
)
_SLASH_PER_RE = re.compile(r"/\s*(s|sec|second|min|minute|hour|hr|day|week|month|year|yr)\b")
_COMPOUND_RE = re.compile(
    r"\b(fan|fail|look|hot|rate|key|write|read|round|time|back)"
    r"(out|outs|over|overs|up|ups|spot|spots|limit|limits|limiter|limiters|limiting|space|through|"
    r"trip|trips|stamp|stamps|end|ends|pressure)\b"
)
"""Closed compounds people also write open or hyphenated: 'fanout' reads as 'fan out' (signals too)."""
_COMPOUND_WORDS = frozenset(
    {
        "fanout",
        "failover",
        "lookup",
        "hotspot",
        "ratelimit",
        "keyspace",
        "writethrough",
        "readthrough",
        "roundtrip",
        "timestamp",
        "backend",
        "backpressure",
    }
)
_PERIODS = {
    "s": "second",
    "sec": "second",
    "secs": "second",
    "min": "minute",
    "hr": "hour",
    "yr": "year",
}


def _kilo(m: re.Match[str]) -> str:
    start = m.start()
    if start and (m.string[start - 1].isalnum() or m.string[start - 1] in "._"):
        return m.group(0)
    return m.group(1) + "000"


def match_form(text: str) -> str:
    """A looser canonical form for signal matching: thousands separators, 'k' and rate units folded."""
    out = normalize(text)
    if "," in out:
        out = _THOUSANDS_RE.sub("", out)
    if "k" in out:
        out = _KILO_RE.sub(_kilo, out)
    if "/" in out:
        out = _SLASH_PER_RE.sub(lambda m: " per " + _PERIODS.get(m.group(1), m.group(1)), out)
    out = _PER_WORD_RE.sub(lambda m: "per " + _PERIODS.get(m.group(1), m.group(1)), out)
    if any(w in out for w in _COMPOUND_WORDS):
        out = _COMPOUND_RE.sub(_split_compound, out)
    return out.strip()


def _split_compound(m: re.Match[str]) -> str:
    whole = m.group(0)
    base = whole[:-1] if whole.endswith("s") and whole[:-1] in _COMPOUND_WORDS else whole
    if base in _COMPOUND_WORDS or whole.startswith("ratelimit"):
        return f"{m.group(1)} {m.group(2)}"
    return whole


# ------------------------------------------------------------------ stems


def wordset(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read than a list literal)."""
    return frozenset(text.split())


_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[.:][a-z0-9]+)*")
STOPWORDS = wordset(
    "a an the to of for in on at by with is are be it its per and or vs versus no not do does "
    "we i that this as from into than then so our you your can will would should"
)


_KEEP_FINAL_S = frozenset({"alias", "atlas", "bias", "canvas", "gas", "whereas"})
"""Singular words ending in -as whose final s is not a plural ('alias' and 'aliases' meet at 'alias')."""


@lru_cache(maxsize=32768)
def stem(word: str) -> str:
    """A crude suffix stripper so 'leased', 'leases' and 'lease' compare equal; numbers stay as they are."""
    if word[0].isdigit():
        return word
    if word.endswith("ases") and word[:-2] in _KEEP_FINAL_S:
        return word[:-2]
    if word in _KEEP_FINAL_S:
        return word
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix, keep in (("ing", 4), ("ion", 4), ("ed", 3), ("ly", 4)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def stems(text: str, match_ready: bool = False) -> frozenset[str]:
    """The set of stemmed content words of a text (stopwords dropped), for bag-of-words matching."""
    form = text if match_ready else match_form(text)
    return frozenset(stem(t) for t in _TOKEN_RE.findall(form) if t not in STOPWORDS)


# ------------------------------------------------------------------ words

_WORD_RE = re.compile(r"[^\W_](?:[\w'./:-]*[^\W_])?")


def words(text: str) -> list[str]:
    """The words of a text (letters/digits with inner punctuation such as 99.9 or read-heavy)."""
    return _WORD_RE.findall(text)


def word_count(text: str) -> int:
    """How many words a text has."""
    return len(_WORD_RE.findall(text))


# ------------------------------------------------------------------ sentences

T = TypeVar("T")


class lazy(Generic[T]):
    """A cached attribute without functools.cached_property's lock (slow on Python 3.11)."""

    def __init__(self, fn: Callable[[Any], T]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> lazy[T]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> T: ...
    def __get__(self, obj: object | None, owner: type) -> T | lazy[T]:
        if obj is None:
            return self
        value = self.fn(obj)
        obj.__dict__[self.name] = value
        return value


_BULLET_RE = re.compile(r"\s*(?:[-*•+>]+|\d{1,2}[.)]|[a-z][.)]|#{1,6})\s+")
_SPLIT_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[])")
_ABBREV = {"e.g.", "i.e.", "vs.", "etc.", "approx.", "ca.", "cf.", "mr.", "dr.", "no."}


@dataclass(frozen=True)
class Sentence:
    """A sentence (or bullet, or line) and where it sits in the original text."""

    text: str
    start: int
    end: int

    @lazy
    def norm(self) -> str:
        return normalize(self.text)

    @lazy
    def match(self) -> str:
        return match_form(self.text)

    @lazy
    def stems(self) -> frozenset[str]:
        return stems(self.match, match_ready=True)

    @lazy
    def n_words(self) -> int:
        return len(self.text.split())


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[Sentence]:
    """Split into sentences whose `text` is an exact substring of `text`; bullets and lines split too."""
    out: list[Sentence] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, line_end = pos, pos + len(line)
        pos = line_end
        bullet = _BULLET_RE.match(text, line_start, line_end)
        cut = bullet.end() if bullet else line_start
        for m in _SPLIT_RE.finditer(text, cut, line_end):
            before = text[cut : m.start()].rsplit(None, 1)
            if before and before[-1].lower() in _ABBREV:
                continue
            tail = m.group(0)
            closing = len(tail) - len(tail.lstrip("\"')]"))
            _append(out, text, *_trimmed(text, cut, m.start() + closing))
            cut = m.end()
        _append(out, text, *_trimmed(text, cut, line_end))
    return out


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    if piece and any(ch.isalnum() for ch in piece):
        out.append(Sentence(piece, start, end))


# ------------------------------------------------------------------ quantities

_NUM_RE = re.compile(r"(?<![\w.^:])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d^]|:\d)")
_MULT_ATTACHED = re.compile(r"([kKmMbBtT])(?![A-Za-z/])|(bn|mn)\b", re.I)
_MULT_WORD = re.compile(r"\s?(thousand|million|billion|trillion)\b", re.I)
_UNIT_RE = re.compile(
    r"\s?(?:(?P<bytes>[kKmMgGtTpPeE]i?B|bytes?|B)(?![A-Za-z])(?P<ps>ps)?"
    r"|(?P<bits>[kKmMgGtT]bps|[kKmMgGtT]bits?/s)"
    r"|(?P<pct>%)"
    r"|(?P<rate>qps|rps|tps|QPS|RPS|TPS|ops/s|req/s)\b"
    r"|(?P<time>ms|milliseconds?|µs|us|microseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?)\b)"
)
_NOUN_RE = re.compile(
    r"\s+(?!per\b|a\b|an\b|each\b|every\b|of\b|to\b|and\b|or\b|in\b|x\b)([A-Za-z][A-Za-z-]*)"
)
_PER_RE = re.compile(
    r"\s?(?:/|\bper\s+|\ba\s+|\ban\s+|\beach\s+|\bevery\s+)\s?"
    r"(s|sec|secs|second|min|minute|hr|hour|day|week|mo|month|yr|year)\b",
    re.I,
)
_RATE_WORD_RE = re.compile(r"\s?(qps|rps|tps)\b", re.I)

_MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}
_BYTE_PREFIX = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15, "e": 1e18}
_PER_SECONDS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "min": 60,
    "minute": 60,
    "hr": 3600,
    "hour": 3600,
    "day": 86_400,
    "week": 604_800,
    "mo": 2_592_000,
    "month": 2_592_000,
    "yr": 31_536_000,
    "year": 31_536_000,
}
_TIME_SECONDS = {
    "ms": 1e-3,
    "millisecond": 1e-3,
    "us": 1e-6,
    "µs": 1e-6,
    "microsecond": 1e-6,
    "second": 1,
    "sec": 1,
    "minute": 60,
    "min": 60,
    "hour": 3600,
    "hr": 3600,
    "day": 86_400,
    "week": 604_800,
    "month": 2_592_000,
    "year": 31_536_000,
    "yr": 31_536_000,
}


@dataclass(frozen=True)
class Quantity:
    """A number with what it measures, converted to a base unit (bytes, per second, seconds)."""

    value: float
    dimension: str
    """One of: rate, bytes, bandwidth, count, time, percent, number (a bare number)."""
    raw: str
    start: int
    end: int
    amount: float = 0.0
    """The value before dividing by a time period ('600 GB per year' -> 600e9)."""
    amount_dimension: str = ""
    """The dimension before a period was applied ('bytes' for '600 GB per year')."""

    @property
    def has_unit(self) -> bool:
        return self.dimension != "number"


def _time_key(word: str) -> str:
    word = word.lower()
    if word in _TIME_SECONDS:
        return word
    return word.rstrip("s") if word.rstrip("s") in _TIME_SECONDS else word


def _unit_after(
    text: str, pos: int, value: float, dimension: str, has_mult: bool
) -> tuple[float, str, int]:
    um = _UNIT_RE.match(text, pos)
    if not um or (um.group("bytes") == "B" and has_mult):
        return value, dimension, pos
    if um.group("bytes"):
        unit = um.group("bytes")
        prefix = "" if unit.lower().startswith("byte") or unit == "B" else unit[0].lower()
        value *= _BYTE_PREFIX[prefix]
        if um.group("ps"):
            return value / 8, "bandwidth", um.end()
        return value, "bytes", um.end()
    if um.group("bits"):
        return value * _BYTE_PREFIX[um.group("bits")[0].lower()] / 8, "bandwidth", um.end()
    if um.group("pct"):
        return value, "percent", um.end()
    if um.group("rate"):
        return value, "rate", um.end()
    return value * _TIME_SECONDS.get(_time_key(um.group("time")), 1), "time", um.end()


def extract_quantities(text: str) -> list[Quantity]:
    """Every number in `text` with its multiplier (k/M/B, million) and unit (GB, /s, QPS, ms, %)."""
    found: list[Quantity] = []
    for m in _NUM_RE.finditer(text):
        value = float(m.group(1).replace(",", ""))
        pos = m.end()
        has_mult = False
        am = _MULT_ATTACHED.match(text, pos)
        wm = None if am else _MULT_WORD.match(text, pos)
        if am or wm:
            key = (am.group(1) or am.group(2)) if am else wm.group(1)  # type: ignore[union-attr]
            value *= _MULTIPLIERS[key.lower()]
            has_mult, pos = True, (am or wm).end()  # type: ignore[union-attr]
        value, dimension, pos = _unit_after(
            text, pos, value, "count" if has_mult else "number", has_mult
        )
        amount, amount_dimension = value, dimension
        if dimension in ("number", "count", "bytes"):
            after = pos
            per = _PER_RE.match(text, after)
            rate_word = None if per else _RATE_WORD_RE.match(text, after)
            nouns = 0
            while not per and not rate_word and nouns < 2:
                noun = _NOUN_RE.match(text, after)
                if not noun or noun.group(1).lower() in _NOT_COUNT_NOUNS:
                    break
                nouns += 1
                after = noun.end()
                per = _PER_RE.match(text, after)
                rate_word = None if per else _RATE_WORD_RE.match(text, after)
            if rate_word:
                dimension, pos = "rate", rate_word.end()
            elif per:
                value /= _PER_SECONDS[per.group(1).lower()]
                dimension = "bandwidth" if dimension == "bytes" else "rate"
                pos = per.end()
            elif nouns and dimension == "number":
                dimension = amount_dimension = "count"
        found.append(
            Quantity(
                value, dimension, text[m.start() : pos], m.start(), pos, amount, amount_dimension
            )
        )
    return found


_NOT_COUNT_NOUNS = {
    "is",
    "are",
    "was",
    "were",
    "be",
    "the",
    "with",
    "for",
    "on",
    "at",
    "by",
    "from",
    "so",
    "that",
    "then",
    "than",
    "times",
    "x",
    "as",
    "if",
    "but",
    "which",
    "we",
    "it",
    "this",
    "i",
}

_ARITH_RE = re.compile(
    r"\d[\d.,]*\s*(?:[kKmMbBtT%]|[kKmMgGtT]?B|bn|million|billion|thousand)?\s*"
    r"(?:[x×*÷]|/(?!\s*(?:s|sec|second|day|month|year|min|hour|hr|yr|mo)\b)|\btimes\b|\bdivided by\b|\bmultiplied by\b|\bover\b)\s*~?\s*\d"
    r"|[=≈]\s*~?\s*\$?\d|\d\s*\^\s*\d|\d\s*\*\*\s*\d",
    re.I,
)


def has_arithmetic(text: str) -> bool:
    """True when the text shows a calculation (a × b, a / b, = n, ≈ n, 62^7)."""
    return bool(_ARITH_RE.search(text))


def unit_dimension(unit: str) -> tuple[str, float]:
    """Dimension and factor to base units for a unit as written in a reference figure ('GB', 'writes/s')."""
    probe = extract_quantities(f"1 {unit.strip()}")
    if probe and probe[0].dimension != "number":
        return probe[0].dimension, probe[0].value
    probe = extract_quantities(f"1{unit.strip()}")
    if probe and probe[0].dimension != "number":
        return probe[0].dimension, probe[0].value
    return "count", 1.0
