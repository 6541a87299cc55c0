"""The numbers sheet: reference figures for estimation, one keypress away during a mock."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from mockint.content.models import NumberSection


def section_table(section: NumberSection) -> Table:
    """One section of the sheet as a two-column table with notes dimmed."""
    table = Table(
        title=section.title, title_justify="left", expand=True, show_header=False, box=None
    )
    table.add_column("name", ratio=3)
    table.add_column("value", ratio=2, style="bold")
    table.add_column("note", ratio=4, style="dim")
    for item in section.items:
        table.add_row(item.name, item.value, item.note)
    return table


class NumbersScreen(ModalScreen[None]):
    """Latencies, throughput per component, sizes, time conversions and availability nines."""

    DEFAULT_CSS = """
    NumbersScreen { align: center middle; }
    NumbersScreen > Vertical {
        width: 96%; max-width: 110; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    NumbersScreen #numbers-title { text-style: bold; padding: 0 0 1 0; }
    NumbersScreen .numbers-section { padding: 0 0 1 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f2,q", "dismiss", "Close", id="numbers.close"),
    ]

    def compose(self) -> ComposeResult:
        sections = list(self.app.library.numbers)  # type: ignore[attr-defined]
        with Vertical():
            yield Static(
                Text("Numbers sheet: reference figures for estimates (Esc to close)"),
                id="numbers-title",
            )
            with VerticalScroll(id="numbers-body"):
                if not sections:
                    yield Static("No numbers sheet is loaded (reference/numbers.toml).")
                for section in sections:
                    yield Static(section_table(section), classes="numbers-section")

    def on_mount(self) -> None:
        self.query_one("#numbers-body", VerticalScroll).focus()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
