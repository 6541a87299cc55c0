"""Shared builders for the progress, history, export and drill tests: sessions with real-looking grades."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from mockint.config import Level, Settings
from mockint.content.loader import Library, load_library
from mockint.content.models import FramingPrompt
from mockint.grading.report import CriterionResult, GradeReport, PhaseResult
from mockint.grading.scoring import finalize
from mockint.store.db import Store

BASE_TIME = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@functools.cache
def real_library() -> Library:
    """The built-in content, loaded once per test run (it is immutable)."""
    return load_library()


def library_with_prompts() -> Library:
    """The built-in library plus two framing prompts, whatever reference/framing.toml holds today."""
    base = real_library()
    prompts = [
        FramingPrompt(
            id="general-approach", prompt="How do you approach any system design problem?"
        ),
        FramingPrompt(
            id="frame-url-shortener",
            prompt="Frame the URL shortener in two minutes.",
            problem="url-shortener",
        ),
    ]
    return Library(
        problems=base.problems,
        rubrics=base.rubrics,
        prompts=base.prompts,
        concepts=base.concepts,
        numbers=base.numbers,
        own_system=base.own_system,
        framing=base.framing or prompts,
    )


def settings() -> Settings:
    return Settings(grader="offline")


def make_report(
    library: Library,
    rubric_id: str,
    level: str = "senior",
    scores: dict[str, int] | None = None,
    default: int = 3,
    problem: str | None = None,
) -> GradeReport:
    """A finalized offline-style report: every criterion scored `default` unless named in `scores`."""
    rubric = library.rubric(rubric_id)
    scores = scores or {}
    phases = []
    for section in rubric.sections:
        criteria = [
            CriterionResult(
                id=c.id,
                name=c.name,
                score=scores.get(c.id, default),
                evidence=[],
                missing="" if scores.get(c.id, default) >= 3 else f"More on {c.name.lower()}.",
                advice="" if scores.get(c.id, default) >= 3 else f"Practise {c.name.lower()}.",
            )
            for c in section.criteria
            if c.applies_to(Level(level))
        ]
        phases.append(
            PhaseResult(phase=section.id, criteria=criteria, summary=f"{section.title} summary.")
        )
    report = GradeReport(
        grader="offline",
        level=Level(level),
        problem=problem,
        phases=phases,
        notes=["offline estimate"],
    )
    return finalize(report, rubric)


def add_session(
    store: Store,
    library: Library,
    kind: str = "mock",
    problem: str | None = "url-shortener",
    level: str = "senior",
    scores: dict[str, int] | None = None,
    default: int = 3,
    started: datetime | None = None,
    graded: bool = True,
    answers: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
) -> str:
    """Store a submitted session (graded unless told otherwise) and return its id."""
    started = started or BASE_TIME
    rubric_id = {"mock": "system-design", "drill": "framing", "own-system": "own-system"}[kind]
    if kind == "mock":
        budgets = {
            "requirements": 300.0,
            "estimation": 300.0,
            "design": 1200.0,
            "scale": 600.0,
            "tradeoffs": 300.0,
        }
    elif kind == "drill":
        budgets = {"framing": 120.0}
    else:
        budgets = {"answer": 900.0}
    record = store.create_session(
        kind,
        level,
        problem_id=problem if kind != "own-system" else None,
        budgets=budgets,
        options=options or {},
        started_at=started.isoformat(timespec="microseconds"),
        status="submitted",
    )
    for phase, text in (answers or {p: f"My {p} answer." for p in budgets}).items():
        store.save_answer(record.id, phase, text)
    if kind == "drill":
        store.save_drill(
            record.id,
            "How do you approach any system design problem?",
            120.0,
            seconds_used=100.0,
            words=200,
            wpm=120.0,
            hedges=2,
        )
    if graded:
        store.save_grade(
            record.id, make_report(library, rubric_id, level, scores, default, problem)
        )
    return record.id


def days(n: float) -> timedelta:
    return timedelta(days=n)


def progress_app(store: Store, library: Library, screen_factory: Any, clock: Any = None) -> Any:
    """A tiny app with what the progress screens need (store, library, settings, clock), opening one screen."""
    from textual.app import App

    from mockint.interview.clock import ManualClock

    class _App(App[None]):
        tick_interval = 3600.0  # tests call tick() after moving the manual clock
        autosave_delay = 0.05

        def __init__(self) -> None:
            super().__init__()
            self.store = store
            self.library = library
            self.settings = settings()
            self.clock = clock or ManualClock()
            self.grader = None

        def on_mount(self) -> None:
            self.push_screen(screen_factory())

    return _App()
