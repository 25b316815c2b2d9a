"""A map's big GeoJSON layers as files the browser fetches, named by their content's hash.

The map page's base (boundaries, water, every corridor and risk note: about 600 KB) is
part of the map component's arguments, and Streamlit sends an element's arguments whole
whenever any of them changes: every view not shown before carried the base again. With
:func:`serve_layers` the base carries, per big layer, only an address
``<prefix><sha256>.json``; the served atlas answers it from this process's memory
(:mod:`ca_atlas.served_files`, ``ca_atlas.server.LayerFiles``), and the browser keeps the
file (the address names its content, so it never changes).

The payload is kept in this process only: a replica that did not build the map has none
(behind the team's proxy a session stays on one replica; one that reconnects elsewhere
reruns there and builds the same bytes under the same name). The browser is told when a
file cannot be had (:class:`MissingNotice`).

Exports, briefings and offline files keep their data inline (:func:`build_map`): they
must work as one file. This module never imports streamlit.
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

from .. import served_files
from . import reuse

#: Where layer files are served, after the app's base URL path.
PATH = served_files.PATH
#: Layers smaller than this stay inline (a request costs more than it saves).
MIN_BYTES = 16_000


def serve_layers(m: folium.Map, prefix: str) -> folium.Map:
    """Let ``m``'s big GeoJSON layers be fetched from ``<prefix><sha256>.json`` instead
    of written into its script. ``prefix`` is the app's own path to :data:`PATH`.

    folium loads a layer that is not embedded with a synchronous request (jQuery,
    vendored), so everything that follows it in the map's script (the layer registry,
    styles, the view's layers) finds its features there, as with inline data.
    """
    from .reference import ProjectPoints

    for element in list(reuse.elements(m)):
        if isinstance(element, ProjectPoints):
            sha, size = served_files.publish(element.data)  # one collection per dataset
            if size >= MIN_BYTES:
                element.url = f"{prefix}{sha}.json"
            continue
        if not isinstance(element, folium.GeoJson) or not isinstance(element.data, dict):
            continue
        if len(element.data.get("features", ())) == 0:
            continue
        # the features are shared from run to run (the collection around them is new)
        sha, size = served_files.publish(element.data, tuple(element.data["features"]))
        if size < MIN_BYTES:
            continue
        element.embed = False
        element.embed_link = f"{prefix}{sha}.json"
    notice = MissingNotice()
    m.add_child(notice)  # first: its handler must be there before the first request
    m._children.move_to_end(notice.get_name(), last=False)
    return m


class MissingNotice(MacroElement):
    """Says so on the map when a layer file cannot be fetched (the replica restarted and
    the page was not reloaded): the map would otherwise lack layers without a word."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          if (typeof $ === "undefined") { return; }
          $(document).ajaxError(function () {
            const box = document.getElementById("atlas-layer-missing");
            if (box) { return; }
            const note = document.createElement("div");
            note.id = "atlas-layer-missing";
            note.setAttribute("role", "alert");
            note.style.cssText = "position:absolute;z-index:1000;left:50%;top:10px;"
              + "transform:translateX(-50%);background:#fff;color:#1a1a1a;padding:6px 10px;"
              + "border:1px solid #b00020;border-radius:4px;font:14px sans-serif;";
            note.textContent = "Part of the base map could not be loaded. Reload the page.";
            {{ this._parent.get_name() }}.getContainer().appendChild(note);
          });
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MissingNotice"
