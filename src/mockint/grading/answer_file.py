"""Read an answer written elsewhere (Markdown with one '## <Phase>' heading per phase) into a Transcript."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mockint.content.models import PHASES
from mockint.errors import UsageError
from mockint.interview.transcript import PhaseTranscript, Transcript

HEADING_ALIASES: dict[str, str] = {
    "requirements": "requirements",
    "requirement": "requirements",
    "functional requirements": "requirements",
    "estimation": "estimation",
    "estimations": "estimation",
    "estimates": "estimation",
    "estimate": "estimation",
    "capacity": "estimation",
    "capacity estimation": "estimation",
    "back of the envelope": "estimation",
    "design": "design",
    "high-level design": "design",
    "high level design": "design",
    "scale": "scale",
    "scaling": "scale",
    "deep dives": "scale",
    "deep dive": "scale",
    "scale and deep dives": "scale",
    "tradeoffs": "tradeoffs",
    "trade-offs": "tradeoffs",
    "trade offs": "tradeoffs",
    "tradeoffs and wrap-up": "tradeoffs",
    "wrap-up": "tradeoffs",
}
"""Accepted '##' headings (case-insensitive) and the phase each one starts."""

_HEADING_RE = re.compile(r"^##(?!#)[ \t]*(?P<title>.*?)[ \t#]*$", re.MULTILINE)
_FENCE_RE = re.compile(r"^(```|~~~)", re.MULTILINE)
_NUMBERING_RE = re.compile(r"^(?:\d+[.)]|phase\s+\d+[:.]?)\s*", re.IGNORECASE)


def _heading_key(title: str) -> str:
    title = _NUMBERING_RE.sub("", title.strip())
    title = (
        title.replace("\u2010", "-")
        .replace("\u2011", "-")
        .replace("\u2013", "-")
        .replace("\u2014", "-")
    )
    return re.sub(r"\s+", " ", title.rstrip(":").strip()).lower()


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges inside ``` or ~~~ code fences, where '##' lines are not headings."""
    ranges: list[tuple[int, int]] = []
    opened: int | None = None
    for m in _FENCE_RE.finditer(text):
        if opened is None:
            opened = m.start()
        else:
            ranges.append((opened, m.end()))
            opened = None
    if opened is not None:
        ranges.append((opened, len(text)))
    return ranges


def parse_answer_markdown(
    text: str, source: str = "<answer>", sections: Sequence[str] | None = None
) -> Transcript:
    """Split a Markdown answer into phases by its '## Requirements' ... '## Tradeoffs' headings.

    Text before the first heading is ignored; an unknown heading is an error naming the file and
    the heading; a missing phase becomes empty (graded as insufficient). With
    `sections=("framing",)` (or any single section) a file without headings is read as that one
    section, for the framing drill.
    """
    fenced = _fenced_ranges(text)
    headings = [
        m for m in _HEADING_RE.finditer(text) if not any(a <= m.start() < b for a, b in fenced)
    ]
    if sections is not None and len(sections) == 1 and not headings:
        return Transcript(phases=[PhaseTranscript(phase=sections[0], answer=text.strip())])
    if not headings:
        raise UsageError(
            f"{source}: no phase headings found; expected '## Requirements' … '## Tradeoffs'"
        )
    allowed = {p.value for p in PHASES} if sections is None else set(sections)
    bodies: dict[str, list[str]] = {}
    for i, m in enumerate(headings):
        key = _heading_key(m.group("title"))
        phase = HEADING_ALIASES.get(key, key if key in allowed else None)
        if phase is None or phase not in allowed:
            line = text.count("\n", 0, m.start()) + 1
            expected = ", ".join(
                f"'## {p.capitalize()}'" for p in (sections or [p.value for p in PHASES])
            )
            raise UsageError(
                f"{source}: line {line}: unknown heading '## {m.group('title').strip()}'; expected one of {expected}"
            )
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        bodies.setdefault(phase, []).append(text[m.end() : end].strip())
    order = list(sections) if sections is not None else [p.value for p in PHASES]
    return Transcript(
        phases=[
            PhaseTranscript(phase=name, answer="\n\n".join(b for b in bodies.get(name, []) if b))
            for name in order
        ]
    )
