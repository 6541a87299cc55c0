"""Start-up stays light: --help and --version never load the TUI or the LLM client; the TUI never loads openai."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
{action}
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('openai', 'textual', 'pydantic', 'sqlite_utils', 'tiktoken'))))
"""


def loaded_after(action: str) -> set[str]:
    """Top-level heavy packages imported by `action`, run in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(action=action)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return {m.split(".")[0] for m in json.loads(done.stdout.strip().splitlines()[-1])}


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["mock", "--help"]])
def test_cli_help_and_version_import_neither_textual_nor_openai(argv: list[str]) -> None:
    action = f"""
from mockint.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
"""
    loaded = loaded_after(action)
    assert "textual" not in loaded
    assert "openai" not in loaded
    assert "tiktoken" not in loaded


def test_importing_the_tui_does_not_import_openai_or_the_domain() -> None:
    loaded = loaded_after("import mockint.tui.app, mockint.tui.screens.home, mockint.commands.mock")
    assert "textual" in loaded
    assert "openai" not in loaded
    # The first frame needs neither pydantic nor sqlite_utils: they load on a thread after it.
    assert "pydantic" not in loaded
    assert "sqlite_utils" not in loaded


def test_the_mock_screens_do_not_import_openai() -> None:
    loaded = loaded_after(
        "import mockint.tui.screens.mock, mockint.tui.screens.picker, mockint.tui.screens.review, "
        "mockint.tui.screens.grading, mockint.interview.session"
    )
    assert "openai" not in loaded
