"""Content loading: good files load, each kind of broken file is reported by file and field and skipped."""

from __future__ import annotations

from pathlib import Path

from factories import problem_toml, write_content_root
from mockint.content.loader import load_library, load_prompt_file
from mockint.content.models import PHASES, PromptTemplate


def test_valid_content_loads_without_issues(tmp_path: Path) -> None:
    lib = load_library([write_content_root(tmp_path)])
    assert lib.issues == []
    problem = lib.problem("tiny-service")
    assert problem.title == "Tiny service"
    assert [p for p, _ in problem.phases()] == list(PHASES)
    assert problem.source == tmp_path / "problems" / "tiny-service.toml"
    assert lib.rubric("system-design").section("design") is not None


def test_bad_toml_is_reported_and_others_still_load(tmp_path: Path) -> None:
    root = write_content_root(
        tmp_path,
        {"good.toml": problem_toml("good-one"), "broken.toml": 'id = "x"\ntitle = \n'},
    )
    lib = load_library([root])
    assert "good-one" in lib.problems
    [issue] = lib.errors
    assert issue.path.name == "broken.toml"
    assert "not valid TOML" in issue.message


def test_missing_field_names_file_and_field(tmp_path: Path) -> None:
    text = problem_toml().replace('prompt = "Design a tiny service."\n', "")
    lib = load_library([write_content_root(tmp_path, {"p.toml": text})])
    assert lib.problems == {}
    [issue] = lib.errors
    assert issue.field == "prompt"
    assert "required" in issue.message
    assert "p.toml: field 'prompt'" in str(issue)


def test_wrong_type_names_the_nested_field(tmp_path: Path) -> None:
    text = problem_toml().replace(
        'weight = 2\ncriterion = "bottlenecks"', 'weight = "heavy"\ncriterion = "bottlenecks"'
    )
    lib = load_library([write_content_root(tmp_path, {"p.toml": text})])
    [issue] = lib.errors
    assert issue.field == "scale.points.0.weight"
    assert "heavy" in issue.message


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    text = problem_toml().replace('difficulty = "easy"', 'difficulty = "easy"\ncolour = "red"')
    lib = load_library([write_content_root(tmp_path, {"p.toml": text})])
    [issue] = lib.errors
    assert issue.field == "colour"
    assert "not a known field" in issue.message


def test_undefined_rubric_criterion_is_reported(tmp_path: Path) -> None:
    text = problem_toml().replace('criterion = "bottlenecks"', 'criterion = "telepathy"')
    lib = load_library([write_content_root(tmp_path, {"p.toml": text})])
    assert lib.problems == {}
    [issue] = lib.errors
    assert issue.field == "scale.points.0.criterion"
    assert "'telepathy' is not defined in rubric 'system-design'" in issue.message


def test_criterion_from_another_phase_is_rejected(tmp_path: Path) -> None:
    text = problem_toml().replace('criterion = "bottlenecks"', 'criterion = "functional-scope"')
    lib = load_library([write_content_root(tmp_path, {"p.toml": text})])
    assert lib.problems == {}
    assert "section 'scale'" in lib.errors[0].message


def test_undefined_rubric_is_reported(tmp_path: Path) -> None:
    text = problem_toml().replace('summary = "A tiny', 'rubric = "nope"\nsummary = "A tiny')
    lib = load_library([write_content_root(tmp_path, {"p.toml": text})])
    [issue] = lib.errors
    assert issue.field == "rubric" and "'nope' is not defined" in issue.message


def test_unknown_tag_is_reported(tmp_path: Path) -> None:
    text = problem_toml(tags='["caching", "teleportation"]')
    lib = load_library([write_content_root(tmp_path, {"p.toml": text})])
    [issue] = lib.errors
    assert issue.field == "tags.1"
    assert "teleportation" in issue.message


def test_duplicate_problem_id_keeps_the_first(tmp_path: Path) -> None:
    root = write_content_root(
        tmp_path,
        {"a.toml": problem_toml("same-id", "First"), "b.toml": problem_toml("same-id", "Second")},
    )
    lib = load_library([root])
    assert lib.problems["same-id"].title == "First"
    [issue] = lib.errors
    assert issue.path.name == "b.toml" and "duplicate problem id 'same-id'" in issue.message


def test_duplicate_reference_point_id_is_reported(tmp_path: Path) -> None:
    extra = '\n[[design.points]]\nid = "design-one"\ntext = "Again."\nsignals = ["x signal", "y signal"]\ncriterion = "architecture-flow"\n'
    lib = load_library([write_content_root(tmp_path, {"p.toml": problem_toml() + extra})])
    assert lib.problems == {}
    assert "duplicate reference point id design-one" in lib.errors[0].message


def test_probe_targeting_unknown_point_is_reported(tmp_path: Path) -> None:
    text = problem_toml().replace('targets = ["design-one"]', 'targets = ["design-none"]')
    lib = load_library([write_content_root(tmp_path, {"p.toml": text})])
    assert "unknown reference point design-none" in lib.errors[0].message


def test_user_problem_overrides_builtin_with_notice(tmp_path: Path) -> None:
    root = write_content_root(tmp_path / "builtin")
    user = tmp_path / "user"
    user.mkdir()
    (user / "mine.toml").write_text(problem_toml("tiny-service", "My version"), encoding="utf-8")
    (user / "new.toml").write_text(problem_toml("my-own", "My own"), encoding="utf-8")
    lib = load_library([root], user_problems_dir=user)
    assert lib.problems["tiny-service"].title == "My version"
    assert lib.problems["tiny-service"].origin == "user"
    assert lib.problems["my-own"].origin == "user"
    assert lib.errors == []
    [notice] = lib.notices
    assert "replaces the built-in problem 'tiny-service'" in notice.message


def test_broken_rubric_is_reported_by_field(tmp_path: Path) -> None:
    root = write_content_root(tmp_path)
    text = (
        (root / "rubrics" / "system-design.toml")
        .read_text()
        .replace(
            'anchors = ["missing", "partial", "solid", "exceptional"]',
            'anchors = ["missing", "partial"]',
            1,
        )
    )
    (root / "rubrics" / "system-design.toml").write_text(text)
    lib = load_library([root])
    assert "system-design" not in lib.rubrics
    assert any(i.field == "sections.0.criteria.0.anchors" for i in lib.errors)
    # the problem that needs the rubric is reported too, not silently dropped
    assert any("rubric 'system-design' is not defined" in i.message for i in lib.errors)


def test_mock_rubric_needs_every_phase(tmp_path: Path) -> None:
    root = write_content_root(tmp_path)
    path = root / "rubrics" / "system-design.toml"
    text = path.read_text()
    text = text[: text.index('[[sections]]\nid = "tradeoffs"')]
    path.write_text(text)
    lib = load_library([root])
    assert any("missing tradeoffs" in i.message for i in lib.errors)


def test_prompt_template_placeholders_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "hello.md"
    path.write_text("Grade $answer for ${problem}. Costs $$5.", encoding="utf-8")
    issues: list = []
    template = load_prompt_file(path, issues)
    assert isinstance(template, PromptTemplate)
    assert template.placeholders == {"answer", "problem"}
    assert template.render(answer="A", problem="B") == "Grade A for B. Costs $5."
    assert len(template.sha256) == 64


def test_unknown_problem_lookup_suggests(tmp_path: Path) -> None:
    import pytest

    from mockint.errors import NotFoundError

    lib = load_library([write_content_root(tmp_path)])
    with pytest.raises(NotFoundError, match="did you mean tiny-service"):
        lib.problem("tiny")
