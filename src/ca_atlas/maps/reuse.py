"""What lets a map be rebuilt cheaply and identically: element ids that depend on nothing
but the map's shape, and templates compiled once.

The GeoJSON of the basemap, corridors, risk notes and every project is made once per
loaded dataset (:func:`ca_atlas.memo.per_object`: the atlas's frames are shared read-only
by every session) and reused by every map that draws it; folium objects themselves are
built per run, never shared.

:func:`compile_templates_once` stops branca and folium from compiling Jinja templates on
every render (half of a map's render time, and a second reading of data text).
"""

from __future__ import annotations

import functools
import itertools
import os

import branca.element
import folium.features
from branca.element import Element, MacroElement


def elements(root: Element):
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
    for n, element in enumerate(elements(root)):
        element._id = f"{prefix}{n:04d}"
    return root


class _Literal(Element):
    """A rendered piece of a map, kept as the text it is."""

    def __init__(self, text: str):
        super().__init__()
        # what branca's Element(text).render() gives for text with no Jinja syntax in it:
        # the text, less one trailing newline
        self._text = text[:-1] if text.endswith("\n") else text

    def render(self, **kwargs) -> str:
        return self._text


def _render(self: MacroElement, **kwargs) -> None:
    """branca's ``MacroElement.render``, with the rendered parts kept as text."""
    figure = self.get_root()
    assert isinstance(figure, branca.element.Figure), (
        "You cannot render this Element if it is not in a Figure.")
    macros = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(_Literal(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


# the classes themselves, also when this module is imported again after the wrap below
_COMPILE = {"branca": getattr(branca.element.Template, "__wrapped__", branca.element.Template),
            "folium": getattr(folium.features.Template, "__wrapped__", folium.features.Template)}


@functools.lru_cache(maxsize=256)
def _compiled(kind: str, source: str):
    return _COMPILE[kind](source)


def _once(kind: str):
    def template(source: str, *args, **kwargs):
        if args or kwargs:
            return _COMPILE[kind](source, *args, **kwargs)
        return _compiled(kind, source)
    template.__wrapped__ = _COMPILE[kind]
    return template


_IDS = itertools.count(int.from_bytes(os.urandom(8), "big") << 64)


def _next_id(cls=None) -> str:
    """A new element id: 32 hex digits like branca's own, unique in this process."""
    return f"{next(_IDS) & ((1 << 128) - 1):032x}"


def compile_templates_once() -> None:
    """Compile each Jinja template of branca and folium once per process.

    - branca 0.8 wraps each element's rendered header, HTML and script in
      ``Element(text)``, which compiles the text as a template and renders it once more:
      hundreds of compilations per map, and any ``{{`` or ``{%`` in data text would be
      read as Jinja (:mod:`ca_atlas.safe` escapes braces for that reason). The parts are
      kept as text instead (:func:`_render`).
    - folium's GeoJSON tooltips and popups, and branca's elements made from a template
      string, compile the same source at every render; compiled templates are reused.

    And element ids come from a counter, not a system call each (:func:`_next_id`).

    About 40 ms a rerun on the map page at the shipped size. For text without Jinja
    syntax the output is byte-identical (a test renders the atlas's maps both ways).
    Idempotent; applied when :mod:`ca_atlas.maps` is imported.
    """
    # branca's own kept beside it (also if this module is imported again), for the test
    # that compares the two
    _render.__wrapped__ = getattr(MacroElement.render, "__wrapped__", MacroElement.render)
    MacroElement.render = _render
    # branca names every element with 16 bytes from os.urandom (a system call each, about
    # 850 a rerun); a counter gives ids as unique within a page
    branca.element.Element._generate_id = classmethod(_next_id)
    branca.element.Template = _once("branca")
    folium.features.Template = _once("folium")
