"""Load content files into a `Library`; a broken file is reported with its field and skipped."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from mockint.content.models import (
    PHASES,
    Concept,
    FramingPrompt,
    NumberSection,
    OwnSystemQuestion,
    Problem,
    PromptTemplate,
    Rubric,
)

M = TypeVar("M", bound=BaseModel)

# Placeholders each known prompt template must use; unknown placeholders are errors too.
PROMPT_PLACEHOLDERS: dict[str, set[str]] = {}


def _register_known_templates() -> None:
    """Import the modules that register their templates' placeholders (lazily: they are not light)."""
    import mockint.grading.prompting  # noqa: F401  (registers on import)


def builtin_root() -> Path:
    """The folder holding the built-in problems/, rubrics/, prompts/ and reference/."""
    packaged = Path(__file__).resolve().parent.parent / "_content"
    if (packaged / "problems").is_dir():
        return packaged
    return Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class ContentIssue:
    """One problem found while loading: the file, the field and what was expected."""

    path: Path
    message: str
    field: str = ""
    severity: Literal["error", "notice"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}" + (f": field '{self.field}'" if self.field else "")
        return f"{where}: {self.message}"


@dataclass
class Library:
    """Everything loaded: problems by id, rubrics by id, prompts by id, reference sheets, issues."""

    problems: dict[str, Problem] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    prompts: dict[str, PromptTemplate] = field(default_factory=dict)
    concepts: dict[str, Concept] = field(default_factory=dict)
    numbers: list[NumberSection] = field(default_factory=list)
    own_system: list[OwnSystemQuestion] = field(default_factory=list)
    framing: list[FramingPrompt] = field(default_factory=list)
    issues: list[ContentIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ContentIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def notices(self) -> list[ContentIssue]:
        return [i for i in self.issues if i.severity == "notice"]

    def problem(self, problem_id: str) -> Problem:
        from mockint.errors import NotFoundError

        try:
            return self.problems[problem_id]
        except KeyError:
            near = [p for p in self.problems if problem_id.lower() in p]
            hint = (
                f"; did you mean {', '.join(near[:3])}?"
                if near
                else "; run 'mockint problems' for the list"
            )
            raise NotFoundError(f"no problem with id '{problem_id}'{hint}") from None

    def rubric(self, rubric_id: str) -> Rubric:
        from mockint.errors import NotFoundError

        try:
            return self.rubrics[rubric_id]
        except KeyError:
            raise NotFoundError(f"no rubric with id '{rubric_id}'") from None

    def rubric_of_kind(self, kind: str) -> Rubric:
        from mockint.errors import NotFoundError

        for rubric in self.rubrics.values():
            if rubric.kind == kind:
                return rubric
        raise NotFoundError(f"no rubric of kind '{kind}' is loaded")

    def prompt(self, prompt_id: str) -> PromptTemplate:
        from mockint.errors import NotFoundError

        try:
            return self.prompts[prompt_id]
        except KeyError:
            raise NotFoundError(f"no prompt template '{prompt_id}'") from None


def _field_of(err: dict[str, Any]) -> str:
    return ".".join(str(p) for p in err.get("loc", ()))


def _message_of(err: dict[str, Any]) -> str:
    if err.get("type") == "missing":
        return "is required but missing"
    if err.get("type") == "extra_forbidden":
        return "is not a known field"
    msg = str(err.get("msg", "invalid"))
    value = err.get("input")
    if isinstance(value, (str, int, float, bool)) and len(repr(value)) < 60:
        msg += f" (got {value!r})"
    return msg


def _read_toml(path: Path, issues: list[ContentIssue]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        issues.append(ContentIssue(path, f"not valid TOML: {exc}"))
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(ContentIssue(path, f"cannot be read: {exc}"))
    return None


def _validate(
    model: type[M], data: Any, path: Path, issues: list[ContentIssue], prefix: str = ""
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = _field_of(err)
            issues.append(ContentIssue(path, _message_of(err), f"{prefix}{loc}".strip(".")))
        return None


def _toml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))


def _load_model_file(model: type[M], path: Path, issues: list[ContentIssue]) -> M | None:
    """Read one TOML file into `model`, remembering where it came from; report and skip on error."""
    data = _read_toml(path, issues)
    if data is None:
        return None
    loaded = _validate(model, data, path, issues)
    if loaded is not None:
        loaded._source = path  # type: ignore[attr-defined]
    return loaded


def load_problem_file(path: Path, issues: list[ContentIssue]) -> Problem | None:
    return _load_model_file(Problem, path, issues)


def load_rubric_file(path: Path, issues: list[ContentIssue]) -> Rubric | None:
    return _load_model_file(Rubric, path, issues)


def load_prompt_file(path: Path, issues: list[ContentIssue]) -> PromptTemplate | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(ContentIssue(path, f"cannot be read: {exc}"))
        return None
    template = _validate(PromptTemplate, {"id": path.stem, "text": text}, path, issues)
    if template is None:
        return None
    _register_known_templates()
    required = PROMPT_PLACEHOLDERS.get(template.id)
    if required is not None:
        missing = sorted(required - template.placeholders)
        unknown = sorted(template.placeholders - required)
        if missing:
            issues.append(
                ContentIssue(path, f"placeholder ${', $'.join(missing)} is required but missing")
            )
            return None
        if unknown:
            issues.append(
                ContentIssue(
                    path, f"unknown placeholder ${', $'.join(unknown)}; expected {sorted(required)}"
                )
            )
            return None
    return template


def _load_list(path: Path, key: str, model: type[M], issues: list[ContentIssue]) -> list[M]:
    if not path.exists():
        return []
    data = _read_toml(path, issues)
    if data is None:
        return []
    items = data.get(key)
    if not isinstance(items, list):
        issues.append(ContentIssue(path, f"expected an array of tables [[{key}]]", key))
        return []
    out: list[M] = []
    for i, item in enumerate(items):
        loaded = _validate(model, item, path, issues, prefix=f"{key}.{i}.")
        if loaded is not None:
            out.append(loaded)
    return out


def _check_problem(problem: Problem, lib: Library, path: Path) -> list[ContentIssue]:
    """Cross-file checks: the rubric exists, criteria are the rubric's, tags are known concepts."""
    found: list[ContentIssue] = []
    rubric = lib.rubrics.get(problem.rubric)
    if rubric is None:
        found.append(ContentIssue(path, f"rubric '{problem.rubric}' is not defined", "rubric"))
    elif rubric.kind != "mock":
        found.append(
            ContentIssue(
                path,
                f"rubric '{problem.rubric}' is a {rubric.kind} rubric, not a mock rubric",
                "rubric",
            )
        )
    else:
        for phase in PHASES:
            section = rubric.section(phase.value)
            allowed = {c.id for c in section.criteria} if section else set()
            for i, point in enumerate(problem.phase(phase).points):
                if point.criterion not in allowed:
                    found.append(
                        ContentIssue(
                            path,
                            f"criterion '{point.criterion}' is not defined in rubric '{rubric.id}' "
                            f"section '{phase.value}' (expected one of {', '.join(sorted(allowed))})",
                            f"{phase.value}.points.{i}.criterion",
                        )
                    )
    if lib.concepts:
        for i, tag in enumerate(problem.tags):
            if tag not in lib.concepts:
                found.append(
                    ContentIssue(path, f"tag '{tag}' is not in the concept index", f"tags.{i}")
                )
    return found


def load_library(
    roots: Iterable[Path] | None = None,
    user_problems_dir: Path | None = None,
    extra_problem_files: Iterable[Path] = (),
    include_problems: bool = True,
) -> Library:
    """Load the built-in content (or `roots`), then the user's problems, reporting every issue.

    `include_problems=False` loads only rubrics, prompts and reference sheets from the roots, so
    explicitly named problem files can be checked against them without meeting themselves.
    """
    lib = Library()
    issues = lib.issues
    roots = list(roots) if roots is not None else [builtin_root()]
    problem_files: list[tuple[Path, Literal["builtin", "user"]]] = []
    for root in roots:
        for path in _toml_files(root / "rubrics"):
            rubric = load_rubric_file(path, issues)
            if rubric is None:
                continue
            if rubric.id in lib.rubrics:
                issues.append(
                    ContentIssue(
                        path,
                        f"duplicate rubric id '{rubric.id}' (also in {lib.rubrics[rubric.id].source})",
                        "id",
                    )
                )
                continue
            lib.rubrics[rubric.id] = rubric
        prompt_dir = root / "prompts"
        if prompt_dir.is_dir():
            for path in sorted(prompt_dir.glob("*.md")):
                template = load_prompt_file(path, issues)
                if template is not None:
                    lib.prompts[template.id] = template
        ref = root / "reference"
        for concept in _load_list(ref / "concepts.toml", "concepts", Concept, issues):
            if concept.id in lib.concepts:
                issues.append(
                    ContentIssue(
                        ref / "concepts.toml", f"duplicate concept id '{concept.id}'", "concepts"
                    )
                )
            lib.concepts[concept.id] = concept
        lib.numbers.extend(_load_list(ref / "numbers.toml", "sections", NumberSection, issues))
        lib.own_system.extend(
            _load_list(ref / "own-system.toml", "questions", OwnSystemQuestion, issues)
        )
        lib.framing.extend(_load_list(ref / "framing.toml", "prompts", FramingPrompt, issues))
        if include_problems:
            problem_files.extend((p, "builtin") for p in _toml_files(root / "problems"))
    for concept in lib.concepts.values():
        for rel in concept.related:
            if rel not in lib.concepts:
                issues.append(
                    ContentIssue(
                        Path("reference/concepts.toml"),
                        f"concept '{concept.id}' relates to unknown concept '{rel}'",
                        "related",
                    )
                )
    if user_problems_dir is not None:
        problem_files.extend((p, "user") for p in _toml_files(user_problems_dir))
    problem_files.extend((Path(p), "user") for p in extra_problem_files)

    for path, origin in problem_files:
        problem = load_problem_file(path, issues)
        if problem is None:
            continue
        problem._origin = origin
        cross = _check_problem(problem, lib, path)
        if cross:
            issues.extend(cross)
            continue
        previous = lib.problems.get(problem.id)
        if previous is not None:
            if origin == "user" and previous.origin == "builtin":
                issues.append(
                    ContentIssue(
                        path, f"replaces the built-in problem '{problem.id}'", "id", "notice"
                    )
                )
            else:
                issues.append(
                    ContentIssue(
                        path,
                        f"duplicate problem id '{problem.id}' (also in {previous.source}); skipped",
                        "id",
                    )
                )
                continue
        lib.problems[problem.id] = problem
    return lib
