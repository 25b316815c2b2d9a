"""The folium map of a view: offline basemap, projects, corridors, risk notes and legend.

The map is built per run from cached frames (never cached itself: rendering mutates it).
Every text from the data goes through :mod:`ca_atlas.safe` before it reaches a tooltip,
popup or accessible name, because folium hands them to ``innerHTML`` or a JS template literal.
Features a person acts on (project circles, corridors, risk notes) are named buttons that
the keyboard reaches (:class:`AccessibleMap`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import folium
import folium.plugins
import geopandas as gpd
from branca.element import Element, MacroElement
from folium.utilities import JsCode
from jinja2 import Template
from pyproj import Geod

from . import model, popups, safe
from .catalog import Atlas
from .query import View, ViewState

GEOD = Geod(ellps="WGS84")

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

LAYER_NAMES = {
    "projects": "Investment projects",
    "corridors": "Trade corridors",
    "risks": "Risk notes",
}


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

    lons, lats, _ = GEOD.fwd([lon] * points, [lat] * points,
                             [i * 360.0 / points for i in range(points)],
                             [radius_km * 1000.0] * points)
    return Polygon(list(zip(lons, lats, strict=True)))


# -- layers ---------------------------------------------------------------------------------

def basemap_layers(atlas: Atlas, m: folium.Map, presenter: bool = False) -> None:
    """Countries (the five emphasised), water bodies and capitals: works offline."""
    countries = _collection(
        _feature(row.geometry, {"name": safe.text(row.name), "focus": bool(row.focus)})
        for row in atlas.boundaries.itertuples() if row.geometry is not None
    )
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
    places = atlas.places
    water = places[places["kind"].isin(["sea", "lake"])]
    if len(water):
        folium.GeoJson(
            _collection(_feature(r.geometry, {"name": safe.text(r.name)})
                        for r in water.itertuples()),
            name="Seas and lakes",
            style_function=lambda f: {"fillColor": "#BFD9EE", "color": "#7FA9CC",
                                      "weight": 0.8, "fillOpacity": 1},
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            control=False,
        ).add_to(m)
    capitals = places[places["kind"] == "capital"]
    group = folium.FeatureGroup(name="Capitals", control=False)
    for r in capitals.itertuples():
        folium.CircleMarker(
            location=(round(r.geometry.y, PRECISION), round(r.geometry.x, PRECISION)),
            radius=4 if not presenter else 5,
            color="#222222", weight=1.5, fill=True, fill_color="#FFFFFF", fill_opacity=1,
            tooltip=folium.Tooltip(safe.text(r.name), permanent=True, direction="right",
                                   class_name="capital-label"),
        ).add_to(group)
    group.add_to(m)


def tile_layers(m: folium.Map, basemap: str) -> None:
    for key, (name, url, attribution) in TILES.items():
        folium.TileLayer(tiles=url, attr=attribution, name=name, overlay=True,
                         show=(basemap == key), max_zoom=18, opacity=1.0).add_to(m)


def corridor_label(seg) -> str:
    """A corridor segment's accessible name, escaped: corridor, ends, mode and status."""
    return safe.text(f"Corridor {seg.corridor_name}: {seg.from_node} – {seg.to_node}, "
                     f"{model.SEGMENT_MODES.get(seg.mode, seg.mode)}, "
                     f"{model.CORRIDOR_STATUSES.get(seg.status, seg.status).lower()}")


def risk_label(risk) -> str:
    """A risk note's accessible name, escaped: its title and severity."""
    severity = model.RISK_SEVERITIES.get(risk.severity, risk.severity)
    return safe.text(f"Risk note: {risk.title}, {severity.lower()} severity")


def corridor_layer(view: View, presenter: bool = False) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=LAYER_NAMES["corridors"])
    corridors = view.corridors.set_index("id")
    features = []
    for seg in view.segments.itertuples():
        corridor = corridors.loc[seg.corridor_id]
        features.append(_feature(seg.geometry, {
            "corridor_id": seg.corridor_id,
            "mode": seg.mode,
            "status": seg.status,
            "tooltip": safe.text(f"{seg.corridor_name}: {seg.from_node} – {seg.to_node}"),
            "label": corridor_label(seg),
            "popup": popups.corridor_html(corridor, seg),
        }))
    if not features:
        return group
    weight = 5 if presenter else 3.5
    folium.GeoJson(
        _collection(features),
        name=LAYER_NAMES["corridors"],
        style_function=lambda f: {
            "color": model.CORRIDOR_KIND_COLORS.get(f["properties"]["mode"], "#333333"),
            "weight": weight,
            "opacity": 0.9,
            "dashArray": model.CORRIDOR_STATUS_DASH.get(f["properties"]["status"]),
            "lineCap": "round",
        },
        highlight_function=lambda f: {"weight": weight + 3},
        on_each_feature=REACH_BY_LABEL,
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=420),
    ).add_to(group)
    return group


def risk_layer(view: View, presenter: bool = False) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=LAYER_NAMES["risks"])
    areas, points = [], []
    for r in view.risks.itertuples():
        props = {
            "risk_id": r.id,
            "severity": r.severity,
            "tooltip": safe.text(f"Risk: {r.title}"),
            "label": risk_label(r),
            "popup": popups.risk_html(r),
        }
        if r.radius_km and r.radius_km == r.radius_km:  # null radius is NaN, and NaN is truthy
            areas.append(_feature(circle_polygon(r.lat, r.lon, r.radius_km), props))
        points.append(_feature(r.geometry, props))
    if areas:
        folium.GeoJson(
            _collection(areas),
            style_function=lambda f: {
                "color": model.RISK_SEVERITY_COLORS[f["properties"]["severity"]],
                "fillColor": model.RISK_SEVERITY_COLORS[f["properties"]["severity"]],
                "weight": 1.5, "dashArray": "6 4", "fillOpacity": 0.12,
            },
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=420),
        ).add_to(group)
    size = 26 if presenter else 20
    for severity, color in model.RISK_SEVERITY_COLORS.items():
        chosen = [f for f in points if f["properties"]["severity"] == severity]
        if not chosen:
            continue
        icon = folium.DivIcon(
            html=f'<svg width="{size}" height="{size}" viewBox="0 0 20 20" aria-hidden="true">'
                 f'<polygon points="10,1 19,18 1,18" fill="{color}" stroke="#1b1b1b" '
                 f'stroke-width="1.6"/><text x="10" y="16.5" text-anchor="middle" '
                 f'font-size="11" font-weight="bold" font-family="sans-serif" fill="#fff">!</text>'
                 f'</svg>',
            icon_size=(size, size), icon_anchor=(size // 2, size // 2), class_name="risk-icon")
        folium.GeoJson(
            _collection(chosen),
            marker=folium.Marker(icon=icon),  # Leaflet: a focusable button (keyboard=True)
            on_each_feature=REACH_BY_LABEL,
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=420),
        ).add_to(group)
    return group


def project_features(projects: gpd.GeoDataFrame) -> list[dict]:
    """GeoJSON features of the projects that have a location, with escaped labels."""
    features = []
    for p in projects.itertuples():
        if p.geometry is None or p.geometry.is_empty:
            continue
        amount = None if p.amount_usd != p.amount_usd else p.amount_usd  # NaN -> None
        features.append(_feature(p.geometry, {
            "project_id": p.id,
            "sector": p.sector,
            "radius": marker_radius(amount),
            "known": amount is not None,
            "tooltip": safe.text(f"{p.name} ({p.country_name})"),
            "label": safe.text(f"Project: {p.name} ({p.country_name}), "
                               f"{model.SECTORS.get(p.sector, p.sector)}"),
        }))
    return features


def project_layer(view: View, selected: str | None = None,
                  presenter: bool = False, cluster: bool = True) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=LAYER_NAMES["projects"])
    features = project_features(view.projects)
    routes = view.projects[view.projects["route"].notna()]
    if len(routes):
        folium.GeoJson(
            _collection(_feature(p.route, {"tooltip": safe.text(p.name), "sector": p.sector})
                        for p in routes.itertuples()),
            style_function=lambda f: {"color": model.SECTOR_COLORS[f["properties"]["sector"]],
                                      "weight": 4, "opacity": 0.7},
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
        ).add_to(group)
    if not features:
        return group
    target = group
    if cluster:
        target = folium.plugins.MarkerCluster(
            name="Project clusters", control=False,
            options={"disableClusteringAtZoom": 7, "maxClusterRadius": 18,
                     "spiderfyOnMaxZoom": True, "showCoverageOnHover": False},
        )
        target.add_to(group)
    scale = 1.25 if presenter else 1.0
    # Styled in the browser from each feature's sector and radius: a style computed in
    # Python per feature makes folium ship a lookup table as large as the data.
    palette = safe.js_value(model.SECTOR_COLORS)
    folium.GeoJson(
        _collection(features),
        marker=folium.CircleMarker(radius=6, fill=True, weight=1.5),
        highlight_function=lambda f: {"weight": 4, "color": "#000000"},
        # Tooltips are bound on each circle: a GeoJsonTooltip on a layer inside a marker
        # cluster has no map of its own and throws on every hover. The text is escaped.
        on_each_feature=JsCode(
            "function (feature, layer) {"
            f" const colors = {palette}; const p = feature.properties;"
            " const fill = colors[p.sector] || '#777777';"
            f" layer.setStyle({{radius: p.radius * {scale}, fillColor: fill, weight: 1.5,"
            "  color: p.known ? '#FFFFFF' : fill, fillOpacity: p.known ? 0.9 : 0.35});"
            " layer.bindTooltip(p.tooltip, {sticky: true});"
            " atlasA11y.reach(layer, p.label); }"),
    ).add_to(target)
    if selected:
        chosen = view.projects[view.projects["id"] == selected]
        for p in chosen.itertuples():
            if p.geometry is None:
                continue
            folium.CircleMarker(
                location=(round(p.geometry.y, PRECISION), round(p.geometry.x, PRECISION)),
                radius=marker_radius(None if p.amount_usd != p.amount_usd else p.amount_usd)
                * scale + 7,
                color="#000000", weight=3, fill=False, interactive=False, pane=RING_PANE,
            ).add_to(group)
    return group


# -- controls and legend --------------------------------------------------------------------

#: ``onEachFeature`` for a GeoJSON layer whose features carry an escaped ``label``.
REACH_BY_LABEL = JsCode("function (feature, layer) {"
                        " atlasA11y.reach(layer, feature.properties.label); }")


class AccessibleMap(MacroElement):
    """Accessible names and keyboard reach for what the map draws; add it before the layers.

    Leaflet makes markers focusable buttons but names them only through ``title``, and
    leaves SVG features (project circles, corridors) out of the tab order. A layer's
    ``onEachFeature`` calls ``atlasA11y.reach(layer, label)``: whenever the feature is drawn
    its element becomes a focusable button named ``label``, and Enter or Space clicks it as
    a mouse would (a popup opens, a project is selected, a segment is blocked). Cluster
    icons get a name and open on Enter (zoom in, or fan out); every other drawn shape leaves
    the tab order. ``label`` arrives escaped by :func:`ca_atlas.safe.text`; it is decoded as
    text only (a textarea's content is never parsed as markup) and set with
    ``setAttribute``, never as HTML.

    Its CSS draws a focus ring on features and keeps the layer and full-screen buttons'
    icons visible under forced colours (Windows high contrast), where a dark icon drawn as
    a background image on the system's black button colour left a blank square.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-container path.leaflet-interactive:focus-visible
            {outline: 3px solid #1b1b1b; outline-offset: 2px;}
          .leaflet-container .leaflet-marker-icon:focus-visible
            {outline: 3px solid #1b1b1b; outline-offset: 2px; border-radius: 4px;}
          @media (forced-colors: active) {
            .leaflet-control-layers-toggle, .leaflet-bar a.fullscreen-icon
              {forced-color-adjust: none; background-color: #fff; color: #000;}
          }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        window.atlasA11y = window.atlasA11y || (function () {
          const decoder = document.createElement('textarea');
          const text = (escaped) => { decoder.innerHTML = escaped || ''; return decoder.value; };
          const press = (layer, event) => {
            if (event.key !== 'Enter' && event.key !== ' ') { return; }
            // no keypress follows, so Leaflet does not open the popup a second time (which
            // closes it), and Space does not scroll
            L.DomEvent.preventDefault(event);
            const latlng = layer.getLatLng ? layer.getLatLng() : layer.getCenter();
            layer.fire('click', {latlng: latlng, originalEvent: event}, true);
          };
          const button = (layer, name) => {
            const el = layer.getElement && layer.getElement();
            if (!el) { return; }
            el.setAttribute('role', 'button');
            el.setAttribute('tabindex', '0');
            el.setAttribute('aria-label', name);
            if (el.__atlasPress !== layer) {
              L.DomEvent.on(el, 'keydown', (event) => press(layer, event));
              el.__atlasPress = layer;
            }
          };
          // a feature's label, escaped by the server; applied each time it is drawn
          const reach = (layer, label) => {
            const name = text(label);
            layer.on('add', () => button(layer, name));
          };
          const watch = (map) => map.on('layeradd', (event) => {
            const layer = event.layer;
            if (L.MarkerCluster && layer instanceof L.MarkerCluster) {
              const n = layer.getChildCount();
              button(layer, n + ' projects close together: Enter shows them');
              return;
            }
            // Leaflet listens for focus on every feature with a tooltip (to show it), and
            // Chromium puts any SVG element with a focus listener in the tab order: the
            // basemap's 200 countries would come before the first project. Only what
            // reach() named stays a tab stop.
            const el = layer.getElement && layer.getElement();
            if (el instanceof SVGElement && !el.hasAttribute('tabindex')) {
              el.setAttribute('tabindex', '-1');
            }
          });
          return {reach: reach, text: text, watch: watch};
        })();
        atlasA11y.watch({{ this._parent.get_name() }});
        (function (box) {  // Leaflet makes the map focusable (keyboard panning): name it
          box.setAttribute('role', 'region');
          box.setAttribute('aria-label', {{ this.label|tojson }});
        })({{ this._parent.get_name() }}.getContainer());
        {% endmacro %}
    """)

    def __init__(self, label: str = "Map of projects, corridors and risk notes: arrow keys "
                                     "pan, plus and minus zoom, Tab reaches each feature"):
        super().__init__()
        self._name = "AccessibleMap"
        self.label = label


class MetricScale(MacroElement):
    """A scale bar in kilometres only."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class FitToFrame(MacroElement):
    """Redraw when the map's frame changes size: Streamlit sizes the iframe after the map
    is made, and Leaflet would otherwise draw only the area it first saw."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
          const refit = () => map.invalidateSize({pan: false});
          if (window.ResizeObserver) { new ResizeObserver(refit).observe(map.getContainer()); }
          [150, 600, 1500].forEach((ms) => setTimeout(refit, ms));
          window.addEventListener('resize', refit);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class Legend(MacroElement):
    """A fixed legend box; its HTML is built from vocabularies (escaped all the same)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .atlas-legend {position: absolute; z-index: 1000; bottom: 26px; left: 10px;
            background: rgba(255,255,255,0.95); border: 1px solid #888; border-radius: 6px;
            padding: 6px 10px; font: {{ this.font_px }}px/1.3 system-ui, sans-serif;
            color: #1b1b1b; max-height: calc(100% - 120px); overflow-y: auto;
            box-shadow: 0 1px 4px #0003;}
          .atlas-legend summary {font-weight: 700; cursor: pointer;}
          .atlas-legend h4 {margin: 5px 0 2px; font-size: 1em;}
          .atlas-legend .atl-grid {display: grid; grid-template-columns: repeat(2, max-content);
            column-gap: 14px;}
          .atlas-legend .atl-item {display: flex; align-items: center; gap: 5px; white-space: nowrap;}
          .atlas-legend svg {flex: none;}
          .capital-label {background: transparent; border: none; box-shadow: none;
            font: 600 {{ this.font_px }}px system-ui, sans-serif; color: #333;
            text-shadow: 0 0 3px #fff, 0 0 3px #fff;}
          .capital-label::before {display: none;}
          .leaflet-container {background: #CFE2F1;}
          .marker-cluster-small, .marker-cluster-medium, .marker-cluster-large
            {background-color: rgba(40,40,40,0.25);}
          .marker-cluster-small div, .marker-cluster-medium div, .marker-cluster-large div
            {background-color: rgba(40,40,40,0.8); color: #fff; font-weight: 700;}
        </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <div class="atlas-legend" role="region" aria-label="Map legend">
          <details {{ 'open' if this.open else '' }}>
          <summary>Legend</summary>{{ this.body }}</details></div>
        {% endmacro %}
    """)

    def __init__(self, body: str, font_px: int = 13, open: bool = True):
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.font_px = font_px
        self.open = open


def _swatch_circle(color: str, size: int = 12, faint: bool = False) -> str:
    r = size / 2 - 1
    opacity = 0.35 if faint else 0.9
    return (f'<svg width="{size}" height="{size}" aria-hidden="true"><circle cx="{size / 2}" '
            f'cy="{size / 2}" r="{r}" fill="{color}" fill-opacity="{opacity}" stroke="#fff" '
            f'stroke-width="1"/></svg>')


def _swatch_line(color: str, dash: str | None = None) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="34" height="10" aria-hidden="true"><line x1="2" y1="5" x2="32" y2="5" '
            f'stroke="{color}" stroke-width="4" stroke-linecap="round"{dash_attr}/></svg>')


def _swatch_triangle(color: str) -> str:
    return ('<svg width="14" height="14" viewBox="0 0 20 20" aria-hidden="true">'
            f'<polygon points="10,1 19,18 1,18" fill="{color}" stroke="#1b1b1b" '
            'stroke-width="1.6"/></svg>')


def _row(swatch: str, label: str) -> str:
    return f'<div class="atl-item">{swatch}<span>{safe.text(label)}</span></div>'


def legend_html(view: View, state: ViewState) -> str:
    """The legend's body: only what the view draws, every swatch drawn as on the map."""
    parts = []
    if "projects" in state.layers and len(view.projects):
        present = set(view.projects["sector"])
        parts.append('<h4>Projects by sector</h4><div class="atl-grid">')
        parts += [_row(_swatch_circle(model.SECTOR_COLORS[s]), model.SECTORS[s])
                  for s in model.SECTORS if s in present]
        parts.append("</div>")
        sizes = "".join(f"{_swatch_circle('#777', int(2 * marker_radius(v)))} {label} "
                        for v, label in ((1e7, "$10m"), (1e9, "$1bn"), (1e10, "$10bn")))
        parts.append(f'<div class="atl-item">Size by US$: {sizes}</div>')
        parts.append(_row(_swatch_circle("#777", faint=True), "amount unknown"))
    if "corridors" in state.layers and len(view.segments):
        modes = set(view.segments["mode"])
        parts.append('<h4>Corridors</h4><div class="atl-grid">')
        parts += [_row(_swatch_line(model.CORRIDOR_KIND_COLORS[k]), model.SEGMENT_MODES[k])
                  for k in model.SEGMENT_MODES if k in modes]
        parts += [_row(_swatch_line("#555", model.CORRIDOR_STATUS_DASH[k]),
                       model.CORRIDOR_STATUSES[k]) for k in model.CORRIDOR_STATUSES]
        parts.append("</div>")
    if "risks" in state.layers and len(view.risks):
        present = set(view.risks["severity"])
        parts.append('<h4>Risk notes by severity</h4><div class="atl-grid">')
        parts += [_row(_swatch_triangle(c), model.RISK_SEVERITIES[k])
                  for k, c in model.RISK_SEVERITY_COLORS.items() if k in present]
        parts.append("</div>")
    return "".join(parts)


HIGHLIGHT = "#FFB000"
#: Rings for the selected and highlighted records sit above the marker clusters' icons.
RING_PANE = "atlas-rings"


def view_bounds(atlas: Atlas, state: ViewState) -> list[list[float]]:
    """What the map opens on: the chosen countries, or the five."""
    if not state.countries:
        return BOUNDS
    chosen = atlas.boundaries[atlas.boundaries["iso_a3"].isin(state.countries)]
    if chosen.empty:
        return BOUNDS
    west, south, east, north = chosen.total_bounds
    return [[round(float(south), 2), round(float(west), 2)],
            [round(float(north), 2), round(float(east), 2)]]


def highlight_layer(atlas: Atlas, highlight: dict, presenter: bool = False) -> folium.FeatureGroup:
    """Rings around chosen projects and risk notes, a glow under chosen corridors."""
    group = folium.FeatureGroup(name="Highlighted", control=False)
    segs = atlas.segments[atlas.segments["corridor_id"].isin(highlight.get("corridors", ()))]
    if len(segs):
        folium.GeoJson(
            _collection(_feature(s.geometry, {"tooltip": safe.text(s.corridor_name)})
                        for s in segs.itertuples()),
            style_function=lambda f: {"color": HIGHLIGHT, "weight": 14 if presenter else 11,
                                      "opacity": 0.55, "lineCap": "round"},
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
        ).add_to(group)
    points = []
    projects = atlas.projects[atlas.projects["id"].isin(highlight.get("projects", ()))]
    for p in projects.itertuples():
        if p.geometry is not None:
            amount = None if p.amount_usd != p.amount_usd else p.amount_usd
            points.append((p.geometry.y, p.geometry.x, marker_radius(amount) + 8, p.name))
    risks = atlas.risks[atlas.risks["id"].isin(highlight.get("risks", ()))]
    for r in risks.itertuples():
        points.append((r.lat, r.lon, 18, r.title))
    scale = 1.25 if presenter else 1.0
    for lat, lon, radius, label in points:
        folium.CircleMarker(location=(round(lat, PRECISION), round(lon, PRECISION)),
                            radius=radius * scale, color=HIGHLIGHT, weight=4, fill=False,
                            pane=RING_PANE,
                            tooltip=folium.Tooltip(safe.text(label))).add_to(group)
    return group


def build_map(atlas: Atlas, view: View, state: ViewState, *, presenter: bool = False,
              height: int = 640, center: tuple[float, float] | None = None,
              zoom: float | None = None, highlight: dict | None = None) -> folium.Map:
    """The whole map for a view. Deterministic for the same inputs.

    ``center`` and ``zoom`` replace the default view of the five countries; ``highlight``
    ({"projects": [...], "corridors": [...], "risks": [...]}) rings what a briefing points at.
    """
    m = folium.Map(location=center or CENTER, zoom_start=zoom or ZOOM, tiles=None,
                   control_scale=False, prefer_canvas=False, min_zoom=3, height=height,
                   zoom_snap=0.25, zoom_delta=0.5)
    m.add_child(AccessibleMap())  # first: the layers' scripts call it
    if center is None:
        m.fit_bounds(view_bounds(atlas, state))
    m.add_child(MetricScale())
    m.options["max_zoom"] = 18  # marker clusters need the map itself to have a max zoom
    m.add_child(FitToFrame())
    folium.map.CustomPane(RING_PANE, z_index=650, pointer_events=False).add_to(m)
    basemap_layers(atlas, m, presenter=presenter)
    tile_layers(m, state.basemap)
    if highlight:
        highlight_layer(atlas, highlight, presenter).add_to(m)
    if "corridors" in state.layers:
        corridor_layer(view, presenter).add_to(m)
    if "risks" in state.layers:
        risk_layer(view, presenter).add_to(m)
    if "projects" in state.layers:
        project_layer(view, selected=state.project, presenter=presenter).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    folium.plugins.Fullscreen(position="topleft", title="Full screen",
                              title_cancel="Exit full screen").add_to(m)
    # A long legend would cover a fifth of the map: it starts folded, one click away.
    long_legend = view.projects["sector"].nunique() > (5 if presenter else 8)
    m.add_child(Legend(legend_html(view, state), font_px=16 if presenter else 12,
                       open=not long_legend))
    m.get_root().header.add_child(Element('<meta name="referrer" content="no-referrer">'))
    return m


# -- scenario map ---------------------------------------------------------------------------------

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
    m = folium.Map(location=CENTER, zoom_start=ZOOM, tiles=None, control_scale=False,
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
