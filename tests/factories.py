"""Small, valid content written to a temporary folder, for tests that must not depend on the library."""

from __future__ import annotations

from pathlib import Path

PHASE_CRITERIA = {
    "requirements": "functional-scope",
    "estimation": "traffic-estimate",
    "design": "architecture-flow",
    "scale": "bottlenecks",
    "tradeoffs": "alternatives",
}

LEVELS_TOML = "\n".join(
    f'[[levels]]\nlevel = "{lvl}"\nsummary = "What {lvl} shows."\npass_score = {score}\n'
    for lvl, score in [("mid", 50), ("senior", 60), ("staff", 68), ("principal", 75)]
)


def criterion_toml(section: str, cid: str) -> str:
    return f"""
[[sections.criteria]]
id = "{cid}"
name = "{cid.replace("-", " ").title()}"
description = "What {cid} looks like."
weight = 2
anchors = ["missing", "partial", "solid", "exceptional"]
expected = {{ mid = 2, senior = 3, staff = 3, principal = 4 }}
"""


def rubric_toml(rubric_id: str = "system-design") -> str:
    parts = [f'id = "{rubric_id}"\ntitle = "Test rubric"\nkind = "mock"\n', LEVELS_TOML]
    for section, cid in PHASE_CRITERIA.items():
        parts.append(f'[[sections]]\nid = "{section}"\ntitle = "{section.title()}"\n')
        parts.append(criterion_toml(section, cid))
    return "\n".join(parts)


def phase_toml(phase: str, criterion: str) -> str:
    return f"""
[{phase}]
pitfalls = ["A {phase} pitfall."]

[[{phase}.points]]
id = "{phase}-one"
text = "First {phase} point."
signals = ["{phase} alpha signal", "{phase} beta signal"]
weight = 2
criterion = "{criterion}"

[[{phase}.probes]]
question = "What about {phase}?"
targets = ["{phase}-one"]
"""


def problem_toml(
    problem_id: str = "tiny-service", title: str = "Tiny service", tags: str = '["caching"]'
) -> str:
    head = f'''id = "{problem_id}"
title = "{title}"
difficulty = "easy"
tags = {tags}
summary = "A tiny problem for tests."
prompt = "Design a tiny service."

[[facts]]
topic = "scale"
keywords = ["users", "scale"]
answer = "About a million users."

[level_notes]
staff = "Staff notes."
principal = "Principal notes."
'''
    return head + "".join(phase_toml(p, c) for p, c in PHASE_CRITERIA.items())


CONCEPTS_TOML = """
[[concepts]]
id = "caching"
name = "Caching"
definition = "Keep hot data close."

[[concepts]]
id = "sharding"
name = "Sharding"
definition = "Split data across nodes."
related = ["caching"]
"""


def write_content_root(root: Path, problems: dict[str, str] | None = None) -> Path:
    """A content folder with one rubric, two concepts and the given (or one default) problem files."""
    (root / "rubrics").mkdir(parents=True, exist_ok=True)
    (root / "problems").mkdir(exist_ok=True)
    (root / "reference").mkdir(exist_ok=True)
    (root / "rubrics" / "system-design.toml").write_text(rubric_toml(), encoding="utf-8")
    (root / "reference" / "concepts.toml").write_text(CONCEPTS_TOML, encoding="utf-8")
    for name, text in (problems or {"tiny-service.toml": problem_toml()}).items():
        (root / "problems" / name).write_text(text, encoding="utf-8")
    return root
