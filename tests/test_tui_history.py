"""Pilot tests for the history screen: paging, filters, trends panel, and opening a session."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Markdown, Sparkline

from mockint.store.db import Store
from mockint.tui.screens.history import PAGE_SIZE, HistoryScreen, SessionDetailScreen, TrendChart
from progress_support import BASE_TIME, add_session, days, make_report, progress_app, real_library


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "mockint.db") as s:
        yield s


def _bulk(store: Store, n: int) -> list[str]:
    """n graded mocks, one an hour."""
    lib = real_library()
    report = make_report(lib, "system-design", "senior", {"traffic-estimate": 1})
    ids = []
    for i in range(n):
        rec = store.create_session(
            "mock",
            "senior",
            "url-shortener",
            started_at=(BASE_TIME + timedelta(hours=i)).isoformat(),
            status="submitted",
        )
        store.save_grade(rec.id, report)
        ids.append(rec.id)
    return ids


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def _keys(table: DataTable) -> list[str]:
    return [
        str(table.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(table.row_count)
    ]


async def test_first_page_then_more_as_the_cursor_nears_the_end(store: Store) -> None:
    ids = _bulk(store, PAGE_SIZE + 30)
    app = progress_app(store, real_library(), HistoryScreen)
    async with app.run_test() as pilot:
        await _settle(pilot)
        table = app.screen.query_one("#history-table", DataTable)
        assert table.row_count == PAGE_SIZE
        assert _keys(table)[0] == ids[-1]  # newest first
        assert _text(app, "#history-status").startswith(f"{PAGE_SIZE} of {PAGE_SIZE + 30} sessions")
        table.move_cursor(row=PAGE_SIZE - 2)
        await _settle(pilot)
        assert table.row_count == PAGE_SIZE + 30
        assert _keys(table)[-1] == ids[0]
        assert _text(app, "#history-status").startswith(
            f"{PAGE_SIZE + 30} of {PAGE_SIZE + 30} sessions"
        )
        assert "scroll down" not in _text(app, "#history-status")


async def test_rows_show_date_kind_problem_level_grader_score_status(store: Store) -> None:
    lib = real_library()
    sid = add_session(store, lib, scores={"data-model": 1})
    app = progress_app(store, lib, HistoryScreen)
    async with app.run_test() as pilot:
        await _settle(pilot)
        table = app.screen.query_one("#history-table", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        overall = store.get_session(sid).overall
        assert row[1:] == ["mock", "url-shortener", "senior", "offline", f"{overall:.0f}", "graded"]
        assert row[0].startswith("2026-11-0")
        assert _keys(table) == [sid]


async def test_kind_filter_reloads_the_table_and_the_trends(store: Store) -> None:
    lib = real_library()
    add_session(store, lib, started=BASE_TIME)
    drill = add_session(
        store, lib, kind="drill", problem=None, started=BASE_TIME + days(1), scores={"deliver": 1}
    )
    app = progress_app(store, lib, HistoryScreen)
    async with app.run_test() as pilot:
        await _settle(pilot)
        assert app.screen.query_one("#history-table", DataTable).row_count == 2
        await pilot.press("k")  # all -> mock
        await _settle(pilot)
        assert app.screen.query_one("#history-table", DataTable).row_count == 1
        await pilot.press("k")  # mock -> drill
        await _settle(pilot)
        table = app.screen.query_one("#history-table", DataTable)
        assert _keys(table) == [drill]
        assert "kind drill" in _text(app, "#history-filter-bar")
        assert app.screen.trend_data.kind == "drill"
        chart = app.screen.query_one(TrendChart)
        assert {"Overall", "Words per minute", "Hedging words"} <= set(chart.labels)
        assert "framing" in _text(app, "#history-weakest")
        await pilot.press("c")
        await _settle(pilot)
        assert app.screen.query_one("#history-table", DataTable).row_count == 2


async def test_level_and_status_filters_cycle(store: Store) -> None:
    lib = real_library()
    add_session(store, lib, level="mid")
    staff = add_session(store, lib, level="staff", started=BASE_TIME + days(1))
    pending = add_session(store, lib, graded=False, started=BASE_TIME + days(2))
    app = progress_app(store, lib, HistoryScreen)
    async with app.run_test() as pilot:
        await _settle(pilot)
        await pilot.press("l", "l", "l")  # all -> mid -> senior -> staff
        await _settle(pilot)
        assert _keys(app.screen.query_one("#history-table", DataTable)) == [staff]
        await pilot.press("c", "s", "s", "s")  # any -> graded -> pending -> submitted
        await _settle(pilot)
        assert "status submitted" in _text(app, "#history-filter-bar")
        assert _keys(app.screen.query_one("#history-table", DataTable)) == [pending]


async def test_problem_filter_and_no_match(store: Store) -> None:
    lib = real_library()
    add_session(store, lib)
    app = progress_app(store, lib, HistoryScreen)
    async with app.run_test() as pilot:
        await _settle(pilot)
        assert not app.screen.query_one("#history-problem", Input).display
        await pilot.press("slash", *"nope", "enter")
        await _settle(pilot)
        assert app.screen.query_one("#history-table", DataTable).row_count == 0
        assert _text(app, "#history-status") == "No sessions match."
        assert "problem nope" in _text(app, "#history-filter-bar")


async def test_trends_panel_has_sparklines_weakest_and_days(store: Store) -> None:
    lib = real_library()
    for i in range(4):
        add_session(store, lib, scores={"traffic-estimate": 1 + i % 2}, started=BASE_TIME + days(i))
    app = progress_app(store, lib, HistoryScreen)
    async with app.run_test() as pilot:
        await _settle(pilot)
        screen = app.screen
        assert "Days practised: 4" in _text(app, "#history-days")
        chart = screen.query_one(TrendChart)
        assert chart.labels[:6] == [
            "Overall",
            "Requirements",
            "Estimation",
            "Design",
            "Scale",
            "Tradeoffs",
        ]
        assert len(chart.values("Overall")) == 4
        assert len(screen.query(Sparkline)) == len(chart.labels)
        traffic = (
            lib.rubric("system-design").section("estimation").criterion("traffic-estimate").name
        )
        criteria = _text(app, "#history-criteria")
        line = next(ln for ln in criteria.splitlines() if ln.startswith(traffic[:19]))
        assert "▁▃▁▃" in line and line.rstrip().endswith("2")  # scores 1,2,1,2 on the 1-4 scale
        weak = _text(app, "#history-weakest").splitlines()
        assert weak[0].startswith(traffic) and "-1.5 vs expected" in weak[0]


async def test_empty_history_says_how_to_start(store: Store) -> None:
    app = progress_app(store, real_library(), HistoryScreen)
    async with app.run_test() as pilot:
        await _settle(pilot)
        assert "No sessions yet" in _text(app, "#history-status")
        headings = " ".join(str(w.render()) for w in app.screen.query(".trend-heading"))
        assert "No graded mocks yet" in headings
        assert "Days practised: 0" in _text(app, "#history-days")


async def test_enter_opens_the_session_and_escape_comes_back(store: Store) -> None:
    lib = real_library()
    sid = add_session(store, lib, scores={"data-model": 1})
    app = progress_app(store, lib, HistoryScreen)
    async with app.run_test() as pilot:
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, SessionDetailScreen) and app.screen.session_id == sid
        assert f"`{sid}`" in app.screen.markdown and "Advice:" in app.screen.markdown
        assert app.screen.query_one("#detail-md", Markdown).source == app.screen.markdown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
