"""The Edit and History pages on a throwaway embedded store: an edit with its why reaches
every page, a stale save is a conflict, problems sit beside their field, a revert works."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ca_atlas.store.store import Store

APP = str(Path(__file__).resolve().parents[2] / "app.py")

PROJECT = "uz-tashkent-new-airport"


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("ATLAS_USER", "Aiko Tanaka")
    monkeypatch.delenv("ATLAS_STORE", raising=False)
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    return tmp_path / "state"


def edit_page(params=None):
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/edit.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def field(at, label):
    return next(w for w in at.text_input if w.label.rstrip(" *") == label)


def test_an_edit_with_its_why_is_saved_and_shown_on_the_map(store_dir):
    at = edit_page({"kind": "project", "record": PROJECT})
    assert field(at, "Name").value.startswith("New Tashkent International Airport")
    field(at, "Place").set_value("Tashkent region, south of the city")
    field(at, "Why this change").set_value("Trend, 16 Oct 2025: the site lies south of the city")
    at.button(key="FormSubmitter:edit-project-uz-tashkent-new-airport-v1-Save").click().run()
    assert not at.exception
    assert any("as version 2" in s.value for s in at.success)

    store = Store.open()
    record = store.get("project", PROJECT)
    assert record.version == 2 and record.updated_by == "Aiko Tanaka"
    assert record.document["place"] == "Tashkent region, south of the city"
    (change,) = [c for c in store.history(PROJECT) if c.action == "change"]
    assert change.why.startswith("Trend, 16 Oct 2025") and change.who == "Aiko Tanaka"

    at.switch_page("app_pages/map.py")
    at.query_params["project"] = PROJECT
    at.run()
    assert not at.exception
    assert any("south of the city" in h.proto.body for h in at.get("html"))


def test_a_save_without_a_why_or_with_a_bad_field_changes_nothing(store_dir):
    at = edit_page({"kind": "project", "record": PROJECT})
    field(at, "Last verified").set_value("2026-13-45")
    at.button(key="FormSubmitter:edit-project-uz-tashkent-new-airport-v1-Save").click().run()
    errors = [e.value for e in at.error]
    assert any("last_verified" in e or "date" in e for e in errors), errors
    assert any("say why" in e for e in errors), errors
    assert Store.open().get("project", PROJECT).version == 1


def test_a_stale_save_shows_a_conflict_and_overwrites_nothing(store_dir):
    at = edit_page({"kind": "project", "record": PROJECT})  # opens version 1
    store = Store.open()
    theirs = dict(store.get("project", PROJECT).document, confidence="low")
    store.save("project", theirs, 1, "Bakyt Osmonov", "second source disagrees")

    field(at, "Place").set_value("somewhere else")
    field(at, "Why this change").set_value("my correction")
    at.button(key="FormSubmitter:edit-project-uz-tashkent-new-airport-v1-Save").click().run()
    assert not at.exception
    assert any("Someone saved this record" in e.value for e in at.error)
    kept = store.get("project", PROJECT)
    assert kept.version == 2 and kept.document["confidence"] == "low"
    assert kept.document["place"] != "somewhere else"
    shown = at.dataframe[0].value
    assert set(shown["field"]) == {"place", "confidence"}


def test_the_history_page_lists_who_and_why_and_reverts(store_dir):
    edit_page()  # the store is created from the shipped files at first start
    store = Store.open()
    doc = dict(store.get("project", PROJECT).document, confidence="low")
    store.save("project", doc, 1, "Bakyt Osmonov", "second source disagrees")

    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("app_pages/history.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    newest = table.iloc[0]
    assert (newest["who"], newest["why"], newest["fields"]) == (
        "Bakyt Osmonov", "second source disagrees", "confidence")
    at.text_input(key=f"revert-{int(newest['#'])}-why").set_value("the first source is right").run()
    at.button(key=f"revert-{int(newest['#'])}").click().run()
    assert not at.exception
    assert store.get("project", PROJECT).document["confidence"] != "low"
    assert [c.action for c in store.history(PROJECT)][-1] == "revert"


def test_the_record_panel_opens_the_record_on_the_edit_page(store_dir):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["project"] = PROJECT
    at.run()
    at.button(key="edit-project").click().run()
    assert not at.exception
    assert field(at, "Name").value.startswith("New Tashkent International Airport")
    assert field(at, "Id").disabled  # an id is fixed once saved


def test_without_edit_rights_the_page_only_says_so(store_dir, monkeypatch):
    """ATLAS_AUTH=optional and nobody signed in: a reader. (Streamlit needs an [auth]
    section to offer sign-in at all; without one the page says what is missing.)"""
    monkeypatch.setenv("ATLAS_AUTH", "optional")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("app_pages/edit.py").run()
    assert not at.exception
    assert any("needs an [auth] section" in e.value for e in at.error)
    assert not [b for b in at.button if b.label in ("Save", "Add")]


def test_retire_needs_a_reason_and_restore_brings_the_record_back(store_dir):
    at = edit_page({"kind": "risk_note", "record": "lake-sarez-outburst-risk"})
    key = "retire-lake-sarez-outburst-risk"
    assert at.button(key=key).disabled  # no reason yet
    at.text_input(key=f"{key}-why").set_value("merged into another note").run()
    at.button(key=key).click().run()
    assert not at.exception
    store = Store.open()
    assert store.get("risk_note", "lake-sarez-outburst-risk").retired
    assert any("can be restored here" in s.value for s in at.success)
    assert any(w.value.startswith("Retired: merged") for w in at.warning)  # the banner

    restore = "restore-lake-sarez-outburst-risk"
    at.text_input(key=f"{restore}-why").set_value("kept apart after all").run()
    at.button(key=restore).click().run()
    assert not at.exception
    assert not store.get("risk_note", "lake-sarez-outburst-risk").retired
    assert [c.action for c in store.history("lake-sarez-outburst-risk")][-2:] == [
        "retire", "restore"]
