"""The scenario map: corridors in grey, what is blocked in red, a pair's baseline and its
best alternative route."""

from __future__ import annotations

import folium
import folium.plugins
from folium.utilities import JsCode

from .. import safe
from ..atlas import Atlas
from ..query import View
from .base import BOUNDS, CENTER, ZOOM, RegionMap, _collection, _feature, basemap_layers
from .controls import AccessibleMap, FitToFrame, Legend, MetricScale, _swatch_line
from .layers import risk_layer


def _route_feature(net_graph, route_nodes, props):
    from shapely.geometry import LineString

    coords = [(net_graph.nodes[n]["lon"], net_graph.nodes[n]["lat"]) for n in route_nodes]
    return _feature(LineString(coords), props)


def hit_layer(features: list[dict]) -> folium.GeoJson:
    """Invisible wide lines over thin ones, so that a segment is easy to click."""
    return folium.GeoJson(
        _collection(features), name="Click to block", control=False,
        style_function=lambda f: {"color": "#000000", "weight": 16, "opacity": 0.01},
        # the keyboard blocks and reopens a segment too: Enter on it is a click
        on_each_feature=JsCode("function (feature, layer) {"
                               " atlasA11y.reach(layer, feature.properties.tooltip); }"),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    )


def _pair_bounds(net_graph, pair) -> list[list[float]] | None:
    """The box around a pair's baseline and alternative routes, with a margin."""
    if pair is None:
        return None
    shown = [n for r in (pair.baseline, pair.alternative) if r for n in r.nodes]
    if not shown:
        return None
    lats = [net_graph.nodes[n]["lat"] for n in shown]
    lons = [net_graph.nodes[n]["lon"] for n in shown]
    return [[min(lats) - 1, min(lons) - 1.5], [max(lats) + 1, max(lons) + 1.5]]


def scenario_map(atlas: Atlas, view: View, scenario, net_graph, pair=None, *,
                 height: int = 620) -> folium.Map:
    """Corridors in grey, what is blocked in red, a pair's baseline (dashed) and its
    alternative (thick green) route."""
    m = RegionMap(location=CENTER, zoom_start=ZOOM, tiles=None, control_scale=False,
                   min_zoom=3, height=height, zoom_snap=0.25, zoom_delta=0.5)
    m.add_child(AccessibleMap("Map of the corridor network: Tab reaches each segment, "
                              "Enter blocks or reopens it"))  # first: the layers call it
    m.options["max_zoom"] = 18
    m.fit_bounds(_pair_bounds(net_graph, pair) or BOUNDS)
    m.add_child(MetricScale())
    m.add_child(FitToFrame())
    basemap_layers(atlas, m)
    blocked_corridors = scenario.blockage.corridors
    blocked_segments = scenario.blockage.segments
    feats = []
    for seg in atlas.segments.itertuples():
        key = f"{seg.corridor_id}:{int(seg.seq)}"
        blocked = seg.corridor_id in blocked_corridors or key in blocked_segments
        feats.append(_feature(seg.geometry, {
            "blocked": blocked,
            "segment": key,
            "tooltip": safe.text(f"{seg.corridor_name}: {seg.from_node} – {seg.to_node}"
                                 + (" (blocked: click to reopen)" if blocked
                                    else " (click to block)")),
        }))
    folium.GeoJson(
        _collection(feats), name="Corridors",
        style_function=lambda f: ({"color": "#D7191C", "weight": 6, "opacity": 0.95}
                                  if f["properties"]["blocked"] else
                                  {"color": "#8A8A8A", "weight": 3, "opacity": 0.85}),
        interactive=False,
    ).add_to(m)
    hit_layer(feats).add_to(m)
    nodes = [n for n in scenario.blockage.nodes if n in net_graph]
    if nodes:
        group = folium.FeatureGroup(name="Blocked places")
        for n in nodes:
            data = net_graph.nodes[n]
            folium.CircleMarker(location=(data["lat"], data["lon"]), radius=10, color="#D7191C",
                                weight=3, fill=True, fill_color="#FFFFFF", fill_opacity=0.9,
                                tooltip=folium.Tooltip(safe.text(f"Blocked: {data['name']}"))
                                ).add_to(group)
        group.add_to(m)
    risks = atlas.risks[atlas.risks["id"].isin(scenario.blockage.risks)]
    if len(risks):
        risk_layer(View(projects=view.projects.iloc[0:0], corridors=view.corridors,
                        segments=view.segments, risks=risks, investors=view.investors)).add_to(m)
    if pair is not None:
        group = folium.FeatureGroup(name="Routes")
        lines = []
        if pair.baseline is not None:
            lines.append(_route_feature(net_graph, pair.baseline.nodes,
                                        {"kind": "baseline",
                                         "tooltip": safe.text("Baseline route")}))
        if pair.alternative is not None and pair.status == "rerouted":
            lines.append(_route_feature(net_graph, pair.alternative.nodes,
                                        {"kind": "alternative",
                                         "tooltip": safe.text("Best alternative route")}))
        if lines:
            folium.GeoJson(
                _collection(lines),
                style_function=lambda f: (
                    {"color": "#1A9641", "weight": 7, "opacity": 0.9}
                    if f["properties"]["kind"] == "alternative" else
                    {"color": "#2B83BA", "weight": 4, "opacity": 0.95, "dashArray": "8 6"}),
                tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
            ).add_to(group)
        group.add_to(m)
    body = "".join([
        '<div class="atl-item">' + _swatch_line("#D7191C") + "<span>Blocked</span></div>",
        '<div class="atl-item">' + _swatch_line("#2B83BA", "8 6") + "<span>Baseline route</span></div>",
        '<div class="atl-item">' + _swatch_line("#1A9641") + "<span>Best alternative</span></div>",
        '<div class="atl-item">' + _swatch_line("#8A8A8A") + "<span>Other corridor segments</span></div>",
    ])
    m.add_child(Legend(body))
    folium.LayerControl(collapsed=True).add_to(m)
    folium.plugins.Fullscreen(position="topleft").add_to(m)
    return m
