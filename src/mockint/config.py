"""Settings from config.toml and the environment, and the paths mockint keeps its files in.

The API key is never part of the settings: it is read from the environment (or a key command)
only at the moment a grader needs it, so it cannot leak into the database, exports or logs.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mockint.errors import ConfigError

APP_NAME = "mockint"


class Level(StrEnum):
    """Target level of the candidate; rubric expectations rise with it."""

    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"
    PRINCIPAL = "principal"


class PhaseMinutes(BaseModel):
    """Minutes for each phase of a mock; when set, overrides the level's default split."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    requirements: float = Field(
        5, gt=0, le=60, description="Clarify scope and non-functional requirements."
    )
    estimation: float = Field(5, gt=0, le=60, description="Back-of-the-envelope numbers.")
    design: float = Field(20, gt=0, le=90, description="API, data model and high-level design.")
    scale: float = Field(10, gt=0, le=60, description="Bottlenecks, deep dives and failure modes.")
    tradeoffs: float = Field(5, gt=0, le=60, description="Alternatives, risks and the wrap-up.")


class Settings(BaseModel):
    """Everything configurable; one docstring-like description per field, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    grader: Literal["auto", "llm", "offline"] = "auto"
    """Which grader to use; auto picks llm when an API key or base URL is configured."""

    model: str = "gpt-4o-mini"
    """Model name sent to the OpenAI-compatible endpoint (MOCKINT_MODEL)."""

    base_url: str | None = None
    """OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama (OPENAI_BASE_URL)."""

    api_key_command: str | None = None
    """A shell command that prints the API key, run only when grading starts; the key is never stored."""

    request_timeout: float = Field(60.0, gt=0, le=3600)
    """Seconds one LLM request may take before it is retried (MOCKINT_TIMEOUT)."""

    retries: int = Field(3, ge=0, le=10)
    """How many times a failed LLM call is retried with backoff (MOCKINT_RETRIES)."""

    total_timeout: float = Field(300.0, gt=0, le=7200)
    """Seconds all grading calls of one session may take together before it is marked pending."""

    token_budget: int = Field(80_000, ge=1_000)
    """Prompt tokens one mock may send to the LLM, counted before sending (MOCKINT_TOKEN_BUDGET)."""

    temperature: float | None = Field(0.0, ge=0, le=2)
    """Sampling temperature for grading; dropped automatically for models that reject it."""

    level: Level = Level.SENIOR
    """Default target level for mocks and grading (MOCKINT_LEVEL)."""

    phase_minutes: PhaseMinutes | None = None
    """Fixed phase budgets in minutes; unset means the level's recommended split."""

    auto_advance: bool = False
    """Move to the next phase automatically when a phase's budget runs out."""

    @model_validator(mode="after")
    def _strip_base_url(self) -> Settings:
        if self.base_url is not None and not self.base_url.strip():
            object.__setattr__(self, "base_url", None)
        return self

    def api_key(self) -> str | None:
        """Return the API key from OPENAI_API_KEY or the key command, never caching it."""
        key = os.environ.get("OPENAI_API_KEY", "").strip()
        if key:
            return key
        if self.api_key_command:
            try:
                done = subprocess.run(
                    shlex.split(self.api_key_command),
                    capture_output=True,
                    text=True,
                    timeout=20,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise ConfigError(f"api_key_command failed to run: {exc}") from None
            if done.returncode != 0:
                raise ConfigError(f"api_key_command exited with status {done.returncode}")
            return done.stdout.strip() or None
        return None

    def llm_configured(self) -> bool:
        """True when an endpoint is configured: an API key, a key command or a base URL."""
        return bool(
            os.environ.get("OPENAI_API_KEY", "").strip() or self.api_key_command or self.base_url
        )

    def effective_grader(self) -> Literal["llm", "offline"]:
        """Resolve `auto` into the grader that will actually run."""
        if self.grader == "auto":
            return "llm" if self.llm_configured() else "offline"
        return self.grader


ENV_OVERRIDES: dict[str, str] = {
    "MOCKINT_GRADER": "grader",
    "MOCKINT_MODEL": "model",
    "OPENAI_BASE_URL": "base_url",
    "MOCKINT_BASE_URL": "base_url",
    "MOCKINT_TIMEOUT": "request_timeout",
    "MOCKINT_RETRIES": "retries",
    "MOCKINT_TOKEN_BUDGET": "token_budget",
    "MOCKINT_LEVEL": "level",
}


@dataclass(frozen=True)
class Paths:
    """Where mockint keeps its configuration, database and user problems."""

    config_dir: Path
    data_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def db_file(self) -> Path:
        return self.data_dir / "mockint.db"

    @property
    def user_problems_dir(self) -> Path:
        return self.config_dir / "problems"

    @classmethod
    def resolve(cls, env: dict[str, str] | None = None) -> Paths:
        """MOCKINT_HOME holds everything when set; otherwise the platform's user directories."""
        env = os.environ if env is None else env
        home = env.get("MOCKINT_HOME", "").strip()
        if home:
            root = Path(home).expanduser()
            return cls(config_dir=root, data_dir=root)
        import platformdirs

        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
        )


def _describe_error(err: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ())) or "(top level)"
    if err.get("type") == "extra_forbidden":
        return f"unknown key '{loc}'"
    value = err.get("input")
    shown = "" if isinstance(value, dict) else f" (got {value!r})"
    return f"key '{loc}': {err.get('msg', 'invalid')}{shown}"


def load_settings(paths: Paths | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read config.toml (if any), apply environment overrides and validate the result."""
    paths = paths or Paths.resolve(env)
    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    source = str(paths.config_file)
    if paths.config_file.exists():
        try:
            data = tomllib.loads(paths.config_file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{source}: cannot be read: {exc}") from None
        for secret in ("api_key", "openai_api_key", "key"):
            if secret in data:
                raise ConfigError(
                    f"{source}: key '{secret}' is not allowed: mockint never stores API keys; "
                    "set OPENAI_API_KEY in the environment or use api_key_command"
                )
    overridden: list[str] = []
    for var, key in ENV_OVERRIDES.items():
        value = env.get(var)
        if value is not None and value.strip() != "":
            data[key] = value.strip()
            overridden.append(var)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe_error(e) for e in exc.errors())
        where = (
            source
            if not overridden
            else f"{source} (with {', '.join(overridden)} from the environment)"
        )
        raise ConfigError(f"{where}: {problems}") from None
