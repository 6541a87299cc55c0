"""Settings: defaults, config.toml, environment precedence, clear errors, no secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mockint.config import Level, Paths, Settings, load_settings
from mockint.errors import ConfigError


def write_config(home: Path, text: str) -> Paths:
    paths = Paths(config_dir=home, data_dir=home)
    paths.config_file.write_text(text, encoding="utf-8")
    return paths


def test_defaults_without_a_config_file(isolated_home: Path) -> None:
    settings = load_settings(Paths(isolated_home, isolated_home), env={})
    assert settings.grader == "auto"
    assert settings.level is Level.SENIOR
    assert settings.effective_grader() == "offline"


def test_mockint_home_holds_every_path(tmp_path: Path) -> None:
    paths = Paths.resolve({"MOCKINT_HOME": str(tmp_path)})
    assert paths.config_file == tmp_path / "config.toml"
    assert paths.db_file == tmp_path / "mockint.db"
    assert paths.user_problems_dir == tmp_path / "problems"


def test_platform_dirs_when_no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = Paths.resolve({})
    assert "mockint" in str(paths.config_dir)
    assert "mockint" in str(paths.data_dir)


def test_config_file_values_are_read(isolated_home: Path) -> None:
    paths = write_config(isolated_home, 'model = "llama3.1:8b"\nlevel = "staff"\nretries = 1\n')
    settings = load_settings(paths, env={})
    assert settings.model == "llama3.1:8b"
    assert settings.level is Level.STAFF
    assert settings.retries == 1


def test_environment_overrides_config_file(isolated_home: Path) -> None:
    paths = write_config(isolated_home, 'model = "from-file"\nbase_url = "http://file/v1"\n')
    settings = load_settings(
        paths, env={"MOCKINT_MODEL": "from-env", "OPENAI_BASE_URL": "http://localhost:11434/v1"}
    )
    assert settings.model == "from-env"
    assert settings.base_url == "http://localhost:11434/v1"


def test_empty_environment_value_does_not_override(isolated_home: Path) -> None:
    paths = write_config(isolated_home, 'model = "from-file"\n')
    assert load_settings(paths, env={"MOCKINT_MODEL": "  "}).model == "from-file"


def test_unknown_key_is_rejected_with_file_and_key(isolated_home: Path) -> None:
    paths = write_config(isolated_home, 'modle = "typo"\n')
    with pytest.raises(ConfigError) as err:
        load_settings(paths, env={})
    assert str(paths.config_file) in err.value.message
    assert "unknown key 'modle'" in err.value.message


def test_bad_value_names_key_and_value(isolated_home: Path) -> None:
    paths = write_config(isolated_home, 'level = "wizard"\n')
    with pytest.raises(ConfigError) as err:
        load_settings(paths, env={})
    assert "key 'level'" in err.value.message
    assert "wizard" in err.value.message


def test_bad_env_value_mentions_the_variable(isolated_home: Path) -> None:
    paths = Paths(isolated_home, isolated_home)
    with pytest.raises(ConfigError) as err:
        load_settings(paths, env={"MOCKINT_RETRIES": "lots"})
    assert "MOCKINT_RETRIES" in err.value.message
    assert "retries" in err.value.message


def test_invalid_toml_is_reported(isolated_home: Path) -> None:
    paths = write_config(isolated_home, "model = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(paths, env={})


def test_api_key_in_config_file_is_refused(isolated_home: Path) -> None:
    paths = write_config(isolated_home, 'api_key = "sk-secret"\n')
    with pytest.raises(ConfigError) as err:
        load_settings(paths, env={})
    assert "never stores API keys" in err.value.message
    assert "sk-secret" not in err.value.message


def test_phase_minutes_table(isolated_home: Path) -> None:
    paths = write_config(isolated_home, "[phase_minutes]\nrequirements = 4\ndesign = 25\n")
    settings = load_settings(paths, env={})
    assert settings.phase_minutes is not None
    assert settings.phase_minutes.design == 25
    assert settings.phase_minutes.scale == 10


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValidationError, match="frozen"):
        settings.model = "other"  # type: ignore[misc]


def test_auto_grader_picks_llm_when_key_or_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(base_url="http://localhost:8000/v1").effective_grader() == "llm"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert Settings().effective_grader() == "llm"
    assert Settings(grader="offline").effective_grader() == "offline"


def test_api_key_comes_from_environment_or_command(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().api_key() is None
    assert Settings(api_key_command="echo sk-from-command").api_key() == "sk-from-command"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert Settings(api_key_command="echo other").api_key() == "sk-env"


def test_failing_key_command_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="exited with status"):
        Settings(api_key_command="false").api_key()


def test_every_field_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} has no description"
