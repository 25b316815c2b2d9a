"""The atlas map of a view: basemap, corridors, risk notes, projects, legend."""

from __future__ import annotations

import folium
import folium.plugins
from branca.element import Element

from ..catalog import Atlas
from ..query import View, ViewState
from ..theme import NORMAL, Theme
from .base import CENTER, ZOOM, basemap_layers, tile_layers
from .controls import AccessibleMap, FitToFrame, Legend, MetricScale, legend_html
from .layers import RING_PANE, corridor_layer, highlight_layer, project_layer, risk_layer, view_bounds


def build_map(atlas: Atlas, view: View, state: ViewState, *, theme: Theme = NORMAL,
              height: int = 640, center: tuple[float, float] | None = None,
              zoom: float | None = None, highlight: dict | None = None,
              legend_open: bool | None = None) -> folium.Map:
    """The whole map for a view. Deterministic for the same inputs.

    ``center`` and ``zoom`` replace the default view of the five countries; ``highlight``
    ({"projects": [...], "corridors": [...], "risks": [...]}) rings what a briefing points at.
    ``legend_open`` opens or folds the legend (by default it folds when it is long).
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
    basemap_layers(atlas, m, theme)
    tile_layers(m, state.basemap)
    if highlight:
        highlight_layer(atlas, highlight, theme).add_to(m)
    if "corridors" in state.layers:
        corridor_layer(view, theme).add_to(m)
    if "risks" in state.layers:
        risk_layer(view, theme).add_to(m)
    if "projects" in state.layers:
        project_layer(view, selected=state.project, theme=theme).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    folium.plugins.Fullscreen(position="topleft", title="Full screen",
                              title_cancel="Exit full screen").add_to(m)
    # A long legend would cover a fifth of the map: it starts folded, one click away.
    if legend_open is None:
        legend_open = view.projects["sector"].nunique() <= theme.legend_folds_past
    m.add_child(Legend(legend_html(view, state), font_px=theme.legend_font_px,
                       open=legend_open))
    m.get_root().header.add_child(Element('<meta name="referrer" content="no-referrer">'))
    return m
