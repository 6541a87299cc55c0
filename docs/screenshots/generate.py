"""Regenerate the README screenshots from the real app and the built-in content.

Run from the repository root: `.venv/bin/python docs/screenshots/generate.py`. The app runs
headless on a temporary database with a manual clock and the offline grader, so the pictures
show exactly what a user sees, without anything personal in them.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ["MOCKINT_HOME"] = tempfile.mkdtemp(prefix="mockint-screens-")
for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MOCKINT_BASE_URL"):
    os.environ.pop(var, None)
sys.path.insert(0, str(HERE.parents[1] / "src"))

from mockint.config import Settings  # noqa: E402
from mockint.content.loader import load_library  # noqa: E402
from mockint.interview.clock import ManualClock  # noqa: E402
from mockint.store.db import Store  # noqa: E402
from mockint.tui.app import MockintApp  # noqa: E402

SIZE = (110, 34)
REQUIREMENTS = """Functional: create a short link for a long URL (optional custom alias and expiry); \
redirect from the short code to the original.
Non-functional: redirects p99 under 100 ms and 99.99% available; reads dominate, about 100:1, \
so the redirect path is what we design for. Out of scope: analytics dashboards, accounts, editing."""
ESTIMATION = """100M new links a month / 2.6M seconds = about 40 writes per second; at 100:1 that is \
4,000 redirects per second on average, peaks 3x. 500 bytes per row x 1.2B links a year = 600 GB a \
year: no need to shard on day one; cache the hot set."""


async def main() -> None:
    library = load_library()
    clock = ManualClock()
    app = MockintApp(
        Store(Path(os.environ["MOCKINT_HOME"]) / "mockint.db"),
        library,
        Settings(grader="offline"),
        clock=clock,
    )
    app.autosave_delay = 0.01
    app.tick_interval = 3600.0
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.save_screenshot("home.svg", str(HERE))
        await pilot.press("n")
        await pilot.pause()
        app.save_screenshot("picker.svg", str(HERE))
        await pilot.press("escape")
        app.start_mock("url-shortener", level="senior")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#editor-requirements").insert(REQUIREMENTS)
        for question in (
            "How many links a month, and how many redirects?",
            "How long do links live?",
        ):
            state, _ = screen.session.ask(question)
            screen.panel.add_exchange(state)
        clock.advance(310)
        screen.tick()
        await pilot.press("ctrl+n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen.panel.input.value = "Different codes: dedup is not worth a lookup on every create."
        await pilot.press("enter", "ctrl+n")
        await pilot.pause()
        screen.query_one("#editor-estimation").insert(ESTIMATION)
        clock.advance(250)
        screen.tick()
        await pilot.pause()
        app.save_screenshot("mock.svg", str(HERE))
        app.theme = "textual-light"
        await pilot.pause()
        app.save_screenshot("mock-light.svg", str(HERE))
        app.theme = "textual-dark"
        await pilot.press("ctrl+f", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot("review.svg", str(HERE))
        app.screen.query_one("#review-tabs").active = "tab-requirements"
        await pilot.pause()
        app.save_screenshot("review-evidence.svg", str(HERE))
    print("screenshots written to", HERE)


if __name__ == "__main__":
    asyncio.run(main())
