"""LLM grading benchmarks against a local instant endpoint (run by hand: python bench/bench_llm.py).

1. App-side overhead per LLM call: median time for the LlmGrader to grade one section, minus the
   median of a raw httpx2 POST of the same request body to the same server, measured in this run.
2. Five sections graded concurrently vs one, against an endpoint that takes 200 ms per reply:
   the ratio of medians (goal about 1x; sequential grading would be about 5x).
3. Prompt tokens per full mock (five phases and the overall section) for the labelled strong
   answers shipped in calibration/, and the share that is the stable, cacheable system prefix.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import subprocess
import sys
import time
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mockint.config import Level, Settings  # noqa: E402
from mockint.content.loader import load_library  # noqa: E402
from mockint.grading.base import GradeRequest  # noqa: E402
from mockint.grading.llm import LlmGrader  # noqa: E402
from mockint.grading.prompting import GradingContext, PromptBuilder, section_input  # noqa: E402
from mockint.grading.tokens import TokenCounter  # noqa: E402
from mockint.interview.transcript import PhaseTranscript, Transcript  # noqa: E402

PHASES = ["requirements", "estimation", "design", "scale", "tradeoffs"]
RUNS = 200
CONCURRENCY_RUNS = 15
SLOW_REPLY_S = 0.2


def _reply_for(body: dict[str, Any]) -> bytes:
    user = (
        body["messages"][-1]["content"]
        if body["messages"][-1]["role"] == "user"
        else body["messages"][1]["content"]
    )
    ids = [
        c.strip(" `")
        for c in re.search(r"Grade the criteria (.*?) against", user, re.S).group(1).split(",")
    ]
    block = re.search(
        r'<candidate_answer id="[0-9a-f]+">\n(.*)\n</candidate_answer', user, re.S
    ).group(1)
    quote = next(
        line for line in block.splitlines() if line.strip() and not line.startswith("## ")
    )[:60]
    grade = {
        "criteria": [
            {
                "criterion_id": i,
                "evidence": [quote],
                "reasoning": "Shown.",
                "score": 3,
                "missing": "",
                "advice": "Keep going.",
            }
            for i in ids
        ],
        "summary": "Solid.",
        "injection_flags": [],
    }
    prompt_tokens = sum(len(m["content"]) for m in body["messages"]) // 4
    completion = {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": "bench",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": json.dumps(grade)},
                "finish_reason": "stop",
            }
        ],
        "usage": {  # a plausible count (about 4 characters per token), so no truncation warning fires
            "prompt_tokens": prompt_tokens,
            "completion_tokens": 300,
            "total_tokens": prompt_tokens + 300,
            "prompt_tokens_details": {"cached_tokens": 1024},
        },
    }
    return json.dumps(completion).encode()


def serve(delay: float = 0.0) -> ThreadingHTTPServer:
    """An OpenAI-compatible endpoint on 127.0.0.1 answering every chat completion with a valid grade."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body in separate writes would hit delayed ACKs
        wbufsize = 1 << 16

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            data = _reply_for(json.loads(self.rfile.read(length)))
            if delay:
                time.sleep(delay)
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    return server


class Endpoint:
    """The endpoint in its own process, so its work never competes with the client for the GIL."""

    def __init__(self, delay: float = 0.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(delay)], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def load_answers() -> list[tuple[str, dict[str, str]]]:
    """The strong labelled answers: (problem id, phase -> text)."""
    out = []
    for path in sorted((ROOT / "calibration").glob("*.toml")):
        for answer in tomllib.loads(path.read_text(encoding="utf-8")).get("answers", []):
            if answer.get("label") == "strong":
                out.append((answer["problem"], {p: answer.get(p, "") for p in PHASES}))
    return out


def request_for(
    library: Any, problem_id: str, answers: dict[str, str], sections: list[str]
) -> GradeRequest:
    problem = library.problem(problem_id)
    rubric = library.rubric(problem.rubric)
    rubric = rubric.model_copy(
        update={"sections": [s for s in rubric.sections if s.id in sections]}
    )
    transcript = Transcript(
        phases=[PhaseTranscript(phase=p, answer=answers[p]) for p in PHASES if p in sections]
    )
    # model_construct: a mock rubric cut down to some sections would not pass validation
    return GradeRequest.model_construct(
        rubric=rubric,
        level=Level.SENIOR,
        transcript=transcript,
        problem=problem,
        question=None,
        prompt_text=None,
        session_id=None,
    )


async def _median_grade(grader: LlmGrader, request: GradeRequest, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        report = await grader.grade(request)
        times.append(time.perf_counter() - started)
        assert report.status == "graded", report.pending_reason
    return statistics.median(times)


async def _median_raw(url: str, body: bytes, runs: int) -> float:
    import httpx2

    times = []
    async with httpx2.AsyncClient() as client:
        for _ in range(5):
            await client.post(
                f"{url}/chat/completions",
                content=body,
                headers={"content-type": "application/json"},
            )
        for _ in range(runs):
            started = time.perf_counter()
            response = await client.post(
                f"{url}/chat/completions",
                content=body,
                headers={"content-type": "application/json"},
            )
            response.json()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def captured_body(grader: LlmGrader, request: GradeRequest) -> bytes:
    """The request body the grader sends for one section (same size and shape as a real call)."""
    ctx = GradingContext(rubric=request.rubric, level=request.level, problem=request.problem)
    item = section_input(request.transcript, request.rubric.sections[0], request.rubric.kind)
    messages, _ = grader.builder.messages(ctx, item)
    return json.dumps(grader._params(messages, "json_schema", 2000)).encode()


async def overhead(library: Any, problem_id: str, answers: dict[str, str]) -> dict[str, float]:
    endpoint = Endpoint()
    url = endpoint.url
    try:
        grader = LlmGrader(Settings(base_url=url, model="bench", retries=0), library)
        request = request_for(library, problem_id, answers, ["design"])
        await _median_grade(grader, request, 10)  # warm-up: imports, tokenizer, client, connection
        raw = await _median_raw(url, captured_body(grader, request), RUNS)
        graded = await _median_grade(grader, request, RUNS)
        raw_again = await _median_raw(url, captured_body(grader, request), RUNS)
        await grader.aclose()
    finally:
        endpoint.close()
    baseline = min(raw, raw_again)
    return {
        "grade_ms": graded * 1000,
        "raw_ms": baseline * 1000,
        "overhead_ms": (graded - baseline) * 1000,
    }


async def concurrency(library: Any, problem_id: str, answers: dict[str, str]) -> dict[str, float]:
    endpoint = Endpoint(delay=SLOW_REPLY_S)
    url = endpoint.url
    try:
        grader = LlmGrader(Settings(base_url=url, model="bench", retries=0), library)
        one = request_for(library, problem_id, answers, ["design"])
        five = request_for(library, problem_id, answers, PHASES)
        await _median_grade(grader, five, 2)
        t_one = await _median_grade(grader, one, CONCURRENCY_RUNS)
        t_five = await _median_grade(grader, five, CONCURRENCY_RUNS)
        await grader.aclose()
    finally:
        endpoint.close()
    return {"one_ms": t_one * 1000, "five_ms": t_five * 1000, "ratio": t_five / t_one}


def prompt_tokens(library: Any) -> list[dict[str, Any]]:
    builder = PromptBuilder(library.prompts)
    counter = TokenCounter("gpt-4o-mini")
    rows = []
    for problem_id, answers in load_answers():
        problem = library.problem(problem_id)
        rubric = library.rubric(problem.rubric)
        ctx = GradingContext(rubric=rubric, level=Level.SENIOR, problem=problem)
        transcript = Transcript(
            phases=[PhaseTranscript(phase=p, answer=answers[p]) for p in PHASES]
        )
        system = user = 0
        five_system = five_total = 0
        exact = True
        for section in rubric.sections:
            messages, _ = builder.messages(ctx, section_input(transcript, section, rubric.kind))
            s, u = counter.count(messages[0]["content"]), counter.count(messages[1]["content"])
            total = counter.count_messages(messages).n
            exact = exact and s.exact and u.exact
            system += s.n
            user += total - s.n
            if section.id in PHASES:
                five_system += s.n
                five_total += total
        rows.append(
            {
                "problem": problem_id,
                "five_phases": five_total,
                "five_stable_share": five_system / five_total,
                "with_overall": system + user,
                "stable_share": system / (system + user),
                "exact": exact,
            }
        )
    return rows


def main() -> None:
    library = load_library()
    answers = load_answers()
    problem_id, first = answers[0]
    o = asyncio.run(overhead(library, problem_id, first))
    c = asyncio.run(concurrency(library, problem_id, first))
    print("LLM grading (local endpoint on 127.0.0.1)")
    print(f"  raw httpx2 POST, same body (baseline)   {o['raw_ms']:8.2f} ms median")
    print(f"  LlmGrader, one section                  {o['grade_ms']:8.2f} ms median")
    print(f"  app-side overhead per call              {o['overhead_ms']:8.2f} ms   (goal < 20 ms)")
    print(
        f"  one section, {SLOW_REPLY_S * 1000:.0f} ms endpoint              {c['one_ms']:8.1f} ms median"
    )
    print(f"  five sections concurrently              {c['five_ms']:8.1f} ms median")
    print(
        f"  five / one                              {c['ratio']:8.2f}x     (goal ≈ 1x; sequential ≈ 5x)"
    )
    print()
    print("Prompt tokens per full mock at senior (strong calibration answers, o200k_base)")
    print(f"  {'problem':<16}{'5 phases':>10}{'stable':>8}{'+overall':>10}{'stable':>8}")
    for row in prompt_tokens(library):
        mark = "" if row["exact"] else "≈"
        print(
            f"  {row['problem']:<16}{mark}{row['five_phases']:>9,}{row['five_stable_share']:>8.0%}"
            f"{mark}{row['with_overall']:>9,}{row['stable_share']:>8.0%}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        server = serve(float(sys.argv[2]))
        print(f"http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
        server.serve_forever()
    else:
        main()
