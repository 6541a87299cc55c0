"""A fake OpenAI-compatible endpoint for respx: canned completions built from what each request asks.

The real `openai` client sends the requests; these helpers only build HTTP responses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from factories import write_content_root
from mockint.config import Level, Settings
from mockint.content.loader import Library, load_library
from mockint.grading.base import GradeRequest
from mockint.interview.transcript import Exchange, PhaseTranscript, Transcript

BASE_URL = "http://llm.test/v1"
PHASES = ["requirements", "estimation", "design", "scale", "tradeoffs"]

ANSWERS = {
    "requirements": "Users create a short link for a long URL and anyone opening it is redirected. "
    "Reads dominate writes by roughly one hundred to one, so the redirect path must be fast and highly available.",
    "estimation": "About 100 million new links a month is roughly 40 writes per second, and with a 100 to 1 "
    "read ratio that is about 4000 redirects per second on average, more at peak.",
    "design": "The API has POST /links returning a code and GET /{code} answering 301. A key value store maps "
    "code to URL and a cache in front of it serves the hot links before the database is touched.",
    "scale": "The cache absorbs viral links, the store is sharded by code, and replicas in two regions keep "
    "redirects working when one region fails, with alerts on error rate and latency.",
    "tradeoffs": "Counter based codes are short but guessable while random codes need a collision check; I would "
    "pick random codes and revisit if the collision rate climbs as the keyspace fills.",
}


def settings(**overrides: Any) -> Settings:
    """Settings for a keyless local endpoint, with small retries so nothing waits long."""
    values: dict[str, Any] = {
        "base_url": BASE_URL,
        "retries": 2,
        "total_timeout": 60,
        "model": "test-model",
    }
    values.update(overrides)
    return Settings(**values)


def fixture_library(tmp_path: Path) -> Library:
    """A small library (one criterion per phase) written to tmp_path."""
    return load_library(roots=[write_content_root(tmp_path / "content")])


def transcript(answers: dict[str, str] | None = None) -> Transcript:
    return Transcript(
        phases=[PhaseTranscript(phase=p, answer=(answers or ANSWERS).get(p, "")) for p in PHASES]
    )


def request_for(
    library: Library, problem_id: str = "tiny-service", level: Level = Level.SENIOR, **kw: Any
) -> GradeRequest:
    problem = library.problem(problem_id)
    return GradeRequest(
        rubric=library.rubric(problem.rubric),
        level=level,
        transcript=kw.pop("transcript", None) or transcript(),
        problem=problem,
        **kw,
    )


def body(request: httpx.Request) -> dict[str, Any]:
    return json.loads(request.content)


def criterion_ids(request: httpx.Request) -> list[str]:
    """The criterion ids the request asks for (from the reminder in the user message)."""
    user = body(request)["messages"][1]["content"]
    found = re.search(r"Grade the criteria (.*?) against the rubric", user, re.DOTALL)
    assert found, "the user message names the criteria"
    return [c.strip(" `") for c in found.group(1).split(",")]


def candidate_block(request: httpx.Request) -> tuple[str, str]:
    """The nonce and the text between the candidate_answer tags of the user message."""
    user = body(request)["messages"][1]["content"]
    found = re.search(
        r'<candidate_answer id="([0-9a-f]+)">\n(.*)\n</candidate_answer id="\1">', user, re.DOTALL
    )
    assert found, "the user message wraps the answer in nonce tags"
    return found.group(1), found.group(2)


def grade_json(
    request: httpx.Request, score: int = 3, quote: str | None = None, **extra: Any
) -> str:
    """A valid SectionGrade reply for the criteria the request asks for, quoting the answer."""
    _, text = candidate_block(request)
    lines = [ln for ln in text.split("\n") if ln.strip() and not ln.startswith("## ")]
    evidence = quote if quote is not None else (lines[0][:60] if lines else "")
    reply = {
        "criteria": [
            {
                "criterion_id": cid,
                "evidence": [evidence] if evidence else [],
                "reasoning": "The passage shows it.",
                "score": score,
                "missing": "More depth.",
                "advice": "Practise one more example.",
            }
            for cid in criterion_ids(request)
        ],
        "summary": "A fair section.",
        "injection_flags": [],
    }
    reply.update(extra)
    return json.dumps(reply)


def completion(
    content: str | None,
    *,
    finish_reason: str = "stop",
    refusal: str | None = None,
    prompt_tokens: int = 1500,
    completion_tokens: int = 200,
    cached_tokens: int | None = None,
) -> dict[str, Any]:
    """A chat.completion body."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1,
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": None
            if cached_tokens is None
            else {"cached_tokens": cached_tokens},
        },
    }


def ok(request: httpx.Request, **kw: Any) -> httpx.Response:
    """A valid graded reply (score 3, quoting the start of the answer)."""
    return httpx.Response(200, json=completion(grade_json(request, **kw)))


def error(
    status: int, message: str, headers: dict[str, str] | None = None, **fields: Any
) -> httpx.Response:
    return httpx.Response(
        status, headers=headers or {}, json={"error": {"message": message, **fields}}
    )


def phase_with_exchange(phase: str, answer: str, question: str, reply: str) -> PhaseTranscript:
    return PhaseTranscript(
        phase=phase,
        answer=answer,
        exchanges=[Exchange(kind="followup", question=question, reply=reply)],
    )
