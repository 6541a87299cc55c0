"""The offline grader: deterministic, instant, and built to reward reasoning rather than vocabulary.

A reference point counts fully only when its signal shows up in a sentence that also reasons (a
cause, a number with its unit or arithmetic, or a connection between components); a bare term in
a list counts for little. Criteria without reference points are judged on generic features
(clarifying questions, arithmetic, a recap, structure). Injection attempts are ignored and flagged.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from mockint.config import Level
from mockint.content.models import (
    PHASES,
    Criterion,
    EstimationFigure,
    Problem,
    ReferencePoint,
    RubricSection,
)
from mockint.grading.base import GradeRequest, ProgressCallback
from mockint.grading.precheck import (
    PrecheckResult,
    check_section,
    injection_spans,
    insufficient_phase,
    overlaps,
)
from mockint.grading.report import (
    OFFLINE_NOTICE,
    CriterionResult,
    GradeReport,
    PhaseResult,
    SessionRef,
)
from mockint.grading.scoring import finalize
from mockint.grading.text import (
    Quantity,
    Sentence,
    extract_quantities,
    has_arithmetic,
    lazy,
    match_form,
    split_sentences,
    stems,
    unit_dimension,
    words,
    wordset,
)
from mockint.interview.transcript import PhaseTranscript

FULL, SHALLOW, BARE = 1.0, 0.5, 0.15
"""Credit for a point shown with reasoning, stated in prose without reasoning, merely named."""

PROSE_IS_FULL = frozenset({"functional-scope", "scope-control"})
"""Criteria where a requirement stated as a full sentence is the evidence itself."""

THRESHOLDS = (0.2, 0.45, 0.72)
"""Coverage at or above each threshold lifts the score by one: <0.2 → 1, <0.45 → 2, <0.72 → 3, else 4."""

SCORE_LABELS = {1: "missing", 2: "partial", 3: "solid", 4: "exceptional"}

# ------------------------------------------------------------------ sentence features

_REASON_RE = re.compile(
    r"\b(?:because|so that|since|which means|this means|that means|meaning that|to avoid|to keep|"
    r"to make sure|in order to|instead of|rather than|trade-?offs?|at the cost of|at the expense of|"
    r"in exchange|otherwise|therefore|hence|thus|which lets|which keeps|which gives|which is why|"
    r"that's why|that way|given that|the downside|the upside|the catch|the risk|the cost|whereas|"
    r"unless|as long as|due to|thanks to|as a result|the reason|if we|if the|if a|if it|when the|"
    r"but|so we|so the|so it|so a|so i|so each|so every|so that's|so they|so one|so even|"
    r"which costs|which avoids|which keeps|we lose|we gain|we get|we pay|means?|makes (?:it|this|that))\b",
    re.I,
)
_CONNECT_RE = re.compile(
    r"->|→|=>|\b(?:then|writes? (?:it |them )?(?:to|into)|reads? (?:it |them )?from|calls?|publish(?:es)?|"
    r"consumes?|sends?|forwards?|routes?|goes to|hits?|looks? up|fetch(?:es)?|returns?|pushes|pulls|"
    r"subscribes?|enqueues?|falls back to|on a (?:cache )?miss|streams? (?:to|into)|fans? out|"
    r"replicates? to|lands in|emits?|polls?|in front of|behind (?:a|the)|passes|queries|served from|"
    r"checks?|updates?|reads? through|write-through|via)\b",
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
_WORD_SLASH_RE = re.compile(r"(?<=[A-Za-z])/(?=[A-Za-z]{2})")
_ASSUME_RE = re.compile(
    r"\b(?:assum\w*|let's say|let us say|say we|suppose|roughly|about|around|ballpark|estimate|~)",
    re.I,
)
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
_RECAP_RE = re.compile(
    r"\b(?:to recap|recap|in summary|to summari[sz]e|summing up|to sum up|in short|to wrap up|wrapping up|"
    r"overall,|all in all|so the design|the design (?:is|gives)|what i'?d build first|first version)\b",
    re.I,
)
_SIGNPOST_RE = re.compile(
    r"\b(?:first(?:ly)?|second(?:ly)?|third|next|finally|to start|let me|i'?ll start|moving on|step \d|then)\b",
    re.I,
)
_LIST_LINE_RE = re.compile(r"^[ \t]*(?:[-*•]|\d+[.)]|#+)[ \t]", re.M)

_GENERIC_CUES: dict[str, re.Pattern[str]] = {
    key: re.compile(pattern, 0 if key == "concrete" else re.I)
    for key, pattern in {
        "functional": r"\b(?:users? (?:can|should|must|need|want|wants)|should be able|must be able|able to|"
        r"the system (?:should|must|needs)|core (?:feature|action|use case)s?|use cases?|supports?|lets? (?:a |the )?users?)\b",
        "nonfunctional": r"\b(?:latency|p9\d|availability|available|consisten\w*|durab\w*|throughput|"
        r"uptime|nines|sla|slo|read[- ]heavy|write[- ]heavy|ms\b|milliseconds?)",
        "scope": r"\b(?:out of scope|not in scope|outside (?:the )?scope|park|defer\w*|later|won'?t|will not|"
        r"skip|leave (?:out|aside)|focus on|v1|mvp|first version|non-goals?|not (?:going to|covering))\b",
        "api": r"\b(?:get|post|put|delete|patch)\b\s*/|\b(?:endpoints?|api|rpc|request body|response|returns?|"
        r"status code|\d{3} (?:ok|created|found|gone|not found))\b|\w+\([\w ,:=]*\)",
        "data": r"\b(?:tables?|schema|primary key|partition key|sort key|index(?:es|ed)?|columns?|fields?|"
        r"rows?|documents?|key[- ]value|foreign key|store[sd]? (?:it |them )?(?:as|in)|keyed by)\b",
        "components": r"\b(?:service|load balancer|cache|redis|memcached|queue|kafka|database|db|cdn|gateway|"
        r"workers?|postgres|mysql|cassandra|dynamodb|s3|blob|api server|app servers?)\b",
        "bottleneck": r"\b(?:bottlenecks?|hot ?spots?|hot keys?|hot partitions?|peak|saturat\w*|limit\w*|"
        r"contention|throughput|shard\w*|partition\w*|replica\w*|cach\w*|fan-?out|backpressure)\b",
        "reliability": r"\b(?:fail\w*|failover|replica\w*|retr(?:y|ies)|redundan\w*|multi-?(?:az|region)|"
        r"backups?|degrad\w*|circuit breakers?|idempoten\w*|outage|down|crash\w*|recover\w*|durab\w*)\b",
        "operability": r"\b(?:monitor\w*|alert\w*|metrics?|dashboards?|slos?|on-?call|logs?|logging|trac\w+|"
        r"deploy\w*|rollbacks?|canar\w+|rate[- ]limit\w*|runbooks?|observab\w*|kill switch)\b",
        "alternatives": r"\b(?:instead of|rather than|alternatives?|options?|vs\.?|versus|could also|"
        r"another (?:approach|option|way)|compared (?:to|with)|considered|over (?:a|an|the)|either)\b",
        "tradeoff": r"\b(?:trade-?offs?|at the cost of|at the expense of|downside|upside|in exchange|"
        r"costs?|pros?|cons?|gain|lose|we pay|price|but|whereas)\b",
        "risks": r"\b(?:risks?|next steps?|later|evolv\w*|grow\w*|in the future|v2|migrat\w*|monitor|"
        r"if traffic|10x|revisit|open questions?|what i'?d change)\b",
        "business": r"\b(?:business|revenue|costs?|\$\d|dollars?|customers?|churn|teams?|org\w*|roadmap|"
        r"build (?:vs\.?|versus|or) buy|buy (?:vs\.?|versus|or) build|budget|margins?|reputation|"
        r"product|stakeholders?|compliance|legal|users? trust|time to market|headcount|ownership)\b",
        "failure": r"\b(?:fail\w*|outage|incident|down(?:time)?|crash\w*|timeout|retr(?:y|ies)|page[ds]?|"
        r"on-?call|postmortem|broke|breaks?|recover\w*|rollback|degrad\w*|lost|data loss)\b",
        "honesty": r"\b(?:i don'?t know|not sure|i'?m not certain|i'?d have to check|i would have to check|"
        r"limitations?|weakness\w*|in hindsight|i would change|i'?d change|mistakes?|tech(?:nical)? debt|"
        r"if i (?:were to )?redo|we got wrong|didn'?t work|still (?:a )?problem|unknowns?|i'?m unsure|"
        r"honestly|i haven'?t|never measured|don'?t remember|i'?m guessing|my guess|i'?d need to look)\b",
        "concrete": r"\b(?:[A-Z][a-z]+[A-Z]\w*|Postgres\w*|MySQL|Redis|Kafka|S3|DynamoDB|Cassandra|Kubernetes|"
        r"k8s|Elasticsearch|Spark|Flink|gRPC|GraphQL|RabbitMQ|SQS|Lambda|BigQuery|Snowflake|Nginx|Envoy)\b",
        "consequence": r"\b(?:so we|so a|so the|so it|so one|which means|this means|that means|fits|enough|"
        r"no need|don'?t need|need about|need \d|single (?:node|machine|box|database|primary)|one (?:node|"
        r"machine|box)|shards?|nodes?|servers?|machines?|replicas?|in memory|ram)\b",
    }.items()
}

# Framing drill steps: explicit labels ("Define:", "2. Decompose") first, then cue phrases.
_STEP_LABELS: dict[str, re.Pattern[str]] = {
    step: re.compile(
        rf"^\s*(?:[-*•]\s*|\d+[.)]\s*|#+\s*|step \d+[:.]?\s*)?(?:{label})\b", re.I | re.M
    )
    for step, label in {
        "define": r"define|definition|requirements|scope|goal",
        "decompose": r"decompose|decomposition|break(?:ing)? (?:it )?down|components|parts",
        "design": r"design|architecture|high[- ]level",
        "discuss-tradeoffs": r"(?:discuss )?trade-?offs?|tradeoffs",
        "deliver": r"deliver|delivery|plan|rollout|roll-?out|milestones?|ship",
    }.items()
}
_STEP_CUES: dict[str, re.Pattern[str]] = {
    step: re.compile(pattern, re.I)
    for step, pattern in {
        "define": r"\b(?:define|defining|the goal|goals? (?:is|are)|requirements?|in scope|out of scope|"
        r"users? (?:need|want|can)|use cases?|success (?:looks like|means|metric)|the problem is|clarify\w*|"
        r"functional|must (?:be able|support)|pin down|who (?:uses|the users)|what it (?:must|should|has to) do|"
        r"(?:ask|asking) (?:about|what|how|who)|clarifying questions?)\b",
        "decompose": r"\b(?:decompos\w*|break (?:it|this|that|the \w+) (?:down|into)|breaking (?:it|this) down|"
        r"components?|sub-?problems?|sub-?systems?|pieces|building blocks|split (?:it|this) into|"
        r"(?:two|three|four|five) (?:parts|pieces|areas|concerns))\b",
        "design": r"(?:->|→|\b(?:architecture|high[- ]level design|the design|data model|schema|endpoints?|"
        r"api\b|writes? to|reads? from|store (?:it|them|\w+) in|in front of|load balancer|sits behind))",
        "discuss-tradeoffs": r"\b(?:trade-?offs?|instead of|rather than|versus|vs\.?|downside|at the cost of|"
        r"alternatives?|the catch|whereas|we give up|in exchange)\b",
        "deliver": r"\b(?:deliver\w*|ship|milestones?|mvp|first version|v1|iterat\w*|roll(?:ing)? out|"
        r"rollout|timeline|launch\w*|phase (?:one|two|1|2)|week \d|measure|success metric|next steps?)\b",
    }.items()
}
_DRILL_STEPS = ("define", "decompose", "design", "discuss-tradeoffs", "deliver")


def _is_listy(text: str, has_verb: bool, tokens: Sequence[str]) -> bool:
    """A comma/slash separated run of short terms rather than a sentence."""
    separators = text.count(";") + text.count("|") + text.count(" and ") + text.count(" + ")
    if "," in text:
        separators += text.count(",") - len(_THOUSANDS_RE.findall(text))
    if "/" in text:
        separators += len(_WORD_SLASH_RE.findall(text))
    if separators < 2:
        return False
    parts = separators + 1
    mean = len(text.split()) / parts
    function_share = sum(1 for w in tokens if w in _LIST_STOP) / max(1, len(tokens))
    return mean <= 3.2 or function_share < 0.12 or (parts >= 4 and not has_verb)


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
    def listy(self) -> bool:
        return _is_listy(self.text, self.has_verb, self.word_list)

    @lazy
    def prose(self) -> bool:
        n = self.sentence.n_words
        if n < 5 or self.listy:
            return False
        return self.has_verb or (n >= 6 and not self.tokens.isdisjoint(_FUNCTION_WORDS))

    @lazy
    def reasoning(self) -> bool:
        return self.reason or self.connection or self.arithmetic or self.unit_number

    @lazy
    def credit(self) -> float:
        """FULL for reasoned prose, SHALLOW for plain prose or a quantified fragment, BARE for a term list."""
        if self.listy:
            return BARE
        if not self.prose:
            return SHALLOW if (self.unit_number or self.arithmetic) else BARE
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

    def with_cue(self, cue: str) -> list[Analysed]:
        pattern = _GENERIC_CUES[cue]
        return [a for a in self.sentences if a.has(pattern)]


@dataclass
class Feature:
    """A generic feature's value in [0, 1] with the sentences that earned it and what was absent."""

    value: float
    evidence: list[Analysed] = field(default_factory=list)
    missing: str = ""


def _best(sentences: Sequence[Analysed], n: int = 3) -> list[Analysed]:
    return sorted(sentences, key=lambda a: (-a.credit, a.index))[:n]


def _depth(sentences: Sequence[Analysed], want: int) -> float:
    """Credit of the `want` best sentences, so several reasoned sentences beat one."""
    best = _best(sentences, want)
    return min(1.0, sum(a.credit for a in best) / want)


# ------------------------------------------------------------------ generic features


def _cue_feature(cue: str, want: int, missing: str) -> Callable[[SectionText], Feature]:
    def feature(ctx: SectionText) -> Feature:
        hits = ctx.with_cue(cue)
        value = _depth(hits, want)
        return Feature(value, _best(hits), "" if value >= 0.7 else missing)

    return feature


def _clarifying(ctx: SectionText) -> Feature:
    asked = [a for a in ctx.sentences if a.question]
    assumed = [a for a in ctx.sentences if a.has(_ASSUME_RE) and a.prose]
    count = ctx.candidate_questions + len(asked)
    value = min(1.0, count / 4) * 0.75 + min(1.0, len(assumed) / 2) * 0.25
    missing = (
        ""
        if count >= 3
        else "Ask about scale, usage pattern and the hardest requirement, then state your assumptions."
    )
    return Feature(value, _best(asked + assumed), missing)


def _estimation_method(ctx: SectionText) -> Feature:
    assumed = [a for a in ctx.sentences if a.has(_ASSUME_RE) and a.prose]
    arith = [a for a in ctx.sentences if a.arithmetic]
    units = [q for a in ctx.sentences for q in a.quantities if q.has_unit]
    value = (
        0.25 * min(1.0, len(assumed) / 2)
        + 0.5 * min(1.0, len(arith) / 3)
        + 0.25 * min(1.0, len(units) / 5)
    )
    missing = ""
    if len(arith) < 2:
        missing = "Show the arithmetic: the assumption, the multiplication or division, and the unit of the result."
    elif len(assumed) < 1:
        missing = "State the assumptions behind each number before using it."
    return Feature(value, _best(arith or assumed), missing)


def _quantity_feature(
    dimensions: tuple[str, ...], missing: str
) -> Callable[[SectionText], Feature]:
    def feature(ctx: SectionText) -> Feature:
        hits = [
            a
            for a in ctx.sentences
            if any(
                q.dimension in dimensions or q.amount_dimension in dimensions for q in a.quantities
            )
        ]
        with_math = [a for a in hits if a.arithmetic]
        value = min(1.0, (len(hits) + len(with_math)) / 4)
        return Feature(value, _best(with_math or hits), "" if value >= 0.7 else missing)

    return feature


def _drives_design(ctx: SectionText) -> Feature:
    hits = [
        a for a in ctx.sentences if a.quantities and a.has(_GENERIC_CUES["consequence"]) and a.prose
    ]
    value = _depth(hits, 2)
    return Feature(
        value,
        _best(hits),
        ""
        if value >= 0.7
        else "Say what each number decides: cache size, shard count, whether one database is enough.",
    )


def _architecture(ctx: SectionText) -> Feature:
    flows = [a for a in ctx.sentences if a.connection and a.has(_GENERIC_CUES["components"])]
    value = _depth(flows, 3)
    return Feature(
        value,
        _best(flows),
        ""
        if value >= 0.7
        else "Walk one request through the components in order (client -> load balancer -> service -> cache -> database).",
    )


def _reasoned(ctx: SectionText, want: int = 4) -> Feature:
    hits = [a for a in ctx.sentences if a.reasoning and a.prose]
    value = _depth(hits, want)
    return Feature(
        value,
        _best(hits),
        "" if value >= 0.7 else "Give the reason behind each choice: because, so that, instead of.",
    )


def _recap(ctx: SectionText) -> Feature:
    total = len(ctx.sentences)
    hits = [(i, a) for i, a in enumerate(ctx.sentences) if a.has(_RECAP_RE)]
    late = [a for i, a in hits if i >= total * 0.5 and a.prose and a.sentence.n_words >= 10]
    hits_only = [a for _, a in hits]
    value = (
        1.0
        if late and any(a.reasoning for a in late)
        else 0.75
        if late
        else 0.35
        if hits_only
        else 0.0
    )
    return Feature(
        value,
        _best(late or hits_only),
        ""
        if value >= 0.75
        else "Close with a short recap: the design in two sentences, tied back to the key requirement.",
    )


def _communication(ctx: SectionText) -> Feature:
    by_phase: dict[str, list[Analysed]] = {}
    for a in ctx.sentences:
        by_phase.setdefault(a.phase, []).append(a)
    phases = max(1, len(ctx.texts))
    covered = sum(
        1
        for sents in by_phase.values()
        if sum(1 for a in sents if a.prose) >= 4 and sum(a.sentence.n_words for a in sents) >= 60
    )
    prose = [a for a in ctx.sentences if a.prose]
    reasoned = [a for a in prose if a.reasoning]
    share = len(reasoned) / len(ctx.sentences) if ctx.sentences else 0.0
    signposts = sum(1 for a in ctx.sentences if a.has(_SIGNPOST_RE))
    signposts += sum(len(_LIST_LINE_RE.findall(pt.candidate_text())) for pt in ctx.texts)
    want = 5 * phases
    value = (
        0.25 * covered / phases
        + 0.3 * min(1.0, share / 0.6)
        + 0.3 * min(1.0, len(reasoned) / want)
        + 0.15 * min(1.0, signposts / (2 * phases))
    )
    missing = ""
    if covered < phases:
        missing = "Give every part a few full sentences; some were thin or only lists."
    elif share < 0.4:
        missing = "Explain as you go: most sentences stated a choice without the reason for it."
    return Feature(value, _best(reasoned), missing)


def _brevity(ctx: SectionText) -> Feature:
    n = ctx.n_words
    if n < 80:
        words_value = 0.4
    elif n <= 320:
        words_value = 1.0
    elif n <= 450:
        words_value = 0.55
    else:
        words_value = 0.15
    values = [words_value]
    used = [pt for pt in ctx.texts if pt.seconds_used is not None and pt.budget_seconds]
    if used:
        ratio = sum(pt.seconds_used or 0 for pt in used) / sum(
            pt.budget_seconds or 0 for pt in used
        )
        values.append(1.0 if ratio <= 1.0 else 0.6 if ratio <= 1.25 else 0.25)
    value = sum(values) / len(values)
    missing = "" if value >= 0.7 else f"Say it in fewer words and inside the time ({n} words)."
    return Feature(value, [], missing)


def drill_steps(ctx: SectionText) -> dict[str, list[Analysed]]:
    """Sentences per framing step: explicit labels carry over to the lines below them; cues add more."""
    steps: dict[str, list[Analysed]] = {step: [] for step in _DRILL_STEPS}
    current: str | None = None
    for a in ctx.sentences:
        labelled = next((step for step in _DRILL_STEPS if _STEP_LABELS[step].match(a.text)), None)
        if labelled is not None:
            current = labelled
        if current is not None:
            steps[current].append(a)
        for step in _DRILL_STEPS:
            if step != current and a.has(_STEP_CUES[step]) and a not in steps[step]:
                steps[step].append(a)
    return steps


def first_mentions(ctx: SectionText) -> dict[str, int | None]:
    """Where each framing step first appears (sentence index), or None when it never does."""
    return {
        step: min((a.index for a in hits), default=None) for step, hits in drill_steps(ctx).items()
    }


def _drill_step(step: str, missing: str) -> Callable[[SectionText], Feature]:
    def feature(ctx: SectionText) -> Feature:
        hits = drill_steps(ctx)[step]
        value = _depth(hits, 2)
        return Feature(value, _best(hits), "" if value >= 0.7 else missing)

    return feature


def _order(ctx: SectionText) -> Feature:
    first = first_mentions(ctx)
    right = 0
    for i, a in enumerate(_DRILL_STEPS):
        for b in _DRILL_STEPS[i + 1 :]:
            pa, pb = first[a], first[b]
            if pa is not None and pb is not None and pa < pb:
                right += 1
    pairs = len(_DRILL_STEPS) * (len(_DRILL_STEPS) - 1) // 2
    absent = [s for s in _DRILL_STEPS if first[s] is None]
    shown = sorted((p, s) for s, p in first.items() if p is not None)
    sequence = " -> ".join(s for _, s in shown)
    missing = ""
    if absent:
        missing = f"Steps not found: {', '.join(absent)}."
    elif right < pairs:
        missing = f"Steps came in the order {sequence}; go Define -> Decompose -> Design -> Discuss tradeoffs -> Deliver."
    return Feature(right / pairs, [], missing)


def _fallback(criterion: Criterion) -> Callable[[SectionText], Feature]:
    """For criteria this grader has no special feature for: reasoned sentences on the criterion's topic."""
    topic = {w.lower() for w in words(f"{criterion.name} {criterion.description}") if len(w) >= 5}

    def feature(ctx: SectionText) -> Feature:
        on_topic = [a for a in ctx.sentences if topic & {w.lower() for w in words(a.text)}]
        reasoned = _reasoned(ctx)
        value = 0.5 * reasoned.value + 0.5 * _depth(on_topic, 3)
        return Feature(
            value,
            _best(on_topic or reasoned.evidence),
            "" if value >= 0.7 else f"Address {criterion.name.lower()} directly, with reasons.",
        )

    return feature


GENERIC: dict[str, Callable[[SectionText], Feature]] = {
    "functional-scope": _cue_feature(
        "functional", 3, "State the core user actions as behaviour a user would notice."
    ),
    "non-functional": _cue_feature(
        "nonfunctional", 3, "Put numbers on latency, availability and consistency."
    ),
    "clarifying-questions": _clarifying,
    "scope-control": _cue_feature("scope", 2, "Say what is out of scope for this interview."),
    "traffic-estimate": _quantity_feature(
        ("rate",), "Derive read and write QPS, average and peak, with the arithmetic."
    ),
    "storage-bandwidth": _quantity_feature(
        ("bytes", "bandwidth"),
        "Size the storage over the retention period and the bandwidth at peak.",
    ),
    "estimation-method": _estimation_method,
    "estimation-drives-design": _drives_design,
    "api-design": _cue_feature(
        "api", 3, "Write the main endpoints with their inputs, outputs and status codes."
    ),
    "data-model": _cue_feature(
        "data", 3, "Give the main tables or records, their keys and how they are queried."
    ),
    "architecture-flow": _architecture,
    "key-mechanisms": lambda ctx: _reasoned(ctx, 5),
    "bottlenecks": _cue_feature(
        "bottleneck", 3, "Name the first bottleneck at peak load and how you relieve it."
    ),
    "reliability": _cue_feature(
        "reliability", 3, "Say what happens when each component fails and how the system recovers."
    ),
    "deep-dives": lambda ctx: _reasoned(ctx, 6),
    "operability": _cue_feature(
        "operability",
        2,
        "Say what you would monitor and alert on, and how you would roll out changes.",
    ),
    "alternatives": _cue_feature(
        "alternatives", 3, "Compare your choice with a named alternative."
    ),
    "tradeoff-reasoning": _cue_feature(
        "tradeoff", 3, "Say what each choice costs as well as what it buys."
    ),
    "risks-evolution": _cue_feature(
        "risks", 2, "Name the main risks and what you would build next."
    ),
    "wrap-up": _recap,
    "communication": _communication,
    "business-framing": _cue_feature(
        "business", 2, "Tie decisions to the business: cost, users, teams, revenue."
    ),
    "brevity": _brevity,
    "define": _drill_step(
        "define",
        "Open by defining the problem: who it is for, what it must do, what success means.",
    ),
    "decompose": _drill_step(
        "decompose", "Break the problem into two to four parts before designing any of them."
    ),
    "design": _drill_step(
        "design", "Sketch the design: the main components and how a request flows through them."
    ),
    "discuss-tradeoffs": _drill_step(
        "discuss-tradeoffs", "Name one real trade-off: what you chose, what you gave up and why."
    ),
    "deliver": _drill_step(
        "deliver",
        "Finish with how you would deliver it: first version, milestones, what you would measure.",
    ),
    "order": _order,
    "concreteness": lambda ctx: Feature(
        0.5 * min(1.0, sum(1 for a in ctx.sentences if a.unit_number) / 3)
        + 0.5 * _depth(ctx.with_cue("concrete"), 2),
        _best([a for a in ctx.sentences if a.unit_number] or ctx.with_cue("concrete")),
        "Name the real components, numbers and versions of your system.",
    ),
    "reasoning": _reasoned,
    "failure-awareness": _cue_feature(
        "failure", 3, "Describe how it fails and what you have seen go wrong."
    ),
    "honesty-limits": _cue_feature(
        "honesty", 2, "Say where your knowledge stops and what you would check."
    ),
    "clarity": _communication,
}


# ------------------------------------------------------------------ reference point matchers


@dataclass(frozen=True)
class PointMatcher:
    """A reference point and its signals as sets of stems; a signal matches when all its stems appear."""

    point: ReferencePoint
    signals: tuple[frozenset[str], ...]

    def matches(self, sentence_stems: frozenset[str]) -> bool:
        return any(sig <= sentence_stems for sig in self.signals)


@dataclass(frozen=True)
class CompiledPoints:
    """Matchers for a section's points plus an index from each stem to the points that use it."""

    matchers: tuple[PointMatcher, ...]
    by_stem: dict[str, tuple[int, ...]]

    def matching(self, sentence_stems: frozenset[str]) -> list[PointMatcher]:
        """The points with a signal whose stems all appear in the sentence (checks only candidates)."""
        candidates: set[int] = set()
        for stem_ in sentence_stems:
            found = self.by_stem.get(stem_)
            if found:
                candidates.update(found)
        return [
            self.matchers[i] for i in sorted(candidates) if self.matchers[i].matches(sentence_stems)
        ]


def _compile(points: Sequence[ReferencePoint]) -> CompiledPoints:
    matchers: list[PointMatcher] = []
    index: dict[str, set[int]] = {}
    for i, p in enumerate(points):
        signals = tuple(dict.fromkeys(sig for sig in (stems(s) for s in p.signals) if sig))
        matchers.append(PointMatcher(p, signals))
        for sig in signals:
            index.setdefault(min(sig, key=lambda st: (-len(st), st)), set()).add(i)
    return CompiledPoints(tuple(matchers), {k: tuple(sorted(v)) for k, v in index.items()})


_MATCHER_CACHE: dict[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], CompiledPoints] = {}


def matchers_for(owner: str, points: Sequence[ReferencePoint]) -> CompiledPoints:
    """Compiled signal matchers for a list of points, cached by owner id and signal content."""
    key = (owner, tuple((p.id, tuple(p.signals)) for p in points))
    cached = _MATCHER_CACHE.get(key)
    if cached is None:
        if len(_MATCHER_CACHE) > 256:
            _MATCHER_CACHE.clear()
        cached = _MATCHER_CACHE[key] = _compile(points)
    return cached


@dataclass
class PointHit:
    point: ReferencePoint
    credit: float = 0.0
    sentences: list[Analysed] = field(default_factory=list)
    best: Analysed | None = None


def match_points(ctx: SectionText, compiled: CompiledPoints) -> dict[str, PointHit]:
    """Credit per reference point: full with reasoning, half in plain prose, little as a bare term."""
    hits = {m.point.id: PointHit(m.point) for m in compiled.matchers}
    for a in ctx.sentences:
        matched = compiled.matching(a.sentence.stems)
        if not matched:
            continue
        for m in matched:
            credit = a.prose_credit if m.point.criterion in PROSE_IS_FULL else a.credit
            if len(matched) >= 3 and a.sentence.n_words < 9 * len(matched):
                credit = min(credit, SHALLOW if a.prose and a.reasoning else BARE)
            hit = hits[m.point.id]
            hit.sentences.append(a)
            if credit > hit.credit:
                hit.credit, hit.best = credit, a
    return hits


# ------------------------------------------------------------------ estimation figures

_FIGURE_CRITERIA = {
    "rate": "traffic-estimate",
    "count": "traffic-estimate",
    "bytes": "storage-bandwidth",
    "bandwidth": "storage-bandwidth",
}


_CAPACITY_RE = re.compile(
    r"\b(?:nodes?|servers?|shards?|primar(?:y|ies)|machines?|instances?|replicas?|hosts?|brokers?|partitions?|workers?|gpus?)\b",
    re.I,
)


@dataclass
class FigureHit:
    figure: EstimationFigure
    criterion: str
    credit: float = 0.0
    sentence: Analysed | None = None


def _within(value: float, target: float, tolerance: float) -> bool:
    return target / tolerance <= value <= target * tolerance if value > 0 else False


def match_figures(
    ctx: SectionText, figures: Sequence[EstimationFigure], criteria: set[str]
) -> list[FigureHit]:
    """Check the candidate's numbers against the reference figures within each figure's tolerance."""
    out: list[FigureHit] = []
    for fig in figures:
        dimension, factor = unit_dimension(fig.unit)
        target = fig.value * factor
        criterion = _FIGURE_CRITERIA.get(dimension, "estimation-method")
        if dimension == "count" and _CAPACITY_RE.search(f"{fig.name} {fig.unit}"):
            criterion = "estimation-drives-design"
        if criterion not in criteria:
            criterion = (
                "estimation-method"
                if "estimation-method" in criteria
                else next(iter(sorted(criteria)), "")
            )
        hit = FigureHit(fig, criterion)
        for a in ctx.sentences:
            for q in a.quantities:
                same = q.dimension == dimension and _within(q.value, target, fig.tolerance)
                same = same or (
                    q.amount_dimension == dimension and _within(q.amount, target, fig.tolerance)
                )
                if not same:
                    continue
                credit = 1.0 if a.arithmetic and not a.listy else 0.6 if a.prose else 0.25
                if credit > hit.credit:
                    hit.credit, hit.sentence = credit, a
        out.append(hit)
    return out


# ------------------------------------------------------------------ scoring a criterion


def coverage_to_score(value: float) -> int:
    """Map coverage in [0, 1] to a rubric score 1-4 by the fixed thresholds."""
    return 1 + sum(1 for t in THRESHOLDS if value >= t)


def _pitfall_for(pitfalls: Sequence[str], topic: str) -> str:
    if not pitfalls:
        return ""
    topic_words = {w.lower() for w in words(topic) if len(w) > 3}

    def overlap(p: str) -> int:
        return len(topic_words & {w.lower() for w in words(p) if len(w) > 3})

    return max(pitfalls, key=lambda p: (overlap(p), -pitfalls.index(p)))


def _advice(criterion: Criterion, score: int, pitfalls: Sequence[str], topic: str) -> str:
    parts: list[str] = []
    if score < 4:
        parts.append(
            f"To reach {score + 1} ({SCORE_LABELS[score + 1]}): {criterion.anchors[score]}"
        )
    else:
        parts.append("Keep doing this; it matches the top anchor.")
    pitfall = _pitfall_for(pitfalls, topic or criterion.description)
    if pitfall and score < 4:
        parts.append(f"Avoid: {pitfall}")
    return " ".join(parts)


def _dedupe(sentences: Sequence[Analysed], n: int = 3) -> list[str]:
    out: list[str] = []
    for a in sentences:
        if a.text not in out:
            out.append(a.text)
        if len(out) == n:
            break
    return out


@dataclass
class SectionPlan:
    """What one section is graded against: its points, figures and pitfalls."""

    section: RubricSection
    points: list[ReferencePoint]
    owner: str
    figures: list[EstimationFigure] = field(default_factory=list)
    pitfalls: list[str] = field(default_factory=list)


def grade_criterion(
    criterion: Criterion,
    ctx: SectionText,
    point_hits: dict[str, PointHit],
    figure_hits: list[FigureHit],
    pitfalls: Sequence[str],
) -> CriterionResult:
    """Score one criterion from point coverage, figure checks and its generic feature."""
    hits = [h for h in point_hits.values() if h.point.criterion == criterion.id]
    figs = [f for f in figure_hits if f.criterion == criterion.id]
    feature_fn = GENERIC.get(criterion.id) or _fallback(criterion)
    feature = feature_fn(ctx)
    parts: list[tuple[float, float]] = []
    if hits:
        total = sum(h.point.weight for h in hits)
        parts.append(
            (sum(h.point.weight * h.credit for h in hits) / total, 0.65 if not figs else 0.4)
        )
    if figs:
        parts.append((sum(f.credit for f in figs) / len(figs), 0.35 if hits else 0.65))
    feature_weight = 1.0 - sum(w for _, w in parts)
    parts.append((feature.value, feature_weight))
    value = sum(v * w for v, w in parts)
    score = coverage_to_score(value)

    evidence_pool: list[Analysed] = []
    for h in sorted(hits, key=lambda h: (-h.credit, -h.point.weight)):
        if h.best is not None:
            evidence_pool.append(h.best)
    evidence_pool.extend(f.sentence for f in figs if f.sentence is not None)
    evidence_pool.extend(feature.evidence)
    evidence = _dedupe([a for a in evidence_pool if a.credit > BARE] or evidence_pool)

    uncovered = sorted((h for h in hits if h.credit < SHALLOW), key=lambda h: -h.point.weight)
    shallow = sorted((h for h in hits if SHALLOW <= h.credit < FULL), key=lambda h: -h.point.weight)
    missing_parts: list[str] = []
    if uncovered:
        missing_parts.append("; ".join(h.point.text for h in uncovered[:2]))
    elif shallow and score < 4:
        missing_parts.append("Stated without the reasoning behind it: " + shallow[0].point.text)
    off_figures = [f for f in figs if f.credit < 0.6]
    if off_figures and len(missing_parts) < 2:
        fig = off_figures[0].figure
        missing_parts.append(
            f"No figure near the reference {fig.name.lower()} (~{fig.value:g} {fig.unit}; {fig.assumptions})"
        )
    if not missing_parts and feature.missing and score < 4:
        missing_parts.append(feature.missing)
    missing = " ".join(p if p.endswith(".") else p + "." for p in missing_parts)

    flags: list[str] = []
    bare_only = [h for h in hits if 0 < h.credit <= BARE]
    if bare_only:
        flags.append(f"{len(bare_only)} point(s) only named in a list, without reasoning")
    topic = " ".join(h.point.text for h in uncovered[:2]) or criterion.description
    return CriterionResult(
        id=criterion.id,
        name=criterion.name,
        score=score,
        evidence=evidence,
        missing=missing,
        advice=_advice(criterion, score, pitfalls, topic),
        flags=flags,
    )


def _pacing(criterion: Criterion, phases: Sequence[PhaseTranscript]) -> CriterionResult | None:
    timed = [p for p in phases if p.seconds_used is not None and p.budget_seconds]
    if not timed:
        return None
    values: list[float] = []
    worst: tuple[float, str] = (0.0, "")
    for p in timed:
        ratio = (p.seconds_used or 0.0) / (p.budget_seconds or 1.0)
        if 0.6 <= ratio <= 1.1:
            values.append(1.0)
        elif 0.35 <= ratio < 0.6 or 1.1 < ratio <= 1.3:
            values.append(0.65)
        elif ratio <= 1.6:
            values.append(0.35)
        else:
            values.append(0.1)
        off = abs(ratio - 1.0)
        if off > worst[0]:
            worst = (
                off,
                f"{p.phase} used {(p.seconds_used or 0) / 60:.1f} of {(p.budget_seconds or 0) / 60:.1f} min",
            )
    score = coverage_to_score(sum(values) / len(values))
    return CriterionResult(
        id=criterion.id,
        name=criterion.name,
        score=score,
        missing="" if score >= 3 else f"Time was unevenly spent ({worst[1]}).",
        advice=_advice(criterion, score, (), ""),
    )


# ------------------------------------------------------------------ the grader


def _summary(
    section: RubricSection, criteria: Sequence[CriterionResult], hits: dict[str, PointHit]
) -> str:
    scored = [c for c in criteria if c.score is not None]
    first = ""
    if hits:
        full = sum(1 for h in hits.values() if h.credit >= FULL)
        named = sum(1 for h in hits.values() if 0 < h.credit < FULL)
        first = (
            f"{full} of {len(hits)} reference points shown with reasoning"
            + (f", {named} more only mentioned" if named else "")
            + ". "
        )
    if not scored:
        return first.strip() or f"{section.title}: nothing scored."
    best = max(scored, key=lambda c: (c.score or 0, -scored.index(c)))
    worst = min(scored, key=lambda c: (c.score or 0, scored.index(c)))
    if best.score == worst.score:
        return f"{first}All criteria at {best.score}/4 ({SCORE_LABELS[best.score or 1]})."
    return (
        f"{first}Strongest: {best.name} ({best.score}/4); weakest: {worst.name} ({worst.score}/4)."
    )


class OfflineGrader:
    """Deterministic grading from the problem's reference points and the rubric, in milliseconds."""

    name = "offline"

    async def grade(
        self, request: GradeRequest, progress: ProgressCallback | None = None
    ) -> GradeReport:
        """Grade the request (synchronously; it takes milliseconds) and report progress per section."""
        if progress is not None:
            for section in request.rubric.sections:
                progress(section.id, "started")
        report = self.grade_sync(request)
        if progress is not None:
            for phase in report.phases:
                progress(phase.phase, "done")
        return report

    def grade_sync(self, request: GradeRequest) -> GradeReport:
        """Grade every section the rubric defines; insufficient sections get no score."""
        rubric = request.rubric
        level = request.level
        transcript = request.transcript
        question = self._question_text(request)
        notes = [OFFLINE_NOTICE]
        phases: list[PhaseResult] = []
        injection_flags: list[str] = []
        body_sections = [s for s in rubric.sections if s.id != "overall"]
        counter = itertools.count()
        contexts: list[SectionText] = []
        graded = 0
        for section in body_sections:
            ctx = SectionText.build(section.id, [transcript.get(section.id)], counter)
            contexts.append(ctx)
            plan = self._plan(request, section)
            result = self._grade_section(plan, ctx, question, level)
            injection_flags.extend(f for f in ctx.injections if f not in injection_flags)
            phases.append(result)
            graded += result.status == "graded"
        overall = rubric.section("overall")
        if overall is not None:
            if not graded:
                phases.append(insufficient_phase(overall, "no phase had enough to grade", level))
            else:
                whole = SectionText.merge("overall", contexts)
                result = self._grade_section(
                    SectionPlan(overall, [], owner="overall"), whole, question, level, whole=True
                )
                phases.append(result)
                has_pacing = any(c.id == "pacing" and c.applies_to(level) for c in overall.criteria)
                if has_pacing and not any(c.id == "pacing" for c in result.criteria):
                    notes.append("Pacing not graded: no phase timings were recorded.")
        if request.problem is None and rubric.kind == "mock":
            notes.append(
                "No problem given: graded on generic features only, without reference points."
            )
        if injection_flags:
            notes.append(
                "Some text looked like instructions to the grader; it was ignored and earned no credit."
            )
        report = GradeReport(
            session=SessionRef(id=request.session_id) if request.session_id else None,
            grader=self.name,
            level=level,
            problem=request.problem.id
            if request.problem
            else (request.question.id if request.question else None),
            rubric=rubric.id,
            phases=phases,
            notes=notes,
            injection_flags=injection_flags,
        )
        return finalize(report, rubric)

    # -- helpers

    @staticmethod
    def _question_text(request: GradeRequest) -> str:
        if request.prompt_text:
            return request.prompt_text
        if request.question is not None:
            return request.question.question
        if request.problem is not None:
            return request.problem.prompt
        return ""

    @staticmethod
    def _plan(request: GradeRequest, section: RubricSection) -> SectionPlan:
        crit_ids = {c.id for c in section.criteria}
        problem: Problem | None = request.problem
        if (
            request.rubric.kind == "mock"
            and problem is not None
            and section.id in {p.value for p in PHASES}
        ):
            content = problem.phase(section.id)
            points = [p for p in content.points if p.criterion in crit_ids]
            return SectionPlan(
                section,
                points,
                f"{problem.id}/{section.id}",
                list(content.figures),
                list(content.pitfalls),
            )
        if request.question is not None:
            points = [p for p in request.question.points if p.criterion in crit_ids]
            return SectionPlan(section, points, f"own-system/{request.question.id}")
        return SectionPlan(section, [], section.id)

    def _grade_section(
        self, plan: SectionPlan, ctx: SectionText, question: str, level: Level, whole: bool = False
    ) -> PhaseResult:
        """Pre-check the section, then score each criterion that applies at this level."""
        section = plan.section
        texts = ctx.texts
        seconds = None if whole else texts[0].seconds_used
        budget = None if whole else texts[0].budget_seconds
        if whole:
            seconds = (
                sum(t.seconds_used for t in texts if t.seconds_used is not None)
                if any(t.seconds_used is not None for t in texts)
                else None
            )
            budget = (
                sum(t.budget_seconds for t in texts if t.budget_seconds)
                if any(t.budget_seconds for t in texts)
                else None
            )
        # the whole transcript is graded once any phase had enough to grade
        check = PrecheckResult(ok=True) if whole else check_section(ctx.clean_text, question)
        if not check.ok:
            reason = check.reason
            if ctx.injections and reason != "no answer":
                reason += " once text addressed to the grader is set aside"
            result = insufficient_phase(section, reason, level, seconds, budget)
            if ctx.injections:
                result = result.model_copy(
                    update={"flags": ["Text addressed to the grader was ignored."]}
                )
            return result
        point_hits = match_points(ctx, matchers_for(plan.owner, plan.points)) if plan.points else {}
        crit_ids = {c.id for c in section.criteria}
        figure_hits = match_figures(ctx, plan.figures, crit_ids) if plan.figures else []
        criteria: list[CriterionResult] = []
        for criterion in section.criteria:
            if not criterion.applies_to(level):
                continue
            if criterion.id == "pacing":
                paced = _pacing(criterion, texts)
                if paced is not None:
                    criteria.append(paced)
                continue
            criteria.append(grade_criterion(criterion, ctx, point_hits, figure_hits, plan.pitfalls))
        flags: list[str] = []
        if ctx.injections:
            flags.append("Text addressed to the grader was ignored.")
        listed = sum(1 for h in point_hits.values() if 0 < h.credit <= BARE)
        if listed >= 2:
            flags.append(
                f"{listed} reference points were only listed as terms; terms without reasoning earn little."
            )
        result = PhaseResult(
            phase=section.id,
            status="graded",
            summary=_summary(section, criteria, point_hits),
            criteria=criteria,
            seconds_used=seconds,
            budget_seconds=budget,
            flags=flags,
        )
        return result


def grade_transcript(request: GradeRequest) -> GradeReport:
    """Convenience: grade synchronously with a fresh offline grader."""
    return OfflineGrader().grade_sync(request)
