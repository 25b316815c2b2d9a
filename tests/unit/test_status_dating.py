"""Dated statuses: since when a source gives each status, its stages, and the flags the
record panel and the Data quality page show."""

import pytest
from atlas_fixtures import write_dataset

from ca_atlas import catalog, popups, quality
from ca_atlas.model import DatasetError

SOURCE = {"url": "https://www.jica.go.jp/english/news/press/2015/151026_02.html",
          "publisher": "JICA", "date": "2015-10-26"}


def _load(tmp_path, mini_records, **fields):
    projects = mini_records["projects"]
    projects[1].update(fields)
    return catalog.load(write_dataset(tmp_path / "d", projects=projects))


def _errors(tmp_path, mini_records, **fields):
    with pytest.raises(DatasetError) as info:
        _load(tmp_path, mini_records, **fields)
    return [str(p) for p in info.value.problems if p.level == "error"]


def test_a_dated_status_with_its_stages_loads(tmp_path, mini_records):
    atlas = _load(tmp_path, mini_records, status="operating", status_as_of="2024-05-03",
                  status_source=SOURCE, status_history=[
                      {"status": "agreed", "as_of": "2015-10", "url": SOURCE["url"]},
                      {"status": "operating", "as_of": "2024-05-03", "url": SOURCE["url"]}])
    row = atlas.projects.set_index("id").loc["uz-tashkent-cogeneration"]
    assert row["status_as_of"] == "2024-05-03" and row["status_source"]["publisher"] == "JICA"
    assert [s["status"] for s in row["status_history"]] == ["agreed", "operating"]
    html = popups.status_html(row.to_dict())
    assert "as of 2024-05-03" in html and 'href="https://www.jica.go.jp/' in html
    assert "Earlier: agreed" in html
    undated = atlas.projects.set_index("id").loc["uz-karshi-termez-electrification"]
    assert undated["status_as_of"] is None and undated["status_history"] == []


@pytest.mark.parametrize("fields, expected", [
    ({"status_as_of": "2024-05-03"}, "field 'status_source': is required with status_as_of"),
    ({"status_source": SOURCE}, "field 'status_as_of': is required with status_source"),
    ({"status_as_of": "2024-13-40", "status_source": SOURCE}, "field 'status_as_of'"),
    ({"status_as_of": "2024", "status_source": {"url": "javascript:alert(1)"}},
     "field 'status_source[0].url'"),
    ({"status_as_of": "2024", "status_source": SOURCE,
      "status_history": [{"status": "operating", "as_of": "2024", "url": SOURCE["url"]},
                         {"status": "agreed", "as_of": "2015", "url": SOURCE["url"]}]},
     "field 'status_history[1].as_of': 2015 comes before the stage above it"),
    ({"status_as_of": "2024", "status_source": SOURCE,
      "status_history": [{"status": "opened", "as_of": "2024", "url": SOURCE["url"]}]},
     "field 'status_history[0].status'"),
    ({"status_as_of": "2024", "status_source": SOURCE, "status_history": "agreed"},
     "field 'status_history': expected a list"),
])
def test_bad_status_dating_is_named(tmp_path, mini_records, fields, expected):
    errors = _errors(tmp_path, mini_records, **fields)
    assert any(expected in e and "uz-tashkent-cogeneration" in e for e in errors), errors


def test_flags_for_undated_and_stale_statuses():
    today = "2026-12-02"
    assert quality.status_flag(None, today) == "status not dated"
    assert quality.status_flag("2019-01-09", today) == "status unconfirmed since 2019"
    assert quality.status_flag("2024-12-01", today) == "status unconfirmed since 2024"
    assert quality.status_flag("2024-12-03", today) is None
    assert quality.status_flag("2024", today) is None  # could be as late as 31 December
    assert quality.status_flag("2024-06", today) == "status unconfirmed since 2024"


def test_the_quality_page_lists_them_oldest_first(mini_atlas):
    projects = mini_atlas.projects.copy()
    projects["status_as_of"] = [None, "2019-01-09", "2026-01", None][:len(projects)]
    table = quality.status_dating(projects, "2026-12-02")
    assert list(table["flag"])[0] == "status not dated"
    assert "status unconfirmed since 2019" in set(table["flag"])
    assert "2026-01" not in set(table["as of"])
    assert quality.dated_share(projects) == pytest.approx(2 / len(projects))
