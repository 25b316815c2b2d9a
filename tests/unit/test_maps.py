"""The map builder: layers present, feature properties, escaping, no CDN left, stable output."""

import json
import re

import folium
import pytest

from ca_atlas import assets, maps, query
from ca_atlas.query import ViewState


@pytest.fixture(autouse=True)
def local_assets():
    assets.configure_assets("local")
    yield


def render(atlas, state=None):
    state = state or ViewState()
    view = query.apply(atlas, state)
    return maps.build_map(atlas, view, state).get_root().render()


def geojson_layers(html):
    """Every GeoJSON FeatureCollection folium inlined, parsed."""
    out = []
    for match in re.finditer(r'^\s*geo_json_\w+_add\((\{.*\})\);$', html, re.MULTILINE):
        out.append(json.loads(match.group(1)))
    return out


def features_with(html, key):
    return [f for layer in geojson_layers(html) for f in layer["features"]
            if key in f["properties"]]


def test_layers_and_controls_present(mini_atlas):
    html = render(mini_atlas)
    for name in ("Investment projects", "Trade corridors", "Risk notes"):
        assert name in html
    assert "L.control.layers" in html and "L.control.fullscreen" in html
    assert "atlas-legend" in html and "control.scale" in html.lower()


def test_the_map_itself_has_a_max_zoom_so_clusters_draw(mini_atlas):
    """Marker clusters on a map with tiles=None draw nothing unless the map has a max zoom:
    checked on the folium object (the rendered HTML says maxZoom for the tiles anyway)."""
    m = maps.build_map(mini_atlas, query.apply(mini_atlas, ViewState()), ViewState())
    assert m.options["max_zoom"] == 18


def _legend(m):
    """What fills the legend: sent with the view's layers, not with the base map."""
    return next(e for e in geojson_objects_and_all(m) if isinstance(e, maps.controls.LegendFill))


def geojson_objects_and_all(m):
    out, stack = [], [m]
    while stack:
        element = stack.pop(0)
        out.append(element)
        stack[:0] = list(element._children.values())
    return out


def test_the_legend_folds_when_long_or_when_asked(mini_atlas):
    view = query.apply(mini_atlas, ViewState())
    assert _legend(maps.build_map(mini_atlas, view, ViewState())).open  # four sectors: open
    folded = maps.build_map(mini_atlas, view, ViewState(), legend_open=False)
    assert not _legend(folded).open


def test_project_features_carry_ids_sector_and_radius(mini_atlas):
    feats = features_with(render(mini_atlas), "project_id")
    by_id = {f["properties"]["project_id"]: f for f in feats}
    assert set(by_id) == set(mini_atlas.projects["id"])
    gtg = by_id["tm-gas-to-gasoline"]["properties"]
    assert gtg["sector"] == "petrochemicals"
    assert gtg["radius"] == maps.marker_radius(1.7e9)
    assert by_id["uz-tashkent-cogeneration"]["geometry"]["coordinates"] == [69.24, 41.3]


def test_filter_changes_the_markers(mini_atlas):
    feats = features_with(render(mini_atlas, ViewState(countries=("UZB",))), "project_id")
    assert {f["properties"]["project_id"] for f in feats} == {
        "uz-karshi-termez-electrification", "uz-tashkent-cogeneration"}


def test_hidden_layers_are_not_drawn(mini_atlas):
    html = render(mini_atlas, ViewState(layers=("corridors",)))
    assert not features_with(html, "project_id") and not features_with(html, "risk_id")
    assert features_with(html, "corridor_id")


def test_corridor_segments_and_risk_area(mini_atlas):
    html = render(mini_atlas)
    segs = features_with(html, "corridor_id")
    assert len(segs) == 1 and segs[0]["properties"]["mode"] == "rail"
    risks = features_with(html, "risk_id")
    kinds = sorted(f["geometry"]["type"] for f in risks)
    assert kinds == ["Point", "Polygon"]  # the centre and its 50 km area


def test_marker_radius_grows_with_amount_and_unknown_is_small():
    assert maps.marker_radius(None) == maps.marker_radius(float("nan")) == 5.0
    assert maps.marker_radius(1e6) < maps.marker_radius(1e8) < maps.marker_radius(1e10)


def test_no_cdn_urls_with_local_assets(mini_atlas):
    html = render(mini_atlas)
    assert assets.cdn_urls_in(html) == []


def test_hostile_names_are_escaped_everywhere(tmp_path, mini_records):
    from atlas_fixtures import write_dataset

    from ca_atlas import catalog

    evil = "<img src=x onerror=alert(1)>`${alert(2)}`<script>alert(3)</script>"
    mini_records["projects"][0]["name"] = evil
    mini_records["projects"][0]["description"] = evil
    mini_records["corridors"][0]["name"] = evil
    mini_records["risks"][0]["title"] = evil
    mini_records["risks"][0]["claim"]["text"] = evil
    atlas = catalog.load(write_dataset(tmp_path / "evil", **mini_records))
    html = render(atlas, ViewState(project=mini_records["projects"][0]["id"]))
    assert "<img src=x" not in html and "<script>alert(3)" not in html
    assert "${alert(2)}" not in html and "`${" not in html
    tooltips = [f["properties"]["tooltip"] for f in features_with(html, "tooltip")]
    assert any(t.startswith("&lt;img src=x onerror=alert(1)&gt;&#96;&#36;&#123;") for t in tooltips)
    popups = [f["properties"]["popup"] for f in features_with(html, "popup")]
    assert popups and all("<img" not in p and "<script" not in p for p in popups)


def test_same_inputs_give_the_same_features(mini_atlas):
    a = features_with(render(mini_atlas), "project_id")
    b = features_with(render(mini_atlas), "project_id")
    assert a == b


def test_selected_project_gets_a_ring(mini_atlas):
    plain = render(mini_atlas)
    chosen = render(mini_atlas, ViewState(project="kg-naryn-bridge"))
    assert chosen.count("L.circleMarker(") == plain.count("L.circleMarker(") + 1


# -- accessible names and keyboard reach ------------------------------------------------------

def built(atlas, state=None):
    state = state or ViewState()
    return maps.build_map(atlas, query.apply(atlas, state), state)


def geojson_objects(m):
    """Every folium GeoJson on the map, however deep, in the order the map draws them."""
    out, stack = [], [m]
    while stack:
        element = stack.pop(0)
        if isinstance(element, folium.GeoJson):
            out.append(element)
        stack[:0] = list(element._children.values())
    return out


def layer_with(m, key):
    """The GeoJson layers whose features carry ``key``."""
    return [g for g in geojson_objects(m)
            if g.data["features"] and key in g.data["features"][0]["properties"]]


def test_projects_corridors_and_risk_notes_are_named(mini_atlas):
    m = built(mini_atlas)
    projects = {f["properties"]["project_id"]: f["properties"]["label"]
                for g in layer_with(m, "project_id") for f in g.data["features"]}
    placed = mini_atlas.projects[mini_atlas.projects.geometry.notna()]
    assert set(projects) == set(placed["id"])
    assert projects["uz-karshi-termez-electrification"] == (
        "Project: Karshi–Termez railway electrification (Uzbekistan), Transport")
    assert projects["uz-tashkent-cogeneration"] == (
        "Project: Tashkent thermal power cogeneration plant (Uzbekistan), Power")
    [corridors] = layer_with(m, "corridor_id")
    assert [f["properties"]["label"] for f in corridors.data["features"]] == [
        "Corridor Termez to Tashkent by rail: Termez – Tashkent, Rail, operating"]
    # the marker layer (points); the area layer shares the properties but is not reached
    markers = [g for g in layer_with(m, "risk_id") if g.marker is not None]
    assert [f["properties"]["label"] for g in markers for f in g.data["features"]] == [
        "Risk note: Earthquake risk in Tashkent, medium severity"]


def test_named_layers_are_reached_by_keyboard_and_others_are_not(mini_atlas):
    m = built(mini_atlas)
    reach = "atlasA11y.reach(layer, feature.properties.label)"
    for key in ("corridor_id", "risk_id"):
        for layer in layer_with(m, key):
            if layer.marker is not None or key == "corridor_id":
                assert reach in str(layer.on_each_feature), key
    [projects] = layer_with(m, "project_id")
    assert "atlasA11y.reach(layer, p.label)" in str(projects.on_each_feature)
    # the basemap (countries, seas) and the risk areas are not tab stops
    basemap = [g for g in geojson_objects(m) if g.layer_name in ("Countries", "Seas and lakes")]
    assert basemap and all(g.on_each_feature is None for g in basemap)
    areas = [g for g in layer_with(m, "risk_id") if g.marker is None]
    assert areas and all(g.on_each_feature is None for g in areas)
    # Leaflet makes a marker a focusable button unless told otherwise
    assert all(g.marker.options.get("keyboard", True) for g in layer_with(m, "risk_id")
               if g.marker is not None)


def test_the_helper_is_defined_before_any_layer_uses_it(mini_atlas):
    m = built(mini_atlas)
    children = list(m._children.values())
    helpers = [c for c in children if isinstance(c, maps.AccessibleMap)]
    assert len(helpers) == 1
    first_layer = next(i for i, c in enumerate(children)
                       if isinstance(c, (folium.GeoJson, folium.FeatureGroup)))
    assert children.index(helpers[0]) < first_layer
    html = m.get_root().render()
    assert html.index("window.atlasA11y = ") < html.index("atlasA11y.reach(")


def test_scenario_map_segments_are_reached_by_keyboard(mini_atlas):
    from ca_atlas import network

    result = network.run_scenario(mini_atlas, [])
    m = maps.scenario_map(mini_atlas, query.apply(mini_atlas, ViewState()), result,
                          result.graph)
    [hit] = [g for g in geojson_objects(m) if g.layer_name == "Click to block"]
    assert "atlasA11y.reach(layer, feature.properties.tooltip)" in str(hit.on_each_feature)
    assert [c for c in m._children.values() if isinstance(c, maps.AccessibleMap)]


def test_accessible_names_are_escaped(tmp_path, mini_records):
    from atlas_fixtures import write_dataset

    from ca_atlas import catalog, safe

    evil = "<img src=x onerror=alert(1)>`${alert(2)}`\" aria-hidden=\"true"
    mini_records["projects"][0]["name"] = evil
    mini_records["corridors"][0]["name"] = evil
    mini_records["risks"][0]["title"] = evil
    m = built(catalog.load(write_dataset(tmp_path / "evil", **mini_records)))
    labels = [f["properties"]["label"] for key in ("project_id", "corridor_id", "risk_id")
              for g in layer_with(m, key) for f in g.data["features"]]
    hostile = [label for label in labels if "alert(1)" in label]
    assert len(hostile) >= 3
    for label in hostile:
        assert safe.text(evil) in label
        assert not set(label) & set("<>`$\"{}"), label


# -- rebuilt cheaply, sent once: determinism, a stable base, grid counts -------------------

def test_identical_inputs_give_byte_identical_html(mini_atlas):
    """No random ids (folium's uuids, Popup's html ids): Streamlit can reuse what it sent."""
    state = ViewState(project="kg-naryn-bridge")
    assert render(mini_atlas, state) == render(mini_atlas, state)
    assert not re.search(r"_[0-9a-f]{32}\b", render(mini_atlas, state))


def _component_args(atlas, state, monkeypatch, layers_from=None):
    """What st_folium hands to the streamlit-folium component for the map page's maps
    (the page sends the same: tests/app/test_map_component.py)."""
    import streamlit_folium

    captured = {}
    monkeypatch.setattr(streamlit_folium, "_component_func",
                        lambda **kw: captured.update(kw) or kw.get("default"))
    view = query.apply(atlas, state)
    streamlit_folium.st_folium(
        maps.base_map(atlas, height=680, basemap=state.basemap, reference=True,
                      layers_from=layers_from),
        key="atlas-map", height=680, returned_objects=["last_active_drawing"],
        feature_group_to_add=maps.view_layers(atlas, view, state, reference=True),
        layer_control=maps.layer_control(), use_container_width=True)
    captured.pop("on_change")
    return captured


def test_a_filter_change_leaves_the_base_map_and_its_key(mini_atlas, monkeypatch):
    before = _component_args(mini_atlas, ViewState(), monkeypatch)
    for state in (ViewState(sectors=("power",)), ViewState(countries=("UZB",)),
                  ViewState(layers=("projects",)), ViewState(project="kg-naryn-bridge")):
        after = _component_args(mini_atlas, state, monkeypatch)
        for part in ("key", "script", "html", "header", "css_links", "js_links"):
            assert after[part] == before[part], (state, part)
        assert after["feature_group"] != before["feature_group"], state
    # and the same view twice is the same message, byte for byte
    assert _component_args(mini_atlas, ViewState(), monkeypatch) == before


def test_the_page_s_views_name_their_projects_by_position_in_the_base(mini_atlas, monkeypatch):
    """The base keeps every located project's feature; a view sends positions there, and
    they pick exactly the view's located projects (a view of every project: all of them,
    without listing each)."""
    from ca_atlas.maps import layers

    base = _component_args(mini_atlas, ViewState(), monkeypatch)["script"]
    [points] = re.findall(r"let features = (\[.*\]);$", base, re.MULTILINE)
    points = json.loads(points)
    for state in (ViewState(), ViewState(sectors=("power",)), ViewState(countries=("KGZ",))):
        sent = _component_args(mini_atlas, state, monkeypatch)["feature_group"]
        assert '"project_id"' not in sent  # no feature travels with the view
        [positions] = re.findall(r"atlasPoints\.pick\((\[[0-9, ]*\]|null)\)", sent)
        positions = json.loads(positions)
        assert (positions is None) == (state == ViewState()), state  # every project: null
        picked = [points[n]["properties"]["project_id"]
                  for n in (range(len(points)) if positions is None else positions)]
        view = query.apply(mini_atlas, state).projects
        assert picked == view[view["lat"].notna()]["id"].tolist(), state
    # past the limit, the base has no points and the view carries its features
    monkeypatch.setattr(layers, "POSITIONS_LIMIT", len(points) - 1)
    args = _component_args(mini_atlas, ViewState(), monkeypatch)
    assert "atlasPoints" not in args["script"] + args["feature_group"]
    assert '"project_id"' in args["feature_group"]


def test_the_view_names_the_corridors_and_risks_it_shows(mini_atlas):
    from ca_atlas.maps import reference

    every = reference.shown(mini_atlas, query.apply(mini_atlas, ViewState()), ViewState())
    assert every == {"corridors": None, "risks": None}
    state = ViewState(countries=("KGZ",), layers=("projects", "risks"))
    narrowed = reference.shown(mini_atlas, query.apply(mini_atlas, state), state)
    assert set(narrowed) == {"risks"}  # corridors hidden: not in the layers
    assert narrowed["risks"] == sorted(query.apply(mini_atlas, state).risks["id"])


def test_past_the_limit_grid_counts_replace_points_and_the_legend_says_so(
        mini_atlas, monkeypatch):
    from ca_atlas.maps import grid

    placed = mini_atlas.projects[mini_atlas.projects["lat"].notna()]
    monkeypatch.setattr(grid, "POINT_LIMIT", len(placed) - 1)
    m = built(mini_atlas)
    assert not layer_with(m, "project_id")  # no point per project
    [counts] = [e for e in geojson_objects_and_all(m) if isinstance(e, grid.GridCounts)]
    for level in counts.levels:
        assert sum(c[2] for c in level["cells"]) == len(placed)
    assert [level["min_zoom"] for level in counts.levels] == sorted(
        level["min_zoom"] for level in counts.levels)
    assert _legend(m).note == grid.note(len(placed))  # above the legend's fold
    # at the limit, points again and no note
    monkeypatch.setattr(grid, "POINT_LIMIT", len(placed))
    m = built(mini_atlas)
    assert layer_with(m, "project_id") and _legend(m).note == ""


def test_grid_cells_count_each_point_once_and_round_positions():
    import numpy as np

    from ca_atlas.maps import grid

    lat = np.array([41.30001, 41.31, 41.9, 43.2])
    lon = np.array([69.24, 69.25, 69.9, 76.9])
    cells = grid.cells(lat, lon, 1.0)
    assert [c[2] for c in cells] == [3, 1]
    assert cells[1][:2] == [43.2, 76.9]
    assert all(round(c[0], 4) == c[0] for c in cells)


def test_the_base_loads_the_cluster_plugin_whatever_the_first_view(mini_atlas, monkeypatch):
    """The component loads scripts once, at mount: a first view drawn as grid counts must
    still bring the plugin a later view's clusters need."""
    from ca_atlas.maps import grid

    monkeypatch.setattr(grid, "POINT_LIMIT", 0)
    links = _component_args(mini_atlas, ViewState(), monkeypatch)["js_links"]
    assert any("markercluster" in link for link in links)
    only_corridors = _component_args(mini_atlas, ViewState(layers=("corridors",)), monkeypatch)
    assert only_corridors["js_links"] == links


# -- the base's big layers as files; templates compiled once ------------------------------

def test_the_page_s_base_carries_addresses_of_its_big_layers(mini_atlas, monkeypatch):
    from ca_atlas import served_files
    from ca_atlas.maps import layer_files

    monkeypatch.setattr(layer_files, "MIN_BYTES", 0)  # the fixture's layers are small
    inline = _component_args(mini_atlas, ViewState(), monkeypatch)
    served = _component_args(mini_atlas, ViewState(), monkeypatch,
                             layers_from="/atlas/_atlas/layer/")
    links = re.findall(r'\$\.ajax\("/atlas/_atlas/layer/([0-9a-f]{64}\.json)"', served["script"])
    # boundaries, corridors and risk notes: one file each of their GeoJSON layers
    assert len(links) >= 4 and len(served["script"]) < len(inline["script"])
    assert not re.search(r'geo_json_\w+_add\(\{"', served["script"])
    inline_layers = [json.loads(m) for m in re.findall(r'^\s*geo_json_\w+_add\((\{.*\})\);$',
                                                       inline["script"], re.MULTILINE)]
    # and every located project's feature, which views name by position
    [points] = re.findall(r"let features = (\[.*\]);$", inline["script"], re.MULTILINE)
    inline_layers.append({"type": "FeatureCollection", "features": json.loads(points)})
    assert "let features = null;" in served["script"]
    files = [json.loads(served_files.payload(name)) for name in links]
    def canonical(layers):
        return sorted(json.dumps(layer, sort_keys=True) for layer in layers)

    assert canonical(files) == canonical(inline_layers)
    # the notice is set up before the first request; the view's layers are the same
    assert served["script"].index("ajaxError") < served["script"].index("$.ajax(")
    assert served["feature_group"] == inline["feature_group"]
    # and a filter change leaves the (now small) base as it was
    other = _component_args(mini_atlas, ViewState(sectors=("power",)), monkeypatch,
                            layers_from="/atlas/_atlas/layer/")
    assert (other["script"], other["key"]) == (served["script"], served["key"])


def test_exports_keep_every_layer_inline(mini_atlas):
    assert "_atlas/layer" not in render(mini_atlas)


def test_templates_compiled_once_render_what_branca_renders(mini_atlas, monkeypatch):
    import branca.element
    import folium.features
    from branca.element import MacroElement

    state = ViewState(project="kg-naryn-bridge")
    ours = render(mini_atlas, state), _scenario_html(mini_atlas)
    monkeypatch.setattr(MacroElement, "render", MacroElement.render.__wrapped__)
    monkeypatch.setattr(branca.element, "Template", branca.element.Template.__wrapped__)
    monkeypatch.setattr(folium.features, "Template", folium.features.Template.__wrapped__)
    assert (render(mini_atlas, state), _scenario_html(mini_atlas)) == ours


def _scenario_html(atlas) -> str:
    from ca_atlas import network

    result = network.run_scenario(atlas, ["kg-naryn-bridge"])
    html = maps.scenario_map(atlas, query.apply(atlas, ViewState()), result,
                             result.graph).get_root().render()
    return re.sub(r"_[0-9a-f]{32}(?![0-9a-f])", "_ID", html)  # folium's random ids


def test_text_in_a_map_is_never_read_as_a_template():
    from ca_atlas.maps.base import RegionMap

    m = RegionMap(location=(41.3, 69.2))
    folium.Marker((41.3, 69.2), tooltip="{{ 7*7 }} {% for x in [1, 2] %}x{% endfor %}").add_to(m)
    html = m.get_root().render()
    # (what Jinja would make of it; "49" alone may be part of an element's random id)
    assert "{{ 7*7 }}" in html and "49 xx" not in html


def test_the_region_map_does_not_walk_its_layers_for_bounds(mini_atlas):
    m = maps.base_map(mini_atlas, reference=True)
    assert m.get_bounds() == [list(c) for c in maps.BOUNDS]
