"""Projects past :data:`POINT_LIMIT`: counts on a grid the server computes, finer as the
reader zooms in, instead of one circle per project.

The browser gets, per level, one ``[lat, lon, count]`` per occupied cell (the cell's
projects' mean position): a few hundred KB at 100,000 projects where every point would be
tens of MB. Each cell is drawn as a count in a circle (the marker clusters' look); Enter
or a click zooms in on it.
"""

from __future__ import annotations

import folium.plugins
import numpy as np
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from .base import PRECISION

#: Past this many located projects in a view, the map draws grid counts, not points.
POINT_LIMIT = 5_000
#: (cell size in degrees, the zoom from which the level is shown): coarse to fine.
LEVELS = ((3.0, 0.0), (1.5, 5.5), (0.75, 6.5), (0.3, 7.5))


def cells(lat: np.ndarray, lon: np.ndarray, size: float) -> list[list[float]]:
    """``[lat, lon, count]`` per occupied cell of ``size`` degrees, by row then column."""
    if len(lat) == 0:
        return []
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    row = np.floor(lat / size).astype(np.int64)
    col = np.floor(lon / size).astype(np.int64)
    # one sortable key per cell: row first, then column (offset to stay non-negative)
    key = row * (1 << 32) + (col + (1 << 31))
    occupied, cell = np.unique(key, return_inverse=True)
    count = np.bincount(cell, minlength=len(occupied))
    mean_lat = np.bincount(cell, weights=lat, minlength=len(occupied)) / count
    mean_lon = np.bincount(cell, weights=lon, minlength=len(occupied)) / count
    return [[a, b, n] for a, b, n in zip(np.round(mean_lat, PRECISION).tolist(),
                                         np.round(mean_lon, PRECISION).tolist(),
                                         count.tolist(), strict=True)]


def levels(lat: np.ndarray, lon: np.ndarray) -> list[dict]:
    return [{"size": size, "min_zoom": min_zoom, "cells": cells(lat, lon, size)}
            for size, min_zoom in LEVELS]


def note(count: int) -> str:
    """What the legend says when the grid stands in for the points."""
    return (f"{count:,} projects in view, more than {POINT_LIMIT:,}: drawn as counts per "
            "grid cell, finer as you zoom in. Narrow the filters to see each project.")


class ClusterAssets(JSCSSMixin, MacroElement):
    """The marker-cluster plugin's scripts and styles, on the base map.

    streamlit-folium loads a map's scripts once, when it mounts: a view that brings marker
    clusters (or grid cells, drawn in their style) after a view that had none would find
    ``L.markerClusterGroup`` undefined. The lists are read when the map is built, after
    :func:`ca_atlas.assets.configure_assets` pointed them at the vendored copies.
    """

    _template = Template("")

    def __init__(self):
        super().__init__()
        self._name = "ClusterAssets"
        self.default_js = list(folium.plugins.MarkerCluster.default_js)
        self.default_css = list(folium.plugins.MarkerCluster.default_css)


class GridCounts(MacroElement):
    """The grid levels as a layer of the parent group: the level for the map's zoom shown,
    swapped on zoom. Cells are named buttons (``atlasA11y``); Enter or a click zooms in."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group, map, levels) {
          const icon = (n) => L.divIcon({
            html: '<div><span>' + n + '</span></div>', iconSize: L.point(40, 40),
            className: 'marker-cluster atlas-grid-cell marker-cluster-'
              + (n < 10 ? 'small' : n < 100 ? 'medium' : 'large')});
          // a level's cells are made when it is first shown: the finest has thousands,
          // and most views are never zoomed that far
          const built = levels.map(() => null);
          const cellsOf = (k) => built[k] || (built[k] = L.layerGroup(levels[k].cells.map((c) => {
            const m = L.marker([c[0], c[1]], {icon: icon(c[2]), keyboard: true});
            m.on('click', () => map.setView(m.getLatLng(), Math.min(map.getZoom() + 2, 18)));
            atlasA11y.reach(m, c[2] + ' projects in this area: Enter zooms in');
            return m;
          })));
          let shown = null;
          const pick = () => {
            if (!map.hasLayer(group)) { return; }
            const z = map.getZoom();
            let k = 0;
            levels.forEach((level, i) => { if (z >= level.min_zoom) { k = i; } });
            if (shown === k) { return; }
            if (shown !== null) { group.removeLayer(built[shown]); }
            group.addLayer(cellsOf(k));
            shown = k;
          };
          map.on('zoomend', pick);  // a replaced view's group is off the map: no-op
          group.on('add', pick);
          // after the component has bound its click reporting to the layers drawn so far:
          // a grid cell is not a record, so clicking one zooms and reruns nothing
          setTimeout(pick, 0);
        })({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }},
           {{ this.levels|tojson }});
        {% endmacro %}
    """)

    def __init__(self, grid_levels: list[dict]):
        super().__init__()
        self._name = "GridCounts"
        self.levels = grid_levels
