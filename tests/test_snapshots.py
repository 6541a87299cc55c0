"""SVG snapshots of each main screen, at 100x32 and (for the busiest ones) 80x24.

Everything shown is fixed: a test problem, a manual clock, a fake grader and no timestamps.
Update with `pytest tests/test_snapshots.py --snapshot-update` after an intended change.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from mock_fixtures import FakeGrader, make_app
from mockint.interview.clock import ManualClock

WIDE = (100, 32)
SMALL = (80, 24)

ANSWER = (
    "Functional: create a paste and share a link; read a paste by its link.\n"
    "Non-functional: reads dominate, p99 under 100 ms, pastes expire after 30 days."
)


async def into_mock(pilot: Pilot, clock: ManualClock) -> Any:
    """A mock in Estimation with text, a clarifying question, an answered follow-up, 4:10 left."""
    app: Any = pilot.app
    app.start_mock("paste-bin", level="senior")
    await pilot.pause()
    screen = app.screen
    screen.query_one("#editor-requirements").insert(ANSWER)
    state, _ = screen.session.ask("How many users and how long do pastes live?")
    screen.panel.add_exchange(state)
    clock.advance(290)
    screen.tick()
    await pilot.press("ctrl+n")
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen.panel.input.value = "Anyone with the link."
    await pilot.press("enter")
    await pilot.press("ctrl+n")
    await pilot.pause()
    screen.query_one("#editor-estimation").insert(
        "10M pastes a month is about 4 writes per second."
    )
    clock.advance(50)
    screen.tick()
    await pilot.pause()
    return screen


def test_home(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=WIDE)


def test_home_small_terminal(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SMALL)


def test_picker(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=WIDE, press=["n"])


def test_mock_screen(snap_compare: Any, tmp_path: Path) -> None:
    clock = ManualClock()

    async def run_before(pilot: Pilot) -> None:
        await into_mock(pilot, clock)

    assert snap_compare(make_app(tmp_path, clock=clock), terminal_size=WIDE, run_before=run_before)


def test_mock_screen_small_terminal_with_overrun(snap_compare: Any, tmp_path: Path) -> None:
    clock = ManualClock()

    async def run_before(pilot: Pilot) -> None:
        screen = await into_mock(pilot, clock)
        clock.advance(300)
        screen.tick()
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, clock=clock), terminal_size=SMALL, run_before=run_before)


def test_grading_progress(snap_compare: Any, tmp_path: Path) -> None:
    clock = ManualClock()

    async def run_before(pilot: Pilot) -> None:
        await into_mock(pilot, clock)
        await pilot.press("ctrl+f", "y")
        await pilot.pause()
        await pilot.pause()

    app = make_app(tmp_path, clock=clock, grader=FakeGrader(gate=asyncio.Event()))
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def graded_review(clock: ManualClock) -> Any:
    async def run_before(pilot: Pilot) -> None:
        await into_mock(pilot, clock)
        await pilot.press("ctrl+f", "y")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_review_summary(snap_compare: Any, tmp_path: Path) -> None:
    clock = ManualClock()
    assert snap_compare(
        make_app(tmp_path, clock=clock), terminal_size=WIDE, run_before=graded_review(clock)
    )


def test_review_phase_with_evidence(snap_compare: Any, tmp_path: Path) -> None:
    clock = ManualClock()
    review = graded_review(clock)

    async def run_before(pilot: Pilot) -> None:
        await review(pilot)
        pilot.app.screen.query_one("#review-tabs").active = "tab-requirements"
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, clock=clock), terminal_size=WIDE, run_before=run_before)


def test_review_pacing_small_terminal(snap_compare: Any, tmp_path: Path) -> None:
    clock = ManualClock()
    review = graded_review(clock)

    async def run_before(pilot: Pilot) -> None:
        await review(pilot)
        pilot.app.screen.query_one("#review-tabs").active = "tab-pacing"
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, clock=clock), terminal_size=SMALL, run_before=run_before)
