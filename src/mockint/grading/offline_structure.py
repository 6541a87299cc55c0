"""Structural evidence for the offline grader: the shape of real work, whatever the problem's wording.

Reference points reward a problem's own phrases; these detectors reward content any problem shares:
an API line with a verb, a path and what goes in or comes out; a record with its fields or keys; a
failure with what the system does about it; a number that decides something; a user doing
something. Each needs verbs, fields or conditionals, so a list of nouns earns nothing. They lift a
criterion to "partial" (sometimes "solid") and never to the top score on their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mockint.grading.text import wordset

if TYPE_CHECKING:
    from mockint.grading.offline_sentences import Analysed, SectionText

PARTIAL, SOLID = 0.3, 0.5
"""Coverage floors that structural evidence grants: a score of 2 ("partial") or 3 ("solid")."""

# Patterns run over a phase's lowercased text (see PhaseScan), so their literals are lowercase.

# ------------------------------------------------------------------ API lines

_PATH = r"/[\w{}/:.?=&*~<>-]*"
_API_INPUT = (
    r"\s*(?:(?:body|params?|payload|with|takes?|taking)\s*:?\s*)?[({\[][^)}\]\n]{1,160}[)}\]]"
    r"|\s+(?:with|takes?|taking|accepts?)\s+(?:an?|the)\s"
)
_API_OUTPUT = (
    r"[^,;\n]{0,50}?(?:->|→|=>|\breturns?\b|\brespond\w*|\bresponse\b|\bgives? back\b|"
    r"\banswers? with\b|\bredirects?\b|(?<![\w.])[1-5]\d\d(?![\w.]))"
)
API_LINE_RE = re.compile(
    rf"\b(?:get|post|put|patch|delete)\s+{_PATH}(?:(?:{_API_INPUT})(?:{_API_OUTPUT})?|{_API_OUTPUT})"
    r"|(?<=[a-z0-9_])\([^()\n]{0,80}\)\s*(?:->|→|=>|:\s*[a-z]|returns?\b)",
    re.I,
)
"""An endpoint with what goes in or comes out (POST /links {url} returns the code; GET /{code} -> 302)
or an RPC signature with its result (shorten(url) -> code). A bare 'GET /code' in a list is not one."""
_API_HINT_RE = re.compile(r"\b(?:get|post|put|patch|delete)\s+/|[a-z0-9_]\(", re.I)
"""Cheap pre-filter for API_LINE_RE, run over the whole phase."""
_STATUS_RE = re.compile(r"(?<![\w.$])[1-5]\d\d(?![\w.%])")
STATUS_REPLY_RE = re.compile(
    r"\b(?:return\w*|respond\w*(?: with)?|repl(?:y|ies|ied) with|reject\w*(?: it)?(?: with)?|"
    r"answer\w* with|fail\w* with|send\w*(?: back)?)\s+(?:(?:an?|the|http|with)\s+){0,2}"
    r"[1-5]\d\d\b",
    re.I,
)
"""A response stated with its status code: 'we return 429 with a Retry-After header'."""

# ------------------------------------------------------------------ data model

_FIELD = r"[a-z_][\w.]*(?:[ \t]+[a-z_][\w.]*){0,2}(?:[ \t]*\((?:pk|fk|primary key|partition key|sort key|unique|indexed|optional|nullable)\))?\??"
_TABLE_WORDS = r"(?:tables?|records?|rows?|entit(?:y|ies)|schema|collections?|documents?)"
BRACKET_FIELDS_RE = re.compile(
    rf"[({{][ \t]*{_FIELD}(?:[ \t]*(?:,|->|→|=>|:)[ \t]*{_FIELD}){{1,}}[ \t]*[)}}]", re.I
)
"""A bracketed field list after a name: posts(post_id, author_id, ts), Postgres (code -> long_url,
created_at). Checked further by `field_lists`: the items must look like fields."""
TABLE_FIELDS_RE = re.compile(
    rf"\b{_TABLE_WORDS}\b[ \t]*(?:with|has|holds|having|containing|stores|:|=)[ \t]*"
    rf"(?:(?:fields?|columns?|attributes?)[ \t]*:?[ \t]*)?{_FIELD}"
    rf"(?:[ \t]*,[ \t]*(?:and[ \t]+)?{_FIELD}){{1,}}",
    re.I,
)
"""A table or record with a list of fields: 'a table with shortUrl, longUrl, createdAt'."""
_FIELD_HINT_RE = re.compile(rf"[({{]|\b{_TABLE_WORDS}\b", re.I)
"""Cheap pre-filter for the field-list patterns, run over the whole phase."""
_TABLE_ANY_RE = re.compile(rf"\b{_TABLE_WORDS}\b", re.I)
_API_BEFORE_RE = re.compile(r"\b(?:get|post|put|patch|delete)\s+/\S*\s*$", re.I)
_SIGNATURE_AFTER_RE = re.compile(r"\s*(?:->|→|=>|returns?\b|:\s*[a-z])", re.I)
_KEY_RE = re.compile(
    r"\b(?:(?:primary|partition|sort|clustering|shard|hash|range|row|composite|foreign|unique) key|"
    r"(?:unique|secondary|composite|global secondary) index|gsi|index(?:ed)? (?:on|by)|"
    r"keyed (?:by|on)|partitioned (?:by|on)|unique (?:on|constraint))\b|\((?:pk|fk)\)",
    re.I,
)
"""A key or index statement; it counts only in a sentence, not in a list of terms."""
_TABLE_WORD_RE = re.compile(rf"\b(?:{_TABLE_WORDS}|model)\W*$", re.I)
_TABLE_START_RE = re.compile(
    rf"^{_TABLE_WORDS}\b[ \t]*"
    r"(?:with|has|holds|having|containing|stores|:|=)[ \t]*(?:(?:fields?|columns?|attributes?)[ \t]*:?[ \t]*)?",
    re.I,
)
_FIELD_WORDS = wordset(
    "id key url name email timestamp ts created updated expires expiry ttl status count type content "
    "text body title score version hash value owner author user date time tokens limit window rule "
    "code alias follower followee payload data amount price balance state"
)
_IDENT_RE = re.compile(r"^(?:[a-z]+_[a-z0-9_]+|[a-z]+[A-Z]\w*|\w*_?id|\w+Id)$")
_ITEM_SPLIT_RE = re.compile(r"\s*(?:,|->|→|=>|:)\s*(?:and\s+)?")
_KEY_NOTE_RE = re.compile(r"\((?:pk|fk|primary key|partition key|sort key|unique|indexed)\)", re.I)

# ------------------------------------------------------------------ failure handling

FAIL_CONDITION_RE = re.compile(
    r"\b(?:if|when|whenever|in case|once|should)\b[^.;:\n]{0,50}?\b(?:fails?|failed|failing|"
    r"goes down|go down|went down|is down|are down|down|dies|die|died|crash(?:es|ed)?|"
    r"(?:is|are|becomes?|gets?) (?:unavailable|unreachable|unhealthy|overloaded|full|lost|partitioned)|"
    r"times? out|timed out|is slow|are slow|lags?|falls? behind|restarts?|breaks?|errors? out)\b"
    r"|\b(?:on|during|after|in) (?:an? |the )?(?:failure|outage|crash|timeout|failover|network split)\b",
    re.I,
)
"""A failure named as a condition: 'if Redis goes down', 'when a worker crashes', 'on a timeout'."""
_FAIL_RESPONSE_RE = re.compile(
    r"\b(?:fall(?:s|ing)? back|fallback|retr(?:y|ies|ied|ying)|fail(?:s|ing)? (?:over|open|closed)|"
    r"failover|degrad\w*|queue[sd]?|buffer\w*|shed\w*|reject\w*|rebuil\w*|promot\w*|takes? over|"
    r"switch(?:es)? (?:to|over)|serve[sd]? (?:stale|from|cached)|stale|re-?rout\w*|replay\w*|"
    r"recover\w*|circuit[- ]breakers?|back ?off|catch(?:es)? up|re-?elect\w*|re-?driv\w*|resend\w*|"
    r"redeliver\w*|drops?|dropped|skip\w*|let (?:it|them|traffic|requests?) through|pass(?:es)? through|"
    r"return\w* (?:a |an |the )?(?:cached|default|error|stale|[1-5]\d\d)|time ?outs? (?:at|after)|"
    r"rate[- ]limit\w*|reconcil\w*|reprocess\w*|restor\w*|absorbs?|picks? up|resum\w*|"
    r"replicas?|standbys?|backups?|redundan\w*|multi-?(?:az|region)|"
    r"(?:reads?|serve[sd]?|load\w*) from (?:the |a )?(?:replica|backup|snapshot|log|db|database|disk))\b",
    re.I,
)
"""What the system does about it: fall back, retry, fail over or open, degrade, queue, shed, rebuild,
or at least a replica or standby to take over."""

# ------------------------------------------------------------------ decisions from numbers

_CONSEQUENCE = (
    r"(?:\bso\b|\bwhich means\b|\bthis means\b|\bthat means\b|\bmeaning\b|\bfits?\b|\bfitting\b|"
    r"\benough\b|\btherefore\b|\bhence\b|\bthus\b|\bthat'?s why\b|\bwhich is why\b|\bmeans\b|"
    r"\bdoable\b|\bmanageable\b|\bfeasible\b|\bok\b|\bokay\b|\bfine\b)"
)
_DECISION = (
    r"(?:shard\w*|partition\w*|replica\w*|cach\w*|in memory|in ram|\bsingle\b|"
    r"\bone (?:node|machine|box|server|instance|db|database|primary|redis|postgres|mysql|cluster|region)\b|"
    r"\b\d+(?:\s*-\s*\d+)? (?:nodes?|shards?|servers?|machines?|instances?|boxes|replicas?|partitions?|"
    r"brokers?|workers?|gpus?|hosts?)\b|no need|don'?t need|need (?:at least |about |around |roughly |~)?\d|"
    r"need (?:a|an|one|two|three|more|to shard|to partition|sharding|partitioning)\b|postgres|mysql|"
    r"\bdatabase\b|\bdb\b|\bcluster\b|\bcdn\b|\bqueue\b|kafka|batch\w*|\basync\w*|precomput\w*|fan-?out|"
    r"in front|(?:isn'?t|is not|not) (?:the |an? |our )?(?:issue|problem|bottleneck|concern|constraint)|"
    r"bottleneck|binding)"
)
DECISION_RE = re.compile(
    rf"{_CONSEQUENCE}[^.;\n]{{0,60}}?{_DECISION}"
    r"|\b(?:postgres|mysql|redis|database|db|node|machine|box|server|instance|cluster|primary)\b"
    r"[\w -]{0,20}\b(?:can|could|would) (?:easily |comfortably )?(?:hold|handle|serve|absorb|store|take)\b",
    re.I,
)
"""A consequence drawn towards a design choice ('which fits a single Postgres', 'so we need 10 shards');
it counts only after a number in the same sentence."""

# ------------------------------------------------------------------ request flows

_HOP = r"[a-z][\w()/.-]*(?:[ \t]+[\w()/.-]+){0,3}"
FLOW_RE = re.compile(rf"{_HOP}[ \t]*(?:->|→|=>)[ \t]*{_HOP}[ \t]*(?:->|→|=>)[ \t]*[a-z]", re.I)
"""A request path drawn with arrows through at least three hops: client -> load balancer -> app -> db."""
_ARROW_RE = re.compile(r"->|→|=>")

# ------------------------------------------------------------------ functional statements

_ACTOR = (
    r"(?:users?|customers?|clients?|people|someone|anyone|everyone|visitors?|members?|callers?|"
    r"followers?|admins?|creators?|authors?|viewers?|readers?|senders?|recipients?|buyers?|sellers?|"
    r"riders?|drivers?|developers?|operators?|ops)"
)
_ACTION_VERBS = wordset(
    "create post publish follow unfollow see view open get send receive upload download share search "
    "like comment paste shorten redirect click visit read write edit update delete subscribe watch "
    "stream book order pay buy sell request call sign log register message chat rate review track "
    "schedule submit set configure invite join browse scroll refresh land hit go choose pick add "
    "remove save retrieve fetch load play reply react mention tag block report manage change exceed"
)


def _forms(verb: str) -> list[str]:
    """A verb's regular forms: create, creates, created, creating."""
    if verb.endswith("e"):
        return [verb, verb + "s", verb + "d", verb[:-1] + "ing"]
    third = verb + "es" if verb.endswith(("sh", "ch", "o")) else verb + "s"
    return [verb, third, verb + "ed", verb + "ing"]


_BASE = {f: v for v in _ACTION_VERBS for f in _forms(v)} | {
    "sent": "send",
    "got": "get",
    "saw": "see",
    "seen": "see",
    "went": "go",
    "paid": "pay",
    "bought": "buy",
    "sold": "sell",
}
"""Each action form back to its verb, so 'posts' and 'posted' count as one action."""
FUNCTIONAL_RE = re.compile(
    rf"\b{_ACTOR}\s+(?:(?:can|could|should|must|will|may|might|need to|needs to|want to|wants to|"
    rf"are able to|is able to|be able to|get to|have to|has to|also|then|just|only)\s+){{0,3}}"
    r"(?P<verb>[a-z]+)\b",
    re.I,
)
"""An actor followed by a word; it is a functional statement when that word is an action verb
('users create a short link', 'a client can send', 'someone visits')."""
_WORD_RE = re.compile(r"[a-z]+")


@dataclass
class Structure:
    """What one detector found: a coverage floor and the sentences behind it."""

    floor: float = 0.0
    evidence: list[Analysed] = field(default_factory=list)


# ------------------------------------------------------------------ per-sentence checks


def api_statements(a: Analysed) -> list[str]:
    """The API lines in a sentence (endpoint with inputs/outputs, or RPC signature with its result)."""
    if not a.has(_API_HINT_RE):
        return []
    return [m.group(0) for m in API_LINE_RE.finditer(a.text)]


def _field_like(item: str) -> bool:
    item = item.strip().rstrip("?").strip()
    if _KEY_NOTE_RE.search(item):
        return True
    if " " in item:
        return False
    return bool(_IDENT_RE.match(item)) or item.lower() in _FIELD_WORDS


def field_lists(a: Analysed) -> list[str]:
    """Records written with their fields; a bracketed list must look like fields, not prose."""
    if not a.has(_FIELD_HINT_RE):
        return []
    return _field_lists(a.text)


def _field_lists(text: str) -> list[str]:
    out: list[str] = []
    if "(" in text or "{" in text:
        for m in BRACKET_FIELDS_RE.finditer(text):
            before = text[max(0, m.start() - 30) : m.start()]
            if not before.rstrip()[-1:].isalnum():
                continue  # a field list belongs to a named record
            if _API_BEFORE_RE.search(before) or _SIGNATURE_AFTER_RE.match(text, m.end()):
                continue  # a request body or an RPC's parameters: API, not the data model
            items = [i for i in _ITEM_SPLIT_RE.split(m.group(0)[1:-1]) if i.strip()]
            if _TABLE_WORD_RE.search(before) or sum(1 for i in items if _field_like(i)) >= 2:
                out.append(m.group(0))
    if _TABLE_ANY_RE.search(text):
        for m in TABLE_FIELDS_RE.finditer(text):
            # 'a table with a, b, c': the table word says these are fields; one must look like one
            items = _ITEM_SPLIT_RE.split(_TABLE_START_RE.sub("", m.group(0), count=1))
            if any(_field_like(i) for i in items):
                out.append(m.group(0))
    return out


def is_structured(a: Analysed) -> bool:
    """An API line or a field list: commas there separate parameters, not buzzwords."""
    text = a.text
    if (" /" in text or "(" in text) and API_LINE_RE.search(text):
        return True
    return bool(_field_lists(text))


def _status_reply(a: Analysed) -> bool:
    text = a.text
    return (
        _STATUS_RE.search(text) is not None
        and STATUS_REPLY_RE.search(text) is not None
        and _sentence_like(a)
    )


def _sentence_like(a: Analysed) -> bool:
    return not a.listy and a.sentence.n_words >= 5


def _key_statement(a: Analysed) -> bool:
    return a.has(_KEY_RE) and _sentence_like(a) and (a.has_verb or bool(field_lists(a)))


def _failure_handled(a: Analysed) -> bool:
    if not a.has(FAIL_CONDITION_RE) or not _sentence_like(a):
        return False
    text = a.text
    for cond in FAIL_CONDITION_RE.finditer(text):
        rest = text[: cond.start()] + " | " + text[cond.end() :]
        if _FAIL_RESPONSE_RE.search(rest):
            return True
    return False


def _decision(a: Analysed) -> bool:
    if not (a.quantities and a.prose):
        return False
    first = min(q.start for q in a.quantities)
    return DECISION_RE.search(a.text, first + 1) is not None


def _actions(a: Analysed) -> set[str]:
    """Distinct action verbs from the first actor doing something onwards; empty when none does."""
    lowered = a.text.lower()
    for m in FUNCTIONAL_RE.finditer(lowered):
        if m.group("verb") in _BASE:
            return {_BASE[w] for w in _WORD_RE.findall(lowered, m.start("verb")) if w in _BASE}
    return set()


# ------------------------------------------------------------------ detectors per criterion


def _lead(sentences: Sequence[Analysed]) -> list[Analysed]:
    return list(dict.fromkeys(sentences))[:3]


def api_structure(ctx: SectionText) -> Structure:
    """2 for any endpoint with inputs or outputs (or a reply with its status code); 3 for two or
    more endpoints when status codes are given too."""
    lines = [(a, api_statements(a)) for a in ctx.sentences]
    lines = [(a, found) for a, found in lines if found]
    replies = [a for a in ctx.sentences if _status_reply(a)]
    count = sum(len(found) for _, found in lines)
    if not count and not replies:
        return Structure()
    statuses = bool(replies) or any(_STATUS_RE.search(s) for _, found in lines for s in found)
    floor = SOLID if count >= 2 and statuses else PARTIAL
    return Structure(floor, _lead([a for a, _ in lines] + replies))


def data_structure(ctx: SectionText) -> Structure:
    """2 for records with their fields or a key statement; 3 when both appear."""
    records = [a for a in ctx.sentences if field_lists(a)]
    keys = [a for a in ctx.sentences if _key_statement(a)]
    if not records and not keys:
        return Structure()
    floor = SOLID if records and keys else PARTIAL
    return Structure(floor, _lead(records + keys))


def failure_structure(ctx: SectionText) -> Structure:
    """2 for one failure with the system's response; 3 for two or more."""
    handled = [a for a in ctx.sentences if _failure_handled(a)]
    if not handled:
        return Structure()
    return Structure(SOLID if len(handled) >= 2 else PARTIAL, _lead(handled))


def decision_structure(ctx: SectionText) -> Structure:
    """2 for one decision drawn from a number; 3 for two or more."""
    decided = [a for a in ctx.sentences if _decision(a)]
    if not decided:
        return Structure()
    return Structure(SOLID if len(decided) >= 2 else PARTIAL, _lead(decided))


def functional_structure(ctx: SectionText) -> Structure:
    """2 for a user doing something; 3 for two such statements or three distinct actions."""
    statements: list[Analysed] = []
    actions: set[str] = set()
    for a in ctx.sentences:
        # the actor and its action are the verb: no need for the prose check's short verb list
        if not (a.has(FUNCTIONAL_RE) and a.sentence.n_words >= 5 and a.has_function_word):
            continue
        found = _actions(a)
        if found:
            statements.append(a)
            actions |= found
    if not statements:
        return Structure()
    floor = SOLID if len(statements) >= 2 or len(actions) >= 3 else PARTIAL
    return Structure(floor, _lead(statements))


def flow_structure(ctx: SectionText) -> Structure:
    """2 for a request path drawn through three or more hops; walking it through earns the rest."""
    flows = [a for a in ctx.sentences if a.has(_ARROW_RE) and FLOW_RE.search(a.text)]
    return Structure(PARTIAL, _lead(flows)) if flows else Structure()


STRUCTURE: dict[str, Callable[[SectionText], Structure]] = {
    "architecture-flow": flow_structure,
    "api-design": api_structure,
    "data-model": data_structure,
    "reliability": failure_structure,
    "failure-awareness": failure_structure,
    "estimation-drives-design": decision_structure,
    "functional-scope": functional_structure,
}
"""Which detector backs which rubric criterion."""
