"""Editing in a real browser, on a server with its own embedded store: an edit made in one
session reaches another at its next interaction, and a save from a form opened before a
colleague's save is shown as a conflict that overwrites nothing."""

from __future__ import annotations

import atlas_browser as ab
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

PROJECT = "uz-tashkent-new-airport"
EDIT = {"kind": "project", "record": PROJECT}


def _open_edit(page, base):
    page.goto(ab.page_url(base, "/edit", EDIT))
    ab.wait_ready(page)
    expect(page.get_by_role("textbox", name="Name *", exact=True)).to_have_value(
        "New Tashkent International Airport (phase 1)")


def _save(page, why):
    page.get_by_role("textbox", name="Why this change *").fill(why)
    page.get_by_role("button", name="Save", exact=True).click()
    ab.wait_ready(page)


@pytest.fixture
def two_sessions(browser):
    first, second = ab.guarded_page(browser), ab.guarded_page(browser)
    yield first, second
    first.context.close()
    second.context.close()


def test_an_edit_in_one_session_is_seen_by_another(two_sessions, editing_app):
    first, second = two_sessions
    second.page.goto(ab.page_url(editing_app, "/", {"project": PROJECT}))
    ab.wait_ready(second.page)  # the second session is open before the edit

    _open_edit(first.page, editing_app)
    first.page.get_by_role("textbox", name="Place", exact=True).fill("Tashkent region, south of the city centre")
    _save(first.page, "Trend (16 Oct 2025) places the site south of the city")
    expect(first.page.get_by_text("Every page shows it now")).to_be_visible()

    second.page.get_by_role("textbox", name="Search").fill("Tashkent")  # its next interaction
    second.page.keyboard.press("Enter")
    ab.wait_ready(second.page)
    expect(second.page.get_by_text("south of the city centre")).to_be_visible()

    first.page.goto(ab.page_url(editing_app, "/history"))
    ab.wait_ready(first.page)
    history = first.page.get_by_test_id("stDataFrame").first
    expect(history).to_be_visible()
    first.assert_clean()
    second.assert_clean()


def test_a_stale_save_shows_a_conflict_and_overwrites_nothing(two_sessions, editing_app):
    first, second = two_sessions
    _open_edit(second.page, editing_app)  # opened before the first session saves
    _open_edit(first.page, editing_app)
    first.page.get_by_role("textbox", name="Note (conflicting figures, caveats)").fill(
        "Edited first: the US$200m is Sojitz's share.")
    _save(first.page, "shorter note")
    expect(first.page.get_by_text("Every page shows it now")).to_be_visible()

    second.page.get_by_role("textbox", name="Place", exact=True).fill("somewhere else")
    _save(second.page, "my correction")
    expect(second.page.get_by_text("Someone saved this record")).to_be_visible()
    expect(second.page.get_by_test_id("stDataFrame").first).to_contain_text("note")

    first.page.reload()
    ab.wait_ready(first.page)
    expect(first.page.get_by_role("textbox", name="Place", exact=True)).not_to_have_value("somewhere else")
    first.assert_clean()
    second.assert_clean()


def test_a_bad_import_names_rows_and_columns_and_a_clean_one_is_written(browser, editing_app,
                                                                         tmp_path):
    from ca_atlas.store import imports

    good = tmp_path / "projects.csv"
    good.write_text(imports.template_csv(), encoding="utf-8")
    bad = tmp_path / "broken.csv"
    lines = imports.template_csv().splitlines()
    row = lines[1].replace("uz-example-solar-park", "uz-tashkent-new-airport")  # taken id
    row = row.replace(",39.65,", ",95.5,")  # latitude out of range
    bad.write_text("\n".join([lines[0], row]) + "\n", encoding="utf-8")

    g = ab.guarded_page(browser)
    try:
        page = g.page
        page.goto(ab.page_url(editing_app, "/import"))
        ab.wait_ready(page)
        uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
        uploader.set_input_files(str(bad))
        ab.wait_ready(page)
        expect(page.get_by_text("problem(s) in broken.csv: nothing was imported")).to_be_visible()
        problems = page.get_by_test_id("stDataFrame").first
        expect(problems).to_contain_text("lat")
        expect(problems).to_contain_text("is already a project")

        uploader.set_input_files(str(good))
        ab.wait_ready(page)
        expect(page.get_by_text("projects.csv is clean: 1 project(s) to add")).to_be_visible()
        page.get_by_role("textbox", name="Why this import *").fill("the template's example")
        page.keyboard.press("Tab")
        ab.wait_ready(page)
        page.get_by_role("button", name="Import 1 project(s)").click()
        ab.wait_ready(page)
        expect(page.get_by_text("Imported 1 new and 0 changed project(s)")).to_be_visible()
        g.assert_clean()
    finally:
        g.context.close()
