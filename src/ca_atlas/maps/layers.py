"""The layers a map of a view draws: corridors, risk notes (their areas reach as far as
:func:`ca_atlas.geo.risk_reach_km` says), projects, and the rings around what a briefing
step points at. Every text from the data goes through :mod:`ca_atlas.safe` first: folium
hands tooltips and popups to ``innerHTML`` or a JS template literal."""

from __future__ import annotations

import folium
import folium.plugins
import geopandas as gpd
from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from .. import geo, memo, model, popups, safe
from ..atlas import Atlas
from ..query import View, ViewState
from ..theme import NORMAL, Theme
from . import grid
from .base import BOUNDS, LAYER_NAMES, PRECISION, _collection, _feature, circle_polygon, marker_radius
from .controls import REACH_BY_LABEL


def _pick(full, part, name: str, make) -> list[dict]:
    """The features of the rows of ``part`` (a slice of ``full``), made once per row of
    ``full`` by ``make(frame)`` (which yields (index, feature)) and reused after; without
    ``full``, made for ``part`` alone."""
    if full is None:
        return [f for _, f in make(part)]
    table = _table(full, name, make)
    return [table[i] for i in part.index if i in table]


def _table(full, name: str, make) -> dict:
    """Row label -> feature for every row of ``full`` ``make`` gives one, made once."""
    return memo.per_object(full, name, lambda: dict(make(full)))


def corridor_label(seg) -> str:
    """A corridor segment's accessible name, escaped: corridor, ends, mode and status."""
    return safe.text(f"Corridor {seg.corridor_name}: {seg.from_node} – {seg.to_node}, "
                     f"{model.SEGMENT_MODES.get(seg.mode, seg.mode)}, "
                     f"{model.CORRIDOR_STATUSES.get(seg.status, seg.status).lower()}")


def risk_label(risk) -> str:
    """A risk note's accessible name, escaped: its title and severity."""
    severity = model.RISK_SEVERITIES.get(risk.severity, risk.severity)
    return safe.text(f"Risk note: {risk.title}, {severity.lower()} severity")


def _corridor_features(corridors: gpd.GeoDataFrame):
    def make(segments):
        by_id = corridors.set_index("id")
        for i, seg in zip(segments.index, segments.itertuples(), strict=True):
            corridor = by_id.loc[seg.corridor_id]
            feature = _feature(seg.geometry, {
                "corridor_id": seg.corridor_id,
                "mode": seg.mode,
                "status": seg.status,
                "tooltip": safe.text(f"{seg.corridor_name}: {seg.from_node} – {seg.to_node}"),
                "label": corridor_label(seg),
                "popup": popups.corridor_html(corridor, seg),
            })
            # folium's style mapping keys features by a unique id, and writes one into
            # features that lack it: these are shared, so they carry their own
            feature["id"] = f"segment-{i}"
            yield i, feature
    return make


def corridor_layer(view: View, theme: Theme = NORMAL, atlas: Atlas | None = None
                   ) -> folium.FeatureGroup:
    """The view's corridor segments; given ``atlas``, their features are made once per
    dataset and reused."""
    group = folium.FeatureGroup(name=LAYER_NAMES["corridors"])
    full = None if atlas is None else atlas.segments
    features = _pick(full, view.segments, "corridors",
                     _corridor_features(view.corridors if atlas is None else atlas.corridors))
    if not features:
        return group
    weight = theme.corridor_weight
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


def _risk_features(risks):
    for i, r in zip(risks.index, risks.itertuples(), strict=True):
        props = {
            "risk_id": r.id,
            "severity": r.severity,
            "tooltip": safe.text(f"Risk: {r.title}"),
            "label": risk_label(r),
            "popup": popups.risk_html(r),
        }
        # the one reach of a risk (a note with no radius covers 10 km around its place), as
        # exposure and the scenarios count it
        area = _feature(circle_polygon(r.lat, r.lon, geo.risk_reach_km(r.radius_km)), props)
        yield i, (area, _feature(r.geometry, props))


def risk_layer(view: View, theme: Theme = NORMAL, atlas: Atlas | None = None
               ) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=LAYER_NAMES["risks"])
    pairs = _pick(None if atlas is None else atlas.risks, view.risks, "risks", _risk_features)
    areas = [area for area, _ in pairs]
    points = [point for _, point in pairs]
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
    size = theme.risk_icon_px
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


def _project_features(projects):
    """(index, feature) per located project: column by column, not row by row (10,000
    projects in 60 ms rather than 240; the output is the same)."""
    geometry = projects.geometry
    keep = (geometry.notna() & ~geometry.is_empty).to_numpy()
    if not keep.any():
        return
    points = geometry[keep]
    columns = {c: projects[c][keep].tolist() for c in ("id", "sector", "name", "country_name")}
    amounts = projects["amount_usd"][keep].tolist()
    for n, (i, x, y) in enumerate(zip(points.index, points.x.tolist(), points.y.tolist(),
                                      strict=True)):
        amount = None if amounts[n] != amounts[n] else amounts[n]  # NaN -> None
        sector = columns["sector"][n]
        # only what the browser uses: the id a click reports, what styles the circle, and
        # one escaped name (the tooltip and the accessible name)
        yield i, {"type": "Feature",
                  "geometry": {"type": "Point",
                               "coordinates": [round(float(x), PRECISION),
                                               round(float(y), PRECISION)]},
                  "properties": {
                      "project_id": columns["id"][n],
                      "sector": sector,
                      "radius": marker_radius(amount),
                      "known": amount is not None,
                      "label": safe.text(f"Project: {columns['name'][n]} "
                                         f"({columns['country_name'][n]}), "
                                         f"{model.SECTORS.get(sector, sector)}")}}


def project_features(projects: gpd.GeoDataFrame, atlas: Atlas | None = None) -> list[dict]:
    """GeoJSON features of the projects that have a location, with escaped labels; given
    ``atlas``, made once per dataset and reused."""
    return _pick(None if atlas is None else atlas.projects, projects, "projects",
                 _project_features)


#: Past this many located projects in the dataset, views carry their own features: the
#: base's file of every project (about 280 bytes each) would outweigh what it saves.
POSITIONS_LIMIT = 20_000
#: The options of a project's circle before its feature styles it (:func:`project_on_each`).
MARKER = {"radius": 6, "fill": True, "weight": 1.5}


def points_by_position(atlas: Atlas) -> bool:
    """Whether a map page's base carries every located project of ``atlas`` and views
    name theirs by position (:data:`POSITIONS_LIMIT`)."""
    return placed_count(atlas.projects) <= POSITIONS_LIMIT


def located_positions(atlas: Atlas) -> dict:
    """Row label -> position in :func:`project_features` of the whole dataset (the order
    of the base's :class:`.reference.ProjectPoints`), made once per dataset."""
    def build():
        table = _table(atlas.projects, "projects", _project_features)
        return {label: n for n, label in enumerate(table)}
    return memo.per_object(atlas.projects, "project positions", build)


def _view_positions(atlas: Atlas, view: View) -> list[int] | None:
    """The positions of the view's located projects in the base's points, or None when
    the view shows every project (then the browser takes them all: 10,000 positions are
    neither listed nor sent). Once per view's frame."""
    if view.projects is atlas.projects:
        return None
    positions = located_positions(atlas)
    return memo.per_view(view.projects, "positions",
                         lambda: [positions[i] for i in view.projects.index if i in positions])


def project_on_each(scale: float) -> JsCode:
    """``onEachFeature`` of the project circles: each is styled in the browser from its
    feature's sector and radius (a style computed in Python per feature makes folium ship
    a lookup table as large as the data, so the hover emphasis is set here too, not
    through folium's highlight_function)."""
    palette = safe.js_value(model.SECTOR_COLORS)
    # Tooltips are bound on each circle: a GeoJsonTooltip on a layer inside a marker
    # cluster has no map of its own and throws on every hover. The text is escaped.
    # A circle's tooltip (with its hover and keyboard-focus listeners) is made when
    # the circle is drawn and dropped when it is not: most circles of a big view sit
    # in clusters, and a filter change need not make 1,000 tooltips nobody sees.
    return JsCode(
        "function (feature, layer) {"
        f" const colors = {palette}; const p = feature.properties;"
        " const fill = colors[p.sector] || '#777777';"
        " const edge = p.known ? '#FFFFFF' : fill;"
        f" layer.setStyle({{radius: p.radius * {scale}, fillColor: fill, weight: 1.5,"
        "  color: edge, fillOpacity: p.known ? 0.9 : 0.35});"
        " layer.on('mouseover', () => layer.setStyle({weight: 4, color: '#000000'}));"
        " layer.on('mouseout', () => layer.setStyle({weight: 1.5, color: edge}));"
        " layer.on('add', () => layer.bindTooltip(p.label, {sticky: true}));"
        " layer.on('remove', () => layer.unbindTooltip());"
        " atlasA11y.reach(layer, p.label); }")


class ProjectsByPosition(MacroElement):
    """A view's project circles from the base's features (:class:`.reference.ProjectPoints`),
    named by position (None: every one): drawn as folium's GeoJSON layer with circle
    markers would draw them."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson(
          {type: "FeatureCollection", features: atlasPoints.pick({{ this.positions|tojson }})},
          {pointToLayer: (feature, latlng) => new L.CircleMarker(latlng, {{ this.marker|tojson }}),
           onEachFeature: {{ this.on_each }}}
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, positions: list[int] | None, on_each: JsCode):
        super().__init__()
        self._name = "ProjectsByPosition"
        self.positions = positions
        self.on_each = on_each.js_code
        self.marker = MARKER


def placed_count(projects: gpd.GeoDataFrame) -> int:
    """Projects with a location: what the map would draw as points."""
    return int(projects["lat"].notna().sum())


def project_layer(view: View, selected: str | None = None,
                  theme: Theme = NORMAL, cluster: bool = True,
                  atlas: Atlas | None = None,
                  reference_points: bool = False) -> folium.FeatureGroup:
    """The view's projects: a circle each (in marker clusters), or past
    :data:`grid.POINT_LIMIT` located projects, counts on a grid (see :mod:`.grid`).

    With ``reference_points`` (a base map holding every located project of ``atlas``,
    :class:`.reference.ProjectPoints`, when :func:`points_by_position` allows), the view
    sends the positions of its projects there, not their features."""
    group = folium.FeatureGroup(name=LAYER_NAMES["projects"])
    routes = view.projects[view.projects["route"].notna()]
    if len(routes):
        folium.GeoJson(
            _collection(_feature(p.route, {"tooltip": safe.text(p.name), "sector": p.sector})
                        for p in routes.itertuples()),
            style_function=lambda f: {"color": model.SECTOR_COLORS[f["properties"]["sector"]],
                                      "weight": 4, "opacity": 0.7},
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
        ).add_to(group)
    if placed_count(view.projects) > grid.POINT_LIMIT:
        def levels():
            placed = view.projects[["lat", "lon"]].dropna()  # two columns, not every one
            return grid.levels(placed["lat"].to_numpy(dtype=float),
                               placed["lon"].to_numpy(dtype=float))
        # once per view's frame: a view shown before is the same frame (query.apply)
        group.add_child(grid.GridCounts(memo.per_view(view.projects, "grid levels", levels)))
        return group
    if atlas is not None and reference_points and points_by_position(atlas):
        # the features are the base's (:class:`.reference.ProjectPoints`): the view names
        # them by position, a few bytes each instead of a whole feature
        shown = _view_positions(atlas, view)
        features = None
    else:
        shown = features = project_features(view.projects, atlas)
    if shown is not None and not shown:
        return group
    target = group
    if cluster:
        target = folium.plugins.MarkerCluster(
            name="Project clusters", control=False,
            options={"disableClusteringAtZoom": 7, "maxClusterRadius": 18,
                     "spiderfyOnMaxZoom": True, "showCoverageOnHover": False},
        )
        target.add_to(group)
    on_each = project_on_each(theme.marker_scale)
    if features is None:
        target.add_child(ProjectsByPosition(shown, on_each))
    else:
        folium.GeoJson(_collection(features), marker=folium.CircleMarker(**MARKER),
                       on_each_feature=on_each).add_to(target)
    if selected:
        chosen = view.projects[view.projects["id"] == selected]
        for p in chosen.itertuples():
            if p.geometry is None:
                continue
            folium.CircleMarker(
                location=(round(p.geometry.y, PRECISION), round(p.geometry.x, PRECISION)),
                radius=marker_radius(None if p.amount_usd != p.amount_usd else p.amount_usd)
                * theme.marker_scale + 7,
                color="#000000", weight=3, fill=False, interactive=False, pane=RING_PANE,
            ).add_to(group)
    return group


# -- controls and legend --------------------------------------------------------------------

#: ``onEachFeature`` for a GeoJSON layer whose features carry an escaped ``label``.


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


def highlight_layer(atlas: Atlas, highlight: dict, theme: Theme = NORMAL) -> folium.FeatureGroup:
    """Rings around chosen projects and risk notes, a glow under chosen corridors."""
    group = folium.FeatureGroup(name="Highlighted", control=False)
    segs = atlas.segments[atlas.segments["corridor_id"].isin(highlight.get("corridors", ()))]
    if len(segs):
        folium.GeoJson(
            _collection(_feature(s.geometry, {"tooltip": safe.text(s.corridor_name)})
                        for s in segs.itertuples()),
            style_function=lambda f: {"color": HIGHLIGHT, "weight": theme.ring_weight,
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
    scale = theme.marker_scale
    for lat, lon, radius, label in points:
        folium.CircleMarker(location=(round(lat, PRECISION), round(lon, PRECISION)),
                            radius=radius * scale, color=HIGHLIGHT, weight=4, fill=False,
                            pane=RING_PANE,
                            tooltip=folium.Tooltip(safe.text(label))).add_to(group)
    return group
