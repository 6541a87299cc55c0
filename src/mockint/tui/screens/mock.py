"""The mock screen: the problem, the phase bar, two clocks, an editor per phase and the interviewer.

The screen renders a `MockSession` and forwards the candidate's actions to it. Keystrokes only
mark an editor dirty; a timer (at most `autosave_delay` after the first unsaved keystroke) copies
the text into the session, whose background writer puts it in SQLite, so typing never waits for
the disk. Phase changes, submitting and leaving the screen save synchronously first.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Input, Static, TextArea

from mockint.interview.session import ExchangeState, MockSession, Stage
from mockint.tui.app import MockintApp, WorkerErrorsToApp
from mockint.tui.widgets.answer_editor import AnswerEditor
from mockint.tui.widgets.clock import ClockLabel, format_clock
from mockint.tui.widgets.confirm import ConfirmScreen
from mockint.tui.widgets.interviewer_panel import InterviewerPanel
from mockint.tui.widgets.phase_bar import PhaseBar, budget_text

if TYPE_CHECKING:
    from mockint.content.models import Phase

PHASE_HINTS = {
    "requirements": "Ask me anything you need to know; I answer from what the product team told me.",
    "estimation": "Put numbers on it: the ones that change the design. F2 opens the numbers sheet.",
    "design": "Walk me through the API, the data and the components.",
    "scale": "Where does this break first, and what do you do about it?",
    "tradeoffs": "What did you choose against, and what would you revisit?",
}


class MockScreen(WorkerErrorsToApp, Screen[None]):
    """One mock, from the first phase to submitting it for grading."""

    CSS_PATH = str(Path(__file__).with_name("mock.tcss"))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next_phase", "Next phase", id="mock.next_phase", priority=True),
        Binding("ctrl+t", "focus_interviewer", "Ask/Reply", id="mock.interviewer", priority=True),
        Binding("ctrl+s", "save", "Save", id="mock.save", priority=True),
        Binding("ctrl+r", "toggle_pause", "Pause", id="mock.pause", priority=True),
        Binding("ctrl+f", "finish", "Finish", id="mock.finish", priority=True),
        Binding("alt+left", "view_step(-1)", "Prev phase", show=False, id="mock.view_prev"),
        Binding("alt+right", "view_step(1)", "Next view", show=False, id="mock.view_next"),
        Binding("escape", "focus_editor", "Editor", show=False, id="mock.editor"),
    ]

    def __init__(self, session: MockSession) -> None:
        super().__init__()
        self.session = session
        self.viewing = session.phase.value
        self._editors: dict[str, AnswerEditor] = {}
        self._autosave_timer: Timer | None = None
        self._reply_target: ExchangeState | None = None
        self._ignore_input_change = False
        self._followups_pending = False
        self._session_closed = False

    @property
    def mockint(self) -> MockintApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        s = self.session
        mode = "daily" if s.options.mode == "daily" else f"{round(s.total_budget() / 60)} min"
        practice = " · practice" if s.options.practice else ""
        with Horizontal(id="mock-top"):
            yield Static(f"{s.problem.title} · {s.level.value} · {mode}{practice}", id="mock-title")
            yield Static("", id="mock-state")
            yield ClockLabel(s.phase_remaining(), label=s.phase.title, id="phase-clock")
            yield ClockLabel(s.total_remaining(), label="Total", id="total-clock")
        yield PhaseBar([p.value for p in s.phases], id="phase-bar")
        with Horizontal(id="mock-body"):
            with Vertical(id="answer-column"):
                yield Static("", id="editor-title")
                with ContentSwitcher(initial=f"editor-{self.viewing}", id="editors"):
                    for phase in s.phases:
                        editor = AnswerEditor(phase.value, s.answers.get(phase.value, ""))
                        self._editors[phase.value] = editor
                        yield editor
            yield InterviewerPanel(s.problem.prompt.strip(), id="interviewer")
        yield Footer()

    def on_mount(self) -> None:
        panel = self.panel
        for state in self.session.exchanges:
            panel.add_exchange(state)
        self._refresh_phase_ui()
        self._pick_reply_target()
        self.tick()
        self.set_interval(self.mockint.tick_interval, self.tick, name="mock-clock")
        self._editors[self.viewing].focus()

    @property
    def panel(self) -> InterviewerPanel:
        return self.query_one(InterviewerPanel)

    # ------------------------------------------------------------ the clock

    def tick(self) -> None:
        """Read the clock: update both clocks, fire the curveball and auto-advance, save progress."""
        s = self.session
        if self._session_closed or s.stage == Stage.SUBMITTED:
            return
        if s.auto_advance_due() and not self._followups_pending:
            self._auto_advance()
            return
        if s.curveball_due():
            state = s.ask_curveball()
            if state is not None:
                self.panel.add_exchange(state)
                self.panel.note("Something just changed; see my question above.")
                self.notify(
                    "The interviewer has a curveball for you.", title="Curveball", timeout=5
                )
                self._pick_reply_target()
        self._update_clocks()
        s.save_soon()

    def _update_clocks(self) -> None:
        s = self.session
        phase_clock = self.query_one("#phase-clock", ClockLabel)
        if phase_clock.label != s.phase.title:
            phase_clock.label = s.phase.title
            phase_clock.watch_remaining(s.phase_remaining())
        phase_clock.remaining = s.phase_remaining()
        self.query_one("#total-clock", ClockLabel).remaining = s.total_remaining()
        state = ""
        if s.paused:
            state = "PAUSED"
        elif s.stage == Stage.FOLLOWUP:
            state = "follow-up"
        elif s.stage == Stage.DONE:
            state = "time to submit"
        self.query_one("#mock-state", Static).update(state)

    def _refresh_phase_ui(self) -> None:
        s = self.session
        self.query_one(PhaseBar).show(
            [(p.value, s.phase_budget(p), s.phase_status(p)) for p in s.phases], self.viewing
        )
        title = self.viewing.capitalize()
        if self.viewing == s.phase.value and s.stage not in (Stage.DONE, Stage.SUBMITTED):
            budget = budget_text(s.phase_budget())
            text = f"{title} · your answer · budget {budget}"
        else:
            text = f"{title} · earlier phase, still editable"
        self.query_one("#editor-title", Static).update(text)
        self.query_one("#editors", ContentSwitcher).current = f"editor-{self.viewing}"
        self.refresh_bindings()

    # ------------------------------------------------------------ autosave

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        editor = event.text_area
        if isinstance(editor, AnswerEditor):
            editor.dirty = True
            self._schedule_autosave()

    def _schedule_autosave(self) -> None:
        if self._autosave_timer is None and not self._session_closed:
            self._autosave_timer = self.set_timer(
                self.mockint.autosave_delay, self.autosave, name="autosave"
            )

    def _collect_editors(self) -> None:
        for phase, editor in self._editors.items():
            if editor.dirty:
                editor.dirty = False
                self.session.set_answer(phase, editor.text)

    def autosave(self) -> None:
        """Copy dirty editors into the session and queue the write on the background thread."""
        self._autosave_timer = None
        if self._session_closed:
            return
        self._collect_editors()
        self.session.save_soon()

    def save_now(self) -> None:
        """Write everything and wait for it (phase change, submit, quit)."""
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        self._collect_editors()
        self.session.save_now()

    def action_save(self) -> None:
        self.save_now()
        self.notify("Saved.", timeout=2)

    def close_session(self) -> None:
        """Save what is left and stop the background writer; safe to call more than once."""
        if self._session_closed:
            return
        self.save_now()
        self._session_closed = True
        self.session.close()

    def on_unmount(self) -> None:
        self.close_session()

    # ------------------------------------------------------------ the interviewer

    def _open_questions(self) -> list[ExchangeState]:
        return self.session.open_questions()

    def _pick_reply_target(self) -> None:
        """Reply to the oldest open interviewer question, else go back to asking."""
        open_now = self._open_questions()
        self._reply_target = open_now[0] if open_now else None
        panel = self.panel
        panel.set_mode("reply" if self._reply_target else "ask")
        wanted = self._reply_target.exchange.reply if self._reply_target else ""
        if panel.input.value != wanted:
            self._ignore_input_change = True
            panel.input.value = wanted
        if (
            self._reply_target is None
            and self.session.stage == Stage.FOLLOWUP
            and not self._followups_pending
        ):
            nxt = self._next_phase_name()
            panel.note(
                f"Thanks. Press Ctrl+N to {'move on to ' + nxt if nxt else 'finish and get graded'}."
            )
        elif self._reply_target is None and self.session.stage == Stage.ANSWERING:
            panel.note(PHASE_HINTS.get(self.session.phase.value, ""))

    def _next_phase_name(self) -> str | None:
        s = self.session
        return None if s.is_last_phase else s.phases[s.index + 1].title

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "interviewer-input":
            return
        if self._ignore_input_change:
            self._ignore_input_change = False
            return
        if self._reply_target is not None:
            self.session.set_reply(self._reply_target.event_id, event.value)
            self._schedule_autosave()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "interviewer-input":
            return
        event.stop()
        text = event.value.strip()
        if not text:
            return
        s = self.session
        target = self._reply_target
        if target is not None:
            s.set_reply(target.event_id, event.value.strip())
            self.panel.update_exchange(target)
            self._schedule_autosave()
            self._pick_reply_target()
            return
        state, answer = s.ask(text)
        self.panel.add_exchange(state)
        self._ignore_input_change = True
        self.panel.input.value = ""
        if answer.facts:
            self.panel.note("Noted. Anything else?")
        else:
            self.panel.note("No more detail on that: make an assumption and say it.")

    def action_focus_interviewer(self) -> None:
        self.panel.input.focus()

    def action_focus_editor(self) -> None:
        self._editors[self.viewing].focus()

    def _ask_followups(self, phase: Phase, then_advance: bool = False) -> None:
        self._followups_pending = True
        self.panel.note("The interviewer is thinking of a follow-up…")
        self.run_worker(
            self._followups(phase, then_advance),
            name="Asking follow-up questions",
            group="followups",
            exit_on_error=False,
        )

    async def _followups(self, phase: Phase, then_advance: bool) -> None:
        s = self.session
        app = self.mockint
        try:
            result = await s.interviewer.followups(
                phase,
                s.answers.get(phase.value, ""),
                s.asked_questions(phase),
                settings=app.settings,
                library=app.library,
                level=s.level.value,
            )
        finally:
            self._followups_pending = False
        if self._session_closed or s.stage == Stage.SUBMITTED:
            return
        for state in s.add_interviewer_questions(phase, result.questions):
            self.panel.add_exchange(state)
        if result.note:
            self.notify(result.note, severity="warning", timeout=6)
        self._pick_reply_target()
        if self._reply_target is not None and not then_advance:
            self.panel.note(f"Before we leave {phase.title}: please answer above, then Ctrl+N.")
            self.panel.input.focus()
        elif self._reply_target is None and not then_advance and s.stage == Stage.FOLLOWUP:
            self._advance()

    # ------------------------------------------------------------ phases

    def action_next_phase(self) -> None:
        """First press ends the phase and brings the follow-ups; the next one moves on."""
        s = self.session
        if s.stage == Stage.SUBMITTED:
            return
        if self._followups_pending:
            self.notify("One moment: the interviewer is writing a follow-up.", timeout=3)
            return
        if s.stage == Stage.ANSWERING:
            self.save_now()
            s.end_phase()
            self._update_clocks()
            self._ask_followups(s.phase)
        elif s.stage == Stage.FOLLOWUP:
            self._advance()
        else:
            self._submit_and_grade()

    def _advance(self) -> None:
        s = self.session
        self.save_now()
        ended = s.phase
        nxt = s.advance()
        if nxt is None:
            self._submit_and_grade()
            return
        self.viewing = nxt.value
        self._refresh_phase_ui()
        self._update_clocks()
        self._pick_reply_target()
        note = f"{nxt.title}, {budget_text(s.phase_budget())}: {PHASE_HINTS.get(nxt.value, '')}"
        if self._reply_target is not None:
            note += " (A question from earlier is still open above.)"
        self.panel.note(note)
        self._editors[self.viewing].focus()
        self.log.info(f"phase {ended.value} ended after {format_clock(s.phase_elapsed(ended))}")

    def _auto_advance(self) -> None:
        s = self.session
        ended = s.phase
        if s.is_last_phase:
            self.notify("Time is up.", timeout=4)
            self._submit_and_grade()
            return
        asked = s.followups_asked(ended)
        self.notify(f"Time is up for {ended.title}: moving on.", timeout=4)
        self._advance()
        if not asked:
            self._ask_followups(ended, then_advance=True)

    def action_toggle_pause(self) -> None:
        s = self.session
        if not s.options.practice:
            self.notify(
                "Pause is only available in practice mode: a real interview does not stop.",
                timeout=4,
            )
            return
        if s.paused:
            s.resume_clock()
        else:
            self.save_now()
            s.pause()
        self._update_clocks()

    def view_phase(self, phase: str) -> None:
        """Show a phase's editor: the current one or any earlier one (still editable)."""
        s = self.session
        if phase not in s.budgets or s.phase_status(phase) == "upcoming":
            return
        self.viewing = phase
        self._refresh_phase_ui()
        self._editors[phase].focus()

    def action_view_phase(self, phase: str) -> None:
        self.view_phase(phase)

    def action_view_step(self, step: int) -> None:
        names = [p.value for p in self.session.phases]
        i = names.index(self.viewing) + step
        if 0 <= i < len(names):
            self.view_phase(names[i])

    # ------------------------------------------------------------ finishing

    def action_finish(self) -> None:
        s = self.session
        if s.stage == Stage.DONE:
            self._submit_and_grade()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._submit_and_grade()

        self.app.push_screen(
            ConfirmScreen(
                "End the mock now and grade it? Phases you have not reached are graded as empty.",
                yes="End and grade",
            ),
            callback=answered,
        )

    def _submit_and_grade(self) -> None:
        s = self.session
        if s.stage == Stage.SUBMITTED:
            return
        self._collect_editors()
        s.submit()
        self.close_session()
        from mockint.tui.screens.review import ReviewScreen

        self.app.switch_screen(ReviewScreen(s.id, grade_on_open=True))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_pause":
            return self.session.options.practice
        return True

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Entries for the command palette while a mock is open."""
        s = self.session
        yield SystemCommand(
            "Next phase", "End this phase (follow-ups first), then move on", self.action_next_phase
        )
        yield SystemCommand(
            "Ask the interviewer",
            "Ask a clarifying question or reply to one",
            self.action_focus_interviewer,
        )
        yield SystemCommand("Save now", "Write every answer to the database now", self.action_save)
        yield SystemCommand(
            "Finish and grade", "End the mock early and grade it", self.action_finish
        )
        if s.options.practice:
            yield SystemCommand(
                "Pause or resume", "Stop the clock (practice mode only)", self.action_toggle_pause
            )
        for phase in s.phases:
            if s.phase_status(phase) != "upcoming":
                yield SystemCommand(
                    f"View {phase.title}",
                    f"Show your {phase.title} answer",
                    self._viewer(phase.value),
                )

    def _viewer(self, phase: str) -> Any:
        return lambda: self.view_phase(phase)
