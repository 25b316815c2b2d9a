"""Briefings in Chromium: presenter mode, clicker keys, step links, and the exported file."""

from __future__ import annotations

import atlas_browser as ab
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

BRIEF = "japan-after-tokyo-summit"


def _step_title(page) -> str:
    return page.locator(".atlas-present-title").first.inner_text()


def test_presenter_mode_hides_chrome_and_keys_move_between_steps(browser, app_url, atlas,
                                                                 screenshots):
    guarded = ab.guarded_page(browser, {"width": 1280, "height": 720})
    page = guarded.page
    brief = next(b for b in atlas.briefings if b.id == BRIEF)
    page.goto(ab.page_url(app_url, "/present", {"briefing": BRIEF, "step": "1", "present": "1"}))
    ab.wait_ready(page)
    assert _step_title(page) == brief.steps[0].title
    for testid in ("stSidebar", "stHeader", "stToolbar"):
        hidden = page.get_by_test_id(testid)
        assert hidden.count() == 0 or not hidden.first.is_visible(), f"{testid} is visible"
    ab.map_frame(page).locator(".leaflet-interactive").first.wait_for(timeout=30_000, state="attached")
    page.mouse.click(5, 700)  # focus the page as a presenter's click would, off the map
    for key, number in (("ArrowRight", 2), ("PageDown", 3), ("PageUp", 2), ("ArrowLeft", 1)):
        page.keyboard.press(key)
        page.wait_for_function(
            "t => document.querySelector('.atlas-present-title')?.innerText === t",
            arg=brief.steps[number - 1].title, timeout=30_000)
        ab.wait_ready(page)
        assert f"step={number}" in page.url, page.url
    # ... and on through the whole briefing with the clicker's "next" key
    for number in range(2, len(brief.steps) + 1):
        page.keyboard.press("PageDown")
        page.wait_for_function(
            "t => document.querySelector('.atlas-present-title')?.innerText === t",
            arg=brief.steps[number - 1].title, timeout=30_000)
        ab.wait_ready(page)
        page.wait_for_timeout(1200)  # let Leaflet finish its zoom animation
        page.screenshot(path=str(screenshots / f"present-720p-step{number:02d}.png"))
    assert f"step={len(brief.steps)}" in page.url
    guarded.assert_clean()
    guarded.context.close()


def test_a_step_link_opens_that_step(browser, app_url, atlas):
    guarded = ab.guarded_page(browser)
    page = guarded.page
    brief = next(b for b in atlas.briefings if b.id == BRIEF)
    number = next(i for i, s in enumerate(brief.steps, 1) if s.scenario)
    page.goto(ab.page_url(app_url, "/present", {"briefing": BRIEF, "step": str(number)}))
    ab.wait_ready(page)
    assert _step_title(page) == brief.steps[number - 1].title
    assert page.get_by_text(f"step {number} of {len(brief.steps)}").count() == 1
    frame = ab.map_frame(page)
    frame.locator(".leaflet-interactive").first.wait_for(timeout=30_000, state="attached")
    assert page.get_by_text("rerouted").count() + page.get_by_text("no route left").count() > 0
    guarded.assert_clean()
    guarded.context.close()


def test_exported_briefing_opens_from_disk_with_no_network(browser, atlas, tmp_path,
                                                           screenshots):
    from ca_atlas import assets, briefing_steps

    assets.configure_assets("local")
    brief = next(b for b in atlas.briefings if b.id == BRIEF)
    path = briefing_steps.write_briefing(atlas, BRIEF, tmp_path / "briefing.html")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    fetched, errors = [], []

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            fetched.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(path.as_uri())
    maps = page.locator("iframe.map")
    assert maps.count() == len(brief.steps)
    for i in range(maps.count()):
        frame = maps.nth(i).element_handle().content_frame()
        frame.wait_for_selector(".leaflet-interactive", timeout=30_000, state="attached")
        assert frame.locator(".leaflet-interactive").count() > 5, f"map {i + 1} is empty"
    charts = [s for s in brief.steps if s.chart]
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length "
                           f">= {len(charts)}", timeout=30_000)
    assert page.locator("section.step h2").all_inner_texts() == [s.title for s in brief.steps]
    assert fetched == [] and errors == [], (fetched, errors)
    ab.full_page_screenshot(page, screenshots / "briefing-export.png", width=1400)
    context.close()


def test_scenario_link_on_the_corridors_page(guarded, app_url):
    page = guarded.page
    page.goto(ab.page_url(app_url, "/corridors", {"block": "cpc-terminal-strike-2025"}))
    ab.wait_ready(page)
    frame = ab.map_frame(page)
    frame.locator(".leaflet-interactive").first.wait_for(timeout=30_000, state="attached")
    assert page.get_by_text("no route left").count() >= 1
    guarded.assert_clean()


def test_clicking_a_segment_on_the_scenario_map_blocks_it(browser, app_url):
    guarded = ab.guarded_page(browser, {"width": 1400, "height": 1300})
    page = guarded.page
    page.goto(ab.page_url(app_url, "/corridors"))
    ab.wait_ready(page)
    frame = ab.map_frame(page)
    frame.locator(".leaflet-interactive").first.wait_for(timeout=30_000, state="attached")
    # the middle of a near-horizontal segment's (invisible, wide) hit line
    point = frame.evaluate("""() => {
      for (const e of document.querySelectorAll("path.leaflet-interactive[stroke='#000000']")) {
        const r = e.getBoundingClientRect();
        if (r.width > 60 && r.height < 20 && r.y > 0 && r.y < innerHeight - 40)
          return [r.x + r.width / 2, r.y + r.height / 2];
      } }""")
    assert point, "no clickable corridor segment found on the scenario map"
    box = page.locator(ab.MAP_IFRAME).first.bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.wait_for_function("() => location.search.includes('block=')", timeout=30_000)
    ab.wait_ready(page)
    assert "%3A" in page.url or ":" in page.url, page.url  # a 'corridor:seq' segment id
    assert ab.map_frame(page).locator("path[stroke='#D7191C']").count() >= 1  # drawn in red
    guarded.assert_clean()
    guarded.context.close()
