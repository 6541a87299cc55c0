"""History over 10,000 stored sessions (goal: under 300 ms to open), against same-run baselines.

Run by hand: `.venv/bin/python bench/bench_history.py [--sessions N] [--runs N]`. It builds one
database with N sessions (mocks, drills, own-system answers; each graded, with criterion scores)
in a temporary MOCKINT_HOME, then reports medians of:

1. `mockint history --json` in a subprocess, against `python -c pass`, `mockint --version` and
   the same command on an empty database.
2. The queries in-process: the first page (what the CLI and the screen list), and everything the
   screen's trends panel computes (trends, weakest dimensions, days and streaks).
3. The HistoryScreen headless from app start: to its first frame (rows and weakest dimensions),
   and until the sparklines and the days-practised count are on screen; against a bare App with
   an empty DataTable, and one holding the same 50 rows (Textual's own cost for them).
4. The HistoryScreen pushed in a running app, as from the home screen, against a Screen with an
   empty DataTable and one with the same 50 rows.

Timings are medians; the first run of each kind is a warm-up (imports, CSS) and not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mockint.config import Level, Settings  # noqa: E402
from mockint.content.loader import Library, load_library  # noqa: E402
from mockint.grading.report import CriterionResult, GradeReport, PhaseResult  # noqa: E402
from mockint.grading.scoring import finalize  # noqa: E402
from mockint.store.db import Store  # noqa: E402

KIND_RUBRIC = {"mock": "system-design", "drill": "framing", "own-system": "own-system"}
LEVELS = ["mid", "senior", "staff", "principal"]


def _report(
    library: Library, kind: str, level: str, rng: random.Random, problem: str | None
) -> GradeReport:
    rubric = library.rubric(KIND_RUBRIC[kind])
    phases = []
    for section in rubric.sections:
        criteria = [
            CriterionResult(
                id=c.id,
                name=c.name,
                score=rng.randint(1, 4),
                evidence=["a quote from the answer"],
                missing="What was missing.",
                advice="What to practise.",
            )
            for c in section.criteria
            if c.applies_to(Level(level))
        ]
        phases.append(
            PhaseResult(phase=section.id, criteria=criteria, summary="A summary of the phase.")
        )
    report = GradeReport(grader="offline", level=Level(level), problem=problem, phases=phases)
    return finalize(report, rubric)


def build_database(path: Path, library: Library, n: int) -> None:
    """n sessions over the last ~3 years: 70% mocks, 20% drills, 10% own-system; each graded once."""
    rng = random.Random(7)
    problems = sorted(library.problems)
    start = datetime.now(UTC) - timedelta(days=3 * 365)
    store = Store(path)
    templates: dict[tuple[str, str], GradeReport] = {}
    for kind in KIND_RUBRIC:
        for level in LEVELS:
            templates[(kind, level)] = _report(library, kind, level, rng, None)
    with store._lock, store.conn:
        for i in range(n):
            kind = rng.choices(list(KIND_RUBRIC), weights=[7, 2, 1])[0]
            level = rng.choice(LEVELS)
            problem = rng.choice(problems) if kind == "mock" else None
            started = (start + timedelta(minutes=i * 150 + rng.randint(0, 60))).isoformat(
                timespec="microseconds"
            )
            sid = f"b{i:09d}"
            report = templates[(kind, level)].model_copy(update={"problem": problem})
            store.conn.execute(
                "INSERT INTO sessions(id, kind, problem_id, title, level, status, grader, started_at, updated_at, "
                "elapsed_s, budgets_json, options_json, overall, verdict) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    sid,
                    kind,
                    problem,
                    None,
                    level,
                    "graded",
                    "offline",
                    started,
                    started,
                    2700.0,
                    "{}",
                    "{}",
                    report.overall,
                    report.verdict,
                ),
            )
            store.conn.execute(
                "INSERT INTO answers(session_id, phase, text, updated_at) VALUES(?,?,?,?)",
                (sid, "design", "An answer of a few words. " * 40, started),
            )
            cur = store.conn.execute(
                "INSERT INTO grades(session_id, created_at, grader, level, status, overall, verdict, report_json) "
                "VALUES(?,?,?,?,?,?,?,?)",
                (
                    sid,
                    started,
                    "offline",
                    level,
                    "graded",
                    report.overall,
                    report.verdict,
                    report.model_dump_json(),
                ),
            )
            gid = cur.lastrowid
            store.conn.executemany(
                "INSERT INTO criterion_scores(grade_id, session_id, phase, criterion_id, score, expected) VALUES(?,?,?,?,?,?)",
                [
                    (gid, sid, p.phase, c.id, rng.randint(1, 4), c.expected)
                    for p in report.phases
                    for c in p.criteria
                ],
            )
            if kind == "drill":
                store.conn.execute(
                    "INSERT INTO drills(session_id, prompt, limit_s, seconds_used, words, wpm, hedges) VALUES(?,?,?,?,?,?,?)",
                    (
                        sid,
                        "How do you approach any system design problem?",
                        120.0,
                        115.0,
                        240,
                        125.0,
                        rng.randint(0, 6),
                    ),
                )
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def run_cmd(argv: list[str], env: dict[str, str]) -> Callable[[], object]:
    def go() -> None:
        done = subprocess.run(argv, env=env, capture_output=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{argv} failed: {done.stderr.decode()[:500]}")

    return go


def screen_bench(store: Store, library: Library, runs: int) -> dict[str, float]:
    """Headless timings from app start to the first frame (the first refresh) and to 'complete'."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from mockint.interview.clock import ManualClock
    from mockint.progress.listing import history_page
    from mockint.tui.screens.history import COLUMNS, PAGE_SIZE, HistoryScreen, history_row

    marks: dict[str, float] = {}
    first_page = history_page(store, limit=PAGE_SIZE).entries

    def mark(name: str) -> None:
        marks.setdefault(name, time.perf_counter())

    class BareApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            self.call_after_refresh(mark, "first")

    class BareRowsApp(BareApp):
        """The same first page in a plain DataTable: what Textual itself costs for those rows."""

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for name in COLUMNS:
                table.add_column(name)
            for entry in first_page:
                table.add_row(*history_row(entry))

    class TimedHistory(HistoryScreen):
        def on_mount(self) -> None:  # Textual also runs HistoryScreen.on_mount
            self.call_after_refresh(mark, "first")

        def _show_summary(self, summary: object) -> None:
            super()._show_summary(summary)  # type: ignore[arg-type]
            self.call_after_refresh(mark, "days")

        async def _add_charts(self, generation: int, data: object) -> None:
            await super()._add_charts(generation, data)  # type: ignore[arg-type]
            self.call_after_refresh(mark, "charts")

    class HistoryApp(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.store, self.library = store, library
            self.settings, self.clock = Settings(grader="offline"), ManualClock()

        def on_mount(self) -> None:
            self.push_screen(TimedHistory())

    async def once(make: Callable[[], App[None]], wait_for: str) -> tuple[float, float]:
        marks.clear()
        app = make()
        start = time.perf_counter()
        waits = ("first", "charts", "days") if wait_for == "complete" else ("first",)
        async with app.run_test(size=(160, 50)):
            while not all(w in marks for w in waits):
                await asyncio.sleep(0.001)
        return (marks["first"] - start) * 1000, (max(marks[w] for w in waits) - start) * 1000

    results: dict[str, list[float]] = {"bare": [], "bare_rows": [], "first": [], "complete": []}
    for i in range(runs + 1):
        bare, _ = asyncio.run(once(BareApp, "first"))
        bare_rows, _ = asyncio.run(once(BareRowsApp, "first"))
        first, complete = asyncio.run(once(HistoryApp, "complete"))
        if i == 0:
            continue  # warm-up: imports
        results["bare"].append(bare)
        results["bare_rows"].append(bare_rows)
        results["first"].append(first)
        results["complete"].append(complete)
    out = {k: statistics.median(v) for k, v in results.items()}
    out.update(open_in_running_app(store, library, runs))
    return out


def open_in_running_app(store: Store, library: Library, runs: int) -> dict[str, float]:
    """What pressing 'history' on the home screen costs: push the screen in a running app, time
    to its first frame; against pushing a Screen with an empty DataTable, and one with the same
    50 rows in a plain DataTable, the same way."""
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import DataTable

    from mockint.interview.clock import ManualClock
    from mockint.tui.screens.history import HistoryScreen

    marks: dict[str, float] = {}

    def mark() -> None:
        marks.setdefault("first", time.perf_counter())

    from mockint.progress.listing import history_page
    from mockint.tui.screens.history import COLUMNS, PAGE_SIZE, history_row

    first_page = history_page(store, limit=PAGE_SIZE).entries

    class BareScreen(Screen[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            self.call_after_refresh(mark)

    class RowsScreen(BareScreen):
        """The same first page in a plain DataTable: Textual's own cost for those rows."""

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for name in COLUMNS:
                table.add_column(name)
            for entry in first_page:
                table.add_row(*history_row(entry))
            self.call_after_refresh(mark)

    class TimedHistory(HistoryScreen):
        def on_mount(self) -> None:
            self.call_after_refresh(mark)

    class HostApp(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.store, self.library = store, library
            self.settings, self.clock = Settings(grader="offline"), ManualClock()

    samples: dict[str, list[float]] = {
        "push_bare": [],
        "push_rows": [],
        "push_history": [],
        "push_history_cold": [],
    }

    async def measure() -> None:
        app = HostApp()
        async with app.run_test(size=(160, 50)) as pilot:
            for i in range(runs + 1):
                for name, screen_type in (
                    ("push_bare", BareScreen),
                    ("push_rows", RowsScreen),
                    ("push_history", TimedHistory),
                ):
                    marks.clear()
                    start = time.perf_counter()
                    await app.push_screen(screen_type())
                    while "first" not in marks:
                        await asyncio.sleep(0.001)
                    elapsed = (marks["first"] - start) * 1000
                    if i == 0 and name == "push_history":
                        samples["push_history_cold"].append(elapsed)
                    elif i > 0:
                        samples[name].append(elapsed)
                    await app.pop_screen()
                    await pilot.pause()

    asyncio.run(measure())
    return {k: statistics.median(v) for k, v in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from mockint.progress.history import drill_trend, practice_summary, trends, weakest_dimensions
    from mockint.progress.listing import HistoryFilter, history_page

    library = load_library()
    home = Path(tempfile.mkdtemp(prefix="mockint-bench-history-"))
    db = home / "mockint.db"
    t = time.perf_counter()
    build_database(db, library, args.sessions)
    print(
        f"built {args.sessions:,} sessions in {time.perf_counter() - t:.1f} s ({db.stat().st_size / 1e6:.0f} MB) at {db}"
    )

    env = {**os.environ, "MOCKINT_HOME": str(home)}
    exe = str(Path(sys.executable).with_name("mockint"))
    py = sys.executable
    out = subprocess.run([exe, "history", "--json"], env=env, capture_output=True, check=True)
    assert len(json.loads(out.stdout)) == 50

    empty_home = Path(tempfile.mkdtemp(prefix="mockint-bench-empty-"))
    Store(empty_home / "mockint.db").close()
    empty_env = {**os.environ, "MOCKINT_HOME": str(empty_home)}
    cli = {
        "python -c pass": median_ms(run_cmd([py, "-c", "pass"], env), args.runs),
        "mockint --version": median_ms(run_cmd([exe, "--version"], env), args.runs),
        "mockint history --json (empty db)": median_ms(
            run_cmd([exe, "history", "--json"], empty_env), args.runs
        ),
        "mockint history --json": median_ms(run_cmd([exe, "history", "--json"], env), args.runs),
        "mockint history --json --page 100": median_ms(
            run_cmd([exe, "history", "--json", "--page", "100"], env), args.runs
        ),
        "mockint history (text, with summary)": median_ms(
            run_cmd([exe, "history"], env), args.runs
        ),
        "mockint history --json --kind drill": median_ms(
            run_cmd([exe, "history", "--json", "--kind", "drill"], env), args.runs
        ),
    }
    print("\n1. CLI, median of", args.runs, "runs (ms)")
    base = cli["python -c pass"]
    for name, ms in cli.items():
        print(f"   {name:<38} {ms:7.1f}   {ms / base:4.2f}x python -c pass")

    store = Store(db)
    q_runs = max(args.runs, 30)
    queries = {
        "history page 1 (50 rows + total)": lambda: history_page(store, HistoryFilter(), limit=50),
        "history page 1, kind=drill": lambda: history_page(
            store, HistoryFilter(kind="drill"), limit=50
        ),
        "history page 100 (offset 4,950)": lambda: history_page(
            store, HistoryFilter(), limit=50, offset=4950
        ),
        "trends (last 30 graded mocks)": lambda: trends(store, "mock", last=30, library=library),
        "weakest dimensions (last 10 mocks)": lambda: weakest_dimensions(
            store, "mock", last=10, library=library
        ),
        "days practised and streaks": lambda: practice_summary(store),
        "drill trend (last 30)": lambda: drill_trend(store, last=30),
    }
    print("\n2. Queries in-process, median of", q_runs, "runs (ms)")
    total = 0.0
    for name, fn in queries.items():
        ms = median_ms(fn, q_runs)
        if not name.startswith(("history page 100", "history page 1, kind", "drill")):
            total += ms
        print(f"   {name:<38} {ms:7.2f}")
    print(f"   {'what the screen loads (page+panel)':<38} {total:7.2f}")

    s = screen_bench(store, library, args.runs)
    print("\n3. Screen, headless 160x50, from app start, median of", args.runs, "runs (ms)")
    print(f"   {'bare App, empty DataTable':<40} {s['bare']:7.1f}")
    print(
        f"   {'bare App, DataTable with the 50 rows':<40} {s['bare_rows']:7.1f}   {s['bare_rows'] / s['bare']:4.2f}x bare"
    )
    print(
        f"   {'HistoryScreen 1st frame: rows, weakest':<40} {s['first']:7.1f}   {s['first'] / s['bare']:4.2f}x bare, {s['first'] / s['bare_rows']:4.2f}x bare+rows"
    )
    print(
        f"   {'+ sparklines and days practised':<40} {s['complete']:7.1f}   {s['complete'] / s['bare']:4.2f}x bare"
    )
    print(
        f"   first frame over the bare app: {s['first'] - s['bare']:.0f} ms (goal: open in < 300 ms)"
    )
    print(
        "\n4. Opening the screen in a running app (as from home), median of", args.runs, "runs (ms)"
    )
    print(f"   {'push a Screen with an empty DataTable':<40} {s['push_bare']:7.1f}")
    print(f"   {'push a Screen, DataTable with the 50 rows':<40} {s['push_rows']:7.1f}")
    print(f"   {'push HistoryScreen, first time (CSS)':<40} {s['push_history_cold']:7.1f}")
    hist = s["push_history"]
    print(
        f"   {'push HistoryScreen, to its first frame':<40} {hist:7.1f}   "
        f"{hist / s['push_bare']:4.2f}x bare screen, {hist / s['push_rows']:4.2f}x rows screen"
    )
    store.close()


if __name__ == "__main__":
    main()
