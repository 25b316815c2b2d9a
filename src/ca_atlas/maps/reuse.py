"""What lets a map be rebuilt cheaply and identically: layer data kept per loaded frame,
and element ids that depend on nothing but the map's shape.

The GeoJSON of the basemap, corridors, risk notes and every project is made once per
loaded dataset (the atlas's frames are shared read-only by every session) and reused by
every map that draws it; folium objects themselves are built per run, never shared.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from branca.element import Element

_LOCK = threading.Lock()
_KEEP = 24  # entries: a few kinds x a few dataset versions
_CACHE: OrderedDict[tuple, tuple[Any, Any]] = OrderedDict()


def per_frame(frame, name: str, build: Callable[[], Any], *extra) -> Any:
    """``build()``, computed once per (``frame`` object, ``name``, ``extra``) and reused.

    Keyed by the frame's identity, checked against the frame itself (an id can be reused
    once a frame is gone), so a reloaded or edited dataset never sees another's data.
    The result is shared: callers treat it as read-only.
    """
    key = (id(frame), name, *extra)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is frame:
            _CACHE.move_to_end(key)
            return hit[1]
    value = build()
    with _LOCK:
        _CACHE[key] = (frame, value)
        _CACHE.move_to_end(key)
        while len(_CACHE) > _KEEP:
            _CACHE.popitem(last=False)
    return value


def _elements(root: Element):
    """Every element under ``root`` (itself first), in the order it was built: children,
    and the header/html/script parts a Popup or Figure keeps apart."""
    stack, seen = [root], set()
    while stack:
        element = stack.pop(0)
        if id(element) in seen:
            continue
        seen.add(id(element))
        yield element
        parts = [getattr(element, part, None) for part in ("header", "html", "script")]
        stack[:0] = [*element._children.values(),
                     *(p for p in parts if isinstance(p, Element))]


def stable_ids(root: Element, prefix: str) -> Element:
    """Give ``root`` and everything under it ids from ``prefix`` and its position.

    folium names every element with a random uuid (``geo_json_3f2a...``, ``popup_...``,
    ``html_...``): two builds of the same map would differ in every id, and Streamlit
    could never reuse a message it already sent. ``prefix`` keeps maps and layers that
    share one page apart (lower-case letters; folium and streamlit-folium split names on
    ``_``).
    """
    for n, element in enumerate(_elements(root)):
        element._id = f"{prefix}{n:04d}"
    return root
