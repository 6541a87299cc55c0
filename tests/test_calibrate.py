"""Calibration: the labelled set, the agreement metrics and gates, and `mockint calibrate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockint.cli import main
from mockint.content.loader import load_library
from mockint.errors import GradingError, UsageError
from mockint.grading.base import GradeRequest
from mockint.grading.calibrate import (
    GATE_RANKING,
    AnswerOutcome,
    default_set_dir,
    load_calibration_file,
    load_calibration_set,
    run_calibration,
    summarize,
)
from mockint.grading.offline import OfflineGrader
from mockint.grading.report import CriterionResult, GradeReport, PhaseResult

LABELS = {"strong", "solid", "medium", "mid", "weak", "stuffing", "injection"}


@pytest.fixture(scope="module")
def answers():
    return load_calibration_set()


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_the_shipped_set_covers_three_problems_and_every_label(answers, library) -> None:
    problems: dict[str, set[str]] = {}
    for a in answers:
        problems.setdefault(a.problem, set()).add(a.label)
        assert a.problem in library.problems, a.id
        if a.label in ("strong", "solid", "medium", "mid", "weak"):
            assert all(
                len(getattr(a, p).split()) >= 15
                for p in ("requirements", "estimation", "design", "scale", "tradeoffs")
            ), a.id
    assert {"url-shortener", "rate-limiter", "news-feed"} <= set(problems)
    assert all(labels == LABELS for labels in problems.values())
    strong_words = [len(a.candidate_text().split()) for a in answers if a.label == "strong"]
    assert all(700 <= n <= 1300 for n in strong_words), strong_words


async def test_offline_grader_passes_every_gate(answers, library) -> None:
    result = await run_calibration(OfflineGrader(), answers, library, runs=2)
    assert result.grader == "offline"
    assert result.passed, [g for g in result.gates if not g.passed]
    assert result.ranking_accuracy >= GATE_RANKING
    assert result.invented_quotes == 0 and result.quotes_checked > 100
    assert result.spread_worst == 0.0
    assert result.injection_flagged == 1.0
    assert {g.name for g in result.gates} >= {
        "ranking accuracy",
        "band agreement",
        "mean absolute error",
        "run-to-run spread (worst)",
        "invented quotes",
    }
    assert all(len(a.overalls) == 2 for a in result.answers)


def _outcome(id_: str, label: str, mean: float, band=(30, 60), problem: str = "p") -> AnswerOutcome:
    return AnswerOutcome(
        id=id_, problem=problem, level="senior", label=label, band=band, overalls=[mean], mean=mean
    )


def test_summary_counts_ranking_misses_band_distance_and_spread() -> None:
    outcomes = [
        _outcome("s", "strong", 50, band=(60, 100)).model_copy(update={"error": 10.0}),
        _outcome("m", "medium", 55).model_copy(update={"in_band": 1.0}),
        _outcome("w", "weak", 10, band=(0, 30)).model_copy(update={"in_band": 1.0}),
        _outcome("k", "stuffing", 5, band=(0, 25)).model_copy(
            update={"in_band": 1.0, "spread": 12.0}
        ),
        _outcome("i", "injection", 5, band=(0, 40)).model_copy(
            update={"in_band": 1.0, "invented_quotes": ["made up"]}
        ),
    ]
    result = summarize("fake", 1, outcomes)
    assert result.ranking_pairs == 5
    assert result.ranking_accuracy == 0.8
    assert result.ranking_misses == ["s (50) should beat m (55)"]
    assert result.band_agreement == 0.8
    assert result.mean_absolute_error == 2.0
    assert result.spread_worst == 12.0
    assert result.invented_quotes == 1
    failed = {g.name for g in result.gates if not g.passed}
    assert failed == {"ranking accuracy", "run-to-run spread (worst)", "invented quotes"}
    assert not result.passed


def test_realistic_answers_are_ranked_between_strong_and_weak() -> None:
    outcomes = [
        _outcome("s", "strong", 90, band=(62, 100)),
        _outcome("o", "solid", 65, band=(50, 80)),
        _outcome("m", "mid", 30, band=(20, 50)),
        _outcome("w", "weak", 35, band=(0, 30)),
        _outcome("k", "stuffing", 5, band=(0, 25)),
        _outcome("i", "injection", 10, band=(0, 40)),
    ]
    result = summarize("fake", 1, outcomes)
    # strong>solid, strong>mid, strong>weak, solid>mid, solid>weak, mid>weak, then solid and mid
    # above stuffing and injection: 10 pairs, one of them (mid over weak) in the wrong order
    assert result.ranking_pairs == 10
    assert result.ranking_misses == ["m (30) should beat w (35)"]
    assert result.ranking_accuracy == 0.9


def test_the_shipped_realistic_answers(answers) -> None:
    real = [a for a in answers if a.label in ("solid", "mid") or a.id.endswith("-real")]
    assert {a.problem for a in real if a.label == "solid"} == {
        "url-shortener",
        "rate-limiter",
        "news-feed",
    }
    assert {a.problem for a in real if a.label == "mid"} == {
        "url-shortener",
        "rate-limiter",
        "news-feed",
    }
    example = next(a for a in real if a.id == "url-shortener-medium-real")
    assert example.band == (50, 75) and example.label == "medium"
    assert "POST /links {long_url, alias?} returns the short code" in example.design


class InventingGrader:
    """A grader that quotes text nobody wrote and whose scores drift run to run."""

    name = "llm:fake"

    def __init__(self) -> None:
        self.calls = 0

    async def grade(self, request: GradeRequest, progress=None) -> GradeReport:
        self.calls += 1
        criterion = CriterionResult(
            id="x", score=3, evidence=["a quote the candidate never wrote at all"]
        )
        overall = float((self.calls * 37) % 100)
        return GradeReport(
            grader=self.name,
            level=request.level,
            overall=overall,
            phases=[PhaseResult(phase="design", criteria=[criterion])],
        )


class FailingGrader:
    name = "llm:down"

    async def grade(self, request: GradeRequest, progress=None) -> GradeReport:
        raise GradingError("the endpoint stayed unavailable")


async def test_invented_quotes_and_drift_fail_the_gates(answers, library) -> None:
    result = await run_calibration(InventingGrader(), answers[:5], library, runs=3)
    assert result.invented_quotes == 15
    assert result.spread_worst > 10
    assert not result.passed
    assert result.answers[0].invented_quotes[0] == "a quote the candidate never wrote at all"


async def test_failed_runs_are_counted_not_crashed(answers, library) -> None:
    result = await run_calibration(FailingGrader(), answers[:2], library, runs=2)
    assert [a.failed_runs for a in result.answers] == [2, 2]
    assert result.answers[0].failure == "the endpoint stayed unavailable"
    assert next(g for g in result.gates if g.name == "failed runs").passed is False


# ------------------------------------------------------------------ the command


def test_calibrate_command_json_exit_zero(capsys) -> None:
    code = main(["calibrate", "--grader", "offline", "-k", "1", "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert data["grader"] == "offline" and data["passed"] is True and data["runs"] == 1
    assert {g["name"]: g["passed"] for g in data["gates"]}["invented quotes"] is True
    assert len(data["answers"]) >= 15
    assert "calibrating the offline grader" in err


def test_calibrate_command_table(capsys) -> None:
    assert main(["calibrate", "--grader", "offline", "-k", "1"]) == 0
    out = capsys.readouterr().out
    assert "url-shortener-strong" in out
    assert "PASS  ranking accuracy" in out
    assert "result: PASS" in out


ONE_ANSWER = """
[[answers]]
id = "mine"
problem = "url-shortener"
level = "senior"
label = "strong"
band = {band}
requirements = "Users shorten a long URL and get a short code back; redirects must be fast, p99 under 100 ms, because every click waits."
"""


def test_a_gate_failure_exits_one(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(ONE_ANSWER.format(band="[95, 100]"), encoding="utf-8")
    assert main(["calibrate", "--grader", "offline", "-k", "1", "--set", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  band agreement" in out
    assert "result: FAIL" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            ONE_ANSWER.format(band="[70, 20]"),
            "field 'answers.0.band' (id 'mine'): Value error, band must be [lo, hi]",
        ),
        (
            ONE_ANSWER.format(band="[0, 100]").replace('label = "strong"', 'label = "great"'),
            "field 'answers.0.label' (id 'mine')",
        ),
        (
            ONE_ANSWER.format(band="[0, 100]").replace('level = "senior"\n', ""),
            "field 'answers.0.level' (id 'mine'): is required but missing",
        ),
        (
            ONE_ANSWER.format(band="[0, 100]") + 'colour = "blue"\n',
            "field 'answers.0.colour' (id 'mine'): is not a known field",
        ),
        ("answers = [", "not valid TOML"),
        ('title = "no answers"\n', "expected one or more [[answers]] tables"),
    ],
)
def test_a_broken_calibration_file_names_file_and_field(
    tmp_path: Path, capsys, content: str, expected: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as err:
        load_calibration_file(path)
    assert str(path) in err.value.message
    assert expected in err.value.message
    assert main(["calibrate", "--grader", "offline", "--set", str(path)]) == 2
    assert expected in capsys.readouterr().err


def test_unknown_problem_and_duplicate_ids(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        ONE_ANSWER.format(band="[0, 100]").replace(
            'problem = "url-shortener"', 'problem = "no-such-problem"'
        ),
        encoding="utf-8",
    )
    assert main(["calibrate", "--grader", "offline", "--set", str(path)]) == 2
    assert (
        "calibration answer 'mine': field 'problem': no problem with id 'no-such-problem'"
        in capsys.readouterr().err
    )
    twice = tmp_path / "twice"
    twice.mkdir()
    for name in ("a.toml", "b.toml"):
        (twice / name).write_text(ONE_ANSWER.format(band="[0, 100]"), encoding="utf-8")
    assert main(["calibrate", "--grader", "offline", "--set", str(twice)]) == 2
    assert "duplicate answer id 'mine'" in capsys.readouterr().err


def test_bad_k_and_missing_llm_configuration(capsys) -> None:
    assert main(["calibrate", "--grader", "offline", "-k", "0"]) == 2
    assert "-k must be at least 1" in capsys.readouterr().err
    assert main(["calibrate", "--grader", "llm", "-k", "1"]) == 2
    assert "llm" in capsys.readouterr().err.lower()


def test_a_constant_llm_judge_fails_the_ranking_gate(monkeypatch, capsys) -> None:
    """Through the real openai client on mocked HTTP: a judge that gives every answer 3 cannot rank them."""
    import respx

    from llm_fakes import BASE_URL, ok

    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("MOCKINT_MODEL", "test-model")
    monkeypatch.setenv("MOCKINT_RETRIES", "0")
    paths = [str(p) for p in sorted(default_set_dir().glob("url-shortener.toml"))]
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        route = mock.post("/chat/completions").mock(side_effect=ok)
        code = main(["calibrate", "--grader", "llm", "-k", "1", "--json", "--set", *paths])
    out = capsys.readouterr().out
    assert route.called
    data = json.loads(out)
    assert code == 1
    assert data["grader"] == "llm:test-model"
    gates = {g["name"]: g for g in data["gates"]}
    assert gates["ranking accuracy"]["passed"] is False
    assert gates["invented quotes"]["passed"] is True
