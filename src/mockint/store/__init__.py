"""SQLite storage through sqlite-utils: schema, migrations and the queries the app needs."""

from mockint.store.db import Store, open_store

__all__ = ["Store", "open_store"]
