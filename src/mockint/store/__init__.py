"""SQLite storage through sqlite-utils: schema, migrations and the queries the app needs."""

from __future__ import annotations

from typing import Any

__all__ = ["Store", "open_store"]


def __getattr__(name: str) -> Any:
    """Import the store lazily, so `mockint.store.migrations` stays light for read-only paths."""
    if name in __all__:
        from mockint.store import db

        return getattr(db, name)
    raise AttributeError(f"module 'mockint.store' has no attribute {name!r}")
