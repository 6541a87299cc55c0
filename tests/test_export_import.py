"""Export to Markdown and JSON, import back on another machine, and refusing bad or duplicate files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockint.errors import NotFoundError, UsageError
from mockint.export import (
    EXPORT_VERSION,
    export_json,
    export_markdown,
    import_json,
    load_export_file,
)
from mockint.interview.transcript import Exchange
from mockint.progress.history import trends
from mockint.progress.listing import history_page
from mockint.progress.reviews import all_items
from mockint.store.db import Store
from progress_support import BASE_TIME, add_session, days, make_report, real_library


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "here.db") as s:
        yield s


@pytest.fixture
def other(tmp_path: Path) -> Store:
    with Store(tmp_path / "there.db") as s:
        yield s


def _rich_mock(store: Store) -> str:
    """A mock with answers, an exchange, timing events and two grades (the later one counts)."""
    lib = real_library()
    sid = add_session(
        store,
        lib,
        scores={"traffic-estimate": 1},
        answers={
            "requirements": "Users create short links.\nRedirects must be fast.",
            "estimation": "100M links a month.",
        },
        options={"problem": "url-shortener", "api_key": "sk-should-never-leave"},
    )
    store.add_event(sid, "phase_start", "requirements", elapsed_s=0.0)
    store.add_exchange(
        sid,
        "requirements",
        Exchange(
            kind="followup", question="What about custom aliases?", reply="Paid users get them."
        ),
        elapsed_s=120.0,
    )
    store.add_event(sid, "phase_end", "requirements", elapsed_s=330.0)
    report = make_report(
        lib,
        "system-design",
        "senior",
        {"traffic-estimate": 2, "data-model": 1},
        problem="url-shortener",
    )
    report.phases[1].criteria[0].evidence.append("100M links a month")
    store.save_grade(sid, report)
    return sid


def test_markdown_has_transcript_timeline_scores_evidence_advice_and_pacing(store: Store) -> None:
    sid = _rich_mock(store)
    md = export_markdown(store, real_library(), sid)
    assert md.startswith("# Mock interview: URL shortener")
    assert f"`{sid}`" in md
    assert "> Users create short links.\n> Redirects must be fast." in md
    assert (
        "**Interviewer (followup):** What about custom aliases?" in md
        and "**Reply:** Paid users get them." in md
    )
    assert '- Evidence: "100M links a month"' in md
    assert "- Advice: Practise traffic estimate." in md
    assert "## Pacing" in md and "| Requirements | 05:30 | 05:00 | 00:30 |" in md
    assert "## Timeline" in md and "- 00:00 requirements phase start" in md
    assert "Overall:" in md and "## Scores" in md
    assert "sk-should-never-leave" not in md


def test_json_round_trip_to_another_database(store: Store, other: Store) -> None:
    lib = real_library()
    sid = _rich_mock(store)
    drill = add_session(store, lib, kind="drill", problem=None, started=BASE_TIME + days(1))
    doc = json.loads(json.dumps(export_json(store, [sid, drill])))
    assert doc["format"] == "mockint-export" and doc["version"] == EXPORT_VERSION
    assert "sk-should-never-leave" not in json.dumps(doc)
    assert "api_key" not in json.dumps(doc)

    result = import_json(other, doc, "export.json", library=lib)
    assert result.imported == [sid, drill] and result.refused == {}
    assert other.get_session(sid).model_dump(exclude={"options"}) == store.get_session(
        sid
    ).model_dump(exclude={"options"})
    assert other.answers(sid) == store.answers(sid)
    assert other.transcript(sid) == store.transcript(sid)
    assert [(e.kind, e.phase, e.elapsed_s, e.text) for e in other.events(sid)] == [
        (e.kind, e.phase, e.elapsed_s, e.text) for e in store.events(sid)
    ]
    assert [g.model_dump() for g in other.grades(sid)] == [
        g.model_dump() for g in store.grades(sid)
    ]
    assert {k: v for k, v in other.drill(drill).items()} == store.drill(drill)
    assert export_markdown(other, lib, sid) == export_markdown(store, lib, sid)
    assert [e.session for e in history_page(other).entries] == [drill, sid]
    assert trends(other, "mock").criteria == trends(store, "mock").criteria
    assert {i.criterion_id for i in all_items(other)} == {"traffic-estimate", "data-model"}


def test_duplicates_are_refused_and_the_rest_imported(store: Store, other: Store) -> None:
    lib = real_library()
    first = add_session(store, lib, started=BASE_TIME)
    second = add_session(store, lib, started=BASE_TIME + days(1))
    import_json(other, export_json(store, [first]), "a.json")
    result = import_json(other, export_json(store, [first, second]), "b.json")
    assert result.imported == [second]
    assert "already in this database" in result.refused[first]
    assert history_page(other).total == 2


def test_a_session_twice_in_one_file_is_imported_once(store: Store, other: Store) -> None:
    sid = add_session(store, real_library())
    doc = export_json(store, [sid])
    doc["sessions"] = doc["sessions"] * 2
    result = import_json(other, doc, "twice.json")
    assert result.imported == [sid] and "appears twice" in result.refused[sid]


def test_not_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError, match=r"broken\.json: not valid JSON \(line 1"):
        load_export_file(path)
    with pytest.raises(NotFoundError, match="no such file"):
        load_export_file(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("format"), "field 'format' is missing"),
        (lambda d: d.update(format="something-else"), "field 'format' is 'something-else'"),
        (
            lambda d: d["sessions"][0]["session"].pop("kind"),
            "field 'sessions.0.session.kind' is required but missing",
        ),
        (
            lambda d: d["sessions"][0]["session"].update(level="wizard"),
            "field 'sessions.0.session.level'",
        ),
        (
            lambda d: d["sessions"][0]["grades"][0].update(overall=250),
            "field 'sessions.0.grades.0.overall'",
        ),
        (lambda d: d.update(sessions="nope"), "field 'sessions'"),
        (lambda d: d.update(version="one"), "field 'version'"),
    ],
)
def test_malformed_documents_name_the_field(
    store: Store, other: Store, mutate, message: str
) -> None:
    doc = export_json(store, [add_session(store, real_library())])
    mutate(doc)
    with pytest.raises(
        UsageError, match="^bad.json: .*" + message.replace("(", r"\(").replace(".", r"\.")
    ):
        import_json(other, doc, "bad.json")
    assert history_page(other).total == 0


def test_not_an_object_is_refused(other: Store) -> None:
    with pytest.raises(UsageError, match="expected a JSON object, got list"):
        import_json(other, [1, 2], "list.json")


def test_newer_export_version_is_refused(store: Store, other: Store) -> None:
    doc = export_json(store, [add_session(store, real_library())])
    doc["version"] = EXPORT_VERSION + 1
    doc["sessions"][0]["something_new"] = True
    with pytest.raises(UsageError, match=r"newer mockint .*export version 2"):
        import_json(other, doc, "future.json")
