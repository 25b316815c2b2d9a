"""Corridors and risk notes drawn once in the base map, shown or hidden per view by ids;
and every located project's feature, kept in the base for views that name theirs.

On the map page the corridors and risk notes (hundreds of KB of geometry and popups) are
part of the base the component keeps: a filter change sends only which of them the view
shows (a list of ids, or "all", per layer) and the browser hides the rest. The page's base
therefore does not change when the country filter or the layers do.

The projects' features are in the base too (:class:`ProjectPoints`, a file the browser
fetches the first time a view draws circles): a view's project layer sends the positions
of its projects (:class:`.layers.ProjectsByPosition`), so a filter change carries a few KB
where it carried every feature again (about 280 KB for 1,000 projects), and the browser
evaluates no data script. Up to :data:`.layers.POSITIONS_LIMIT` located projects.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from .. import memo
from ..atlas import Atlas
from ..query import View, ViewState
from ..theme import NORMAL, Theme

#: layer key -> (the feature property that names a record, the view's frame and column)
KINDS = {"corridors": ("corridor_id", "corridors", "id"),
         "risks": ("risk_id", "risks", "id")}


class Registry(MacroElement):
    """Defines ``atlasViews``: base layers register their features; a view shows a subset."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.atlasViews = window.atlasViews || (function () {
          const kinds = {};
          const register = (kind, group, layer, key) => {
            const entry = kinds[kind] = kinds[kind] || {group: group, parts: []};
            const all = [];
            layer.eachLayer((l) => all.push(l));
            entry.parts.push({layer: layer, all: all, key: key});
          };
          // shown: kind -> list of ids (null: every feature); a kind not in it is hidden
          const show = (map, shown) => Object.keys(kinds).forEach((kind) => {
            const entry = kinds[kind];
            const ids = shown[kind];
            if (ids === undefined) { map.removeLayer(entry.group); return; }
            const wanted = ids === null ? null : new Set(ids);
            entry.parts.forEach((part) => part.all.forEach((l) => {
              const on = wanted === null || wanted.has(l.feature.properties[part.key]);
              if (on && !part.layer.hasLayer(l)) { part.layer.addLayer(l); }
              if (!on && part.layer.hasLayer(l)) { part.layer.removeLayer(l); }
            }));
            if (!map.hasLayer(entry.group)) { map.addLayer(entry.group); }
          });
          return {register: register, show: show};
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "AtlasViews"


class Filterable(MacroElement):
    """Registers its parent GeoJSON layer (inside a feature group) under ``kind``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        atlasViews.register({{ this.kind|tojson }}, {{ this._parent._parent.get_name() }},
                            {{ this._parent.get_name() }}, {{ this.key|tojson }});
        {% endmacro %}
    """)

    def __init__(self, kind: str, key: str):
        super().__init__()
        self._name = "Filterable"
        self.kind = kind
        self.key = key


class ShowOnly(MacroElement):
    """A view's part of the reference layers: which corridors and risk notes it shows."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        atlasViews.show({{ this._parent._parent.get_name() }}, {{ this.shown|tojson }});
        {% endmacro %}
    """)

    def __init__(self, shown: dict):
        super().__init__()
        self._name = "ShowOnly"
        self.shown = shown


class ProjectPoints(MacroElement):
    """Defines ``atlasPoints.pick(positions)`` (``null``: all): features of every located
    project of the dataset, in :func:`.layers.located_positions` order. Inline, or (with
    ``url``, set by :func:`.layer_files.serve_layers`) fetched once when a view first
    needs them, with folium's own synchronous request: the view's script that asks goes
    on with them."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.atlasPoints = (function () {
          let features = {{ (this.data["features"] if this.url is none else none)|tojson }};
          const load = () => {
            if (features === null) {
              $.ajax({{ this.url|tojson }}, {dataType: "json", async: false})
                .done((data) => { features = data.features; });
            }
            return features || [];
          };
          return {pick: (positions) => {  // null: every feature
            const all = load();
            return positions === null ? all
              : positions.map((n) => all[n]).filter((f) => f !== undefined);
          }};
        })();
        {% endmacro %}
    """)

    def __init__(self, data: dict):
        super().__init__()
        self._name = "ProjectPoints"
        self.data = data
        self.url: str | None = None


def add_reference_layers(atlas: Atlas, m, theme: Theme = NORMAL) -> None:
    """Every corridor and risk note of the dataset, registered to be filtered per view;
    and, up to :data:`.layers.POSITIONS_LIMIT`, every located project's feature."""
    from .base import _collection
    from .layers import corridor_layer, points_by_position, project_features, risk_layer

    everything = View(projects=atlas.projects.iloc[0:0], corridors=atlas.corridors,
                      segments=atlas.segments, risks=atlas.risks,
                      investors=atlas.investors.iloc[0:0])
    m.add_child(Registry())
    for kind, build in (("corridors", corridor_layer), ("risks", risk_layer)):
        group = build(everything, theme, atlas=atlas)
        for layer in list(group._children.values()):
            layer.add_child(Filterable(kind, KINDS[kind][0]))
        group.add_to(m)
    if points_by_position(atlas):
        # one collection per dataset, so that it is serialised once (layer_files)
        m.add_child(ProjectPoints(memo.per_object(
            atlas.projects, "project points",
            lambda: _collection(project_features(atlas.projects, atlas)))))


def shown(atlas: Atlas, view: View, state: ViewState) -> dict:
    """What :class:`ShowOnly` gets: per layer the view shows, its ids, or None for all."""
    out = {}
    for kind, (_, frame, column) in KINDS.items():
        if kind not in state.layers:
            continue
        part, whole = getattr(view, frame), getattr(atlas, frame)
        out[kind] = None if len(part) == len(whole) else sorted(part[column].tolist())
    return out
