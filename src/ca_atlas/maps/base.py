"""The offline basemap (land, countries, water, capitals), the optional tile layers,
and the small helpers every map shares: rounded GeoJSON features, marker sizes."""

from __future__ import annotations

import math
from collections.abc import Iterable

import folium
import folium.plugins
import xyzservices

from .. import geo, memo, model, safe
from ..atlas import Atlas
from ..theme import NORMAL, Theme

CENTER = (45.0, 66.5)
ZOOM = 5
#: The five countries, south-west and north-east corners: the first view fits them.
BOUNDS = [[36.0, 46.5], [55.5, 87.5]]
PRECISION = 4  # decimals kept in coordinates sent to the browser (about 10 m)

#: Online tile layers, offered as overlays that stay off unless chosen: the default
#: basemap is drawn from the boundaries and needs no network.
TILES = {
    "light": ("Light tiles (online)", "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
              "&copy; OpenStreetMap contributors &copy; CARTO"),
    "osm": ("OpenStreetMap (online)", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors"),
    "satellite": ("Satellite imagery (online)",
                  "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                  "Imagery &copy; Esri, Maxar, Earthstar Geographics"),
}

LAYER_NAMES = model.MAP_LAYERS  # the layer control's names, declared with the vocabularies


def marker_radius(amount_usd: float | None) -> float:
    """Circle radius in pixels for an amount in US dollars (log scale; unknown -> 5)."""
    if amount_usd is None or not amount_usd > 0 or math.isnan(amount_usd):
        return 5.0
    return round(5.0 + 3.0 * math.log10(amount_usd / 1e6 + 1.0), 1)


def _round_coords(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), PRECISION) for c in coords]
    return [_round_coords(c) for c in coords]


def _feature(geometry, properties: dict) -> dict:
    geo = geometry.__geo_interface__
    return {"type": "Feature",
            "geometry": {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"])},
            "properties": properties}


def _collection(features: Iterable[dict]) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def circle_polygon(lat: float, lon: float, radius_km: float, points: int = 48):
    """A geodesic circle as a shapely polygon (the area a risk note covers)."""
    from shapely.geometry import Polygon

    return Polygon(geo.circle(lat, lon, radius_km, points))


#: How far the basemap's outlines may move when simplified (degrees; about 1 km, a fifth
#: of a pixel at the first view): the countries reach the browser at a fraction of the size.
SIMPLIFY_DEG = 0.01


def _basemap_data(atlas: Atlas) -> tuple[dict, dict, list]:
    """Countries, water bodies and capitals as sent to the browser, made once per dataset."""
    def build():
        countries = _collection(
            _feature(row.geometry.simplify(SIMPLIFY_DEG, preserve_topology=True),
                     {"name": safe.text(row.name), "focus": bool(row.focus)})
            for row in atlas.boundaries.itertuples() if row.geometry is not None)
        places = atlas.places
        water = places[places["kind"].isin(["sea", "lake"])]
        seas = _collection(
            _feature(r.geometry.simplify(SIMPLIFY_DEG / 2, preserve_topology=True),
                     {"name": safe.text(r.name)}) for r in water.itertuples())
        capitals = [(round(r.geometry.y, PRECISION), round(r.geometry.x, PRECISION),
                     safe.text(r.name))
                    for r in places[places["kind"] == "capital"].itertuples()]
        return countries, seas, capitals
    return memo.per_object(atlas.boundaries, "basemap", build, id(atlas.places))


def basemap_layers(atlas: Atlas, m: folium.Map, theme: Theme = NORMAL) -> None:
    """Countries (the five emphasised), water bodies and capitals: works offline."""
    countries, seas, capitals = _basemap_data(atlas)
    folium.GeoJson(
        countries,
        name="Countries",
        style_function=lambda f: (
            {"fillColor": "#FBF7EC", "color": "#4A4A4A", "weight": 2.2, "fillOpacity": 1}
            if f["properties"]["focus"] else
            {"fillColor": "#ECECEC", "color": "#9A9A9A", "weight": 0.8, "fillOpacity": 1}
        ),
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False, sticky=False),
        control=False,
        smooth_factor=1.0,
    ).add_to(m)
    if seas["features"]:
        folium.GeoJson(
            seas,
            name="Seas and lakes",
            style_function=lambda f: {"fillColor": "#BFD9EE", "color": "#7FA9CC",
                                      "weight": 0.8, "fillOpacity": 1},
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            control=False,
        ).add_to(m)
    group = folium.FeatureGroup(name="Capitals", control=False)
    for lat, lon, name in capitals:
        folium.CircleMarker(
            location=(lat, lon),
            radius=theme.capital_radius,
            color="#222222", weight=1.5, fill=True, fill_color="#FFFFFF", fill_opacity=1,
            tooltip=folium.Tooltip(name, permanent=True, direction="right",
                                   class_name="capital-label"),
        ).add_to(group)
    group.add_to(m)


def tile_layers(m: folium.Map, basemap: str) -> None:
    for key, (name, url, attribution) in TILES.items():
        # a provider, not its URL: folium looks a URL up in every provider xyzservices
        # knows first (6 ms a layer, every rerun)
        provider = xyzservices.TileProvider(name=name, url=url, attribution=attribution)
        folium.TileLayer(tiles=provider, attr=attribution, name=name, overlay=True,
                         show=(basemap == key), max_zoom=18, opacity=1.0).add_to(m)


class RegionMap(folium.Map):
    """A folium map whose bounds are the region's (:data:`BOUNDS`).

    streamlit-folium asks a map for its bounds on every rerun, to send them as the
    component's first value, and folium finds them by visiting every coordinate of every
    layer (14 ms for the boundaries alone). The map page never reads them back, and the
    view is fitted by the atlas's own controls.
    """

    def get_bounds(self) -> list[list[float]]:
        return [list(corner) for corner in BOUNDS]
