"""The interviewer: facts revealed by clarifying questions, follow-ups aimed at gaps, curveballs, the LLM path."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from llm_fakes import completion
from mock_fixtures import make_library
from mockint.config import Settings
from mockint.content.loader import Library
from mockint.interview.interviewer import NO_FACT_REPLY, Interviewer, parse_questions

BASE_URL = "http://llm.test/v1"


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return make_library(tmp_path)


@pytest.fixture
def interviewer(library: Library) -> Interviewer:
    return Interviewer(library.problem("paste-bin"))


def test_clarifying_question_reveals_the_matching_fact(interviewer: Interviewer) -> None:
    answer = interviewer.answer("Roughly how many users do we expect?")
    assert answer.reply == "About 10 million new pastes a month; each one is read about ten times."
    assert answer.facts == ["scale"]


def test_a_question_touching_two_facts_gets_both_in_problem_order(interviewer: Interviewer) -> None:
    answer = interviewer.answer("How long do pastes live, and what traffic should I plan for?")
    assert answer.facts == ["scale", "expiry"]
    assert "30 days" in answer.reply and "10 million" in answer.reply


def test_unmatched_question_is_told_to_state_an_assumption(interviewer: Interviewer) -> None:
    answer = interviewer.answer("Which programming language should I use?")
    assert answer.reply == NO_FACT_REPLY
    assert answer.facts == []


def test_keywords_match_whole_words_only(interviewer: Interviewer) -> None:
    assert interviewer.answer("Should abusers be blocked?").facts == []


def test_followups_aim_at_what_the_answer_missed(interviewer: Interviewer) -> None:
    # The answer covers expiry ("expire") but never says how pastes are created and read.
    questions = interviewer.scripted_followups("requirements", "Pastes expire after a while.")
    assert questions == ["Who can read a paste: anyone with the link, or only some people?"]


def test_followups_when_everything_is_missed_are_ranked_by_weight(interviewer: Interviewer) -> None:
    questions = interviewer.scripted_followups("requirements", "")
    assert questions == [
        "Who can read a paste: anyone with the link, or only some people?",
        "How long should a paste live?",
    ]


def test_a_complete_answer_still_gets_one_unused_probe(interviewer: Interviewer) -> None:
    text = "Users create a paste and share a link; pastes expire after 30 days."
    assert interviewer.scripted_followups("requirements", text) == ["How long should a paste live?"]


def test_questions_already_asked_are_not_repeated(interviewer: Interviewer) -> None:
    asked = [
        "Who can read a paste: anyone with the link, or only some people?",
        "How long should a paste live?",
    ]
    assert interviewer.scripted_followups("requirements", "", asked) == []


def test_curveball_is_the_problems_and_stable_per_session(interviewer: Interviewer) -> None:
    first = interviewer.curveball("abc123")
    assert first is not None
    assert first.question.startswith("A paste is linked from a news site")
    assert interviewer.curveball("abc123") == first


def test_parse_questions_strips_numbering_and_keeps_questions() -> None:
    text = "1. What about replication?\n- And backups?\nThanks!"
    assert parse_questions(text) == ["What about replication?", "And backups?"]


async def test_offline_followups_are_scripted(interviewer: Interviewer, library: Library) -> None:
    result = await interviewer.followups(
        "design", "", settings=Settings(grader="offline"), library=library
    )
    assert result.source == "scripted"
    assert result.questions == ["Where do the paste bodies live, and why there?"]
    assert result.note == ""


async def test_llm_followup_is_grounded_in_probes_and_the_answer(
    interviewer: Interviewer, library: Library
) -> None:
    settings = Settings(base_url=BASE_URL, model="test-model")
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        route = mock.post("/chat/completions").mock(
            return_value=httpx.Response(
                200, json=completion("Why object storage rather than the database for bodies?")
            )
        )
        result = await interviewer.followups(
            "design",
            "Bodies go to object storage.",
            ["Earlier question?"],
            settings=settings,
            library=library,
        )
    assert result.source == "llm"
    assert result.questions == ["Why object storage rather than the database for bodies?"]
    sent = json.loads(route.calls[0].request.content)
    system, user = sent["messages"][0]["content"], sent["messages"][1]["content"]
    assert "Where do the paste bodies live, and why there?" in system
    assert "Earlier question?" in system
    assert "Bodies go to object storage." in user


async def test_llm_failure_falls_back_to_scripted_probes_with_a_note(
    interviewer: Interviewer, library: Library
) -> None:
    settings = Settings(base_url=BASE_URL, model="test-model", retries=0)
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        mock.post("/chat/completions").mock(
            return_value=httpx.Response(500, json={"error": {"message": "down"}})
        )
        result = await interviewer.followups("design", "", settings=settings, library=library)
    assert result.source == "scripted"
    assert result.questions == ["Where do the paste bodies live, and why there?"]
    assert "scripted follow-ups" in result.note
