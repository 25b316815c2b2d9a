"""Hostile text in the dataset shows as text and never runs, in the page or the map iframe."""

from __future__ import annotations

import re

import atlas_browser as ab
import pytest
from atlas_browser import HOSTILE
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

PWNED = "() => typeof window.__pwned === 'undefined' ? null : String(window.__pwned)"


def _assert_not_pwned(page) -> None:
    for frame in page.frames:
        value = frame.evaluate(PWNED)
        assert value is None, f"hostile text ran in {frame.url}: window.__pwned = {value}"


def _lone_circle(page, project_id: str):
    """The hostile project's own circle, zooming the map to it (double clicks on its
    cluster would do the same; setView keeps the test short and deterministic)."""
    frame = ab.map_frame(page)
    found = frame.evaluate("""(id) => { let hit = null;
        map.eachLayer(l => { const p = l.feature && l.feature.properties;
          if (p && p.project_id === id) hit = l; });
        if (!hit) {  // inside a cluster: zoom to it like a user would
          let where = null;
          map.eachLayer(l => { if (L.MarkerCluster && l instanceof L.MarkerCluster) {
            for (const c of l.getAllChildMarkers())
              if (c.feature.properties.project_id === id) where = c.getLatLng(); } });
          if (where) map.setView(where, 8, {animate: false});
          return where ? 'zoomed' : 'absent';
        }
        return 'lone'; }""", project_id)
    assert found != "absent", f"project {project_id} is not on the map"
    ab.wait_map(page)
    handle = ab.map_frame(page).evaluate_handle("""(id) => { let path = null;
        map.eachLayer(l => { const p = l.feature && l.feature.properties;
          if (p && p.project_id === id && l._path) path = l._path; });
        return path; }""", project_id)
    element = handle.as_element()
    assert element is not None, f"no circle for {project_id} after zooming"
    return element


def test_hostile_text_is_shown_literally_and_never_runs(guarded, hostile_app, screenshots):
    """Script must never run (checked after every step); the text must read literally.

    Display problems are collected and reported together at the end, so a broken
    tooltip does not hide whether the script ran.
    """
    base, project_id, risk_id = hostile_app
    page = guarded.page
    shown_wrong: list[str] = []
    page.goto(ab.page_url(base, "/"))
    ab.wait_ready(page)
    ab.wait_map(page)
    _assert_not_pwned(page)

    # the risk note's triangle: a GeoJSON marker with a tooltip
    ab.map_frame(page).evaluate("""(id) => map.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (p && p.risk_id === id && l._icon) map.panTo(l.getLatLng(), {animate: false}); })""",
                               risk_id)
    ab.wait_map(page)
    icon = ab.map_frame(page).evaluate_handle("""(id) => { let el = null;
        map.eachLayer(l => { const p = l.feature && l.feature.properties;
          if (p && p.risk_id === id && l._icon) el = l._icon; });
        return el; }""", risk_id).as_element()
    assert icon is not None, f"no risk icon for {risk_id}"
    icon.hover()
    page.wait_for_timeout(600)
    _assert_not_pwned(page)
    risk_tip = ab.map_frame(page).locator(".leaflet-tooltip").filter(has_text="Risk: Hostile")
    if risk_tip.count() != 1 or f"Risk: {HOSTILE}" not in risk_tip.first.inner_text():
        shown_wrong.append("the risk note's tooltip does not read literally: "
                           f"{risk_tip.all_inner_texts()!r}")
    page.mouse.move(5, 5)

    circle = _lone_circle(page, project_id)
    circle.hover()
    page.wait_for_timeout(600)
    _assert_not_pwned(page)
    tooltip = ab.map_frame(page).locator(".leaflet-tooltip").filter(has_text="Hostile")
    if tooltip.count() != 1:
        shown_wrong.append(f"hovering the project's circle showed {tooltip.count()} tooltips "
                           "with its name (expected 1)")
    else:
        text = tooltip.first.inner_text()
        if HOSTILE not in text:
            shown_wrong.append(f"the tooltip does not read literally: {text!r}")
        if tooltip.first.locator("img, script").count():
            shown_wrong.append("the tooltip contains an <img> or <script> element")

    circle.click()
    page.wait_for_url(re.compile(rf"[?&]project={re.escape(project_id)}(&|$)"), timeout=20_000)
    ab.wait_ready(page)
    ab.wait_map(page)
    _assert_not_pwned(page)
    panel = page.locator(".atlas-record")
    panel.wait_for(state="visible", timeout=20_000)
    heading = panel.locator("h3").inner_text().strip()
    if heading != HOSTILE:
        shown_wrong.append(f"the record's heading reads {heading!r}")
    if f"Description with {HOSTILE} inside." not in panel.inner_text():
        shown_wrong.append("the record's description does not read literally")
    if panel.locator("img, script").count():
        shown_wrong.append("the record contains an <img> or <script> element")
    ab.full_page_screenshot(page, screenshots / "hostile-map.png")

    # the same text reaches the charts (hover labels) and the tables on the other pages
    for path in ("/investment", "/data"):
        page.goto(ab.page_url(base, path, {"project": project_id}))
        ab.wait_ready(page)
        page.wait_for_timeout(800)
        _assert_not_pwned(page)
    ab.full_page_screenshot(page, screenshots / "hostile-data.png")

    guarded.checked = True  # page problems are reported here, with the display ones
    wrong = shown_wrong + guarded.problems()
    assert not wrong, "hostile text did not run, but:\n" + "\n".join(wrong)


def test_markdown_in_a_link_is_shown_as_text(guarded, app_url):
    """A link can carry text into Markdown (warnings, toasts): an image there would be
    fetched from anywhere. It must stay text, so the guard sees no request off localhost."""
    page = guarded.page
    evil = "![x](http://evil.example/pixel.png)"
    page.goto(ab.page_url(app_url, "/corridors", {"block": evil, "country": evil}))
    # The notice of what the link had that was ignored quotes it (as text); expect()
    # retries until it shows, well within the toast's few seconds.
    expect(page.get_by_test_id("stToast")).to_contain_text("![x](http://evil.example")
    assert page.locator("img[src*='evil.example']").count() == 0
    guarded.assert_clean()
