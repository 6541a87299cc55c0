"""The answer editor: one plain-text area per phase that marks itself dirty for the autosave."""

from __future__ import annotations

from textual.widgets import TextArea

PLACEHOLDERS = {
    "requirements": "Functional requirements (the core actions), non-functional ones with numbers "
    "(scale, latency, availability, consistency), what is out of scope. Ask the interviewer with Ctrl+T.",
    "estimation": "Traffic (average and peak QPS), storage per year, bandwidth, cache size: "
    "assumptions, arithmetic, and what each number means for the design.",
    "design": "API, data model, the components and how a request flows through them, the key mechanisms.",
    "scale": "Bottlenecks, hot spots, caching, sharding and replication, what fails and what happens then, "
    "how you would operate it.",
    "tradeoffs": "Alternatives you rejected and why, risks, how the system evolves, a short wrap-up.",
}


class AnswerEditor(TextArea):
    """The candidate's answer for one phase; `dirty` is set on every edit and cleared once saved."""

    def __init__(self, phase: str, text: str = "", **kwargs: object) -> None:
        super().__init__(
            text,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder=PLACEHOLDERS.get(phase, ""),
            id=f"editor-{phase}",
            **kwargs,  # type: ignore[arg-type]
        )
        self.phase = phase
        self.dirty = False
