"""The LLM grader: each rubric section graded in its own call, concurrently, every reply verified.

Per section: the deterministic pre-check first (too little text means no call); then one chat
completion asking for the `SectionGrade` schema. Output modes fall back json_schema → json_object →
plain text for servers that reject one, remembered per endpoint for the process. Every reply is
checked: criterion ids exactly the rubric's, scores 1-4, every quote found word for word in the
candidate's own text. Invented quotes are dropped; a criterion scored 2 or more with no verified
quote is sent back once with the reasons, and if it still has none its score is capped at 1
("missing": nothing the candidate wrote shows it) and flagged for review.

Transient failures (429, 5xx, timeouts, connection errors, unusable bodies or replies, truncation,
refusals) are retried with exponential backoff and jitter, honouring retry-after, up to
`settings.retries` per section and inside `settings.total_timeout` for the whole grade. Whatever
still fails raises `GradingError` with a reason the user can act on; the service marks the session
pending so `mockint regrade` can finish it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from mockint.errors import GradingError, MockintError
from mockint.grading.base import GradeRequest, ProgressCallback
from mockint.grading.llm_client import (
    NotOpenAICompatible,
    base_url_of,
    build_client,
    endpoint_host,
    friendly_error,
    not_compatible,
    resolve_api_key,
)
from mockint.grading.llm_schema import (
    OUTPUT_MODES,
    OutputMode,
    SectionGrade,
    parse_reply,
    response_format,
)
from mockint.grading.precheck import PrecheckResult
from mockint.grading.prompting import (
    OVERALL_SECTION,
    GradingContext,
    PromptBuilder,
    SectionInput,
    applicable_criteria,
    section_input,
)
from mockint.grading.report import CriterionResult, GradeReport, PhaseResult, Usage

if TYPE_CHECKING:
    from mockint.config import Settings
    from mockint.content.loader import Library
    from mockint.content.models import Criterion, RubricSection
    from mockint.grading.tokens import TokenCount, TokenCounter
    from mockint.store.db import Store

DEFAULT_MAX_TOKENS = 2000
"""Room for the structured reply (about 400 tokens for five criteria) and a reasoning model's preamble."""
TRUNCATION_RATIO = 0.7
"""A server counting under this share of our exact prompt count has cut the prompt."""
ESTIMATE_TRUNCATION_RATIO = 0.45
"""The same check when our count is only an estimate (chars / 3 overcounts plain English)."""
MAX_RETRY_AFTER = 60.0
UNSUPPORTED_CAP = 1
MAX_FEEDBACK_CHARS = 4000

# What the process has learnt about endpoints: the output mode that works per base URL, and the
# parameters a (base URL, model) pair rejects.
_endpoint_modes: dict[str, OutputMode] = {}
_endpoint_quirks: dict[tuple[str, str], set[str]] = {}


def forget_endpoints() -> None:
    """Forget what was learnt about endpoints (tests)."""
    _endpoint_modes.clear()
    _endpoint_quirks.clear()


def remembered_mode(base_url: str) -> OutputMode:
    """The output mode the next call to this endpoint starts with."""
    return _endpoint_modes.get(base_url.rstrip("/"), "json_schema")


def _downgrade(base_url: str, rejected: OutputMode) -> OutputMode | None:
    """Record that an endpoint rejected a mode; return the next mode to try (None: nothing left)."""
    index = OUTPUT_MODES.index(rejected)
    if index + 1 >= len(OUTPUT_MODES):
        return None
    nxt = OUTPUT_MODES[index + 1]
    current = _endpoint_modes.get(base_url, "json_schema")
    if OUTPUT_MODES.index(current) < OUTPUT_MODES.index(nxt):
        _endpoint_modes[base_url] = nxt
    return _endpoint_modes[base_url]


# ------------------------------------------------------------------ attempt outcomes


class _Retryable(Exception):
    """A transient failure: try again after a backoff (or the server's retry-after)."""

    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


class _Repair(Exception):
    """The reply was unusable: ask again at once, telling the model what was wrong."""

    def __init__(self, reason: str, content: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.content = content


class _Truncated(Exception):
    """The reply hit max_tokens."""


_FORMAT_WORDS = (
    "response_format",
    "json_schema",
    "json_object",
    "schema",
    "structured output",
    "grammar",
    "guided",
)


def _retry_after(exc: Any) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            value = float(ms) / 1000
            if value > 0:
                return value
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw:
        try:
            return max(float(raw), 0.0)
        except ValueError:
            try:
                when = parsedate_to_datetime(raw)
                return max((when - datetime.now(UTC)).total_seconds(), 0.0)
            except (TypeError, ValueError):
                return None
    return None


def _should_retry_header(exc: Any) -> bool | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    value = headers.get("x-should-retry") if headers is not None else None
    if value == "false":
        return False
    if value == "true":
        return True
    return None


def _error_text(exc: Any) -> str:
    body = getattr(exc, "body", None)
    parts = [str(getattr(exc, "message", "") or exc)]
    if isinstance(body, dict):
        parts.append(str(body))
    param = getattr(exc, "param", None)
    if param:
        parts.append(f"param={param}")
    return " ".join(parts).lower()


# ------------------------------------------------------------------ one grading run


@dataclass
class CallStats:
    """Totals over every call of one grade, for the report's usage."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    estimated: bool = False
    reserved_tokens: int = 0
    notes: list[str] = field(default_factory=list)
    short_prompts: list[tuple[int, str]] = field(default_factory=list)
    """(server count, our count) for calls where the server saw far fewer prompt tokens."""

    def all_notes(self) -> list[str]:
        notes = list(dict.fromkeys(self.notes))
        if self.short_prompts:
            server, ours = self.short_prompts[0]
            notes.append(
                f"On {len(self.short_prompts)} of {self.calls} calls the server counted far fewer prompt tokens "
                f"than mockint did (e.g. {server:,} vs {ours}): it may have cut the prompt, rubric first "
                "(with Ollama, raise the context: OLLAMA_CONTEXT_LENGTH or num_ctx)."
            )
        return notes


@dataclass
class _Run:
    """State shared by the sections of one grade: client, deadline, budget, totals."""

    client: Any
    deadline: float
    session_id: str | None
    stats: CallStats = field(default_factory=CallStats)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


class LlmGrader:
    """Grades with any OpenAI-compatible chat completions endpoint."""

    def __init__(
        self,
        settings: Settings,
        library: Library | None = None,
        http_client: Any = None,
        store: Store | None = None,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        token_counter: TokenCounter | None = None,
    ) -> None:
        self.settings = settings
        self.library = library
        self.http_client = http_client
        self.store = store
        self.sleep = sleep
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._counter = token_counter
        self._builder: PromptBuilder | None = None
        self._client: Any = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self.base_url = base_url_of(settings)
        self.endpoint = endpoint_host(settings)

    @property
    def name(self) -> str:
        return f"llm:{self.settings.model}"

    @property
    def builder(self) -> PromptBuilder:
        if self._builder is None:
            self._builder = PromptBuilder(self.library.prompts if self.library is not None else {})
        return self._builder

    @property
    def counter(self) -> TokenCounter:
        if self._counter is None:
            from mockint.grading.tokens import TokenCounter

            self._counter = TokenCounter(self.settings.model)
        return self._counter

    @property
    def prompt_hash(self) -> str:
        return self.builder.hash

    def _client_for_loop(self) -> Any:
        """One client per event loop, reused across calls (building one costs ~30 ms)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = build_client(
                self.settings, http_client=self.http_client, api_key=resolve_api_key(self.settings)
            )
            self._client_loop = loop
        return self._client

    async def aclose(self) -> None:
        """Close the client this grader built (not an injected http_client)."""
        client, self._client = self._client, None
        if client is not None and self.http_client is None:
            with contextlib.suppress(Exception):
                await client.close()

    # -------------------------------------------------------------- the Grader protocol

    async def grade(
        self, request: GradeRequest, progress: ProgressCallback | None = None
    ) -> GradeReport:
        """Grade every section concurrently; raise GradingError when any section cannot be graded."""
        from mockint.grading.scoring import finalize

        started = time.monotonic()
        ctx = _context_of(request)
        items = self._section_inputs(request)
        try:
            client = self._client_for_loop()
        except MockintError as exc:
            raise GradingError(exc.message) from None
        run = _Run(
            client=client,
            deadline=started + self.settings.total_timeout,
            session_id=request.session_id,
        )
        if not self.counter.waited:
            # The first tokenizer load may take seconds: wait for it off the event loop.
            await asyncio.to_thread(self.counter.warm_up)
        prechecks = _prechecks(ctx, items)
        self._check_budget(ctx, [i for i in items if prechecks[i.section.id].ok])
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                async with asyncio.TaskGroup() as group:
                    tasks = [
                        group.create_task(
                            self._grade_section(
                                run, ctx, item, prechecks[item.section.id], request, progress
                            )
                        )
                        for item in items
                    ]
        except BaseExceptionGroup as group:
            failures = group.subgroup(GradingError)
            if failures is None:
                raise
            raise _first_leaf(failures) from None
        except TimeoutError:
            raise GradingError(
                f"grading did not finish within {self.settings.total_timeout:g} s (total_timeout); "
                f"the LLM at {self.base_url} is too slow or unavailable"
            ) from None
        phases = [t.result() for t in tasks]
        stats = run.stats
        report = GradeReport(
            status="graded",
            grader=self.name,
            level=request.level,
            problem=request.problem.id
            if request.problem
            else (request.question.id if request.question else None),
            rubric=request.rubric.id,
            phases=phases,
            usage=Usage(
                calls=stats.calls,
                prompt_tokens=stats.prompt_tokens,
                completion_tokens=stats.completion_tokens,
                cached_tokens=stats.cached_tokens,
                latency_ms=round((time.monotonic() - started) * 1000, 1),
                estimated=stats.estimated,
            ),
            prompt_hash=self.prompt_hash,
            notes=stats.all_notes(),
            injection_flags=_injection_flags(phases),
            created_at=datetime.now(UTC),
        )
        return finalize(report, request.rubric)

    # -------------------------------------------------------------- sections

    def _section_inputs(self, request: GradeRequest) -> list[SectionInput]:
        only = request.transcript.phases[0].phase if len(request.transcript.phases) == 1 else None
        items = []
        for section in request.rubric.sections:
            item = section_input(
                request.transcript, section, request.rubric.kind, fallback_phase=only
            )
            if applicable_criteria(section, request.level, item.timed):
                items.append(item)
        return items

    def _check_budget(self, ctx: GradingContext, items: list[SectionInput]) -> None:
        total = 0
        exact = True
        for item in items:
            messages, _ = self.builder.messages(ctx, item, nonce="0" * 16)
            counted = self.counter.count_messages(messages)
            total += counted.n
            exact = exact and counted.exact
        if total > self.settings.token_budget:
            shown = f"{total:,}" if exact else f"≈{total:,}"
            raise GradingError(
                f"this session needs {shown} prompt tokens, over the token budget of "
                f"{self.settings.token_budget:,} (token_budget / MOCKINT_TOKEN_BUDGET); raise it, or grade "
                "offline with --grader offline"
            )

    async def _grade_section(
        self,
        run: _Run,
        ctx: GradingContext,
        item: SectionInput,
        pre: PrecheckResult,
        request: GradeRequest,
        progress: ProgressCallback | None,
    ) -> PhaseResult:
        from mockint.grading.precheck import detect_injection, insufficient_phase
        from mockint.grading.quotes import QuoteChecker

        section = item.section
        timing = request.transcript.get(section.id) if section.id != "overall" else None
        seconds = timing.seconds_used if timing else None
        budget = timing.budget_seconds if timing else None
        question = ctx.question()
        if not pre.ok:
            _report(progress, section.id, "done")
            return insufficient_phase(section, pre.reason, ctx.level, seconds, budget)
        _report(progress, section.id, "started")
        criteria = applicable_criteria(section, ctx.level, item.timed)
        messages, _nonce = self.builder.messages(ctx, item)
        checker = QuoteChecker(item.quotable, f"{question}\n{item.not_candidate}")
        attempts_left = 1 + self.settings.retries
        feedback: list[dict[str, str]] = []
        max_tokens = DEFAULT_MAX_TOKENS
        length_retried = evidence_retried = False
        failure = ""
        while True:
            content = ""
            try:
                content = await self._request(run, section.id, [*messages, *feedback], max_tokens)
                grade = _parse(content)
                _check_structure(grade, criteria)
            except _Truncated:
                failure = "the model's reply was cut off at the token limit (finish_reason length)"
                attempts_left -= 1
                if attempts_left <= 0:
                    break
                if not length_retried:
                    length_retried, max_tokens = True, max_tokens * 2
                _report(progress, section.id, "retrying")
                continue
            except _Retryable as exc:
                failure = exc.reason
                attempts_left -= 1
                if attempts_left <= 0:
                    break
                _report(progress, section.id, "retrying")
                await self._backoff(run, 1 + self.settings.retries - attempts_left, exc)
                continue
            except _Repair as exc:
                failure = f"the model's reply could not be used: {exc.reason}"
                attempts_left -= 1
                if attempts_left <= 0:
                    break
                _report(progress, section.id, "retrying")
                feedback = _repair_messages(exc.content or content, exc.reason, criteria)
                continue
            phase, unsupported, dropped = _to_phase(grade, criteria, checker, section)
            if unsupported and not evidence_retried and attempts_left > 1:
                evidence_retried = True
                attempts_left -= 1
                _report(progress, section.id, "retrying")
                feedback = _evidence_messages(content, unsupported, dropped)
                continue
            phase = _cap_unsupported(phase, unsupported)
            suspicious = detect_injection(item.quotable) if section.id != "overall" else []
            model_flags = [f for f in grade.injection_flags if checker.check(f).ok]
            flags = [
                f"possible manipulation: {s}" for s in dict.fromkeys([*suspicious, *model_flags])
            ]
            _report(progress, section.id, "done")
            return phase.model_copy(
                update={
                    "seconds_used": seconds,
                    "budget_seconds": budget,
                    "flags": [*phase.flags, *flags],
                }
            )
        _report(progress, section.id, "failed")
        raise GradingError(f"could not grade {section.title}: {failure}")

    async def _backoff(self, run: _Run, attempt: int, exc: _Retryable) -> None:
        if exc.delay is not None:
            delay = min(exc.delay, MAX_RETRY_AFTER)
        else:
            delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
            delay *= 1 + random.random() * 0.25
        if delay >= run.remaining():
            raise GradingError(
                f"{exc.reason}; no time left to retry within total_timeout ({self.settings.total_timeout:g} s)"
            )
        await self.sleep(delay)

    # -------------------------------------------------------------- one HTTP call

    def _params(
        self, messages: list[dict[str, str]], mode: OutputMode, max_tokens: int
    ) -> dict[str, Any]:
        quirks = _endpoint_quirks.get((self.base_url, self.settings.model), set())
        params: dict[str, Any] = {"model": self.settings.model, "messages": messages}
        if "max_completion_tokens" in quirks:
            params["max_completion_tokens"] = max_tokens
        else:
            params["max_tokens"] = max_tokens
        if self.settings.temperature is not None and "no_temperature" not in quirks:
            params["temperature"] = self.settings.temperature
        fmt = response_format(mode)
        if fmt is not None:
            params["response_format"] = fmt
        return params

    def _reserve(self, run: _Run, counted: TokenCount) -> None:
        run.stats.reserved_tokens += counted.n
        if run.stats.reserved_tokens > self.settings.token_budget:
            raise GradingError(
                f"grading stopped at the token budget of {self.settings.token_budget:,} prompt tokens "
                "(token_budget / MOCKINT_TOKEN_BUDGET) after retries; raise it and run 'mockint regrade'"
            )

    def _learn_from_bad_request(
        self, exc: Any, mode: OutputMode, params: dict[str, Any]
    ) -> OutputMode | None:
        """Adapt to a 400: a rejected output mode or parameter. None when there is nothing to adapt."""
        text = _error_text(exc)
        key = (self.base_url, self.settings.model)
        if "temperature" in text and "temperature" in params:
            _endpoint_quirks.setdefault(key, set()).add("no_temperature")
            return mode
        if "max_tokens" in text and "max_tokens" in params:
            _endpoint_quirks.setdefault(key, set()).add("max_completion_tokens")
            return mode
        if mode != "none" and (
            any(w in text for w in _FORMAT_WORDS) or getattr(exc, "status_code", 0) == 422
        ):
            return _downgrade(self.base_url, mode)
        return None

    async def _request(
        self, run: _Run, section_id: str, messages: list[dict[str, str]], max_tokens: int
    ) -> str:
        """One chat completion (adapting to rejected modes and parameters); the reply's content."""
        import openai

        mode = remembered_mode(self.base_url)
        counted = self.counter.count_messages(messages)
        for _ in range(len(OUTPUT_MODES) + 3):
            params = self._params(messages, mode, max_tokens)
            self._reserve(run, counted)
            remaining = run.remaining()
            if remaining <= 0:
                raise GradingError(
                    f"grading did not finish within {self.settings.total_timeout:g} s (total_timeout)"
                )
            started = time.perf_counter()
            try:
                completion = await run.client.chat.completions.create(
                    **params, timeout=min(self.settings.request_timeout, remaining)
                )
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                self._record(
                    run,
                    section_id,
                    mode,
                    "error",
                    friendly_error(exc, self.settings),
                    started,
                    counted,
                )
                adapted = self._learn_from_bad_request(exc, mode, params)
                if adapted is None:
                    raise GradingError(friendly_error(exc, self.settings)) from None
                mode = adapted
                continue
            except openai.APIStatusError as exc:
                reason = friendly_error(exc, self.settings)
                self._record(run, section_id, mode, "error", reason, started, counted)
                should = _should_retry_header(exc)
                transient = exc.status_code in (408, 409, 429) or exc.status_code >= 500
                if should is False or not (transient or should):
                    raise GradingError(reason) from None
                raise _Retryable(reason, _retry_after(exc)) from None
            except openai.APIConnectionError as exc:  # includes APITimeoutError
                reason = friendly_error(exc, self.settings)
                self._record(run, section_id, mode, "error", reason, started, counted)
                raise _Retryable(reason) from None
            except ValueError as exc:  # a JSON content-type with a body that is not JSON
                reason = str(not_compatible(self.settings, str(exc)))
                self._record(run, section_id, mode, "error", reason, started, counted)
                raise _Retryable(reason) from None
            return self._read_completion(run, section_id, mode, completion, started, counted)
        raise GradingError(
            f"the endpoint {self.base_url} rejected every request format mockint can send"
        )

    def _read_completion(
        self,
        run: _Run,
        section_id: str,
        mode: OutputMode,
        completion: Any,
        started: float,
        counted: TokenCount,
    ) -> str:
        if not hasattr(completion, "choices"):
            reason = str(not_compatible(self.settings, str(completion)))
            self._record(run, section_id, mode, "error", reason, started, counted)
            raise _Retryable(reason)
        usage = getattr(completion, "usage", None)
        self._record(run, section_id, mode, "ok", None, started, counted, usage)
        try:
            choice = completion.choices[0]
            message = choice.message
        except (IndexError, AttributeError, TypeError):
            raise _Repair("the reply had no choices") from None
        finish = getattr(choice, "finish_reason", None)
        refusal = getattr(message, "refusal", None)
        if refusal or finish == "content_filter":
            detail = f": {str(refusal)[:200]}" if refusal else " (content filter)"
            raise _Retryable(f"the model refused to grade this answer{detail}")
        if finish == "length":
            raise _Truncated()
        content = getattr(message, "content", None) or ""
        if not content.strip():
            raise _Repair("the reply was empty")
        return content

    def _record(
        self,
        run: _Run,
        section_id: str,
        mode: OutputMode,
        status: str,
        error: str | None,
        started: float,
        counted: TokenCount,
        usage: Any = None,
    ) -> None:
        latency = round((time.perf_counter() - started) * 1000, 2)
        stats = run.stats
        stats.calls += 1
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
        details = getattr(usage, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", None) if details is not None else None
        if prompt is None and status == "ok":
            stats.estimated = True
            stats.prompt_tokens += counted.n
        else:
            stats.prompt_tokens += prompt or 0
        stats.completion_tokens += completion or 0
        stats.cached_tokens += cached or 0
        if not counted.exact:
            stats.estimated = True
        if prompt:
            ratio = TRUNCATION_RATIO if counted.exact else ESTIMATE_TRUNCATION_RATIO
            if counted.n >= 200 and prompt < ratio * counted.n:
                stats.short_prompts.append((prompt, str(counted)))
        if self.store is not None and run.session_id:
            with contextlib.suppress(Exception):  # recording usage must never fail a grade
                self.store.record_llm_call(
                    session_id=run.session_id,
                    model=self.settings.model,
                    endpoint=self.endpoint,
                    phase=section_id,
                    mode=mode,
                    status=status,
                    error=(error or None) and error[:500],
                    prompt_tokens=prompt,
                    completion_tokens=completion,
                    cached_tokens=cached,
                    estimated_prompt_tokens=counted.n,
                    latency_ms=latency,
                    prompt_hash=self.prompt_hash,
                )


# ------------------------------------------------------------------ helpers


def _prechecks(ctx: GradingContext, items: list[SectionInput]) -> dict[str, PrecheckResult]:
    """The deterministic pre-check per section; the whole-interview section needs a graded phase."""
    from mockint.grading.precheck import check_section

    question = ctx.question()
    results = {i.section.id: check_section(i.candidate, question) for i in items}
    if OVERALL_SECTION in results and results[OVERALL_SECTION].ok:
        phases = [r for sid, r in results.items() if sid != OVERALL_SECTION]
        if phases and not any(r.ok for r in phases):
            results[OVERALL_SECTION] = PrecheckResult(
                ok=False, reason="no phase had enough to grade"
            )
    return results


def _first_leaf(group: BaseExceptionGroup) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first


def _report(progress: ProgressCallback | None, section_id: str, state: str) -> None:
    if progress is not None:
        with contextlib.suppress(Exception):
            progress(section_id, state)


def _context_of(request: GradeRequest) -> GradingContext:
    question = request.question
    return GradingContext(
        rubric=request.rubric,
        level=request.level,
        problem=request.problem,
        question_title=question.title if question else None,
        question_text=question.question if question else None,
        question_cover=tuple(question.cover) if question else (),
        question_points=tuple(p.text for p in question.points) if question else (),
        prompt_text=request.prompt_text,
    )


def _parse(content: str) -> SectionGrade:
    try:
        return parse_reply(content)
    except ValueError as exc:
        raise _Repair(str(exc), content) from None


def _check_structure(grade: SectionGrade, criteria: list[Criterion]) -> None:
    """Criterion ids exactly the rubric's (no missing, extra or duplicate); scores 1-4."""
    expected = [c.id for c in criteria]
    got = [c.criterion_id.strip() for c in grade.criteria]
    problems = []
    missing = [c for c in expected if c not in got]
    extra = sorted({c for c in got if c not in expected})
    dupes = sorted({c for c in got if got.count(c) > 1})
    if missing:
        problems.append(f"missing criterion id {', '.join(missing)}")
    if extra:
        problems.append(f"unknown criterion id {', '.join(extra)}")
    if dupes:
        problems.append(f"duplicate criterion id {', '.join(dupes)}")
    bad = [c.criterion_id for c in grade.criteria if c.score not in (1, 2, 3, 4)]
    if bad:
        problems.append(f"scores must be 1, 2, 3 or 4 ({', '.join(bad)})")
    if problems:
        raise _Repair("; ".join(problems) + f"; the ids are exactly: {', '.join(expected)}")


def _to_phase(
    grade: SectionGrade, criteria: list[Criterion], checker: Any, section: RubricSection
) -> tuple[PhaseResult, list[str], list[str]]:
    """Build the phase result with verified quotes only; list unsupported criteria and dropped quotes."""
    by_id = {c.criterion_id.strip(): c for c in grade.criteria}
    results: list[CriterionResult] = []
    unsupported: list[str] = []
    dropped_all: list[str] = []
    for crit in criteria:
        got = by_id[crit.id]
        kept, dropped = checker.split(got.evidence)
        flags = [f"dropped quote ({d.reason}): {d.quote[:120]}" for d in dropped]
        dropped_all.extend(d.quote for d in dropped)
        if got.score >= 2 and not kept:
            unsupported.append(crit.id)
        results.append(
            CriterionResult(
                id=crit.id,
                name=crit.name,
                score=got.score,
                evidence=kept,
                missing=got.missing.strip(),
                advice=got.advice.strip(),
                flags=flags,
            )
        )
    phase = PhaseResult(
        phase=section.id, status="graded", summary=grade.summary.strip(), criteria=results
    )
    return phase, unsupported, dropped_all


def _cap_unsupported(phase: PhaseResult, unsupported: list[str]) -> PhaseResult:
    if not unsupported:
        return phase
    criteria = []
    for c in phase.criteria:
        if c.id in unsupported and c.score is not None and c.score > UNSUPPORTED_CAP:
            flag = f"needs review: scored {c.score} without a quote found in the answer; capped at {UNSUPPORTED_CAP}"
            c = c.model_copy(update={"score": UNSUPPORTED_CAP, "flags": [*c.flags, flag]})
        criteria.append(c)
    return phase.model_copy(update={"criteria": criteria})


def _injection_flags(phases: list[PhaseResult]) -> list[str]:
    out: list[str] = []
    for phase in phases:
        for f in phase.flags:
            if f.startswith("possible manipulation: "):
                snippet = f.removeprefix("possible manipulation: ")
                if snippet not in out:
                    out.append(snippet)
    return out


def _repair_messages(content: str, reason: str, criteria: list[Criterion]) -> list[dict[str, str]]:
    return [
        {"role": "assistant", "content": content[:MAX_FEEDBACK_CHARS] or "(empty)"},
        {
            "role": "user",
            "content": f"Your reply could not be used: {reason}. Grade again: one entry for each criterion id "
            f"({', '.join(c.id for c in criteria)}), scores 1 to 4, and reply with the JSON object only.",
        },
    ]


def _evidence_messages(
    content: str, unsupported: list[str], dropped: list[str]
) -> list[dict[str, str]]:
    lines = [f'- "{q[:200]}"' for q in dropped[:8]]
    missing = (
        "These quotes are not in the candidate's answer word for word:\n" + "\n".join(lines) + "\n"
        if lines
        else ""
    )
    return [
        {"role": "assistant", "content": content[:MAX_FEEDBACK_CHARS]},
        {
            "role": "user",
            "content": f"{missing}Criteria {', '.join(unsupported)} scored 2 or more with no quote found in the "
            "answer. Grade again: copy evidence exactly as the candidate wrote it, between the candidate_answer "
            "tags; if the answer has nothing for a criterion, give an empty list and score 1. Reply with the "
            "JSON object only.",
        },
    ]


__all__ = ["LlmGrader", "NotOpenAICompatible", "forget_endpoints", "remembered_mode"]
