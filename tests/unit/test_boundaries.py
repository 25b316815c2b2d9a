"""The committed basemap data (data/boundaries/, made by scripts/build_boundaries.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

DIR = Path(__file__).resolve().parents[2] / "data" / "boundaries"
COUNTRIES = DIR / "countries.geojson"
PLACES = DIR / "places.geojson"

FOCUS = {"KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan", "TJK": "Tajikistan",
         "TKM": "Turkmenistan", "UZB": "Uzbekistan"}
CAPITALS = {"Astana": "KAZ", "Bishkek": "KGZ", "Dushanbe": "TJK",
            "Ashgabat": "TKM", "Tashkent": "UZB"}
NEIGHBOURS = {"RUS", "CHN", "AFG", "IRN", "PAK", "AZE", "GEO", "ARM", "TUR", "MNG", "IND"}
BOX = (25.0, 22.0, 100.0, 58.0)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def countries() -> list[dict]:
    fc = load(COUNTRIES)
    assert fc["type"] == "FeatureCollection"
    return fc["features"]


@pytest.fixture(scope="module")
def places() -> list[dict]:
    fc = load(PLACES)
    assert fc["type"] == "FeatureCollection"
    return fc["features"]


def coords(obj):
    if isinstance(obj, (int, float)):
        yield obj
    else:
        for v in obj:
            yield from coords(v)


def test_files_are_small():
    assert COUNTRIES.stat().st_size < 400 * 1024
    assert PLACES.stat().st_size < 100 * 1024


def test_focus_countries(countries):
    focus = {f["properties"]["iso_a3"]: f["properties"]["name"]
             for f in countries if f["properties"]["focus"] is True}
    assert focus == FOCUS
    assert all(f["properties"]["focus"] in (True, False) for f in countries)


def test_neighbours_present(countries):
    codes = {f["properties"]["iso_a3"] for f in countries}
    assert NEIGHBOURS <= codes
    names = {f["properties"]["iso_a3"]: f["properties"]["name"] for f in countries}
    assert names["TUR"] == "Türkiye"


def test_iso_codes_unique_and_well_formed(countries):
    a3 = [f["properties"]["iso_a3"] for f in countries]
    assert len(a3) == len(set(a3)), "iso_a3 must be unique"
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in a3)
    for f in countries:
        n3 = f["properties"]["iso_n3"]
        # Only units with no ISO code (user-assigned X.. codes) lack iso_n3.
        assert (n3 is None) == f["properties"]["iso_a3"].startswith("X")
        assert n3 is None or re.fullmatch(r"\d{3}", n3)
        assert f["properties"]["name"]


def test_geometries_valid_polygons_in_box(countries):
    for f in countries:
        g = shape(f["geometry"])
        name = f["properties"]["name"]
        assert g.geom_type in ("Polygon", "MultiPolygon"), name
        assert g.is_valid, f"{name}: {shapely.is_valid_reason(g)}"
        assert not g.is_empty and g.area > 0, name
        minx, miny, maxx, maxy = g.bounds
        assert BOX[0] <= minx and maxx <= BOX[2] and BOX[1] <= miny and maxy <= BOX[3], name


def test_countries_do_not_overlap(countries):
    geoms = [shape(f["geometry"]) for f in countries]
    total = sum(g.area for g in geoms)
    union = shapely.union_all(geoms).area
    assert total - union < 1e-3 * total


def test_coordinates_have_at_most_four_decimals(countries, places):
    for f in [*countries, *places]:
        for v in coords(f["geometry"]["coordinates"]):
            assert round(v, 4) == v, (f["properties"]["name"], v)
    for path in (COUNTRIES, PLACES):
        text = path.read_text(encoding="utf-8")
        numbers = re.findall(r"-?\d+\.(\d+)", text.split('"features"', 1)[1])
        assert max(len(d) for d in numbers) <= 4, path.name


def test_five_capitals(places):
    caps = {f["properties"]["name"]: f for f in places if f["properties"]["kind"] == "capital"}
    for name, a3 in CAPITALS.items():
        assert name in caps, name
        assert caps[name]["properties"]["country"] == a3
        assert caps[name]["geometry"]["type"] == "Point"


def test_capitals_lie_in_their_country(countries, places):
    by_a3 = {f["properties"]["iso_a3"]: shape(f["geometry"]) for f in countries}
    for f in places:
        p = f["properties"]
        if p["kind"] != "capital":
            continue
        pt = shape(f["geometry"])
        assert by_a3[p["country"]].buffer(0.05).contains(pt), p["name"]


def test_water_bodies(countries, places):
    water = {f["properties"]["name"]: f for f in places if f["properties"]["kind"] != "capital"}
    assert {"Caspian Sea", "Aral Sea"} <= set(water)
    land = shapely.union_all([shape(f["geometry"]) for f in countries])
    for name, f in water.items():
        p = f["properties"]
        assert p["kind"] in ("lake", "sea")
        assert p["country"] is None
        g = shape(f["geometry"])
        assert g.geom_type in ("Polygon", "MultiPolygon") and g.is_valid, name
    caspian = shape(water["Caspian Sea"]["geometry"])
    assert 40 < caspian.area < 46  # deg^2
    # The Caspian is the gap between the countries' shores, not drawn over them.
    assert caspian.intersection(land).area < 0.01 * caspian.area
    aral = shape(water["Aral Sea"]["geometry"])
    assert aral.intersects(shape(next(f for f in countries
                                      if f["properties"]["iso_a3"] == "KAZ")["geometry"]))


def test_every_place_has_a_source(places):
    for f in places:
        assert f["properties"]["source"], f["properties"]["name"]
        assert f["properties"]["kind"] in ("capital", "lake", "sea")
