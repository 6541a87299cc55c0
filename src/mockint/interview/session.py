"""`MockSession`: one mock as a state machine over phases, clocks, answers and exchanges.

The session is the single source of truth the UI renders from; it knows nothing of Textual. Time
comes from an injectable `Clock`, so tests move it by hand. Everything is persisted through the
`Store`: answers and the clock through small batches a background writer applies (typing never
waits on SQLite), phase changes, exchanges and the submit synchronously, so a killed process
resumes with its text and its clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from mockint.config import Level
from mockint.content.models import PHASES, Phase, Problem
from mockint.errors import UsageError
from mockint.interview.budgets import phase_budgets
from mockint.interview.interviewer import ClarifyingAnswer, Interviewer
from mockint.interview.transcript import Exchange, ExchangeKind

if TYPE_CHECKING:
    from mockint.config import Settings
    from mockint.content.loader import Library
    from mockint.interview.clock import Clock
    from mockint.store.db import Store

CURVEBALL_AT = 0.4
"""The curveball arrives once this share of the Scale budget is used."""


class Stage(StrEnum):
    """Where the candidate is within the current phase."""

    ANSWERING = "answering"
    FOLLOWUP = "followup"
    """The phase was ended; the interviewer's follow-ups wait for replies before moving on."""
    DONE = "done"
    """Every phase has ended; only submitting remains."""
    SUBMITTED = "submitted"


class MockOptions(BaseModel):
    """How a mock runs; stored with the session so a resume behaves the same."""

    practice: bool = False
    auto_advance: bool = False
    mode: Literal["full", "daily"] = "full"
    minutes: float | None = None
    curveball: str | None = None


@dataclass
class ExchangeState:
    """An exchange as the session tracks it: its event id (for saving replies) and its phase."""

    event_id: int
    phase: str
    exchange: Exchange


@dataclass
class SaveBatch:
    """A snapshot of unsaved work, taken on the UI thread and written on the background one."""

    session_id: str
    answers: dict[str, str] = field(default_factory=dict)
    replies: dict[int, str] = field(default_factory=dict)
    elapsed_s: float | None = None
    current_phase: str | None = None

    def __bool__(self) -> bool:
        return bool(self.answers or self.replies or self.elapsed_s is not None)


def write_batch(store: Store, batch: SaveBatch) -> None:
    """Apply one batch to the store; safe to call from any thread."""
    for phase, text in batch.answers.items():
        store.save_answer(batch.session_id, phase, text)
    for event_id, reply in batch.replies.items():
        store.save_exchange_reply(event_id, reply)
    if batch.elapsed_s is not None:
        store.save_progress(batch.session_id, batch.elapsed_s, batch.current_phase)


class BackgroundWriter:
    """Runs store writes on one background thread, in submission order, so the UI never waits."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockint-autosave")
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        if self._closed:
            done: Future[Any] = Future()
            done.set_result(fn(*args))
            return done
        return self._executor.submit(fn, *args)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every write submitted so far has reached the database."""
        if not self._closed:
            self._executor.submit(lambda: None).result(timeout)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._executor.shutdown(wait=True)


class MockSession:
    """A mock in progress: problem, level, budgets, clock, current phase, answers and exchanges."""

    def __init__(
        self,
        store: Store,
        problem: Problem,
        level: Level,
        budgets: dict[str, float],
        clock: Clock,
        session_id: str,
        options: MockOptions,
    ) -> None:
        self.store = store
        self.problem = problem
        self.level = Level(level)
        self.budgets = dict(budgets)
        self.phases: list[Phase] = [Phase(p) for p in budgets]
        self.clock = clock
        self.id = session_id
        self.options = options
        self.interviewer = Interviewer(problem)
        self.index = 0
        self.stage = Stage.ANSWERING
        self.answers: dict[str, str] = {p.value: "" for p in self.phases}
        self.exchanges: list[ExchangeState] = []
        self.facts_revealed: list[str] = []
        self.phase_seconds: dict[str, float] = {}
        self._base_total = 0.0
        self._segment_start: float | None = None
        self._phase_start_total = 0.0
        self._dirty_answers: set[str] = set()
        self._dirty_replies: set[int] = set()
        self._saved_elapsed = -1.0
        self._lock = threading.Lock()
        self.writer = BackgroundWriter()

    # ------------------------------------------------------------ creation

    @classmethod
    def start(
        cls,
        store: Store,
        problem: Problem,
        level: Level | str,
        clock: Clock,
        settings: Settings | None = None,
        minutes: float | None = None,
        daily_phase: Phase | str | None = None,
        practice: bool = False,
        auto_advance: bool | None = None,
    ) -> MockSession:
        """Create and persist a new mock, its clock running from zero in the first phase."""
        level = Level(level)
        budgets = phase_budgets(level, settings, minutes, daily_phase)
        interviewer = Interviewer(problem)
        options = MockOptions(
            practice=practice or daily_phase is not None,
            auto_advance=auto_advance
            if auto_advance is not None
            else bool(settings and settings.auto_advance),
            mode="daily" if daily_phase is not None else "full",
            minutes=minutes,
        )
        record = store.create_session(
            "mock",
            level.value,
            problem.id,
            title=problem.title,
            budgets=budgets,
            options=options.model_dump(mode="json"),
        )
        ball = interviewer.curveball(record.id) if Phase.SCALE.value in budgets else None
        if ball is not None:
            options = options.model_copy(update={"curveball": ball.question})
            store.update_session(record.id, options=options.model_dump(mode="json"))
        session = cls(store, problem, level, budgets, clock, record.id, options)
        store.add_event(record.id, "phase_start", session.phase.value, elapsed_s=0.0)
        store.save_progress(record.id, 0.0, session.phase.value)
        session._saved_elapsed = 0.0
        session._segment_start = clock.now()
        return session

    @classmethod
    def resume(cls, store: Store, library: Library, session_id: str, clock: Clock) -> MockSession:
        """Rebuild an unfinished mock from the store: answers, exchanges, phase and clock."""
        record = store.get_session(session_id)
        if record.kind != "mock":
            raise UsageError(f"session {record.id} is a {record.kind}, not a mock")
        if record.status != "active":
            raise UsageError(
                f"session {record.id} is already {record.status}; it cannot be resumed"
            )
        if not record.problem_id:
            raise UsageError(f"session {record.id} has no problem recorded")
        problem = library.problem(record.problem_id)
        budgets = {p: s for p, s in record.budgets.items() if p in {ph.value for ph in PHASES}}
        if not budgets:
            budgets = phase_budgets(record.level)
        options = MockOptions.model_validate(
            {k: v for k, v in record.options.items() if k in MockOptions.model_fields}
        )
        session = cls(store, problem, Level(record.level), budgets, clock, record.id, options)
        session._restore(record.elapsed_s, record.current_phase)
        return session

    def _restore(self, saved_elapsed: float, current_phase: str | None) -> None:
        events = self.store.events(self.id)
        starts: dict[str, float] = {}
        ends: dict[str, float] = {}
        total = float(saved_elapsed or 0.0)
        paused = False
        for ev in events:
            if ev.elapsed_s is not None:
                total = max(total, ev.elapsed_s)
            if ev.kind == "phase_start" and ev.phase and ev.elapsed_s is not None:
                starts.setdefault(ev.phase, ev.elapsed_s)
            elif ev.kind == "phase_end" and ev.phase and ev.elapsed_s is not None:
                ends[ev.phase] = ev.elapsed_s
            elif ev.kind == "exchange" and ev.phase:
                self.exchanges.append(
                    ExchangeState(ev.id, ev.phase, Exchange.model_validate(ev.data))
                )
            elif ev.kind == "fact":
                self.facts_revealed.append(ev.text)
            elif ev.kind in ("pause", "resume"):
                paused = ev.kind == "pause"
        names = [p.value for p in self.phases]
        current = current_phase if current_phase in names else names[0]
        index = names.index(current)
        while index < len(names) and names[index] in ends:
            index += 1
        for name in names[:index]:
            if name in starts and name in ends:
                self.phase_seconds[name] = ends[name] - starts[name]
        self._base_total = total
        if index >= len(names):
            self.index = len(names) - 1
            self.stage = Stage.DONE
        else:
            self.index = index
            name = names[index]
            if name not in starts:
                begun = max((ends[n] for n in names[:index] if n in ends), default=0.0)
                self.store.add_event(self.id, "phase_start", name, elapsed_s=begun)
                starts[name] = begun
            self._phase_start_total = starts[name]
            if any(x.phase == name and x.exchange.kind == "followup" for x in self.exchanges):
                self.stage = Stage.FOLLOWUP
        self.answers.update(
            {p: t for p, t in self.store.answers(self.id).items() if p in self.answers}
        )
        self._saved_elapsed = total
        if not (paused and self.options.practice) and self.stage != Stage.DONE:
            self._segment_start = self.clock.now()

    # ------------------------------------------------------------ clock

    @property
    def phase(self) -> Phase:
        return self.phases[self.index]

    @property
    def running(self) -> bool:
        return self._segment_start is not None

    @property
    def paused(self) -> bool:
        return self._segment_start is None and self.stage in (Stage.ANSWERING, Stage.FOLLOWUP)

    @property
    def is_last_phase(self) -> bool:
        return self.index == len(self.phases) - 1

    def total_elapsed(self) -> float:
        running = self.clock.now() - self._segment_start if self._segment_start is not None else 0.0
        return self._base_total + running

    def phase_elapsed(self, phase: Phase | str | None = None) -> float:
        """Seconds spent in a phase: finished phases from their record, the current one live."""
        name = Phase(phase).value if phase is not None else self.phase.value
        if name == self.phase.value and self.stage not in (Stage.DONE, Stage.SUBMITTED):
            return self.total_elapsed() - self._phase_start_total
        return self.phase_seconds.get(name, 0.0)

    def phase_budget(self, phase: Phase | str | None = None) -> float:
        return self.budgets[Phase(phase).value if phase is not None else self.phase.value]

    def phase_remaining(self) -> float:
        return self.phase_budget() - self.phase_elapsed()

    def total_budget(self) -> float:
        return sum(self.budgets.values())

    def total_remaining(self) -> float:
        return self.total_budget() - self.total_elapsed()

    def phase_status(self, phase: Phase | str) -> Literal["done", "current", "upcoming"]:
        i = self.phases.index(Phase(phase))
        if i < self.index or (i == self.index and self.stage in (Stage.DONE, Stage.SUBMITTED)):
            return "done"
        return "current" if i == self.index else "upcoming"

    def _stop_clock(self) -> float:
        total = self.total_elapsed()
        self._base_total = total
        self._segment_start = None
        return total

    def pause(self) -> None:
        """Stop the clock; allowed only in practice mode, as in a real interview there is no pause."""
        if not self.options.practice:
            raise UsageError("pause is only available in practice mode")
        if self._segment_start is None or self.stage in (Stage.DONE, Stage.SUBMITTED):
            return
        total = self._stop_clock()
        self.store.add_event(self.id, "pause", self.phase.value, elapsed_s=total)
        self.store.save_progress(self.id, total, self.phase.value)

    def resume_clock(self) -> None:
        if self._segment_start is not None or self.stage in (Stage.DONE, Stage.SUBMITTED):
            return
        self._segment_start = self.clock.now()
        self.store.add_event(self.id, "resume", self.phase.value, elapsed_s=self._base_total)

    # ------------------------------------------------------------ phases

    def end_phase(self) -> None:
        """The candidate says they are done with the phase: the interviewer's follow-ups come next."""
        if self.stage == Stage.ANSWERING:
            self.stage = Stage.FOLLOWUP

    def advance(self) -> Phase | None:
        """Close the current phase and open the next; None when the last phase has ended."""
        if self.stage in (Stage.DONE, Stage.SUBMITTED):
            return None
        self.save_now()
        total = self.total_elapsed()
        name = self.phase.value
        self.phase_seconds[name] = total - self._phase_start_total
        self.store.add_event(self.id, "phase_end", name, elapsed_s=total)
        if self.is_last_phase:
            self._stop_clock()
            self.stage = Stage.DONE
            self.store.save_progress(self.id, total, name)
            return None
        self.index += 1
        self._phase_start_total = total
        self.stage = Stage.ANSWERING
        self.store.add_event(self.id, "phase_start", self.phase.value, elapsed_s=total)
        self.store.save_progress(self.id, total, self.phase.value)
        self._saved_elapsed = total
        return self.phase

    def auto_advance_due(self) -> bool:
        return (
            self.options.auto_advance
            and self.running
            and self.stage in (Stage.ANSWERING, Stage.FOLLOWUP)
            and self.phase_remaining() <= 0
        )

    def submit(self) -> None:
        """End the mock (early or on time): save everything, close the phase, mark it submitted."""
        if self.stage == Stage.SUBMITTED:
            return
        from mockint.store.db import now_iso

        self.save_now()
        if self.stage != Stage.DONE:
            total = self.total_elapsed()
            self.phase_seconds[self.phase.value] = total - self._phase_start_total
            self.store.add_event(self.id, "phase_end", self.phase.value, elapsed_s=total)
        total = self._stop_clock()
        early = self.stage != Stage.DONE
        self.stage = Stage.SUBMITTED
        self.store.add_event(
            self.id, "submit", self.phase.value, elapsed_s=total, data={"early": early}
        )
        self.store.update_session(
            self.id,
            status="submitted",
            ended_at=now_iso(),
            elapsed_s=total,
            current_phase=self.phase.value,
        )

    def abandon(self) -> None:
        """Give up on this mock: it stays in history as abandoned and is no longer offered for resume."""
        self.save_now()
        total = self._stop_clock()
        self.store.update_session(self.id, status="abandoned", elapsed_s=total)

    # ------------------------------------------------------------ answers and autosave

    def set_answer(self, phase: Phase | str, text: str) -> None:
        name = Phase(phase).value
        with self._lock:
            if self.answers.get(name) != text:
                self.answers[name] = text
                self._dirty_answers.add(name)

    def set_reply(self, event_id: int, text: str) -> None:
        for state in self.exchanges:
            if state.event_id == event_id:
                with self._lock:
                    if state.exchange.reply != text:
                        state.exchange.reply = text
                        self._dirty_replies.add(event_id)
                return
        raise KeyError(event_id)

    def take_batch(self, force_progress: bool = False) -> SaveBatch:
        """Collect unsaved answers, replies and (when it moved a second or more) the clock."""
        with self._lock:
            batch = SaveBatch(
                self.id,
                answers={p: self.answers[p] for p in self._dirty_answers},
                replies={
                    s.event_id: s.exchange.reply
                    for s in self.exchanges
                    if s.event_id in self._dirty_replies
                },
            )
            self._dirty_answers.clear()
            self._dirty_replies.clear()
        if self.stage != Stage.SUBMITTED:
            total = self.total_elapsed()
            if force_progress or abs(total - self._saved_elapsed) >= 1.0 or batch.answers:
                batch.elapsed_s = round(total, 3)
                batch.current_phase = self.phase.value
                self._saved_elapsed = total
        return batch

    def has_unsaved(self) -> bool:
        return bool(self._dirty_answers or self._dirty_replies)

    def save_soon(self) -> Future[Any] | None:
        """Queue unsaved work for the background writer and return at once (the autosave path)."""
        batch = self.take_batch()
        return self.writer.submit(write_batch, self.store, batch) if batch else None

    def save_now(self) -> None:
        """Write everything unsaved and wait for it, behind any queued autosave so order is kept."""
        batch = self.take_batch(force_progress=self.stage != Stage.SUBMITTED)
        if batch:
            self.writer.submit(write_batch, self.store, batch)
        self.writer.flush()

    def close(self) -> None:
        """Save what is left and stop the background writer (on leaving the screen or quitting)."""
        self.save_now()
        self.writer.close()

    # ------------------------------------------------------------ the interviewer

    def _add_exchange(self, phase: str, exchange: Exchange) -> ExchangeState:
        event_id = self.store.add_exchange(self.id, phase, exchange, elapsed_s=self.total_elapsed())
        state = ExchangeState(event_id, phase, exchange)
        self.exchanges.append(state)
        return state

    def ask(self, question: str) -> tuple[ExchangeState, ClarifyingAnswer]:
        """The candidate asks a clarifying question; the reply comes from the problem's hidden facts."""
        question = question.strip()
        if not question:
            raise UsageError("type a question first")
        answer = self.interviewer.answer(question)
        state = self._add_exchange(
            self.phase.value,
            Exchange(
                kind="clarifying", question=question, reply=answer.reply, asked_by="candidate"
            ),
        )
        for topic in answer.facts:
            if topic not in self.facts_revealed:
                self.facts_revealed.append(topic)
                self.store.add_event(
                    self.id, "fact", self.phase.value, text=topic, elapsed_s=self.total_elapsed()
                )
        return state, answer

    def asked_questions(self, phase: Phase | str | None = None) -> list[str]:
        name = Phase(phase).value if phase is not None else None
        return [
            s.exchange.question
            for s in self.exchanges
            if s.exchange.asked_by == "interviewer" and (name is None or s.phase == name)
        ]

    def add_interviewer_questions(
        self, phase: Phase | str, questions: list[str], kind: ExchangeKind = "followup"
    ) -> list[ExchangeState]:
        """Record the interviewer's follow-ups (or a curveball) for a phase; replies come later."""
        name = Phase(phase).value
        return [
            self._add_exchange(name, Exchange(kind=kind, question=q, asked_by="interviewer"))
            for q in questions
        ]

    def phase_exchanges(self, phase: Phase | str) -> list[ExchangeState]:
        name = Phase(phase).value
        return [s for s in self.exchanges if s.phase == name]

    def open_questions(self) -> list[ExchangeState]:
        """Interviewer questions still waiting for a reply."""
        return [
            s
            for s in self.exchanges
            if s.exchange.asked_by == "interviewer" and not s.exchange.reply.strip()
        ]

    def followups_asked(self, phase: Phase | str | None = None) -> bool:
        name = Phase(phase).value if phase is not None else self.phase.value
        return any(s.phase == name and s.exchange.kind == "followup" for s in self.exchanges)

    def curveball_due(self) -> bool:
        """True once the Scale phase is far enough in and its curveball has not been asked yet."""
        return (
            self.phase == Phase.SCALE
            and self.stage == Stage.ANSWERING
            and bool(self.options.curveball)
            and not any(s.exchange.kind == "curveball" for s in self.exchanges)
            and self.phase_elapsed() >= CURVEBALL_AT * self.phase_budget()
        )

    def ask_curveball(self) -> ExchangeState | None:
        if not self.curveball_due() or not self.options.curveball:
            return None
        return self.add_interviewer_questions(
            Phase.SCALE, [self.options.curveball], kind="curveball"
        )[0]
