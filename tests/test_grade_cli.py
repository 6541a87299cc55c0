"""`mockint grade` and `mockint regrade` run in-process: exit codes, stdout/stderr, JSON fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from llm_fakes import ANSWERS, BASE_URL, ok
from mockint.cli import main
from mockint.grading.llm import forget_endpoints
from mockint.store.db import Store


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    forget_endpoints()
    yield
    forget_endpoints()


@pytest.fixture
def answer_file(tmp_path: Path) -> Path:
    path = tmp_path / "answer.md"
    path.write_text(
        "".join(f"## {p.capitalize()}\n\n{text}\n\n" for p, text in ANSWERS.items()),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("MOCKINT_MODEL", "test-model")
    monkeypatch.setenv("MOCKINT_RETRIES", "0")
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


def store(home: Path) -> Store:
    return Store(home / "mockint.db")


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main([*argv, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_offline_grade_json_has_the_documented_fields(
    capsys: pytest.CaptureFixture[str], answer_file: Path, isolated_home: Path
) -> None:
    code, report, _ = run_json(
        capsys, "grade", str(answer_file), "--problem", "url-shortener", "--grader", "offline"
    )
    assert code == 0
    assert report["status"] == "graded" and report["grader"] == "offline"
    assert report["session"]["id"] and report["session"]["saved_at"]
    assert 0 <= report["overall"] <= 100 and report["verdict"]
    assert [p["phase"] for p in report["phases"]][:5] == list(ANSWERS)
    criterion = report["phases"][0]["criteria"][0]
    assert {"id", "score", "evidence", "missing", "advice"} <= set(criterion)
    assert "usage" in report
    with store(isolated_home) as s:
        record = s.get_session(report["session"]["id"])
        assert (record.kind, record.problem_id, record.status) == (
            "mock",
            "url-shortener",
            "graded",
        )
        assert s.answers(record.id) == ANSWERS


def test_text_report_shows_phases_criteria_and_the_offline_notice(
    capsys: pytest.CaptureFixture[str], answer_file: Path
) -> None:
    code = main(
        [
            "grade",
            str(answer_file),
            "--problem",
            "url-shortener",
            "--grader",
            "offline",
            "--level",
            "staff",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "URL shortener · staff · graded by offline" in out
    assert "## Requirements" in out and "## Tradeoffs" in out and "Overall " in out
    assert "(expected " in out
    assert "Offline estimate" in out


def test_no_save_stores_nothing(
    capsys: pytest.CaptureFixture[str], answer_file: Path, isolated_home: Path
) -> None:
    code, report, _ = run_json(
        capsys,
        "grade",
        str(answer_file),
        "--problem",
        "url-shortener",
        "--grader",
        "offline",
        "--no-save",
    )
    assert code == 0 and report["session"] is None and report["status"] == "graded"
    with store(isolated_home) as s:
        assert s.list_sessions() == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grade", "missing.md", "--problem", "url-shortener"], "missing.md: no such file"),
        (
            ["grade", "{answer}", "--problem", "no-such-problem"],
            "no problem with id 'no-such-problem'",
        ),
        (
            ["grade", "{answer}", "--problem", "url-shortener", "--grader", "llm"],
            "--grader llm needs an LLM",
        ),
    ],
)
def test_bad_usage_exits_2_and_saves_nothing(
    capsys: pytest.CaptureFixture[str],
    answer_file: Path,
    isolated_home: Path,
    argv: list[str],
    message: str,
) -> None:
    code = main([a.replace("{answer}", str(answer_file)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err
    with store(isolated_home) as s:
        assert s.list_sessions() == []


def test_answer_without_phase_headings_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "flat.md"
    path.write_text("Just some text without any of the phase headings at all.\n", encoding="utf-8")
    code = main(["grade", str(path), "--problem", "url-shortener"])
    err = capsys.readouterr().err
    assert code == 2 and "flat.md" in err


def test_llm_grade_reports_usage(
    capsys: pytest.CaptureFixture[str], answer_file: Path, llm: respx.MockRouter
) -> None:
    route = llm.post("/chat/completions").mock(side_effect=ok)
    code, report, _ = run_json(capsys, "grade", str(answer_file), "--problem", "url-shortener")
    assert code == 0 and report["grader"] == "llm:test-model"
    assert report["usage"]["calls"] == route.call_count == 6
    assert report["usage"]["prompt_tokens"] == 6 * 1500
    assert len(report["prompt_hash"]) == 64


def test_llm_down_exits_1_pending_then_regrade_finishes(
    capsys: pytest.CaptureFixture[str],
    answer_file: Path,
    llm: respx.MockRouter,
    isolated_home: Path,
) -> None:
    route = llm.post("/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    code = main(["grade", str(answer_file), "--problem", "url-shortener"])
    captured = capsys.readouterr()
    assert code == 1
    assert f"is the server running at {BASE_URL}" in captured.err
    with store(isolated_home) as s:
        [record] = s.list_sessions()
        assert record.status == "pending"
    assert f"mockint regrade {record.id}" in captured.err
    assert "Pending:" in captured.out

    route.side_effect = ok
    code, data, _ = run_json(capsys, "regrade", record.id[:6])
    assert code == 0
    assert data["previous"]["status"] == "pending" and data["previous"]["pending_reason"]
    assert data["current"]["status"] == "graded" and data["current"]["session"]["id"] == record.id
    with store(isolated_home) as s:
        assert s.get_session(record.id).status == "graded"


def test_regrade_at_another_level_shows_both_side_by_side(
    capsys: pytest.CaptureFixture[str], answer_file: Path, isolated_home: Path
) -> None:
    code, report, _ = run_json(
        capsys, "grade", str(answer_file), "--problem", "url-shortener", "--grader", "offline"
    )
    sid = report["session"]["id"]
    code = main(["regrade", sid, "--level", "principal", "--grader", "offline"])
    out = capsys.readouterr().out
    assert code == 0
    assert "previous" in out and "new" in out
    assert "previous: offline at senior" in out and "new:      offline at principal" in out
    assert "Overall (0-100)" in out
    for phase in ("Requirements", "Estimation", "Design", "Scale", "Tradeoffs"):
        assert phase in out
    assert "Previous verdict:" in out and "New verdict:" in out and "principal" in out
    with store(isolated_home) as s:
        assert [g.level.value for g in s.grades(sid)] == ["senior", "principal"]


def test_regrade_still_down_exits_1(
    capsys: pytest.CaptureFixture[str],
    answer_file: Path,
    llm: respx.MockRouter,
    isolated_home: Path,
) -> None:
    llm.post("/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    assert main(["grade", str(answer_file), "--problem", "url-shortener"]) == 1
    with store(isolated_home) as s:
        [record] = s.list_sessions()
    capsys.readouterr()
    code = main(["regrade", record.id])
    err = capsys.readouterr().err
    assert code == 1 and "still pending" in err and "is the server running" in err


def test_regrade_unknown_session_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regrade", "nope"]) == 2
    assert "no session 'nope'" in capsys.readouterr().err
