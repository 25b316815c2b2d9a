"""The map builder: layers present, feature properties, escaping, no CDN left, stable output."""

import json
import re

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
    assert '"maxZoom": 18' in html or '"max_zoom": 18' in html or "maxZoom" in html


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
