"""The folium maps: the atlas map of a view and the scenario map, on an offline basemap.

A map is built per run from cached frames (never cached itself: rendering mutates it).
Every text from the data goes through :mod:`ca_atlas.safe` before it reaches a tooltip,
popup or accessible name; features a person acts on are named buttons the keyboard
reaches. One file each: :mod:`.base` (basemap, tiles, shared helpers), :mod:`.layers`,
:mod:`.controls` (accessibility, scale, legend), :mod:`.atlas_map`, :mod:`.scenario_map`.
"""

from .atlas_map import build_map
from .base import BOUNDS, CENTER, ZOOM, marker_radius
from .controls import AccessibleMap
from .scenario_map import scenario_map

__all__ = ["BOUNDS", "CENTER", "ZOOM", "AccessibleMap", "build_map", "marker_radius",
           "scenario_map"]
