"""Checks over the real content shipped with mockint: problems, rubrics and reference sheets.

These load the built-in files (not fixtures), so they fail when a content file is broken,
thin, or out of step with the ids in docs/content-ids.md.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mockint.content.loader import Library, builtin_root, load_library
from mockint.content.models import LEVELS, PHASES, Problem, ReferencePoint, Rubric

ROOT = builtin_root()
PROBLEM_FILES = sorted((ROOT / "problems").glob("*.toml"))

# A signal that is one of these words alone matches almost any answer, so it shows nothing.
GENERIC_WORDS = {
    "database",
    "cache",
    "server",
    "api",
    "system",
    "data",
    "user",
    "scale",
    "fast",
    "service",
    "storage",
    "queue",
    "design",
    "network",
}

MOCK_CRITERIA = {
    "requirements": ["functional-scope", "non-functional", "clarifying-questions", "scope-control"],
    "estimation": [
        "traffic-estimate",
        "storage-bandwidth",
        "estimation-method",
        "estimation-drives-design",
    ],
    "design": ["api-design", "data-model", "architecture-flow", "key-mechanisms"],
    "scale": ["bottlenecks", "reliability", "deep-dives", "operability"],
    "tradeoffs": ["alternatives", "tradeoff-reasoning", "risks-evolution", "wrap-up"],
    "overall": ["communication", "pacing", "business-framing"],
}
FRAMING_STEPS = ["define", "decompose", "design", "discuss-tradeoffs", "deliver"]
FRAMING_CRITERIA = [*FRAMING_STEPS, "order", "brevity", "business-framing"]
OWN_SYSTEM_CRITERIA = [
    "concreteness",
    "reasoning",
    "failure-awareness",
    "honesty-limits",
    "clarity",
]
FRAMING_PROBLEMS = {
    "url-shortener",
    "rate-limiter",
    "news-feed",
    "payment-system",
    "collaborative-editor",
    "video-platform",
}

# The 30 concepts of the study plan in seeds/004, mapped to concept ids.
SEED_004_CONCEPTS = {
    "Client-Server Architecture": "client-server",
    "IP Address and DNS": "dns",
    "Proxy vs Reverse Proxy": "proxy-reverse-proxy",
    "Latency & Data Centers": "latency-throughput",
    "HTTP vs HTTPS": "http-https",
    "HTTP Requests & Responses": "http-semantics",
    "REST APIs": "rest-api",
    "GraphQL": "graphql",
    "API Response Formats (JSON/XML)": "serialization-formats",
    "API Versioning": "api-versioning",
    "SQL vs NoSQL": "sql-vs-nosql",
    "Vertical vs Horizontal Scaling": "horizontal-scaling",
    "Load Balancing": "load-balancing",
    "Indexing": "indexing",
    "Replication": "replication",
    "Sharding": "sharding",
    "Vertical Partitioning": "partitioning",
    "Caching": "caching",
    "TTL & Expiration": "ttl-expiration",
    "Denormalization": "denormalization",
    "CAP Theorem": "cap-pacelc",
    "Blob Storage": "blob-storage",
    "CDN": "cdn",
    "WebSockets": "websockets",
    "Webhooks": "webhooks",
    "Microservices": "microservices",
    "Message Queue": "message-queue",
    "Rate Limiting": "rate-limiting",
    "API Gateway": "api-gateway",
    "Idempotency": "idempotency",
}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _issues_under(lib: Library, folder: str) -> list[str]:
    return [str(i) for i in lib.errors if i.path.parent.name == folder]


def _problem_from(lib: Library, path: Path) -> Problem:
    for problem in lib.problems.values():
        if problem.source is not None and problem.source.resolve() == path.resolve():
            return problem
    errors = [str(i) for i in lib.issues if i.path.resolve() == path.resolve()]
    pytest.fail(f"{path.name} did not load: " + ("; ".join(errors) or "no issue reported"))


def _signal_problems(points: list[ReferencePoint]) -> list[str]:
    found = []
    for point in points:
        seen: set[str] = set()
        for signal in point.signals:
            key = " ".join(signal.lower().split())
            if key in seen:
                found.append(f"{point.id}: duplicate signal {signal!r}")
            seen.add(key)
            if key in GENERIC_WORDS:
                found.append(f"{point.id}: signal {signal!r} is a single generic word")
    return found


def _score_meeting_expectations(rubric: Rubric, level) -> float:
    """The overall a candidate would get by reaching exactly the expected score everywhere."""
    section_scores = []
    for section in rubric.sections:
        criteria = [c for c in section.criteria if c.applies_to(level)]
        weights = sum(c.weight for c in criteria)
        points = sum((c.expected[level] - 1) / 3 * 100 * c.weight for c in criteria)
        section_scores.append(points / weights)
    return sum(section_scores) / len(section_scores)


# ---------------------------------------------------------------- problems


def test_at_least_24_problems(library: Library) -> None:
    assert len(PROBLEM_FILES) >= 24, f"only {len(PROBLEM_FILES)} problem files"
    assert len(library.problems) >= 24, f"only {len(library.problems)} problems loaded"


def test_every_problem_file_loads_without_errors(library: Library) -> None:
    assert _issues_under(library, "problems") == []
    loaded = {p.source.resolve() for p in library.problems.values() if p.source is not None}
    assert [f.name for f in PROBLEM_FILES if f.resolve() not in loaded] == []


@pytest.mark.parametrize("path", PROBLEM_FILES, ids=[p.stem for p in PROBLEM_FILES])
def test_problem_has_enough_content(library: Library, path: Path) -> None:
    problem = _problem_from(library, path)
    thin = []
    for phase, content in problem.phases():
        if len(content.points) < 4:
            thin.append(f"{phase.value}: {len(content.points)} points (need 4)")
        if len(content.probes) < 2:
            thin.append(f"{phase.value}: {len(content.probes)} probes (need 2)")
    if len(problem.scale.curveballs) < 2:
        thin.append(f"scale: {len(problem.scale.curveballs)} curveballs (need 2)")
    if len(problem.estimation.figures) < 3:
        thin.append(f"estimation: {len(problem.estimation.figures)} figures (need 3)")
    if len(problem.facts) < 3:
        thin.append(f"{len(problem.facts)} facts (need 3)")
    assert thin == []


@pytest.mark.parametrize("path", PROBLEM_FILES, ids=[p.stem for p in PROBLEM_FILES])
def test_problem_tags_and_criteria_are_defined(library: Library, path: Path) -> None:
    problem = _problem_from(library, path)
    rubric = library.rubric(problem.rubric)
    unknown_tags = [t for t in problem.tags if t not in library.concepts]
    assert unknown_tags == [], "tags not in reference/concepts.toml"
    wrong = []
    for phase, content in problem.phases():
        allowed = {c.id for c in rubric.section(phase.value).criteria}
        wrong += [
            f"{phase.value}.{p.id}: {p.criterion}"
            for p in content.points
            if p.criterion not in allowed
        ]
    assert wrong == [], f"criteria not in rubric '{rubric.id}' for their phase"


@pytest.mark.parametrize("path", PROBLEM_FILES, ids=[p.stem for p in PROBLEM_FILES])
def test_problem_signals_are_specific(library: Library, path: Path) -> None:
    problem = _problem_from(library, path)
    found = []
    for phase, content in problem.phases():
        found += [f"{phase.value}.{issue}" for issue in _signal_problems(content.points)]
    assert found == []


# ---------------------------------------------------------------- rubrics and reference sheets


def test_rubrics_and_reference_sheets_load_without_issues(library: Library) -> None:
    assert _issues_under(library, "rubrics") == []
    assert _issues_under(library, "reference") == []
    assert {"system-design", "framing", "own-system"} <= set(library.rubrics)


def test_mock_rubric_has_the_agreed_criteria(library: Library) -> None:
    rubric = library.rubric("system-design")
    assert rubric.kind == "mock"
    assert [s.id for s in rubric.sections] == [*(p.value for p in PHASES), "overall"]
    assert {s.id: [c.id for c in s.criteria] for s in rubric.sections} == MOCK_CRITERIA
    business = rubric.section("overall").criterion("business-framing")
    assert business.min_level == "staff"
    others = [c for s in rubric.sections for c in s.criteria if c.id != "business-framing"]
    assert all(c.min_level is None for c in others)


def test_framing_rubric_steps_are_in_order(library: Library) -> None:
    rubric = library.rubric("framing")
    assert rubric.kind == "drill"
    assert [s.id for s in rubric.sections] == ["framing"]
    ids = [c.id for c in rubric.sections[0].criteria]
    assert ids[:5] == FRAMING_STEPS
    assert ids == FRAMING_CRITERIA
    assert rubric.sections[0].criterion("business-framing").min_level == "staff"


def test_own_system_rubric_criteria(library: Library) -> None:
    rubric = library.rubric("own-system")
    assert rubric.kind == "own-system"
    assert [s.id for s in rubric.sections] == ["answer"]
    assert [c.id for c in rubric.sections[0].criteria] == OWN_SYSTEM_CRITERIA


@pytest.mark.parametrize("rubric_id", ["system-design", "framing", "own-system"])
def test_rubric_levels_rise_and_are_consistent(library: Library, rubric_id: str) -> None:
    rubric = library.rubric(rubric_id)
    bars = [rubric.expectation(level).pass_score for level in LEVELS]
    assert bars == sorted(bars) and len(set(bars)) == len(bars), f"pass scores must rise: {bars}"
    for section in rubric.sections:
        for crit in section.criteria:
            assert 1 <= crit.weight <= 3, crit.id
            expected = [crit.expected[level] for level in LEVELS]
            assert expected == sorted(expected), (
                f"{crit.id}: expected scores fall with level {expected}"
            )
            assert all(len(a.split()) >= 4 for a in crit.anchors), f"{crit.id}: anchors too thin"
            assert len({a.lower() for a in crit.anchors}) == 4, f"{crit.id}: repeated anchor"
    for level in LEVELS:
        meeting = _score_meeting_expectations(rubric, level)
        bar = rubric.expectation(level).pass_score
        # Meeting every expectation passes, but not by so much that the bar means nothing.
        assert bar <= meeting <= bar + 12, (
            f"{level.value}: meeting expectations scores {meeting:.1f}, bar {bar}"
        )


def test_own_system_has_seven_days(library: Library) -> None:
    questions = library.own_system
    assert sorted(q.day for q in questions) == list(range(1, 8))
    assert len({q.id for q in questions}) == 7
    allowed = {c.id for c in library.rubric("own-system").sections[0].criteria}
    for q in questions:
        assert 3 <= len(q.cover) <= 5, q.id
        assert len(q.points) >= 3, q.id
        assert q.minutes == 15, q.id
        assert [p.id for p in q.points if p.criterion not in allowed] == [], q.id
        assert _signal_problems(q.points) == [], q.id
        point_ids = {p.id for p in q.points}
        assert all(t in point_ids for probe in q.probes for t in probe.targets), q.id
    used = {p.criterion for q in questions for p in q.points}
    assert used == allowed, "every own-system criterion should be evidenced somewhere"


def test_framing_prompts(library: Library) -> None:
    prompts = {p.id: p for p in library.framing}
    assert "any-problem" in prompts and prompts["any-problem"].problem is None
    framed = [p for p in library.framing if p.problem is not None]
    assert 4 <= len(framed) <= 6
    assert {p.problem for p in framed} <= FRAMING_PROBLEMS
    assert [p.problem for p in framed if p.problem not in library.problems] == []


def test_concepts_cover_the_agreed_ids(library: Library) -> None:
    doc = (ROOT / "docs" / "content-ids.md").read_text(encoding="utf-8")
    index = doc.split("## Concept index", 1)[1].split("\n", 1)[1].split("\n## ", 1)[0]
    agreed: set[str] = set()
    for line in index.splitlines():
        items = [item.strip() for item in line.split(",") if item.strip()]
        if items and all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", item) for item in items):
            agreed.update(items)
    assert len(agreed) >= 68, "could not read the concept ids from docs/content-ids.md"
    missing = sorted(agreed - set(library.concepts))
    assert missing == []
    assert len(library.concepts) >= 68


def test_concepts_include_seed_004(library: Library) -> None:
    assert len(SEED_004_CONCEPTS) == 30
    missing = {name: cid for name, cid in SEED_004_CONCEPTS.items() if cid not in library.concepts}
    assert missing == {}


def test_concept_relations_exist(library: Library) -> None:
    bad = [
        f"{c.id} -> {r}"
        for c in library.concepts.values()
        for r in c.related
        if r not in library.concepts or r == c.id
    ]
    assert bad == []
    assert all(c.definition.strip() and "\n" not in c.definition for c in library.concepts.values())


def test_numbers_cover_the_estimation_basics(library: Library) -> None:
    titles = " | ".join(s.title.lower() for s in library.numbers)
    for topic in ("latency", "throughput", "sizes", "time", "availability", "powers of two"):
        assert topic in titles, f"no numbers section about {topic}"
    names = " | ".join(item.name.lower() for s in library.numbers for item in s.items)
    for thing in (
        "postgres",
        "redis",
        "kafka",
        "ssd",
        "uuid",
        "photo",
        "video minute",
        "seconds per day",
        "1 million per day",
    ):
        assert thing in names, f"numbers sheet lacks {thing}"


# ---------------------------------------------------------------- loader messages


def test_broken_rubric_names_file_and_field(tmp_path: Path) -> None:
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    shutil.copy(ROOT / "rubrics" / "framing.toml", rubrics / "framing.toml")
    broken = rubrics / "broken.toml"
    broken.write_text(
        """
id = "broken"
title = "Broken"
kind = "drill"

[[levels]]
level = "mid"
summary = "x"
pass_score = 40

[[levels]]
level = "senior"
summary = "x"
pass_score = 60

[[levels]]
level = "staff"
summary = "x"
pass_score = 70

[[levels]]
level = "principal"
summary = "x"
pass_score = 150

[[sections]]
id = "framing"
title = "Framing"

[[sections.criteria]]
id = "define"
name = "Define"
description = "Pins down requirements."
anchors = ["missing", "partial", "solid"]
expected = { mid = 2, senior = 3, staff = 3, principal = 4 }
""",
        encoding="utf-8",
    )
    lib = load_library(roots=[tmp_path])
    assert "framing" in lib.rubrics, "a good rubric still loads next to a broken one"
    assert "broken" not in lib.rubrics
    messages = [str(i) for i in lib.errors if i.path == broken]
    fields = {i.field for i in lib.errors if i.path == broken}
    assert "sections.0.criteria.0.anchors" in fields
    assert "levels.3.pass_score" in fields
    anchors = next(m for m in messages if "sections.0.criteria.0.anchors" in m)
    assert "broken.toml" in anchors and "field 'sections.0.criteria.0.anchors'" in anchors
    assert "4" in anchors, "the message says how many anchors are expected"
