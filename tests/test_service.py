"""The grading service with a real store: choose a grader, save, keep failures pending, regrade later."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from llm_fakes import ANSWERS, BASE_URL, body, fixture_library, ok, settings
from mockint.config import Level, Settings
from mockint.content.loader import Library, load_library
from mockint.errors import ConfigError
from mockint.grading.llm import LlmGrader, forget_endpoints
from mockint.grading.service import build_grader, build_request, grade_session, regrade_pending
from mockint.store.db import Store


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    forget_endpoints()
    yield
    forget_endpoints()


@pytest.fixture
def llm() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return fixture_library(tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "mockint.db") as s:
        yield s


def mock_session(
    store: Store, answers: dict[str, str] | None = None, problem: str = "tiny-service"
) -> str:
    record = store.create_session(
        "mock", "senior", problem_id=problem, budgets={p: 300.0 for p in ANSWERS}
    )
    for phase, text in (answers or ANSWERS).items():
        store.save_answer(record.id, phase, text)
    return record.id


async def no_sleep(delay: float) -> None:
    return None


def llm_grader(library: Library, store: Store, **overrides: object) -> LlmGrader:
    return LlmGrader(settings(**overrides), library, store=store, sleep=no_sleep)


async def test_pending_then_regrade_finishes_the_session(
    library: Library, store: Store, llm: respx.MockRouter
) -> None:
    sid = mock_session(store)
    route = llm.post("/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    report = await grade_session(
        store, library, settings(retries=1), sid, grader=llm_grader(library, store, retries=1)
    )
    assert report.status == "pending"
    assert "is the server running at" in report.pending_reason
    assert report.session is not None and report.session.id == sid
    assert store.get_session(sid).status == "pending"
    assert [s.id for s in store.pending()] == [sid]
    assert store.latest_grade(sid).pending_reason == report.pending_reason
    assert store.answers(sid) == ANSWERS  # nothing lost

    route.side_effect = ok
    finished = await regrade_pending(store, library, settings())
    assert [r.status for r in finished] == ["graded"]
    assert store.get_session(sid).status == "graded"
    assert store.pending() == []
    assert [g.status for g in store.grades(sid)] == ["pending", "graded"]
    assert store.get_session(sid).overall == finished[0].overall


async def test_repeated_failures_keep_one_pending_report(
    library: Library, store: Store, llm: respx.MockRouter
) -> None:
    sid = mock_session(store)
    llm.post("/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    for _ in range(3):
        report = await grade_session(
            store, library, settings(), sid, grader=llm_grader(library, store, retries=0)
        )
        assert report.status == "pending"
    assert len(store.grades(sid)) == 1 and store.get_session(sid).status == "pending"


async def test_session_is_submitted_while_grading(
    library: Library, store: Store, llm: respx.MockRouter
) -> None:
    sid = mock_session(store)
    llm.post("/chat/completions").mock(side_effect=ok)
    seen: list[str] = []
    report = await grade_session(
        store,
        library,
        settings(),
        sid,
        grader=llm_grader(library, store),
        progress=lambda section, state: seen.append(store.get_session(sid).status),
    )
    assert seen and set(seen) == {"submitted"}
    assert report.status == "graded" and report.session.saved_at is not None
    assert store.get_session(sid).status == "graded"
    assert store.llm_calls(sid)  # the grader recorded its calls against the session


async def test_failed_regrade_keeps_a_finished_grade(
    library: Library, store: Store, llm: respx.MockRouter
) -> None:
    sid = mock_session(store)
    route = llm.post("/chat/completions").mock(side_effect=ok)
    first = await grade_session(store, library, settings(), sid, grader=llm_grader(library, store))
    route.side_effect = lambda r: httpx.Response(500, json={"error": {"message": "down"}})
    again = await grade_session(
        store, library, settings(), sid, level="staff", grader=llm_grader(library, store, retries=0)
    )
    assert again.status == "pending" and "down" in again.pending_reason
    assert any("previous grade was kept" in n for n in again.notes)
    assert store.get_session(sid).status == "graded"
    assert store.latest_grade(sid) == first


async def test_regrade_at_another_level_is_stored_with_that_level(
    library: Library, store: Store
) -> None:
    sid = mock_session(store)
    senior = await grade_session(store, library, Settings(), sid)
    staff = await grade_session(store, library, Settings(), sid, level="staff")
    assert (senior.grader, senior.level.value, staff.level.value) == ("offline", "senior", "staff")
    assert [g.level.value for g in store.grades(sid)] == ["senior", "staff"]


async def test_regrade_pending_without_an_llm_leaves_sessions_alone(
    library: Library, store: Store
) -> None:
    sid = mock_session(store)
    store.update_session(sid, status="pending")
    assert await regrade_pending(store, library, Settings(grader="llm")) == []
    assert store.get_session(sid).status == "pending"


async def test_regrade_pending_stops_at_the_first_failure(
    library: Library, store: Store, llm: respx.MockRouter
) -> None:
    first, second = mock_session(store), mock_session(store)
    for sid in (first, second):
        store.update_session(sid, status="pending")
    route = llm.post("/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    done = await regrade_pending(store, library, settings(retries=0))
    assert len(done) == 1 and done[0].status == "pending"
    assert 1 <= route.call_count <= 5  # at most one session's five phases: it stopped there
    assert len(store.pending()) == 2


def test_build_grader_choices(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build_grader(Settings(), library).name == "offline"
    assert build_grader(settings(), library).name == "llm:test-model"
    assert build_grader(settings(), library, "offline").name == "offline"
    with pytest.raises(ConfigError, match="--grader llm needs an LLM"):
        build_grader(Settings(), library, "llm")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert build_grader(Settings(), library).name == "llm:gpt-4o-mini"


async def test_drill_is_graded_with_the_framing_rubric(store: Store, llm: respx.MockRouter) -> None:
    library = load_library()
    record = store.create_session(
        "drill", "staff", title="Design a chat app", budgets={"framing": 120.0}
    )
    store.save_drill(record.id, "Design a chat app for a million users.", 120.0)
    store.save_answer(record.id, "framing", ANSWERS["requirements"] + " " + ANSWERS["design"])
    request = build_request(store, library, record.id, Level.STAFF)
    assert (
        request.rubric.kind == "drill"
        and request.prompt_text == "Design a chat app for a million users."
    )
    route = llm.post("/chat/completions").mock(side_effect=ok)
    report = await grade_session(
        store, library, settings(), record.id, grader=llm_grader(library, store)
    )
    assert report.status == "graded" and [p.phase for p in report.phases] == ["framing"]
    system = body(route.calls[0].request)["messages"][0]["content"]
    assert "framing drill" in system and "Design a chat app for a million users." in system
    assert "`business-framing`" in system  # staff level


async def test_own_system_is_graded_against_its_question(
    store: Store, llm: respx.MockRouter
) -> None:
    library = load_library()
    question = library.own_system[0]
    record = store.create_session(
        "own-system", "senior", title=question.title, options={"question": question.id}
    )
    store.save_answer(record.id, "answer", ANSWERS["scale"] + " " + ANSWERS["tradeoffs"])
    route = llm.post("/chat/completions").mock(side_effect=ok)
    report = await grade_session(
        store, library, settings(), record.id, grader=llm_grader(library, store)
    )
    assert report.status == "graded" and report.problem == question.id
    assert [p.phase for p in report.phases] == ["answer"]
    assert question.question.strip() in body(route.calls[0].request)["messages"][0]["content"]


async def test_cancelled_grading_stores_nothing_and_stays_submitted(
    library: Library, store: Store, llm: respx.MockRouter
) -> None:
    sid = mock_session(store)
    arrived = asyncio.Event()

    async def never(request: httpx.Request) -> httpx.Response:
        arrived.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    llm.post("/chat/completions").mock(side_effect=never)
    task = asyncio.create_task(
        grade_session(store, library, settings(), sid, grader=llm_grader(library, store))
    )
    await asyncio.wait_for(arrived.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert store.get_session(sid).status == "submitted"
    assert store.latest_grade(sid) is None and store.answers(sid) == ANSWERS
