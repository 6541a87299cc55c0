"""Markdown answer files: '## Requirements' … '## Tradeoffs' headings become the five phases."""

from __future__ import annotations

import pytest

from mockint.errors import UsageError
from mockint.grading.answer_file import parse_answer_markdown

FULL = """# My URL shortener answer

Some notes before the first heading are ignored.

## Requirements
Users shorten a long URL and get a short code back.

## Estimation
100M links a month is about 40 writes/s.

## High-level design
POST /urls and GET /{code}.

### API details
A 302 with a Location header.

## Deep dives
Hot links are cached at the edge.

## Trade-offs
Counter codes versus random codes.
"""


def test_all_five_phases_in_order() -> None:
    transcript = parse_answer_markdown(FULL, "answer.md")
    assert [p.phase for p in transcript.phases] == [
        "requirements",
        "estimation",
        "design",
        "scale",
        "tradeoffs",
    ]
    assert (
        transcript.get("requirements").answer
        == "Users shorten a long URL and get a short code back."
    )
    assert (
        transcript.get("design").answer
        == "POST /urls and GET /{code}.\n\n### API details\nA 302 with a Location header."
    )
    assert transcript.get("tradeoffs").answer == "Counter codes versus random codes."
    assert "ignored" not in " ".join(p.answer for p in transcript.phases)


@pytest.mark.parametrize(
    ("heading", "phase"),
    [
        ("REQUIREMENTS", "requirements"),
        ("Estimates", "estimation"),
        ("Capacity", "estimation"),
        ("Design", "design"),
        ("high level design", "design"),
        ("Scaling", "scale"),
        ("Scale", "scale"),
        ("Tradeoffs", "tradeoffs"),
        ("Trade‑offs", "tradeoffs"),
        ("2. Estimation:", "estimation"),
    ],
)
def test_heading_variants(heading: str, phase: str) -> None:
    transcript = parse_answer_markdown(f"## {heading}\nSome text here.\n", "a.md")
    assert transcript.get(phase).answer == "Some text here."


def test_missing_phases_become_empty() -> None:
    transcript = parse_answer_markdown("## Design\nOnly the design.\n", "a.md")
    assert [p.phase for p in transcript.phases] == [
        "requirements",
        "estimation",
        "design",
        "scale",
        "tradeoffs",
    ]
    assert transcript.get("requirements").answer == ""
    assert transcript.get("design").answer == "Only the design."


def test_unknown_heading_names_file_line_and_heading() -> None:
    with pytest.raises(UsageError) as err:
        parse_answer_markdown("## Requirements\ntext\n\n## Monetisation\nmore\n", "answers/mine.md")
    message = err.value.message
    assert message.startswith("answers/mine.md: line 4: unknown heading '## Monetisation'")
    assert "'## Requirements'" in message and "'## Tradeoffs'" in message
    assert err.value.exit_code == 2


def test_no_headings_at_all() -> None:
    with pytest.raises(UsageError) as err:
        parse_answer_markdown("Just prose, no headings.\n# A title only\n", "notes.md")
    assert (
        err.value.message
        == "notes.md: no phase headings found; expected '## Requirements' … '## Tradeoffs'"
    )


def test_headings_inside_code_fences_are_text() -> None:
    text = "## Design\nThe schema:\n```\n## not a heading\n```\nDone.\n"
    assert (
        parse_answer_markdown(text, "a.md").get("design").answer
        == "The schema:\n```\n## not a heading\n```\nDone."
    )


def test_a_repeated_heading_appends() -> None:
    transcript = parse_answer_markdown("## Design\nfirst\n## Scale\nx\n## Design\nsecond\n", "a.md")
    assert transcript.get("design").answer == "first\n\nsecond"


def test_framing_variant_reads_a_file_without_headings() -> None:
    transcript = parse_answer_markdown(
        "Define the users first.\nThen decompose.\n", "drill.md", sections=("framing",)
    )
    assert [p.phase for p in transcript.phases] == ["framing"]
    assert transcript.phases[0].answer == "Define the users first.\nThen decompose."
    with pytest.raises(UsageError, match="unknown heading '## Design'"):
        parse_answer_markdown("## Design\ntext\n", "drill.md", sections=("framing",))
