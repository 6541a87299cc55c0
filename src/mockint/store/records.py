"""Typed views of stored rows."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict


class SessionRecord(BaseModel):
    """A stored session: a mock, a drill or an own-system practice."""

    model_config = ConfigDict(extra="ignore")

    id: str
    kind: str
    problem_id: str | None = None
    title: str | None = None
    level: str
    status: str
    grader: str | None = None
    started_at: str
    updated_at: str
    ended_at: str | None = None
    elapsed_s: float = 0.0
    current_phase: str | None = None
    budgets: dict[str, float] = {}
    options: dict[str, Any] = {}
    overall: float | None = None
    verdict: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SessionRecord:
        data = dict(row)
        data["budgets"] = json.loads(data.pop("budgets_json", None) or "{}")
        data["options"] = json.loads(data.pop("options_json", None) or "{}")
        return cls.model_validate(data)


class EventRecord(BaseModel):
    """One event in a session's timeline: phase starts and ends, exchanges, pauses."""

    model_config = ConfigDict(extra="ignore")

    id: int
    session_id: str
    at: str
    elapsed_s: float | None = None
    phase: str | None = None
    kind: str
    text: str = ""
    data: dict[str, Any] = {}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> EventRecord:
        data = dict(row)
        data["data"] = json.loads(data.pop("data_json", None) or "{}")
        return cls.model_validate(data)
