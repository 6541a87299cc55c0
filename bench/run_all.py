"""Run every bench/bench_*.py in turn with this interpreter and report which ones failed.

Run by hand (`make bench`). Each benchmark prints its own figures against baselines measured in
the same run; extra arguments are passed to every benchmark.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    failed: list[str] = []
    scripts = sorted(HERE.glob("bench_*.py"))
    for script in scripts:
        print(f"== {script.name}", flush=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(script), *argv], check=False)
        print(f"   ({script.name} took {time.perf_counter() - start:.1f} s)\n", flush=True)
        if done.returncode != 0:
            failed.append(f"{script.name} (exit {done.returncode})")
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    print(f"all {len(scripts)} benchmarks ran")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
