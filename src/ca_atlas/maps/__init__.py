"""The folium maps: the atlas map of a view and the scenario map, on an offline basemap.

A map is built per run from cached frames (never cached itself: rendering mutates it).
Every text from the data goes through :mod:`ca_atlas.safe` before it reaches a tooltip,
popup or accessible name; features a person acts on are named buttons the keyboard
reaches. One file each: :mod:`.base` (basemap, tiles, shared helpers), :mod:`.layers`,
:mod:`.grid` (counts past :data:`POINT_LIMIT` projects), :mod:`.controls` (accessibility,
scale, legend), :mod:`.reuse` (layer data kept per dataset, stable ids),
:mod:`.layer_files` (big layers fetched by the browser, by content hash), :mod:`.atlas_map`
(the base and the view's layers, apart or joined), :mod:`.scenario_map`.
"""

from . import reuse
from .atlas_map import Deferred, base_map, build_map, layer_control, view_layers
from .base import BOUNDS, CENTER, ZOOM, marker_radius
from .controls import AccessibleMap
from .grid import POINT_LIMIT
from .scenario_map import scenario_map

reuse.compile_templates_once()

__all__ = ["BOUNDS", "CENTER", "POINT_LIMIT", "ZOOM", "AccessibleMap", "Deferred", "base_map",
           "build_map", "layer_control", "marker_radius", "scenario_map", "view_layers"]
