"""Generic features for the offline grader: how well a section shows each criterion, on any problem.

Each feature reads the analysed sentences of a section and returns a value in [0, 1], the sentences
that earned it and what was absent. They back every criterion, with or without reference points:
clarifying questions, arithmetic, a recap, the framing drill's steps, and cue phrases per topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mockint.content.models import Criterion
from mockint.grading.offline_sentences import Analysed, SectionText
from mockint.grading.text import words

_ASSUME_RE = re.compile(
    r"\b(?:assum\w*|let's say|let us say|say we|suppose|roughly|about|around|ballpark|estimate|~)",
    re.I,
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
        hits = ctx.with_pattern(_GENERIC_CUES[cue])
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
        + 0.5 * _depth(ctx.with_pattern(_GENERIC_CUES["concrete"]), 2),
        _best(
            [a for a in ctx.sentences if a.unit_number]
            or ctx.with_pattern(_GENERIC_CUES["concrete"])
        ),
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
