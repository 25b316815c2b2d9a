"""Briefing files: the shipped one validates; bad steps are named by file, step and field."""

import yaml

from ca_atlas import briefing, formats

IDS = {"projects": {"p1"}, "corridors": {"c1"}, "risks": {"r1"}, "blocks": {"Aktau", "c1"}}


def load_one(tmp_path, doc, name="test-brief"):
    folder = tmp_path / "briefings"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    loaded, broken = briefing.load(tmp_path, IDS)
    return loaded, [m for part in broken for m in part.messages]


def test_shipped_briefing_has_eight_to_twelve_steps(atlas):
    (brief,) = [b for b in atlas.briefings if b.id == "japan-after-tokyo-summit"]
    assert 8 <= len(brief.steps) <= 12
    assert all(s.title and s.narrative for s in brief.steps)
    assert any(s.scenario for s in brief.steps) and any(s.chart for s in brief.steps)


def test_bad_steps_are_reported(tmp_path):
    doc = {"id": "test-brief", "title": "T", "steps": [
        {"id": "a", "title": "A", "narrative": "n", "highlight": {"projects": ["nope"]}},
        {"id": "b", "title": "B", "narrative": "n", "chart": "pie", "params": {"country": "XXX"}},
        {"id": "c", "title": "", "narrative": "n", "scenario": {"block": ["Atlantis"]},
         "view": {"center": [1], "zoom": 40}},
        {"id": "a", "title": "A again", "narrative": "n"},
    ]}
    _, msgs = load_one(tmp_path, doc)
    expected = [
        "record 1 (id a), field 'highlight.projects[0]': no project has the id 'nope'",
        "record 2 (id b), field 'chart'",
        "record 2 (id b), field 'params': country='XXX' is not a known value",
        "record 3 (id c), field 'title': is required text",
        "record 3 (id c), field 'scenario.block[0]': nothing in the network is called 'Atlantis'",
        "record 3 (id c), field 'view.center': expected {center: [lat, lon], zoom: 2..18}, got [1]",
        "(id a), field 'id': two steps share this id",
    ]
    for part in expected:
        assert any(part in m for m in msgs), f"missing: {part}\n{msgs}"
    assert all(m.startswith("briefings/test-brief.yaml") for m in msgs)


def test_the_file_name_is_the_id(tmp_path):
    loaded, msgs = load_one(tmp_path, {"id": "other", "title": "T", "steps": [
        {"id": "s", "title": "S", "narrative": "n"}]}, name="mine")
    assert loaded == []
    assert msgs == ["briefings/mine.yaml, field 'id': must match the file name 'mine', got 'other'"]


def test_a_broken_briefing_is_disabled_and_the_others_serve(tmp_path):
    good = {"id": "good", "title": "Good", "steps": [{"id": "s", "title": "S", "narrative": "n"}]}
    load_one(tmp_path, good, name="good")
    loaded, msgs = load_one(tmp_path, {"id": "bad", "title": "Bad one", "steps": [
        {"id": "s", "title": "S", "narrative": "n", "scenario": {"block": ["Atlantis"]}}]},
        name="bad")
    assert [b.id for b in loaded] == ["good"]
    assert msgs == ["briefings/bad.yaml, record 1 (id s), field 'scenario.block[0]': nothing "
                    "in the network is called 'Atlantis'"]
    _, broken = briefing.load(tmp_path, IDS)
    assert [(b.part, b.file, b.title) for b in broken] == [("briefing", "briefings/bad.yaml",
                                                             "Bad one")]


def test_malformed_steps_are_named_not_raised(tmp_path):
    _, msgs = load_one(tmp_path, {"id": "test-brief", "title": "T", "steps": [
        {"id": "a", "title": "A", "narrative": "n", "highlight": ["p1"], "sources": "x",
         "params": {"sector": [{"nested": 1}]}, "layers": [{"x": 1}]},
        {"id": "b", "title": "B", "narrative": "n", "view": {"center": [float("nan"), 200],
                                                              "zoom": True}},
        "just text"]})
    expected = [
        "record 1 (id a), field 'highlight': expected {projects, corridors, risks}, got ['p1']",
        "record 1 (id a), field 'sources': expected a list of sources, got 'x'",
        "record 1 (id a), field 'params.sector': expected text, a number or a list of them",
        "record 1 (id a), field 'layers': expected an id or a list of ids",
        "record 2 (id b), field 'view.center[0]': expected a finite number, got nan",
        "record 2 (id b), field 'view.center[1]': 200 is above the largest allowed value 180",
        "record 2 (id b), field 'view.zoom': expected a number, got true",
        "record 3: a step must be a mapping, got 'just text'",
    ]
    for part in expected:
        assert any(part in m for m in msgs), f"missing: {part}\n{msgs}"


def test_a_step_reads_back_into_a_view(tmp_path):
    (brief,), msgs = load_one(tmp_path, {"id": "test-brief", "title": "T", "steps": [
        {"id": "s", "title": "S", "narrative": "n", "params": {"country": "UZB", "japan": 1},
         "layers": ["projects"]}]})
    assert msgs == []
    state = brief.steps[0].state()
    assert state.countries == ("UZB",) and state.japan_only and state.layers == ("projects",)


def test_changes_since_is_a_revision_never_an_option_or_a_path(tmp_path):
    """A step's changes_since reaches git: '--output=...' once created a file on the server."""
    for bad in ("--output=/tmp/atlas-pwned", "-o", "../data", "/srv/other-dataset", "a b"):
        doc = {"id": "test-brief", "title": "T", "steps": [
            {"id": "s", "title": "S", "narrative": "n", "changes_since": bad}]}
        loaded, msgs = load_one(tmp_path, doc)
        assert loaded == [] and any("field 'changes_since': expected a git revision" in m
                                    for m in msgs), (bad, msgs)
    doc = {"id": "test-brief", "title": "T", "steps": [
        {"id": "s", "title": "S", "narrative": "n", "changes_since": "HEAD~5"}]}
    (brief,), msgs = load_one(tmp_path, doc)
    assert msgs == [] and brief.steps[0].changes_since == "HEAD~5"


def test_a_draft_with_shared_objects_is_written_without_anchors(tmp_path):
    """yaml.safe_dump writes '&id001' for an object used twice; the reader refuses anchors."""
    from ca_atlas.view import ViewState

    step = briefing.step_from_view(ViewState(countries=("UZB",)), "A step", "Why.", 1)
    text = briefing.draft_yaml("Twice", [step, step])  # the same dict twice
    assert "&id" not in text and "*id" not in text
    doc = formats.parse_yaml("briefings/twice.yaml", text, dict)
    assert [s["params"] for s in doc["steps"]] == [{"country": ["UZB"]}] * 2
