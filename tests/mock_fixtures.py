"""A fixed problem, library, store, fake graders and an app factory for the mock and TUI tests.

The content is written here rather than read from problems/, so screens and snapshots do not
change when the shipped problems are edited.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from factories import write_content_root
from mockint.config import Level, Settings
from mockint.content.loader import Library, load_library
from mockint.grading.base import GradeRequest, ProgressCallback
from mockint.grading.report import CriterionResult, GradeReport, PhaseResult
from mockint.grading.scoring import finalize
from mockint.interview.clock import ManualClock
from mockint.store.db import Store

PASTE_TOML = """
id = "paste-bin"
title = "Paste service"
difficulty = "easy"
tags = ["caching", "sharding"]
summary = "Share snippets of text by link."
prompt = "Design a service where people paste text and get a short link that anyone can open to read it."

[[facts]]
topic = "scale"
keywords = ["users", "traffic", "scale", "how many"]
answer = "About 10 million new pastes a month; each one is read about ten times."

[[facts]]
topic = "expiry"
keywords = ["expire", "expiry", "retention", "how long"]
answer = "Pastes expire after 30 days unless the author pins them."

[level_notes]
staff = "Talk about abuse and cost."
principal = "Talk about the platform other teams build on it."

[requirements]
[[requirements.points]]
id = "create-read"
text = "Create a paste and read it by link."
signals = ["create a paste", "read a paste", "share a link"]
weight = 2
criterion = "functional-scope"

[[requirements.points]]
id = "expiry"
text = "Pastes expire."
signals = ["expire", "retention period"]
weight = 1
criterion = "functional-scope"

[[requirements.probes]]
question = "How long should a paste live?"
targets = ["expiry"]

[[requirements.probes]]
question = "Who can read a paste: anyone with the link, or only some people?"
targets = ["create-read"]

[estimation]
[[estimation.points]]
id = "write-qps"
text = "About 4 writes per second on average."
signals = ["4 writes per second", "writes per second"]
criterion = "traffic-estimate"

[[estimation.probes]]
question = "How much storage do you need after five years?"
targets = ["write-qps"]

[design]
[[design.points]]
id = "blob-store"
text = "Paste bodies in object storage, metadata in a database."
signals = ["object storage", "blob store"]
criterion = "architecture-flow"

[[design.probes]]
question = "Where do the paste bodies live, and why there?"
targets = ["blob-store"]

[scale]
[[scale.points]]
id = "cache-hot"
text = "Cache hot pastes in front of storage."
signals = ["cache hot pastes", "cdn"]
criterion = "bottlenecks"

[[scale.probes]]
question = "What happens when one paste is read a million times in an hour?"
targets = ["cache-hot"]

[[scale.curveballs]]
question = "A paste is linked from a news site's front page. What breaks first?"
targets = ["cache-hot"]

[tradeoffs]
[[tradeoffs.points]]
id = "sql-vs-kv"
text = "Relational metadata versus a key-value store."
signals = ["key value store", "relational database"]
criterion = "alternatives"

[[tradeoffs.probes]]
question = "What would make you move off your first storage choice?"
targets = ["sql-vs-kv"]
"""


def make_library(tmp_path: Path) -> Library:
    root = write_content_root(tmp_path / "content", {"paste-bin.toml": PASTE_TOML})
    lib = load_library([root])
    assert not lib.errors, lib.errors
    return lib


def offline_settings(**overrides: Any) -> Settings:
    return Settings(grader="offline", **overrides)


class FakeGrader:
    """A deterministic grader: scores 3 where a phase has text, quoting its first four words."""

    name = "offline"

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.gate = gate
        self.requests: list[GradeRequest] = []

    async def grade(
        self, request: GradeRequest, progress: ProgressCallback | None = None
    ) -> GradeReport:
        self.requests.append(request)
        phases = []
        for pt in request.transcript.phases:
            section = request.rubric.section(pt.phase)
            if section is None:
                continue
            if progress:
                progress(pt.phase, "started")
            if self.gate is not None:
                await self.gate.wait()
            words = pt.answer.split()
            criteria = [
                CriterionResult(
                    id=c.id,
                    name=c.name,
                    score=3 if words else 1,
                    evidence=[" ".join(words[:4])] if words else [],
                    missing="" if words else "Nothing was written.",
                    advice="Say the numbers out loud.",
                )
                for c in section.criteria
            ]
            phases.append(
                PhaseResult(
                    phase=pt.phase,
                    criteria=criteria,
                    seconds_used=pt.seconds_used,
                    budget_seconds=pt.budget_seconds,
                    summary=f"{pt.phase.capitalize()} graded by the fake grader.",
                )
            )
            if progress:
                progress(pt.phase, "done")
        report = GradeReport(
            grader=self.name,
            level=Level(request.level),
            problem=request.problem.id if request.problem else None,
            phases=phases,
        )
        return finalize(report, request.rubric)


def make_app(
    tmp_path: Path,
    clock: ManualClock | None = None,
    settings: Settings | None = None,
    grader: Any = None,
    store: Store | None = None,
    library: Library | None = None,
    **kwargs: Any,
) -> Any:
    """The real app on a test store and library, with a manual clock and a fast autosave."""
    from mockint.tui.app import MockintApp

    app = MockintApp(
        store or Store(tmp_path / "mockint.db"),
        library or make_library(tmp_path),
        settings or offline_settings(),
        clock=clock or ManualClock(),
        grader=grader if grader is not None else FakeGrader(),
        **kwargs,
    )
    app.autosave_delay = 0.01
    app.tick_interval = 3600.0  # tests call screen.tick() themselves after moving the clock
    return app
