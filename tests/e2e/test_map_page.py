"""The map page in Chromium with the network cut: what it draws equals what the core says."""

from __future__ import annotations

import re

import atlas_browser as ab
import pytest
from expect import expected

from ca_atlas import model

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def assert_map_matches(state: ab.MapState, exp) -> None:
    raw = state.raw
    want = exp.placed_ids
    assert raw["ready"], "Leaflet map object not found in the map iframe"
    assert raw["height"] > 100, f"the map collapsed to {raw['height']}px (assets failed?)"
    # The DOM: numbers printed on cluster icons + lone circles drawn as SVG paths.
    assert state.dom_project_count == len(want), (
        f"the map shows {state.summary()}; the filter implies {len(want)} located projects")
    # Leaflet agrees with the DOM, and every expected project is there exactly once.
    assert raw["clusterSpanSum"] == sum(c["count"] for c in raw["clusters"]), raw["clusters"]
    assert raw["singleDom"] == len(raw["single"]), (raw["singleDom"], raw["single"])
    assert state.shown_ids == want, (
        f"missing {sorted(set(want) - set(state.shown_ids))}, "
        f"unexpected {sorted(set(state.shown_ids) - set(want))}")
    assert raw["corridorPaths"] >= exp.segments, (
        f"{raw['corridorPaths']} corridor lines drawn, {exp.segments} segments in the view")
    assert raw["riskIcons"] == exp.risks, (
        f"{raw['riskIcons']} risk icons drawn, {exp.risks} risk notes in the view")


def open_map(page, base: str, params: dict, exp=None) -> ab.MapState:
    """Navigate, wait for the ready signal, then for the map to settle (and, given ``exp``,
    to show as many projects as expected; the caller asserts on what it finally shows)."""
    page.goto(ab.page_url(base, "/", params))
    ab.wait_ready(page)
    if exp is None:
        return ab.wait_map(page)
    return ab.wait_map(page, lambda s: s.dom_project_count == len(exp.placed_ids))


def test_map_loads_offline_and_draws_every_project(guarded, app_url, atlas, screenshots):
    page = guarded.page
    exp = expected(atlas, {})
    state = open_map(page, app_url, {}, exp)
    assert_map_matches(state, exp)
    assert exp.segments > 0 and exp.risks > 0, "the dataset has no corridors or risk notes"
    assert state.raw["legendVisible"], "the map legend is not visible"
    frame = ab.map_frame(page)
    # A long legend starts folded so it does not cover the map: unfold it as a user would.
    legend = frame.locator(".atlas-legend")
    if "Projects by sector" not in legend.inner_text():
        legend.locator("summary").click()
    for heading in ("Projects by sector", "Corridors", "Risk notes by severity"):
        assert heading in legend.inner_text(), f"legend lacks {heading!r}"
    assert frame.locator(".capital-label").count() >= 5, "capital labels missing"
    shown = page.get_by_test_id("stMetric").filter(has_text="Projects shown")
    assert f"{len(exp.view.projects)} of {len(atlas.projects)}" in shown.inner_text()
    ab.full_page_screenshot(page, screenshots / "map.png")
    guarded.assert_clean()


@pytest.mark.parametrize("params", [
    {"country": "UZB", "japan": "1"},
    {"country": ["KAZ", "KGZ"], "sector": "transport"},
    {"layers": "projects", "status": "operating"},
], ids=["uzb-japan", "kaz-kgz-transport", "projects-layer-operating"])
def test_filtered_deep_link(guarded, app_url, atlas, screenshots, params):
    page = guarded.page
    exp = expected(atlas, params)
    state = open_map(page, app_url, params, exp)
    assert_map_matches(state, exp)

    sidebar = page.get_by_test_id("stSidebar")
    japan = sidebar.get_by_role("switch", name="Japanese participation only")
    assert japan.is_checked() == exp.state.japan_only
    chosen = {
        "Country": [model.country_name(c) for c in exp.state.countries],
        "Sector": [model.SECTORS[s] for s in exp.state.sectors],
        "Status": [model.PROJECT_STATUSES[s] for s in exp.state.statuses],
    }
    for label, values in chosen.items():
        widget = sidebar.get_by_test_id("stMultiSelect").filter(
            has=page.get_by_text(label, exact=True))
        tags = widget.locator("[data-tag]")
        shown = [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]
        assert shown == values, f"sidebar {label} shows {shown}, the link asks for {values}"
    # The URL still holds the view (nothing dropped or rewritten).
    for key in params:
        assert re.search(rf"[?&]{key}=", page.url), f"{key} lost from {page.url}"
    if params.get("country") == "UZB":
        ab.full_page_screenshot(page, screenshots / "map-uzb-japan.png")
    guarded.assert_clean()


def _lone_project_handle(page, state: ab.MapState):
    """An element handle on a lone project circle, zooming into clusters (by clicking
    them, as a user would) until one is drawn on its own."""
    for _ in range(6):
        if state.raw["single"]:
            frame = ab.map_frame(page)
            # a circle nothing else covers (a cluster icon or legend may overlap some)
            handle = frame.evaluate_handle("""() => { let found = null;
                map.eachLayer(l => { const p = l.feature && l.feature.properties;
                  if (found || !p || p.project_id === undefined || !l._path
                      || !l._path.isConnected) return;
                  const r = l._path.getBoundingClientRect();
                  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                  if (hit === l._path) found = l; });
                return found ? [found.feature.properties.project_id, found._path] : null; }""")
            if handle.evaluate("h => h !== null"):
                project_id = handle.evaluate("h => h[0]")
                path = handle.evaluate_handle("h => h[1]").as_element()
                return project_id, path
        frame = ab.map_frame(page)
        frame.locator(".leaflet-marker-icon.marker-cluster").first.click()
        state = ab.wait_map(page)
    raise AssertionError(f"no lone project circle after zooming in: {state.summary()}")


def test_click_marker_shows_record_with_sources(guarded, app_url, atlas, screenshots):
    page = guarded.page
    state = open_map(page, app_url, {})
    project_id, path = _lone_project_handle(page, state)
    record = atlas.projects.set_index("id").loc[project_id]

    path.click()
    page.wait_for_url(re.compile(rf"[?&]project={re.escape(project_id)}(&|$)"), timeout=20_000)
    ab.wait_ready(page)
    panel = page.locator(".atlas-record")
    panel.wait_for(state="visible", timeout=20_000)
    assert panel.locator("h3").inner_text().strip() == record["name"]
    _assert_sources(panel, record)
    _assert_beside_map(page, panel)
    ab.full_page_screenshot(page, screenshots / "map-selected.png")
    _assert_reads_well(panel)
    guarded.assert_clean()


def test_hovering_a_marker_shows_its_name(guarded, app_url, atlas):
    page = guarded.page
    state = open_map(page, app_url, {})
    project_id, path = _lone_project_handle(page, state)
    record = atlas.projects.set_index("id").loc[project_id]
    path.hover()
    page.wait_for_timeout(500)
    tooltips = ab.map_frame(page).locator(".leaflet-tooltip").filter(has_text=record["name"])
    guarded.checked = True  # reported here, not again at teardown
    assert guarded.console_errors == [], (
        f"hovering project {project_id!r} raised: {guarded.console_errors}")
    assert tooltips.count() == 1 and tooltips.first.is_visible(), (
        f"no tooltip naming {record['name']!r} on hover")
    guarded.assert_clean()


def test_deep_link_to_a_project_opens_its_record(guarded, app_url, atlas):
    page = guarded.page
    placed = atlas.projects[atlas.projects.geometry.notna()]
    record = placed.iloc[len(placed) // 2]
    state = open_map(page, app_url, {"project": record["id"]})
    assert f"project={record['id']}" in page.url
    panel = page.locator(".atlas-record")
    panel.wait_for(state="visible", timeout=20_000)
    assert panel.locator("h3").inner_text().strip() == record["name"]
    _assert_sources(panel, record)
    _assert_beside_map(page, panel)
    assert state.raw["ready"]
    _assert_reads_well(panel)
    guarded.assert_clean()


def _assert_reads_well(panel) -> None:
    """No Python placeholders leak into the record a reader sees."""
    text = panel.inner_text()
    leaks = re.findall(r"\b(?:nan|NaN|None|NaT|null|undefined)\b", text)
    assert not leaks, f"the record shows {sorted(set(leaks))}:\n{text}"


def _assert_sources(panel, record) -> None:
    links = panel.locator("a[href]")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    wanted = [s["url"] for s in record["sources"]]
    assert hrefs, "the record shows no source link"
    assert set(wanted) <= set(hrefs), f"source links {hrefs}, the record lists {wanted}"
    for i in range(links.count()):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert "noopener" in (links.nth(i).get_attribute("rel") or "")


def _assert_beside_map(page, panel) -> None:
    iframe = page.locator(ab.MAP_IFRAME).first.bounding_box()
    box = panel.bounding_box()
    assert iframe and box
    assert box["x"] >= iframe["x"] + iframe["width"] - 5, (
        f"the record ({box}) is not beside the map ({iframe})")
    assert box["y"] < iframe["y"] + iframe["height"], "the record starts below the map"


def test_switching_pages_keeps_the_view(guarded, app_url, atlas):
    """Map -> Investment -> Map through the top navigation: the filters and layers stay."""
    page = guarded.page
    params = {"country": "UZB"}
    exp = expected(atlas, params)
    open_map(page, app_url, params, exp)
    for name in ("Investment", "Map"):
        page.get_by_test_id("stTopNavLink").filter(has_text=name).click()
        page.wait_for_timeout(300)
        ab.wait_ready(page)
    state = ab.wait_map(page, lambda s: s.dom_project_count == len(exp.placed_ids))
    assert "country=UZB" in page.url, f"the country filter was lost: {page.url}"
    assert "layers=" not in page.url, f"the layers changed on the way: {page.url}"
    assert_map_matches(state, exp)
    guarded.assert_clean()


def test_the_base_s_big_layers_come_once_as_files_the_browser_keeps(guarded, app_url, atlas):
    """Boundaries, corridors and risk notes are fetched by content hash, once: a filter
    change brings the view's layers and no layer file again."""
    page = guarded.page
    fetched = []
    page.on("response", lambda r: "/_atlas/layer/" in r.url
            and fetched.append((r.url.rsplit("/", 1)[1], r.status, r.headers)))
    exp = expected(atlas, {})
    assert_map_matches(open_map(page, app_url, {}, exp), exp)
    assert len(fetched) >= 3, fetched
    for name, status, headers in fetched:
        assert re.fullmatch(r"[0-9a-f]{64}\.json", name) and status == 200
        assert "immutable" in headers["cache-control"]
    first = len(fetched)
    params = {"sector": "power"}
    exp = expected(atlas, params)
    page.goto(ab.page_url(app_url, "/", params))  # a new view, then back: no file again
    ab.wait_ready(page)
    assert_map_matches(ab.wait_map(page, lambda s: s.dom_project_count == len(exp.placed_ids)),
                       exp)
    reloaded = [f for f in fetched[first:] if f[1] == 200]
    assert all(f[0] in {g[0] for g in fetched[:first]} for f in reloaded)
    guarded.assert_clean()


def test_a_layer_file_that_cannot_be_had_is_said_on_the_map(guarded, app_url, atlas):
    """A replica that restarted has none of the files an open page asks for: the map
    says so instead of lacking its corridors without a word."""
    page = guarded.page
    page.route("**/_atlas/layer/**", lambda route: route.fulfill(
        status=404, content_type="text/plain", body="Not found\n"))
    page.goto(ab.page_url(app_url, "/", {}))
    ab.wait_ready(page)
    frame = ab.map_frame(page)
    alert = frame.get_by_role("alert")
    alert.wait_for(timeout=30_000)
    assert "could not be loaded" in alert.inner_text()
    assert ab.probe(frame).raw["corridorPaths"] == 0


def test_sidebar_filter_changes_redraw_projects_in_the_same_map(guarded, app_url, atlas):
    """A filter change through the sidebar replaces the projects on the map the page
    keeps (no new map, no base fetched again); the projects come from the base's file of
    every project, fetched once, and the view sends their positions, not their features."""
    page = guarded.page
    fetched = []
    page.on("response", lambda r: "/_atlas/layer/" in r.url and fetched.append(r.url))
    sent = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: sent.append(
        payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))))
    exp = expected(atlas, {})
    assert_map_matches(open_map(page, app_url, {}, exp), exp)
    ab.map_frame(page).evaluate("() => { window.map.__sameMap = true; }")
    files_at_start = len(fetched)
    for sector in ("power", "transport", None, "power"):
        sent.clear()
        previous = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
            has=page.get_by_text("Sector", exact=True)).locator("[data-tag]").count()
        if previous and sector is not None:
            ab.choose_sector(page, None)
            ab.wait_ready(page)
        ab.choose_sector(page, model.SECTORS[sector] if sector else None)
        ab.wait_ready(page)
        exp = expected(atlas, {"sector": sector} if sector else {})
        want = len(exp.placed_ids)
        state = ab.wait_map(page, lambda s, want=want: s.dom_project_count == want)
        assert_map_matches(state, exp)
        assert ab.map_frame(page).evaluate("() => window.map.__sameMap === true"), (
            f"the map was made anew for {sector}")
        assert not any("project_id" in frame for frame in sent), (
            f"the view for {sector} carried project features")
    # one more file at most (the projects'), fetched once whatever the changes
    assert len(fetched) - files_at_start <= 1, fetched
    assert len(set(fetched)) == len(fetched), fetched
    guarded.assert_clean()


_MARKERS_JS = """() => {
  const out = [];
  window.map.eachLayer((l) => {
    if (l instanceof L.Marker && l._icon) {
      const p = window.map.latLngToLayerPoint(l.getLatLng()).round();
      out.push({transform: l._icon.style.transform, x: p.x, y: p.y,
                at: l._icon._leaflet_pos});
    }
  });
  return {markers: out, pane: window.map.getPane("mapPane").style.transform};
}"""


def test_markers_sit_at_their_places_without_a_layer_each(guarded, app_url, atlas):
    """Cluster icons and capital labels are placed with a 2D translate: Leaflet's 3D one
    gave each its own compositing layer, paid for on every frame of every rerun. They sit
    at their places before and after a zoom, and the map's panes keep 3D transforms."""
    page = guarded.page
    open_map(page, app_url, {}, expected(atlas, {}))
    frame = ab.map_frame(page)
    for zoom_in in (False, True):
        if zoom_in:
            frame.evaluate("() => window.map.setZoom(window.map.getZoom() + 1)")
            page.wait_for_timeout(800)
        placed = frame.evaluate(_MARKERS_JS)
        assert len(placed["markers"]) >= 5, placed
        for marker in placed["markers"]:
            assert marker["transform"] == f"translate({marker['x']}px, {marker['y']}px)", marker
            assert (marker["at"]["x"], marker["at"]["y"]) == (marker["x"], marker["y"]), marker
        assert "translate3d" in placed["pane"], placed["pane"]
    guarded.assert_clean()


def test_grid_counts_follow_the_zoom(guarded, atlas, monkeypatch):
    """Past the point limit the map draws counts per grid cell, the level for its zoom:
    every located project counted once at each level, finer cells as the reader zooms in
    (each level's cells are only made when first shown)."""
    from ca_atlas import assets, maps, offline_html, query
    from ca_atlas.maps import grid
    from ca_atlas.query import ViewState

    assets.configure_assets("local")
    monkeypatch.setattr(grid, "POINT_LIMIT", 10)
    state = ViewState()
    placed = atlas.projects[["lat", "lon"]].dropna()
    levels = grid.levels(placed["lat"].to_numpy(float), placed["lon"].to_numpy(float))
    page = guarded.page
    page.set_content(offline_html.map_html(
        maps.build_map(atlas, query.apply(atlas, state), state)))
    shown = """(zoom) => { const map = Object.keys(window).filter((k) => k.startsWith('map_'))
          .map((k) => window[k]).find((v) => v instanceof L.Map);
        if (zoom !== null) { map.setZoom(zoom, {animate: false}); }
        return new Promise((done) => setTimeout(() => done(
          [...document.querySelectorAll('.atlas-grid-cell span')]
            .map((s) => Number(s.textContent))), 300)); }"""
    page.wait_for_function("() => document.querySelectorAll('.atlas-grid-cell').length > 0")
    for zoom, level in ((None, 0), (6, 1), (8, 3), (4, 0)):
        counts = page.evaluate(shown, zoom)
        want = levels[level]["cells"]
        assert sorted(counts) == sorted(c[2] for c in want), (zoom, len(counts), len(want))
        assert sum(counts) == len(placed)
    assert page.locator(".leaflet-marker-icon.atlas-grid-cell[role=button]").count() > 0
    guarded.assert_clean()
