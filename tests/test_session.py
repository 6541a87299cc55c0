"""MockSession: the clock, phases, pause rules, persistence and resume (including after kill -9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mock_fixtures import PASTE_TOML, make_library
from mockint.config import Settings
from mockint.content.loader import Library
from mockint.errors import UsageError
from mockint.interview.clock import ManualClock
from mockint.interview.session import MockSession, Stage
from mockint.store.db import Store


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return make_library(tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "mockint.db")


def start(store: Store, library: Library, clock: ManualClock, **kw) -> MockSession:
    return MockSession.start(
        store, library.problem("paste-bin"), kw.pop("level", "senior"), clock, **kw
    )


def test_start_persists_the_session_with_budgets_and_first_phase(
    store: Store, library: Library
) -> None:
    clock = ManualClock()
    session = start(store, library, clock)
    record = store.get_session(session.id)
    assert record.kind == "mock" and record.status == "active" and record.problem_id == "paste-bin"
    assert record.budgets == {
        "requirements": 300,
        "estimation": 300,
        "design": 1200,
        "scale": 600,
        "tradeoffs": 300,
    }
    assert record.options["curveball"].startswith("A paste is linked")
    assert [e.kind for e in store.events(session.id)] == ["phase_start"]
    session.close()


def test_clocks_count_down_and_overrun_without_moving_on(store: Store, library: Library) -> None:
    clock = ManualClock()
    session = start(store, library, clock)
    clock.advance(250)
    assert session.phase_remaining() == 50
    assert session.total_remaining() == 45 * 60 - 250
    clock.advance(100)
    assert session.phase_remaining() == -50
    assert session.phase.value == "requirements"
    assert not session.auto_advance_due()
    session.close()


def test_auto_advance_is_due_only_when_enabled_and_out_of_time(
    store: Store, library: Library
) -> None:
    clock = ManualClock()
    session = start(store, library, clock, settings=Settings(auto_advance=True))
    clock.advance(299)
    assert not session.auto_advance_due()
    clock.advance(1)
    assert session.auto_advance_due()
    session.close()


def test_advance_records_time_per_phase(store: Store, library: Library) -> None:
    clock = ManualClock()
    session = start(store, library, clock)
    clock.advance(330)
    session.end_phase()
    assert session.stage == Stage.FOLLOWUP
    assert session.advance().value == "estimation"
    clock.advance(120)
    assert session.phase_seconds == {"requirements": 330}
    assert session.phase_elapsed() == 120
    assert session.phase_status("requirements") == "done"
    assert session.phase_status("estimation") == "current"
    assert session.phase_status("design") == "upcoming"
    session.close()


def test_pause_is_refused_outside_practice_mode(store: Store, library: Library) -> None:
    session = start(store, library, ManualClock())
    with pytest.raises(UsageError, match="only available in practice mode"):
        session.pause()
    session.close()


def test_pause_stops_the_clock_in_practice_mode(store: Store, library: Library) -> None:
    clock = ManualClock()
    session = start(store, library, clock, practice=True)
    clock.advance(60)
    session.pause()
    clock.advance(500)
    assert session.total_elapsed() == 60
    session.resume_clock()
    clock.advance(10)
    assert session.total_elapsed() == 70
    assert [e.kind for e in store.events(session.id)][-2:] == ["pause", "resume"]
    session.close()


def test_clarifying_questions_and_revealed_facts_are_stored(store: Store, library: Library) -> None:
    session = start(store, library, ManualClock())
    _, answer = session.ask("How many users?")
    assert answer.facts == ["scale"]
    transcript = store.transcript(session.id)
    ex = transcript.get("requirements").exchanges[0]
    assert (ex.kind, ex.asked_by, ex.question) == ("clarifying", "candidate", "How many users?")
    assert ex.reply.startswith("About 10 million")
    assert [e.text for e in store.events(session.id, kind="fact")] == ["scale"]
    session.close()


def test_followup_replies_are_saved_and_graded_as_the_candidates_text(
    store: Store, library: Library
) -> None:
    session = start(store, library, ManualClock())
    [state] = session.add_interviewer_questions("requirements", ["How long should a paste live?"])
    session.set_reply(state.event_id, "Thirty days, then they expire.")
    session.save_now()
    phase = store.transcript(session.id).get("requirements")
    assert phase.exchanges[0].reply == "Thirty days, then they expire."
    assert "Thirty days, then they expire." in phase.candidate_text()
    session.close()


def test_curveball_arrives_part_way_into_scale(store: Store, library: Library) -> None:
    clock = ManualClock()
    session = start(store, library, clock)
    for _ in range(3):
        session.advance()
    assert session.phase.value == "scale"
    clock.advance(0.39 * 600)
    assert not session.curveball_due()
    clock.advance(0.02 * 600)
    state = session.ask_curveball()
    assert state is not None and state.exchange.kind == "curveball"
    assert not session.curveball_due()
    session.close()


def test_submit_saves_text_and_closes_the_session(store: Store, library: Library) -> None:
    clock = ManualClock()
    session = start(store, library, clock)
    session.set_answer("requirements", "Create a paste, read it by link.")
    clock.advance(90)
    session.submit()
    record = store.get_session(session.id)
    assert record.status == "submitted" and record.ended_at and record.elapsed_s == 90
    assert store.answers(session.id)["requirements"] == "Create a paste, read it by link."
    assert store.events(session.id, kind="submit")[0].data == {"early": True}
    assert store.transcript(session.id).get("requirements").seconds_used == 90
    session.close()


def test_autosave_batches_only_changes_and_the_clock_each_second(
    store: Store, library: Library
) -> None:
    clock = ManualClock()
    session = start(store, library, clock)
    assert not session.take_batch()
    clock.advance(0.5)
    assert not session.take_batch()
    clock.advance(0.6)
    batch = session.take_batch()
    assert batch.answers == {} and batch.elapsed_s == pytest.approx(1.1)
    session.set_answer("requirements", "hello")
    assert session.take_batch().answers == {"requirements": "hello"}
    session.close()


def test_resume_restores_phase_answers_exchanges_and_clock(store: Store, library: Library) -> None:
    clock = ManualClock()
    session = start(store, library, clock)
    session.ask("How long do pastes live?")
    clock.advance(320)
    session.advance()
    clock.advance(75)
    session.set_answer("estimation", "4 writes per second")
    session.save_now()  # what the autosave does within a second of typing
    resumed = MockSession.resume(Store(store.path), library, session.id, ManualClock(5000))
    assert resumed.phase.value == "estimation"
    assert resumed.total_elapsed() == pytest.approx(395)
    assert resumed.phase_elapsed() == pytest.approx(75)
    assert resumed.phase_seconds == {"requirements": 320}
    assert resumed.answers["estimation"] == "4 writes per second"
    assert [s.exchange.question for s in resumed.exchanges] == ["How long do pastes live?"]
    assert resumed.facts_revealed == ["expiry"]
    session.close()
    resumed.close()


def test_resume_after_a_crash_between_phase_end_and_phase_start(
    store: Store, library: Library
) -> None:
    clock = ManualClock()
    session = start(store, library, clock)
    clock.advance(310)
    # What a kill between the two writes of advance() leaves behind: the phase ended, nothing started.
    store.add_event(session.id, "phase_end", "requirements", elapsed_s=310)
    resumed = MockSession.resume(store, library, session.id, ManualClock())
    assert resumed.phase.value == "estimation"
    assert resumed.phase_elapsed() == 0
    assert resumed.total_elapsed() == 310
    assert store.events(session.id, kind="phase_start")[-1].phase == "estimation"
    session.close()
    resumed.close()


def test_resume_refuses_a_submitted_session(store: Store, library: Library) -> None:
    session = start(store, library, ManualClock())
    session.submit()
    with pytest.raises(UsageError, match="already submitted"):
        MockSession.resume(store, library, session.id, ManualClock())
    session.close()


def test_daily_mode_runs_one_phase_and_allows_pause(store: Store, library: Library) -> None:
    clock = ManualClock()
    session = start(store, library, clock, daily_phase="design")
    assert session.budgets == {"design": 900}
    assert session.options.practice and session.options.mode == "daily"
    assert session.options.curveball is None
    session.pause()
    assert session.paused
    session.close()


CHILD = """
import sys, time
from pathlib import Path
from mockint.content.loader import load_library
from mockint.interview.clock import ManualClock
from mockint.interview.session import MockSession
from mockint.store.db import Store

library = load_library([Path(sys.argv[2])])
clock = ManualClock()
session = MockSession.start(Store(sys.argv[1]), library.problem("paste-bin"), "senior", clock)
clock.advance(42)
session.set_answer("requirements", "typed before the crash")
session.save_soon().result()
print(session.id, flush=True)
session.set_answer("requirements", "typed after the last save")
time.sleep(60)
"""


def test_kill_9_loses_at_most_the_unsaved_second(tmp_path: Path, library: Library) -> None:
    db = tmp_path / "crash.db"
    root = tmp_path / "content"
    assert (root / "problems" / "paste-bin.toml").read_text() == PASTE_TOML
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(db), str(root)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert child.stdout is not None
        session_id = child.stdout.readline().strip()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    resumed = MockSession.resume(Store(db), library, session_id, ManualClock())
    assert resumed.answers["requirements"] == "typed before the crash"
    assert resumed.total_elapsed() == pytest.approx(42)
    resumed.close()
