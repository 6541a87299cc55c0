"""The command line: version, help, problem listing and validation, exit codes and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factories import problem_toml
from mockint import __version__
from mockint.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"mockint {__version__}"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("mock", "problems", "validate"):
        assert command in out


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "teleport")
    assert code == 2 and "invalid choice" in err


def test_problems_json_lists_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "problems", "--json")
    assert code == 0
    problems = json.loads(out)
    ids = {p["id"] for p in problems}
    assert {"url-shortener", "rate-limiter", "payment-system"} <= ids
    first = problems[0]
    assert set(first) >= {"id", "title", "difficulty", "tags", "summary"}


def test_problems_filter_by_tag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "problems", "--json", "--tag", "rate-limiting")
    assert code == 0
    problems = json.loads(out)
    assert problems and all("rate-limiting" in p["tags"] for p in problems)
    assert "rate-limiter" in {p["id"] for p in problems}


def test_problems_unknown_tag_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "problems", "--tag", "teleportation")
    assert code == 2 and out == ""
    assert "unknown tag teleportation" in err


def test_problems_show_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "problems", "show", "url-shortener")
    assert code == 0 and "## Requirements" in out and "Principal:" in out
    code, out, _ = run(capsys, "problems", "show", "url-shortener", "--json")
    data = json.loads(out)
    assert data["id"] == "url-shortener" and len(data["requirements"]["points"]) >= 4


def test_problems_show_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "problems", "show", "no-such-problem")
    assert code == 2 and out == "" and "no problem with id 'no-such-problem'" in err


def test_user_problem_appears_in_listing(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    (isolated_home / "problems").mkdir()
    (isolated_home / "problems" / "mine.toml").write_text(
        problem_toml("my-side-project", "My side project").replace(
            'tags = ["caching"]', 'tags = ["caching"]'
        ),
        encoding="utf-8",
    )
    # the factory uses generic criterion ids that exist in the real rubric too
    code, out, err = run(capsys, "problems", "--json")
    assert code == 0, err
    entry = next(p for p in json.loads(out) if p["id"] == "my-side-project")
    assert entry["origin"] == "user"


def test_validate_builtin_content_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate")
    assert code == 0, err
    assert out.startswith("ok: ")


def test_validate_reports_a_broken_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        problem_toml("bad-one").replace('difficulty = "easy"', 'difficulty = "impossible"'),
        encoding="utf-8",
    )
    good = tmp_path / "good.toml"
    good.write_text(problem_toml("good-one"), encoding="utf-8")
    code, _out, err = run(capsys, "validate", str(bad), str(good))
    assert code == 2
    assert f"{bad}: field 'difficulty'" in err and "impossible" in err
    assert "1 problems" in err  # the good file still validated


def test_validate_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.toml"))
    assert code == 2 and "no such file" in err


def test_bad_config_is_reported_with_exit_2(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    (isolated_home / "config.toml").write_text('grader = "psychic"\n')
    code, _, err = run(capsys, "mock", "--problem", "url-shortener")
    assert code == 2
    assert "config.toml" in err and "grader" in err


def test_mock_unknown_problem_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "mock", "--problem", "nope")
    assert code == 2 and "no problem with id 'nope'" in err


def test_mock_bad_minutes_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "mock", "--problem", "url-shortener", "--minutes", "2")
    assert code == 2 and "--minutes" in err


def test_corrupt_database_exits_2_and_is_kept(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    db = isolated_home / "mockint.db"
    db.write_bytes(b"garbage" * 100)
    code, _, err = run(capsys, "history")
    assert code == 2 and "left untouched" in err
    assert db.read_bytes() == b"garbage" * 100
