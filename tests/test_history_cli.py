"""`mockint history|show|export|import` in-process: exit codes, stdout JSON fields, stderr messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockint.cli import main
from mockint.config import Paths
from mockint.store.db import Store
from progress_support import BASE_TIME, add_session, days, real_library


@pytest.fixture
def seeded() -> dict[str, str]:
    """Three sessions in the test's MOCKINT_HOME database: a graded mock, a drill, an own-system answer."""
    lib = real_library()
    with Store(Paths.resolve().db_file) as store:
        mock = add_session(store, lib, scores={"traffic-estimate": 1}, started=BASE_TIME)
        drill = add_session(store, lib, kind="drill", problem=None, started=BASE_TIME + days(1))
        own = add_session(
            store,
            lib,
            kind="own-system",
            started=BASE_TIME + days(2),
            options={"question": "request-flow"},
        )
    return {"mock": mock, "drill": drill, "own": own}


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, object, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, json.loads(out.out) if out.out.strip() else None, out.err


def test_history_json_carries_the_contract_fields(
    seeded: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, _ = _json(capsys, ["history", "--json"])
    assert code == 0
    assert [e["session"] for e in data] == [seeded["own"], seeded["drill"], seeded["mock"]]
    mock = data[2]
    assert {
        "session",
        "kind",
        "problem",
        "level",
        "status",
        "overall",
        "started_at",
        "grader",
        "verdict",
    } <= set(mock)
    assert (mock["kind"], mock["problem"], mock["level"], mock["status"], mock["grader"]) == (
        "mock",
        "url-shortener",
        "senior",
        "graded",
        "offline",
    )
    assert isinstance(mock["overall"], float)


def test_history_filters_and_pages(
    seeded: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, _ = _json(capsys, ["history", "--json", "--kind", "drill"])
    assert code == 0 and [e["session"] for e in data] == [seeded["drill"]]
    code, data, err = _json(capsys, ["history", "--json", "--limit", "1", "--page", "2"])
    assert code == 0 and [e["session"] for e in data] == [seeded["drill"]]
    assert "page 2 of 3" in err and "--page 3" in err
    code, data, _ = _json(capsys, ["history", "--json", "--problem", "url-shortener"])
    assert [e["session"] for e in data] == [seeded["mock"]]


def test_history_text_table_and_summary(
    seeded: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header[:3] == ["date", "(UTC)", "id"] and "score" in header and "status" in header
    assert seeded["mock"] in out and "url-shortener" in out and "offline" in out
    assert "weakest:" in out and "days practised: 3" in out


def test_history_empty_and_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    assert "no sessions yet" in capsys.readouterr().err
    code, data, _ = _json(capsys, ["history", "--json"])
    assert code == 0 and data == []
    assert main(["history", "--limit", "0"]) == 2
    assert "--limit" in capsys.readouterr().err
    assert main(["history", "--since", "yesterday"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["history", "--kind", "party"]) == 2


def test_show_json_has_transcript_timeline_grade_and_pacing(
    seeded: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, data, _ = _json(capsys, ["show", seeded["mock"][:6], "--json"])
    assert code == 0
    assert data["session"]["id"] == seeded["mock"]
    assert [p["phase"] for p in data["transcript"]] == [
        "requirements",
        "estimation",
        "design",
        "scale",
        "tradeoffs",
    ]
    assert data["transcript"][0]["answer"] == "My requirements answer."
    assert data["grade"]["status"] == "graded" and data["grade"]["grader"] == "offline"
    criterion = data["grade"]["phases"][1]["criteria"][0]
    assert {"id", "score", "evidence", "missing", "advice"} <= set(criterion)
    assert [p["phase"] for p in data["pacing"]] == [
        "requirements",
        "estimation",
        "design",
        "scale",
        "tradeoffs",
    ]
    assert len(data["grades"]) == 1 and "timeline" in data


def test_show_text_and_unknown_session(
    seeded: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", seeded["drill"]]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Framing drill") and "## Drill metrics" in out and "- Words: 200" in out
    assert main(["show", "zzzz"]) == 2
    assert "no session 'zzzz'" in capsys.readouterr().err


def test_export_md_to_stdout_and_json_to_file(
    seeded: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", seeded["mock"]]) == 0
    assert capsys.readouterr().out.startswith("# Mock interview: ")
    target = tmp_path / "out" / "mock.json"
    assert (
        main(["export", seeded["mock"], seeded["own"], "--format", "json", "-o", str(target)]) == 0
    )
    assert "wrote 2 sessions" in capsys.readouterr().err
    doc = json.loads(target.read_text())
    assert doc["format"] == "mockint-export" and [s["session"]["id"] for s in doc["sessions"]] == [
        seeded["mock"],
        seeded["own"],
    ]


def test_import_round_trip_through_the_cli(
    seeded: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "all.json"
    assert main(["export", *seeded.values(), "--format", "json", "-o", str(target)]) == 0
    capsys.readouterr()
    assert main(["import", str(target)]) == 2  # same machine: every session is already here
    err = capsys.readouterr().err
    assert err.count("refused:") == 3 and "already in this database" in err

    monkeypatch.setenv("MOCKINT_HOME", str(tmp_path / "laptop"))
    code, data, err = _json(capsys, ["import", str(target), "--json"])
    assert (
        code == 0 and sorted(data["imported"]) == sorted(seeded.values()) and data["refused"] == {}
    )
    assert "imported 3 sessions" in err
    code, data, _ = _json(capsys, ["history", "--json"])
    assert [e["session"] for e in data] == [seeded["own"], seeded["drill"], seeded["mock"]]


def test_import_bad_files_exit_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2", encoding="utf-8")
    assert main(["import", str(broken)]) == 2
    assert "broken.json: not valid JSON" in capsys.readouterr().err
    wrong = tmp_path / "wrong.json"
    wrong.write_text(
        json.dumps({"format": "mockint-export", "version": 1, "sessions": [{"answers": {}}]}),
        encoding="utf-8",
    )
    assert main(["import", str(wrong)]) == 2
    assert (
        "wrong.json: field 'sessions.0.session' is required but missing" in capsys.readouterr().err
    )
    assert main(["import", str(tmp_path / "absent.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_light_path_finds_the_same_database_as_the_config(tmp_path: Path) -> None:
    from mockint.progress.listing import default_db_path

    assert default_db_path() == Paths.resolve().db_file
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    assert default_db_path(env) == Paths.resolve(env).db_file


def test_history_json_stays_light(seeded: dict[str, str]) -> None:
    """The scripted path reads the database without pydantic, sqlite-utils or the content library."""
    import subprocess
    import sys

    code = (
        "import sys, io, contextlib\n"
        "from mockint.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    rc = main(['history', '--json'])\n"
        "heavy = [m for m in ('pydantic', 'sqlite_utils', 'mockint.content.loader', 'textual') if m in sys.modules]\n"
        "print(rc, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0 []"


def test_history_on_a_corrupt_or_older_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    db = Paths.resolve().db_file
    db.write_bytes(b"garbage" * 100)
    assert main(["history", "--json"]) == 2
    assert "not an SQLite database" in capsys.readouterr().err
    db.unlink()
    conn = sqlite3.connect(db)  # a version-1 database: the full Store migrates it first
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    from mockint.store.migrations import MIGRATIONS

    MIGRATIONS[0](conn)
    conn.execute("INSERT INTO meta VALUES('schema_version', '1')")
    conn.execute(
        "INSERT INTO sessions(id, kind, level, status, started_at, updated_at) "
        "VALUES('old1', 'mock', 'senior', 'submitted', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    code, data, _ = _json(capsys, ["history", "--json"])
    assert code == 0 and [e["session"] for e in data] == ["old1"]
    with Store(db) as store:
        assert store.version >= 2
