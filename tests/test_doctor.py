"""`mockint doctor`: settings with their sources, the endpoint and model checks, never the key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from llm_fakes import BASE_URL
from mockint.cli import main

MODELS = {
    "object": "list",
    "data": [{"id": "llama3.1:8b", "object": "model", "created": 1, "owned_by": "me"}],
}


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("MOCKINT_MODEL", "llama3.1:8b")
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


def doctor_json(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["doctor", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_offline_setup_is_healthy(capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    code, data = doctor_json(capsys)
    assert code == 0 and data["ok"] is True
    assert data["grader"]["effective"] == "offline"
    assert data["api_key"]["present"] is False
    assert data["paths"]["home"] == str(isolated_home)
    assert data["paths"]["database"] == str(isolated_home / "mockint.db")
    checks = {c["name"]: c for c in data["checks"]}
    assert checks["database"]["ok"] and "schema version" in checks["database"]["detail"]
    assert checks["content"]["ok"] and "problems" in checks["content"]["detail"]
    assert checks["tokenizer"]["ok"] and data["tokenizer"] == {
        "encoding": "o200k_base",
        "exact": True,
    }


def test_settings_say_where_each_value_came_from(
    capsys: pytest.CaptureFixture[str], isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated_home / "config.toml").write_text('retries = 5\nlevel = "staff"\n', encoding="utf-8")
    monkeypatch.setenv("MOCKINT_LEVEL", "principal")
    _, data = doctor_json(capsys)
    settings = {s["name"]: s for s in data["settings"]}
    assert settings["retries"] == {"name": "retries", "value": 5, "source": "config.toml"}
    assert settings["level"] == {
        "name": "level",
        "value": "principal",
        "source": "env MOCKINT_LEVEL",
    }
    assert settings["model"]["source"] == "default"


def test_endpoint_and_model_found(
    capsys: pytest.CaptureFixture[str], llm: respx.MockRouter
) -> None:
    llm.get("/models").mock(return_value=httpx.Response(200, json=MODELS))
    code, data = doctor_json(capsys)
    checks = {c["name"]: c for c in data["checks"]}
    assert code == 0, data["checks"]
    assert data["grader"] == {
        "configured": "auto",
        "effective": "llm",
        "name": "llm:llama3.1:8b",
        "endpoint": BASE_URL,
    }
    assert checks["endpoint"]["ok"] and "1 model listed" in checks["endpoint"]["detail"]
    assert checks["model"]["ok"]


def test_missing_model_fails_with_a_hint(
    capsys: pytest.CaptureFixture[str], llm: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKINT_MODEL", "qwen2.5:14b")
    llm.get("/models").mock(return_value=httpx.Response(200, json=MODELS))
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  model" in out and "pull the model" in out and "llama3.1:8b" in out
    assert "Not ready: model failed." in out


def test_endpoint_down_fails(capsys: pytest.CaptureFixture[str], llm: respx.MockRouter) -> None:
    llm.get("/models").mock(side_effect=httpx.ConnectError("refused"))
    code, data = doctor_json(capsys)
    checks = {c["name"]: c for c in data["checks"]}
    assert code == 1 and not checks["endpoint"]["ok"]
    assert f"is the server running at {BASE_URL}" in checks["endpoint"]["detail"]


def test_the_api_key_is_never_shown(
    capsys: pytest.CaptureFixture[str], llm: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-123")
    route = llm.get("/models").mock(
        return_value=httpx.Response(401, json={"error": {"message": "bad key"}})
    )
    code = main(["doctor"])
    captured = capsys.readouterr()
    assert code == 1
    assert "sk-very-secret-123" not in captured.out + captured.err
    assert "API key: present (OPENAI_API_KEY)" in captured.out
    assert "check OPENAI_API_KEY" in captured.out
    assert route.calls.last.request.headers["authorization"] == "Bearer sk-very-secret-123"


def test_broken_config_is_reported_not_a_crash(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    (isolated_home / "config.toml").write_text("retries = 'many'\n", encoding="utf-8")
    code, data = doctor_json(capsys)
    assert code == 1
    assert any(c["name"] == "config" and "retries" in c["detail"] for c in data["checks"])
