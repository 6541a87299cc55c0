"""The numbers sheet opens over a running mock with F2 and closes without touching the answer."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static, TextArea

from mock_fixtures import make_app, make_library
from mockint.content.loader import load_library
from mockint.content.models import NumberItem, NumberSection
from mockint.interview.clock import ManualClock
from mockint.tui.screens.mock import MockScreen
from mockint.tui.screens.numbers import NumbersScreen, section_table


def rendered(screen: NumbersScreen) -> str:
    parts = []
    for static in screen.query(".numbers-section").results(Static):
        table = static.content
        parts.append(table.title)
        parts.extend(str(cell) for column in table.columns for cell in column.cells)
    return "\n".join(parts)


async def test_f2_shows_the_numbers_sheet_during_a_mock_and_esc_returns(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    library.numbers.append(
        NumberSection(
            title="Time and rates",
            items=[NumberItem(name="Seconds per day", value="86,400", note="round to 10^5")],
        )
    )
    clock = ManualClock()
    app = make_app(tmp_path, clock=clock, library=library)
    async with app.run_test(size=(100, 32)) as pilot:
        app.start_mock("paste-bin", level="senior")
        await pilot.pause()
        mock = app.screen
        assert isinstance(mock, MockScreen)
        editor = mock.query_one(TextArea)
        editor.focus()
        editor.insert("Assume 1M pastes a day")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, NumbersScreen)
        text = rendered(app.screen)
        assert "Time and rates" in text and "Seconds per day" in text and "86,400" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is mock
        assert "Assume 1M pastes a day" in mock.query_one(TextArea).text


def test_the_shipped_sheet_has_the_estimation_basics() -> None:
    sections = load_library().numbers
    titles = " ".join(s.title.lower() for s in sections)
    assert "latenc" in titles and "availability" in titles
    table = section_table(sections[0])
    assert table.row_count == len(sections[0].items) > 0
