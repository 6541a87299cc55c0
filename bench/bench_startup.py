"""Start-up: the first frame of `mockint` against a bare Textual app, and `--version` against `python -c pass`.

Run by hand: `.venv/bin/python bench/bench_startup.py [--runs N]`. Every measurement starts a fresh
interpreter (wall time of the whole process, as a user waits for it), alternating the commands so
drift hits all of them alike; the first round is a warm-up and not counted. Reported are medians
and the ratios against the baselines measured in the same run. Goals (DESIGN.md): first frame
within 1.3x of the bare app; `--version` within 1.5x of `python -c pass`.

- bare app: a Textual `App` showing one `Static`, exiting right after its first refresh (headless).
- mockint first frame: the `mockint` console script with MOCKINT_BENCH_FIRST_FRAME=1: the home screen is
  painted, then the app exits (headless). Settings, content and the database load after the first
  frame, on a thread.
- mockint ready (informational): the same until the home screen shows its data (problem count,
  resume card, status), with MOCKINT_BENCH_FIRST_FRAME=ready.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SCRIPT = Path(PY).with_name("mockint")
MOCKINT = [str(SCRIPT)] if SCRIPT.exists() else [PY, "-m", "mockint"]
"""The installed console script, as users start it; `python -m mockint` when there is none."""

BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self.exit)

Bare().run(headless=True)
"""


def run_once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=15, help="measured runs per command (default 15)"
    )
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="mockint-bench-startup-")
    base_env = {**os.environ, "MOCKINT_HOME": home, "PYTHONPATH": str(ROOT / "src")}
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MOCKINT_BASE_URL"):
        base_env.pop(var, None)
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([PY, "-c", "pass"], base_env),
        "mockint --version": ([*MOCKINT, "--version"], base_env),
        "bare Textual app, first frame": ([PY, "-c", BARE_APP], base_env),
        "mockint, first frame": (
            [PY, "-m", "mockint"],
            {**base_env, "MOCKINT_BENCH_FIRST_FRAME": "1"},
        ),
        "mockint, home with data": (
            [PY, "-m", "mockint"],
            {**base_env, "MOCKINT_BENCH_FIRST_FRAME": "ready"},
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_no in range(args.runs + 1):
        for name, (argv, env) in commands.items():
            elapsed = run_once(argv, env)
            if round_no > 0:
                times[name].append(elapsed)

    med = {name: statistics.median(values) * 1000 for name, values in times.items()}
    print(f"start-up, {args.runs} runs each (medians, ms; python {sys.version.split()[0]})")
    for name, value in med.items():
        print(f"  {name:<32} {value:8.1f}")
    version_ratio = med["mockint --version"] / med["python -c pass"]
    frame_ratio = med["mockint, first frame"] / med["bare Textual app, first frame"]
    ready_ratio = med["mockint, home with data"] / med["bare Textual app, first frame"]
    print(f"  --version / python -c pass       {version_ratio:8.2f}x  (goal <= 1.5x)")
    print(f"  first frame / bare Textual app   {frame_ratio:8.2f}x  (goal <= 1.3x)")
    print(f"  home with data / bare app        {ready_ratio:8.2f}x  (informational)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
