"""What every command needs: paths, settings, the content library, the store, output helpers."""

from __future__ import annotations

import json
import sys
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockint.config import Paths, Settings
    from mockint.content.loader import Library
    from mockint.store.db import Store


class Context:
    """Lazily loaded pieces of the environment a command runs in."""

    @cached_property
    def paths(self) -> Paths:
        from mockint.config import Paths

        return Paths.resolve()

    @cached_property
    def settings(self) -> Settings:
        from mockint.config import load_settings

        return load_settings(self.paths)

    @cached_property
    def library(self) -> Library:
        from mockint.content.loader import load_library

        lib = load_library(user_problems_dir=self.paths.user_problems_dir)
        for issue in lib.issues:
            label = "notice" if issue.severity == "notice" else "warning: skipped"
            print(f"mockint: {label}: {issue}", file=sys.stderr)
        return lib

    @cached_property
    def store(self) -> Store:
        from mockint.store.db import Store

        return Store(self.paths.db_file)


def print_json(data: Any) -> None:
    """Write one JSON document to stdout."""
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def info(message: str) -> None:
    """A message for the user: always stderr, so stdout stays clean for --json."""
    print(message, file=sys.stderr)


def add_level_argument(parser: Any, default: str | None = None) -> None:
    parser.add_argument(
        "--level",
        choices=["mid", "senior", "staff", "principal"],
        default=default,
        help="target level (default: from config, senior)",
    )
