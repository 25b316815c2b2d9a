"""Briefing files: the shipped one validates; bad steps are named by file, step and field."""

import yaml

from ca_atlas import briefing

IDS = {"projects": {"p1"}, "corridors": {"c1"}, "risks": {"r1"}, "blocks": {"Aktau", "c1"}}


def load_one(tmp_path, doc, name="test-brief"):
    folder = tmp_path / "briefings"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    problems = []
    loaded = briefing.load(tmp_path, IDS, problems)
    return loaded, [str(p) for p in problems]


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
        "record 3 (id c), field 'view'",
        "(id a), field 'id': two steps share this id",
    ]
    for part in expected:
        assert any(part in m for m in msgs), f"missing: {part}\n{msgs}"
    assert all(m.startswith("briefings/test-brief.yaml") for m in msgs)


def test_the_file_name_is_the_id(tmp_path):
    _, msgs = load_one(tmp_path, {"id": "other", "title": "T", "steps": []}, name="mine")
    assert any("must match the file name 'mine'" in m for m in msgs)


def test_a_step_reads_back_into_a_view(tmp_path):
    (brief,), msgs = load_one(tmp_path, {"id": "test-brief", "title": "T", "steps": [
        {"id": "s", "title": "S", "narrative": "n", "params": {"country": "UZB", "japan": 1},
         "layers": ["projects"]}]})
    assert msgs == []
    state = brief.steps[0].state()
    assert state.countries == ("UZB",) and state.japan_only and state.layers == ("projects",)
