"""Hostile links: whatever a URL carries, every page runs, shows no traceback, says once
what it ignored, and touches no file."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ca_atlas import view

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ["app_pages/map.py", "app_pages/investment.py", "app_pages/corridors.py",
         "app_pages/risks.py", "app_pages/briefings.py", "app_pages/data.py",
         "app_pages/quality.py"]
PARAMS = sorted(view.PARAMS)

#: One value for every parameter at once, per kind of attack.
PAYLOADS = {
    "options": "--output=/tmp/atlas-pwned",
    "short-option": "-o/tmp/atlas-pwned",
    "remote": "--remote=git://127.0.0.1:9/x",
    "paths": "../../etc/passwd",
    "absolute": "/etc/passwd",
    "superscript": "²",
    "digits": "9" * 5000,
    "nul": "UZB\x00--output=/tmp/atlas-pwned",
    "control": "UZB\n\r\x1b[31m",
    "formula": "=HYPERLINK(\"http://example.invalid\",\"x\")",
    "huge": "a" * 100_000,
    "parts": ",".join(["a"] * 2000),
}


def _run(page: str, params: dict[str, str | list[str]]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    return at


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("kind", ["options", "superscript", "digits", "nul", "parts"])
def test_every_page_runs_whatever_the_link_holds(page, kind, data_copy):
    data, before = data_copy
    at = _run(page, {key: PAYLOADS[kind] for key in PARAMS})
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.toast) <= 1
    assert not Path("/tmp/atlas-pwned").exists()
    assert {p.name: p.stat().st_size for p in data.rglob("*")} == before


@pytest.mark.parametrize("kind", ["short-option", "remote", "paths", "absolute", "control",
                                  "formula", "huge"])
def test_the_map_page_says_once_what_it_ignored(kind):
    # Streamlit itself drops a query string past 512 K characters or 1,000 parameters:
    # the huge value goes in three parameters, not all of them.
    keys = PARAMS if kind != "huge" else ["country", "q", "block"]
    at = _run("app_pages/map.py", {key: PAYLOADS[kind] for key in keys})
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.toast) == 1 and at.toast[0].value.startswith("Part of this link was ignored")
    assert len(at.toast[0].value) < 600


def test_hundreds_of_repeated_values_give_one_notice():
    at = _run("app_pages/map.py", {"country": ["a"] * 900, "sector": ["zz"] * 50})
    assert not at.exception
    assert len(at.toast) == 1
    assert "country has more than 100 values" in at.toast[0].value


def test_the_data_page_exports_with_control_characters_in_the_search():
    at = _run("app_pages/data.py", {"q": "Tash\x00kent"})
    assert not at.exception, [e.message for e in at.exception]


@pytest.fixture
def data_copy():
    data = ROOT / "data"
    return data, {p.name: p.stat().st_size for p in data.rglob("*")}


def test_a_dataset_error_does_not_show_the_server_s_paths(tmp_path, mini_records, monkeypatch):
    from atlas_fixtures import write_dataset

    mini_records["corridors"][0]["kind"] = "teleport"
    directory = write_dataset(tmp_path / "never-good", corridors=mini_records["corridors"])
    monkeypatch.setenv("ATLAS_DATA_DIR", str(directory))
    monkeypatch.setenv("ATLAS_STORE", "files")  # the files as they are, read-only
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    shown = [e.label for e in at.expander] + [t.value for t in at.text]
    assert any("corridors.yaml, record 1" in text for text in shown)
    assert not any(str(tmp_path) in text for text in shown), shown


def test_the_quality_page_compares_with_a_recorded_version_only(monkeypatch):
    """No free text reaches git: the page offers the dataset's recorded versions (the
    files' git versions when serving files; the store's days are tested with the store)."""
    from ca_atlas import changes

    monkeypatch.setenv("ATLAS_STORE", "files")
    at = _run("app_pages/quality.py", {})
    assert [t.key for t in at.text_input] == ["flt_q"]  # the sidebar search; no free-text box
    box = at.selectbox(key="changes-since")
    recorded = changes.versions()
    assert box.options[1:] == [v.label for v in recorded] and recorded
    box.select_index(1).run()  # the newest recorded version
    assert not at.exception, [e.message for e in at.exception]
    assert any("added" in m.value and "removed" in m.value for m in at.markdown)
