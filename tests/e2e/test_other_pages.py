"""The Investment and Data pages in Chromium with the network cut."""

from __future__ import annotations

import re

import atlas_browser as ab
import pytest
from expect import expected

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def test_investment_page_renders_its_charts(guarded, app_url, screenshots):
    page = guarded.page
    page.goto(ab.page_url(app_url, "/investment"))
    ab.wait_ready(page)
    charts = page.locator(".js-plotly-plot")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5",
                           timeout=30_000)
    assert charts.count() >= 5, f"{charts.count()} Plotly charts on /investment"
    for i in range(charts.count()):
        chart = charts.nth(i)
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 150, f"chart {i} is {box}"
        # each chart drew something: bars, lines or points in its plot area
        traces, points = chart.evaluate(
            "p => [(p.data || []).length, p.querySelectorAll('.trace .point').length]")
        assert traces > 0 and points > 0, f"chart {i} drew {traces} traces, {points} marks"
    # Plotly geo would fetch topojson from a CDN; the guard would have recorded it
    assert page.get_by_test_id("stMetric").count() >= 5
    ab.assert_no_exception(page)
    ab.full_page_screenshot(page, screenshots / "investment.png")
    guarded.assert_clean()


def test_data_page_shows_table_and_downloads(guarded, app_url, atlas, screenshots):
    page = guarded.page
    params = {"country": "KAZ"}
    exp = expected(atlas, params)
    page.goto(ab.page_url(app_url, "/data", params))
    ab.wait_ready(page)
    tables = page.get_by_test_id("stDataFrame")
    tables.first.wait_for(state="visible")
    assert tables.count() >= 1
    box = tables.first.bounding_box()
    assert box and box["height"] > 100, f"the projects table is {box}"
    caption = page.get_by_text(f"{len(exp.view.projects)} of {len(atlas.projects)} projects "
                               "match the filters")
    assert caption.count() == 1, "the caption does not give the filtered count"
    downloads = page.get_by_test_id("stDownloadButton")
    labels = [downloads.nth(i).inner_text().strip() for i in range(downloads.count())]
    for label in ("Download CSV", "Download GeoJSON", "Download XLSX"):
        assert label in labels, f"{label!r} missing; buttons: {labels}"
        button = page.get_by_role("button", name=label)
        assert button.is_visible() and button.is_enabled()
    ab.full_page_screenshot(page, screenshots / "data.png")
    guarded.assert_clean()


def test_downloads_are_made_when_clicked_and_match_the_filter(guarded, app_url, atlas):
    """The files are made on the click (not on every rerun) and hold the filtered rows."""
    import csv
    import io
    import json

    import openpyxl

    page = guarded.page
    params = {"country": "KAZ"}
    exp = expected(atlas, params)
    want = sorted(exp.view.projects["id"])
    page.goto(ab.page_url(app_url, "/data", params))
    ab.wait_ready(page)

    def download(label: str) -> str:
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label).click()
        assert info.value.url.startswith(app_url), info.value.url
        return info.value.path()

    text = open(download("Download CSV"), encoding="utf-8-sig").read()
    assert sorted(r["id"] for r in csv.DictReader(io.StringIO(text))) == want
    with open(download("Download GeoJSON"), encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    assert sorted(f["properties"]["id"] for f in features) == want
    with open(download("Download XLSX"), "rb") as fh:  # saved without a suffix
        sheet = openpyxl.load_workbook(io.BytesIO(fh.read()), read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    column = next(rows).index("id")
    assert sorted(r[column] for r in rows if r[column]) == want
    guarded.assert_clean()


def test_every_page_in_the_navigation_renders_offline(guarded, app_url, screenshots):
    """Each page the top navigation offers opens by clicking it, with no exception."""
    page = guarded.page
    page.goto(ab.page_url(app_url, "/"))
    ab.wait_ready(page)
    links = page.get_by_test_id("stTopNavLink")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 3, f"navigation offers {hrefs}"
    for href in hrefs:
        page.get_by_test_id("stTopNavLink").and_(page.locator(f'[href="{href}"]')).click()
        page.wait_for_url(re.compile(re.escape(href) + r"(\?.*)?$"), timeout=20_000)
        ab.wait_ready(page)
        slug = href.rstrip("/").rsplit("/", 1)[-1] if href.rstrip("/") != app_url else "map"
        ab.full_page_screenshot(page, screenshots / f"page-{slug}.png")
        assert page.locator(ab.EXCEPTION).count() == 0
        assert page.get_by_test_id("stAlertContentError").count() == 0, (
            f"{href} shows an error: "
            f"{page.get_by_test_id('stAlertContentError').first.inner_text()}")
    guarded.assert_clean()


def test_selecting_a_bar_narrows_the_filters(guarded, app_url):
    page = guarded.page
    page.set_viewport_size({"width": 1600, "height": 2600})  # every chart on screen at once
    page.goto(ab.page_url(app_url, "/investment"))
    ab.wait_ready(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5",
                           timeout=30_000)
    # the country-by-sector chart (the first after the summit panel's); Plotly takes clicks
    # on its drag layer, so click where a bar is drawn, as a person would
    chart = page.locator(".js-plotly-plot").nth(1)
    bars = chart.locator(".trace.bars .point path")
    box = max((bars.nth(i).bounding_box() for i in range(bars.count())),
              key=lambda b: b["height"] if b else 0)
    assert box and box["height"] > 10, box
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('country=')", timeout=30_000)
    ab.wait_ready(page)
    assert "sector=" in page.url, page.url
    selected = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
    assert "All five" not in selected.inner_text()
    guarded.assert_clean()
