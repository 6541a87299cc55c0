"""`mockint doctor [--json]`: where mockint keeps things, what is configured, and whether it works.

Shows the paths, every setting with where its value came from (default, config.toml, environment),
the grader that will run and whether an API key is present (never the key), then checks that the
endpoint answers and has the model, the tokenizer loads, the database opens and the content
validates. Exit 0 when everything the effective grader needs works, 1 otherwise.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from typing import Any

ENDPOINT_TIMEOUT = 5.0
TOKENIZER_TIMEOUT = 5.0


def add_parser(sub: Any, name: str) -> None:
    p = sub.add_parser(
        name,
        help="configuration and health checks",
        description="Show paths and settings, and check the endpoint, model, tokenizer, database and content.",
    )
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(run=run)


@dataclass
class Check:
    """One health check: its name, whether it passed, whether it matters for the grader, and detail."""

    name: str
    ok: bool
    detail: str
    required: bool = True


def _settings_sources(paths: Any) -> tuple[dict[str, str], str | None]:
    """Where each setting came from: 'config.toml', 'env NAME' or absent (default)."""
    import os
    import tomllib

    from mockint.config import ENV_OVERRIDES

    sources: dict[str, str] = {}
    error = None
    if paths.config_file.exists():
        try:
            for key in tomllib.loads(paths.config_file.read_text(encoding="utf-8")):
                sources[key] = "config.toml"
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            error = str(exc)
    for var, key in ENV_OVERRIDES.items():
        if os.environ.get(var, "").strip():
            sources[key] = f"env {var}"
    return sources, error


def _show(name: str, value: Any) -> Any:
    if name == "api_key_command":
        return "(set)" if value else None
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "value"):
        return value.value
    return value


def _key_status(settings: Any) -> tuple[bool, str]:
    import os

    from mockint.errors import MockintError

    if os.environ.get("OPENAI_API_KEY", "").strip():
        return True, "present (OPENAI_API_KEY)"
    if settings.api_key_command:
        try:
            return (
                (True, "present (api_key_command)")
                if settings.api_key()
                else (False, "api_key_command printed nothing")
            )
        except MockintError as exc:
            return False, exc.message
    return False, "not set"


async def _check_endpoint(settings: Any) -> list[Check]:
    """GET /models with a short timeout, then look for the configured model in the list."""
    import openai

    from mockint.errors import MockintError
    from mockint.grading.llm_client import base_url_of, build_client, friendly_error

    url = base_url_of(settings)
    try:
        client = build_client(settings, timeout=ENDPOINT_TIMEOUT)
    except MockintError as exc:
        return [Check("endpoint", False, exc.message)]
    try:
        page = await client.models.list()
        ids = [m.id for m in getattr(page, "data", [])]
    except openai.NotFoundError:
        return [
            Check("endpoint", True, f"{url} answered, but does not list models (GET /models: 404)"),
            Check(
                "model",
                True,
                f"'{settings.model}' cannot be checked at this endpoint",
                required=False,
            ),
        ]
    except openai.OpenAIError as exc:
        return [Check("endpoint", False, friendly_error(exc, settings))]
    except Exception as exc:  # an HTML page or other non-API body
        return [
            Check(
                "endpoint",
                False,
                f"{url} did not answer like an OpenAI-compatible API ({type(exc).__name__})",
            )
        ]
    finally:
        await client.close()
    checks = [
        Check(
            "endpoint",
            True,
            f"{url} answered ({len(ids)} model{'s' if len(ids) != 1 else ''} listed)",
        )
    ]
    if settings.model in ids or f"{settings.model}:latest" in ids:
        checks.append(Check("model", True, f"'{settings.model}' is available"))
    else:
        shown = ", ".join(ids[:8]) + (", …" if len(ids) > 8 else "")
        checks.append(
            Check(
                "model",
                False,
                f"'{settings.model}' is not listed at {url}: pull the model or check MOCKINT_MODEL"
                + (f" (available: {shown})" if ids else ""),
            )
        )
    return checks


def _check_database(paths: Any) -> Check:
    from mockint.errors import MockintError
    from mockint.store.db import Store

    try:
        with Store(paths.db_file) as store:
            sessions = store.conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
            return Check(
                "database",
                True,
                f"{paths.db_file} opens (schema version {store.version}, {sessions} sessions)",
            )
    except MockintError as exc:
        return Check("database", False, exc.message)
    except Exception as exc:
        return Check("database", False, f"{paths.db_file}: {exc}")


def _check_content(paths: Any) -> Check:
    from mockint.content.loader import load_library

    lib = load_library(user_problems_dir=paths.user_problems_dir)
    counts = f"{len(lib.problems)} problems, {len(lib.rubrics)} rubrics, {len(lib.prompts)} prompts"
    if lib.errors:
        first = "; ".join(str(e) for e in lib.errors[:3])
        return Check(
            "content",
            False,
            f"{counts}; {len(lib.errors)} error(s): {first} (run 'mockint validate')",
        )
    kinds = {r.kind for r in lib.rubrics.values()}
    if "mock" not in kinds or not lib.problems:
        return Check("content", False, f"{counts}: no problems or no mock rubric loaded")
    return Check("content", True, f"{counts}; no errors")


def _gather(ctx: Any) -> dict[str, Any]:
    import asyncio
    import os

    from mockint.config import Settings
    from mockint.errors import MockintError
    from mockint.grading.llm_client import base_url_of
    from mockint.grading.tokens import TokenCounter

    paths = ctx.paths
    checks: list[Check] = []
    try:
        settings = ctx.settings
        config_error = None
    except MockintError as exc:
        settings = Settings()
        config_error = exc.message
        checks.append(Check("config", False, config_error))
    sources, toml_error = _settings_sources(paths)
    grader = settings.effective_grader()
    key_ok, key_detail = _key_status(settings)
    if grader == "llm":
        checks.extend(asyncio.run(_check_endpoint(settings)))
    else:
        checks.append(
            Check("endpoint", True, "not checked: the offline grader needs no LLM", required=False)
        )
    status = TokenCounter(settings.model, timeout=TOKENIZER_TIMEOUT).check()
    checks.append(Check("tokenizer", status.exact, status.detail, required=False))
    checks.append(_check_database(paths))
    checks.append(_check_content(paths))
    ok = all(c.ok for c in checks if c.required)
    home = os.environ.get("MOCKINT_HOME", "").strip()
    return {
        "ok": ok,
        "paths": {
            "home": str(paths.config_dir) if home else None,
            "config_dir": str(paths.config_dir),
            "data_dir": str(paths.data_dir),
            "config_file": str(paths.config_file),
            "config_file_exists": paths.config_file.exists(),
            "database": str(paths.db_file),
            "user_problems": str(paths.user_problems_dir),
        },
        "settings": [
            {
                "name": name,
                "value": _show(name, getattr(settings, name)),
                "source": sources.get(name, "default"),
            }
            for name in type(settings).model_fields
        ],
        "grader": {
            "configured": settings.grader,
            "effective": grader,
            "name": f"llm:{settings.model}" if grader == "llm" else "offline",
            "endpoint": base_url_of(settings) if grader == "llm" else None,
        },
        "api_key": {"present": key_ok, "detail": key_detail},
        "tokenizer": {"encoding": status.encoding, "exact": status.exact},
        "checks": [asdict(c) for c in checks],
        "config_error": config_error or toml_error,
    }


def run(args: argparse.Namespace) -> int:
    from mockint.commands._common import Context, print_json

    data = _gather(Context())
    if args.json:
        print_json(data)
        return 0 if data["ok"] else 1
    paths = data["paths"]
    print("Paths")
    if paths["home"]:
        print(f"  home          {paths['home']}  (MOCKINT_HOME)")
    exists = "" if paths["config_file_exists"] else "  (not found: defaults apply)"
    print(f"  config file   {paths['config_file']}{exists}")
    print(f"  database      {paths['database']}")
    print(f"  your problems {paths['user_problems']}")
    print("\nSettings")
    width = max(len(s["name"]) for s in data["settings"])
    for s in data["settings"]:
        value = "—" if s["value"] is None else s["value"]
        print(f"  {s['name']:<{width}}  {value!s:<28} {s['source']}")
    g = data["grader"]
    where = f" at {g['endpoint']}" if g["endpoint"] else ""
    print(f"\nGrader: {g['name']}{where}  (grader = {g['configured']})")
    print(f"API key: {data['api_key']['detail']}")
    print("\nChecks")
    for c in data["checks"]:
        mark = "ok  " if c["ok"] else ("FAIL" if c["required"] else "warn")
        print(f"  {mark}  {c['name']:<10} {c['detail']}")
    print()
    if data["ok"]:
        print(f"Everything needed for grading with {g['effective']} works.")
        return 0
    failed = [c["name"] for c in data["checks"] if not c["ok"] and c["required"]]
    print(f"Not ready: {', '.join(failed)} failed.")
    return 1
