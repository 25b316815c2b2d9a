"""The atlas map of a view, in two parts: a base that depends on the dataset and the theme
only (basemap, tiles, controls, the legend's box), and the view's layers (corridors, risk
notes, projects, the legend's content, the fit to the view).

The map page sends the base once and, on a filter change, only the layers
(streamlit-folium's ``feature_group_to_add``): the base's script, which the component's
key hashes, stays the same, so the map is not remounted. :func:`build_map` joins both
into one map for exports, briefings and other pages. Every element id comes from its place
in the map (:func:`.reuse.stable_ids`): identical inputs give byte-identical HTML.
"""

from __future__ import annotations

import folium
import folium.plugins
from branca.element import Element

from ..atlas import Atlas
from ..query import View, ViewState
from ..theme import NORMAL, Theme
from . import grid, layer_files, reuse
from .base import BOUNDS, CENTER, ZOOM, RegionMap, basemap_layers, tile_layers
from .controls import (
    AccessibleMap,
    FitToFrame,
    FitView,
    FlatMarkers,
    Legend,
    LegendFill,
    MetricScale,
    legend_html,
)
from .layers import (
    RING_PANE,
    corridor_layer,
    highlight_layer,
    placed_count,
    project_layer,
    risk_layer,
    view_bounds,
)
from .reference import ShowOnly, add_reference_layers, shown


def base_map(atlas: Atlas, *, theme: Theme = NORMAL, height: int = 640,
             basemap: str = "none", center: tuple[float, float] | None = None,
             zoom: float | None = None, reference: bool = False,
             layers_from: str | None = None) -> folium.Map:
    """What stays while the filters change: the offline basemap, the tile layers (``basemap``
    names the one shown), scale, full screen, keyboard names and the legend's box.

    With ``reference``, also every corridor and risk note, which the view's layers then
    narrow by ids (:mod:`.reference`): pass the same to :func:`view_layers`. With
    ``layers_from`` (the served app's path to :data:`.layer_files.PATH`), the big layers
    are fetched from there instead of carried in the map's script (:mod:`.layer_files`).
    """
    m = RegionMap(location=center or CENTER, zoom_start=zoom or ZOOM, tiles=None,
                   control_scale=False, prefer_canvas=False, min_zoom=3, height=height,
                   zoom_snap=0.25, zoom_delta=0.5)
    m.add_child(AccessibleMap())  # first: the layers' scripts call it
    m.add_child(FlatMarkers())  # before any marker is placed
    if center is None:
        m.fit_bounds(BOUNDS)
    m.add_child(MetricScale())
    m.options["max_zoom"] = 18  # marker clusters need the map itself to have a max zoom
    m.add_child(FitToFrame())
    m.add_child(grid.ClusterAssets())  # whichever view comes next may cluster
    folium.map.CustomPane(RING_PANE, z_index=650, pointer_events=False).add_to(m)
    basemap_layers(atlas, m, theme)
    tile_layers(m, basemap)
    if reference:
        add_reference_layers(atlas, m, theme)
    folium.plugins.Fullscreen(position="topleft", title="Full screen",
                              title_cancel="Exit full screen").add_to(m)
    m.add_child(Legend("", font_px=theme.legend_font_px, open=False))
    m.get_root().header.add_child(Element('<meta name="referrer" content="no-referrer">'))
    if layers_from is not None:
        layer_files.serve_layers(m, layers_from)
    return reuse.stable_ids(m, "base")


def view_layers(atlas: Atlas, view: View, state: ViewState, *, theme: Theme = NORMAL,
                highlight: dict | None = None, legend_open: bool | None = None,
                fit: bool = True, reference: bool = False) -> list[folium.FeatureGroup]:
    """What a view adds to the base: one feature group per layer shown, and a last one that
    fills the legend and (with ``fit``) moves the map to the view's countries. With
    ``reference`` (a base that holds every corridor and risk note), those two layers are
    sent as the ids the view shows, and the projects as positions in the base's points."""
    groups = []
    if highlight:
        groups.append(highlight_layer(atlas, highlight, theme))
    if "corridors" in state.layers and not reference:
        groups.append(corridor_layer(view, theme, atlas=atlas))
    if "risks" in state.layers and not reference:
        groups.append(risk_layer(view, theme, atlas=atlas))
    if "projects" in state.layers:
        groups.append(project_layer(view, selected=state.project, theme=theme, atlas=atlas,
                                    reference_points=reference))
    # A long legend would cover a fifth of the map: it starts folded, one click away.
    if legend_open is None:
        legend_open = view.projects["sector"].nunique() <= theme.legend_folds_past
    placed = placed_count(view.projects)
    note = grid.note(placed) if "projects" in state.layers and placed > grid.POINT_LIMIT else ""
    extras = folium.FeatureGroup(name="View", control=False)
    extras.add_child(LegendFill(legend_html(view, state), open=legend_open, note=note))
    if reference:
        extras.add_child(ShowOnly(shown(atlas, view, state)))
    if fit:
        extras.add_child(FitView(view_bounds(atlas, state)))
    groups.append(extras)
    for n, group in enumerate(groups):
        reuse.stable_ids(group, f"layer{chr(ord('a') + n)}")
    return groups


def layer_control() -> folium.LayerControl:
    return folium.LayerControl(collapsed=True, position="topright")


def build_map(atlas: Atlas, view: View, state: ViewState, *, theme: Theme = NORMAL,
              height: int = 640, center: tuple[float, float] | None = None,
              zoom: float | None = None, highlight: dict | None = None,
              legend_open: bool | None = None) -> folium.Map:
    """The whole map for a view, base and layers in one. Deterministic for the same inputs.

    ``center`` and ``zoom`` replace the default view of the five countries; ``highlight``
    ({"projects": [...], "corridors": [...], "risks": [...]}) rings what a briefing step
    points at. ``legend_open`` opens or folds the legend (by default it folds when long).
    """
    m = base_map(atlas, theme=theme, height=height, basemap=state.basemap, center=center,
                 zoom=zoom)
    for group in view_layers(atlas, view, state, theme=theme, highlight=highlight,
                             legend_open=legend_open, fit=center is None):
        group.add_to(m)
    layer_control().add_to(m)
    return reuse.stable_ids(m, "map")


class Deferred:
    """A map built only when something renders it (a download nobody clicks costs nothing):
    ``get_root()`` builds it on first use."""

    def __init__(self, build):
        self._build = build
        self._map: folium.Map | None = None

    def get_root(self):
        if self._map is None:
            self._map = self._build()
        return self._map.get_root()
