"""The map page's map: streamlit-folium's component, with the base's share of its arguments
worked out once per dataset and look instead of on every rerun.

``st_folium`` renders the whole map it is given into the component's arguments on every
call: at 10,000 projects about 20 ms of a 90 ms filter change's rerun, for a base (basemap,
tiles, controls, the layer files' loaders) that only changes with the dataset, the theme,
the height and the basemap chosen. :func:`show` keeps what ``st_folium`` makes of a base
(its script, header, HTML, links and key) and makes only the view's feature groups and the
layer control per rerun, with streamlit-folium's own helpers, on a light map that holds the
base's layers (the layer control lists them). The arguments are those ``st_folium`` gives
for the same maps (a test compares them), so the component is neither remounted nor
re-run: it replaces the view's layers, as before.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
import streamlit as st
import streamlit_folium

from .. import maps, memo
from ..atlas import Atlas
from ..theme import Theme
from . import state


@dataclass(frozen=True)
class _Base:
    """What ``st_folium`` sends for a base map, and the base as it left it (its
    elements renamed after their place in its script), read-only from then on."""

    map: folium.Map
    script: str
    header: str
    html: str
    id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


#: The component's key for a base script (a hash of its 56 KB at 10,000 projects).
_component_key = functools.lru_cache(maxsize=64)(streamlit_folium.generate_js_hash)


def _links(elements: Iterable) -> tuple[list[str], list[str]]:
    css, js = [], []
    for element in elements:
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return css, js


def _walk(element) -> Iterable:
    """The element and everything under it, as streamlit-folium visits them for links."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _prepare(base: folium.Map) -> _Base:
    base.render()
    html = streamlit_folium._get_html(base)
    header = streamlit_folium._get_header(base)
    script = streamlit_folium._get_map_string(base)  # renames the base's elements
    css, js = _links(_walk(base))
    return _Base(map=base, script=script, header=header, html=html,
                 id=streamlit_folium.get_full_id(base), css_links=tuple(css),
                 js_links=tuple(js))


def _holder(base: _Base) -> folium.Map:
    """A map with the base's layers and name, for the view's groups and the layer control
    to be made on (the kept base is shared by every session and never changed)."""
    holder = folium.Map(tiles=None)
    holder._id = base.map._id
    holder._children.update(base.map._children)
    return holder


def atlas_base(atlas: Atlas, *, theme: Theme, height: int, basemap: str) -> _Base:
    """The map page's base (every corridor and risk note in it, its big layers served as
    files), prepared once per dataset, theme, height and basemap."""
    layers_from = state.layer_files_path()
    return memo.per_object(atlas, "map component base", lambda: _prepare(maps.base_map(
        atlas, theme=theme, height=height, basemap=basemap, reference=True,
        layers_from=layers_from)), theme, height, basemap, layers_from)


def arguments(base: _Base, groups: Sequence[folium.FeatureGroup],
              control: folium.LayerControl, *, key: str, height: int,
              returned_objects: Sequence[str]) -> dict:
    """The component's arguments for ``base`` with ``groups`` and ``control`` added, as
    ``st_folium(..., use_container_width=True)`` makes them (without ``on_change``)."""
    if {"bounds", "zoom"} & set(returned_objects):
        raise ValueError("bounds and zoom are not sent back by this map")
    holder = _holder(base)
    groups_script = "".join(streamlit_folium._get_feature_group_string(g, map=holder, idx=n)
                            for n, g in enumerate(groups))
    control_script = streamlit_folium._get_layer_control_string(control, holder)
    css, js = _links([*(e for g in groups for e in _walk(g)), *_walk(control)])
    return {
        "script": base.script, "header": base.header, "html": base.html, "id": base.id,
        "key": _component_key(base.script, key, False),
        "height": height, "width": None, "returned_objects": list(returned_objects),
        "default": dict.fromkeys(returned_objects), "zoom": None, "center": None,
        "feature_group": groups_script, "return_on_hover": False,
        "layer_control": control_script, "pixelated": False,
        "css_links": list(dict.fromkeys([*base.css_links, *css])),
        "js_links": list(dict.fromkeys([*base.js_links, *js])),
        "wrap_longitude": False,
    }


def show(base: _Base, groups: Sequence[folium.FeatureGroup], *, key: str, height: int,
         returned_objects: Sequence[str]):
    """Draw ``base`` with the view's ``groups`` and the layer control; return what the
    component reports (``returned_objects``)."""
    args = arguments(base, groups, maps.layer_control(), key=key, height=height,
                     returned_objects=returned_objects)

    def changed() -> None:  # as st_folium: the value also under the caller's key
        st.session_state[key] = st.session_state.get(args["key"], {})

    return streamlit_folium._component_func(**args, on_change=changed)
