"""The interviewer panel: the problem prompt, the conversation so far, and one line to ask or reply."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from mockint.interview.session import ExchangeState

InputMode = Literal["ask", "reply"]

KIND_LABEL = {"followup": "follow-up", "curveball": "curveball", "clarifying": "question"}


def exchange_content(state: ExchangeState) -> Content:
    """One exchange as plain text with who said what; the candidate's words are never parsed as markup."""
    ex = state.exchange
    phase = state.phase.capitalize()
    if ex.asked_by == "candidate":
        return Content.assemble(
            ("You ", "bold $text-primary"),
            (f"({phase}): ", "$text-muted"),
            ex.question,
            "\n",
            ("Interviewer: ", "bold $text-accent"),
            ex.reply,
        )
    reply = ex.reply.strip()
    return Content.assemble(
        ("Interviewer ", "bold $text-accent"),
        (f"({KIND_LABEL.get(ex.kind, ex.kind)}, {phase}): ", "$text-muted"),
        ex.question,
        "\n",
        ("You: ", "bold $text-primary"),
        (reply, "") if reply else ("(waiting for your reply)", "italic $text-muted"),
    )


class ExchangeView(Static):
    """A single exchange in the conversation."""

    def __init__(self, state: ExchangeState) -> None:
        super().__init__(exchange_content(state), classes=f"exchange -{state.exchange.kind}")
        self.state = state

    def refresh_state(self) -> None:
        self.update(exchange_content(self.state))


class InterviewerPanel(Vertical):
    """The right-hand column of the mock screen."""

    def __init__(self, prompt: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.prompt = prompt
        self._views: dict[int, ExchangeView] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="prompt-scroll"):
            yield Static(Content(self.prompt), id="problem-prompt")
        with VerticalScroll(id="conversation"):
            yield Static("", id="interviewer-note")
        yield Input(placeholder="Ask a clarifying question (Enter)", id="interviewer-input")

    def on_mount(self) -> None:
        self.query_one("#conversation", VerticalScroll).anchor()

    @property
    def input(self) -> Input:
        return self.query_one("#interviewer-input", Input)

    def add_exchange(self, state: ExchangeState) -> None:
        """Append an exchange and scroll it into view."""
        view = ExchangeView(state)
        self._views[state.event_id] = view
        scroll = self.query_one("#conversation", VerticalScroll)
        scroll.mount(view, before="#interviewer-note")
        scroll.anchor()

    def update_exchange(self, state: ExchangeState) -> None:
        view = self._views.get(state.event_id)
        if view is not None:
            view.refresh_state()

    def note(self, text: str) -> None:
        """The interviewer's one-line stage direction under the conversation."""
        self.query_one("#interviewer-note", Static).update(Content(text))

    def set_mode(self, mode: InputMode) -> None:
        """Ask mode for clarifying questions, reply mode while a question from the interviewer is open."""
        self.set_class(mode == "reply", "-reply")
        if mode == "reply":
            self.input.placeholder = "Reply to the interviewer (Enter to send)"
        else:
            self.input.placeholder = "Ask the interviewer a question (Enter)"
