"""Every page runs under Streamlit's AppTest, with and without a deep link.

st_folium and plotly_chart are opaque here, so assertions are on what the page wrote
(metrics, the record panel, tables, downloads) and on the URL it keeps.
"""

from pathlib import Path

import pytest
from atlas_fixtures import DATA, dump, write_dataset
from streamlit.testing.v1 import AppTest

from ca_atlas import catalog
from ca_atlas.model import DatasetError

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def run(page=None, params=None, data_dir=None, monkeypatch=None):
    if data_dir is not None:
        monkeypatch.setenv("ATLAS_DATA_DIR", str(data_dir))
        monkeypatch.setenv("ATLAS_STORE", "files")  # the files as they are, read-only
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def param(at, key):
    """A query parameter as a list, however AppTest holds it."""
    value = at.query_params.get(key)
    return value if isinstance(value, list) else ([value] if value is not None else [])


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_map_page_shows_the_whole_dataset(atlas):
    at = run()
    assert metric(at, "Projects shown") == f"{len(atlas.projects)} of {len(atlas.projects)}"
    assert metric(at, "Corridors") == str(len(atlas.corridors))
    assert metric(at, "Risk notes") == str(len(atlas.risks))
    assert any("Select a project" in m.value for m in at.markdown)


def test_deep_link_filters_and_selects(atlas):
    project = atlas.projects[atlas.projects["country"] == "UZB"].iloc[0]
    at = run(params={"country": "UZB", "japan": "1", "project": project["id"]})
    expected = ((atlas.projects["country"] == "UZB") & atlas.projects["japanese"]).sum()
    assert metric(at, "Projects shown") == f"{expected} of {len(atlas.projects)}"
    assert at.sidebar.multiselect(key="flt_country").value == ["UZB"]
    assert at.sidebar.toggle(key="flt_japan").value is True
    assert param(at, "project") == [project["id"]]
    assert any(project["name"].replace("&", "&amp;") in h.proto.body for h in at.get("html"))


def test_sidebar_change_is_written_to_the_url():
    at = run()
    at.sidebar.multiselect(key="flt_sector").set_value(["power"]).run()
    assert param(at, "sector") == ["power"]


def test_investment_page_runs_and_reports_what_it_sums(atlas):
    at = run(page="app_pages/investment.py")
    assert metric(at, "Projects") == str(len(atlas.projects))
    assert any(c.value.startswith("Sums ") for c in at.caption)
    assert len(at.get("plotly_chart")) == 6  # the summit panel and five investment charts


def test_data_page_has_table_and_three_downloads(atlas):
    at = run(page="app_pages/data.py")
    assert len(at.dataframe) >= 4  # projects, corridors, risk notes, claims
    assert len(at.dataframe[0].value) == len(atlas.projects)
    assert len(at.get("download_button")) == 3


def test_a_broken_dataset_is_reported_and_the_last_good_one_kept(tmp_path, monkeypatch,
                                                                  mini_records):
    directory = write_dataset(tmp_path / "live")
    at = run(data_dir=directory, monkeypatch=monkeypatch)
    assert metric(at, "Projects shown") == "4 of 4"
    mini_records["projects"][0]["sector"] = "railways"
    write_dataset(directory, projects=mini_records["projects"])
    with pytest.raises(DatasetError):
        catalog.load(directory)
    at.run()
    assert not at.exception
    assert metric(at, "Projects shown") == "4 of 4"  # still the last good load
    texts = [t.value for t in at.text]
    assert any("projects.yaml, record 1" in t and "field 'sector'" in t for t in texts)


def test_a_broken_dataset_with_nothing_good_stops_with_the_errors(tmp_path, monkeypatch,
                                                                   mini_records):
    mini_records["corridors"][0]["kind"] = "teleport"
    directory = write_dataset(tmp_path / "never-good", corridors=mini_records["corridors"])
    at = run(data_dir=directory, monkeypatch=monkeypatch)
    assert not at.metric
    assert any("corridors.yaml, record 1" in t.value for t in at.text)


def test_corridors_page_runs_a_scenario_from_a_link():
    at = run(page="app_pages/corridors.py", params={"block": "Aktau"})
    assert at.multiselect(key="scn_block").value == ["Aktau"]
    table = at.dataframe[0].value
    row = table[table["From"] == "Almaty"].iloc[0]
    assert row["Result"] == "rerouted" and row["Extra km"] > 0


def test_risks_page_reports_exposure(atlas):
    from ca_atlas import exposure

    at = run(page="app_pages/risks.py", params={"within": "50"})
    head = exposure.headline(exposure.pairs(atlas, 50))
    assert metric(at, "Projects exposed") == str(head["projects"])
    assert metric(at, "Risk notes shown") == str(len(atlas.risks))


def test_quality_page_runs(atlas):
    at = run(page="app_pages/quality.py")
    assert metric(at, "Projects") == str(len(atlas.projects))
    assert len(at.dataframe) >= 6


def _briefing(bid, title, steps):
    return dump({"id": bid, "title": title, "subtitle": "", "steps": steps})


def _with_briefings(directory):
    folder = directory / "briefings"
    folder.mkdir(exist_ok=True)
    (folder / "good.yaml").write_text(_briefing("good", "A good briefing", [
        {"id": "bridge", "title": "The Naryn bridge", "narrative": "A grant for a bridge.",
         "params": {"country": "KGZ"}, "highlight": {"projects": ["kg-naryn-bridge"]}}]),
        encoding="utf-8")
    (folder / "gone.yaml").write_text(_briefing("gone", "A briefing about a lost place", [
        {"id": "block", "title": "Block it", "narrative": "n",
         "scenario": {"block": ["Atlantis"]}}]), encoding="utf-8")
    (folder / "latin1.yaml").write_bytes("id: latin1\ntitle: Caf\xe9\n".encode("latin-1"))
    return directory


def test_a_broken_briefing_leaves_the_map_and_the_other_briefings_serving(tmp_path, monkeypatch):
    directory = _with_briefings(write_dataset(tmp_path / "briefs"))
    at = run(data_dir=directory, monkeypatch=monkeypatch)
    assert metric(at, "Projects shown") == "4 of 4"
    assert not any("failed validation" in e.label for e in at.expander)

    at.switch_page("app_pages/briefings.py").run()
    assert not at.exception, [e.message for e in at.exception]
    texts = [t.value for t in at.text]
    assert ("briefings/gone.yaml, record 1 (id block), field 'scenario.block[0]': nothing in "
            "the network is called 'Atlantis'") in texts
    assert any(t.startswith("briefings/latin1.yaml is not UTF-8 text: byte 0xe9 at line 2")
               for t in texts)
    assert at.selectbox(key="brief-pick-good").options == ["A good briefing"]
    assert any("The Naryn bridge" in h.proto.body for h in at.get("html"))

    at.switch_page("app_pages/quality.py").run()  # listed there too, with their messages
    assert not at.exception, [e.message for e in at.exception]
    labels = [e.label for e in at.expander]
    assert "A briefing about a lost place (briefings/gone.yaml)" in labels
    assert any(label.endswith("(briefings/latin1.yaml)") for label in labels)
    assert any(t.value.startswith("briefings/latin1.yaml is not UTF-8 text") for t in at.text)


def test_a_broken_summit_file_hides_only_the_ledger_panel(tmp_path, monkeypatch):
    directory = write_dataset(tmp_path / "summit")
    text = (DATA / "summit_2025.yaml").read_text(encoding="utf-8")
    (directory / "summit_2025.yaml").write_text(
        text.replace("value: 158", "value: a hundred and fifty-eight", 1), encoding="utf-8")
    at = run(page="app_pages/investment.py", data_dir=directory, monkeypatch=monkeypatch)
    (warning,) = at.warning
    shown = warning.value.replace("\\", "")  # as read, without Markdown's escapes
    assert shown.startswith("The Tokyo summit panel is hidden: summit_2025.yaml has errors. "
                            "The first: summit_2025.yaml, record 2 (id deals-158-jiji), field "
                            "'counts.value': expected a number, got 'a hundred and fifty-eight'")
    assert metric(at, "Projects") == "4"
    assert len(at.get("plotly_chart")) == 5  # the five investment charts, no summit chart


@pytest.mark.timeout(120)
@pytest.mark.parametrize("defect, expected", [
    ("fifo", "projects.yaml is a FIFO (named pipe), not a regular file; it is not read"),
    ("alias bomb", "projects.yaml uses a YAML anchor at line 2, column 9: the dataset files "
                   "do not allow anchors and aliases"),
])
def test_a_file_that_used_to_hang_or_explode_keeps_the_last_good_data(tmp_path, monkeypatch,
                                                                      defect, expected):
    import os

    directory = write_dataset(tmp_path / "live")
    at = run(data_dir=directory, monkeypatch=monkeypatch)
    assert metric(at, "Projects shown") == "4 of 4"
    (directory / "projects.yaml").unlink()
    if defect == "fifo":
        os.mkfifo(directory / "projects.yaml")
    else:
        (directory / "projects.yaml").write_text(
            "- id: bomb\n  name: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + "".join(f"  n{i}: &a{i} [" + ", ".join(["*a" if i == 1 else f"*a{i - 1}"] * 9)
                      + "]\n" for i in range(1, 9)), encoding="utf-8")
    at.run()
    assert not at.exception
    assert metric(at, "Projects shown") == "4 of 4"  # still the last good load
    assert expected in [t.value for t in at.text]
