"""What a map carries besides its layers: accessible names and keyboard reach for its
features (:class:`AccessibleMap`), the metric scale, refitting to its frame, and the legend."""

from __future__ import annotations

from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from .. import model, safe
from ..query import View, ViewState
from .base import marker_radius

REACH_BY_LABEL = JsCode("function (feature, layer) {"
                        " atlasA11y.reach(layer, feature.properties.label); }")


class FlatMarkers(MacroElement):
    """Markers (the clusters' count icons, the grid's cells) placed with a 2D translate.

    Leaflet places each marker with ``translate3d``, and Chrome gives every element with
    a 3D transform a compositing layer of its own: with hundreds of cluster icons, every
    frame of the page (each of a rerun's updates too) spent 7-11 ms sorting layers. A 2D
    translate puts them on the marker pane's layer. The map's own panes keep their 3D
    transforms, so panning and zoom animate as before."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (!L.Marker.prototype._atlasFlat) {
          L.Marker.include({
            _atlasFlat: true,
            _setPos: function (pos) {
              [this._icon, this._shadow].forEach((el) => {
                if (el) {
                  el._leaflet_pos = pos;
                  el.style.transform = "translate(" + pos.x + "px," + pos.y + "px)";
                }
              });
              this._zIndex = pos.y + this.options.zIndexOffset;
              this._resetZIndex();
            }
          });
        }
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "FlatMarkers"


class AccessibleMap(MacroElement):
    """Accessible names and keyboard reach for what the map draws; add it before the layers.

    Leaflet makes markers focusable buttons but names them only through ``title``, and
    leaves SVG features (project circles, corridors) out of the tab order. A layer's
    ``onEachFeature`` calls ``atlasA11y.reach(layer, label)``: whenever the feature is drawn
    its element becomes a focusable button named ``label``, and Enter or Space clicks it as
    a mouse would (a popup opens, a project is selected, a segment is blocked). Cluster
    icons get a name and open on Enter (zoom in, or fan out); every other drawn shape leaves
    the tab order. ``label`` arrives escaped by :func:`ca_atlas.safe.text`; it is decoded as
    text only (a textarea's content is never parsed as markup) and set with
    ``setAttribute``, never as HTML.

    Its CSS draws a focus ring on features and keeps the layer and full-screen buttons'
    icons visible under forced colours (Windows high contrast), where a dark icon drawn as
    a background image on the system's black button colour left a blank square.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-container path.leaflet-interactive:focus-visible
            {outline: 3px solid #1b1b1b; outline-offset: 2px;}
          .leaflet-container .leaflet-marker-icon:focus-visible
            {outline: 3px solid #1b1b1b; outline-offset: 2px; border-radius: 4px;}
          @media (forced-colors: active) {
            .leaflet-control-layers-toggle, .leaflet-bar a.fullscreen-icon
              {forced-color-adjust: none; background-color: #fff; color: #000;}
          }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        window.atlasA11y = window.atlasA11y || (function () {
          // Labels come escaped by the server (ca_atlas.safe.text): the five entities
          // html.escape writes and decimal ones are decoded here, anything else by the
          // HTML parser (a parse for every label took 12 ms in a view of 700 projects).
          const decoder = document.createElement('textarea');
          const named = {'&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'"};
          const entity = /&(?:amp|lt|gt|quot|#x27|#[0-9]{1,6});/g;
          const parsed = (escaped) => { decoder.innerHTML = escaped; return decoder.value; };
          const text = (escaped) => {
            if (!escaped) { return ''; }
            if (escaped.indexOf('&') < 0) { return escaped; }
            if (escaped.replace(entity, '').indexOf('&') >= 0) { return parsed(escaped); }
            return escaped.replace(entity, (m) => {
              if (named[m]) { return named[m]; }
              // 128-159 name other characters in HTML (windows-1252), and the rest
              // past 0xD7FF needs care: the parser's answer for those
              const code = Number(m.slice(2, -1));
              return (code > 0 && code < 128) || (code >= 160 && code < 0xD800)
                ? String.fromCharCode(code) : parsed(m);
            });
          };
          const press = (layer, event) => {
            if (event.key !== 'Enter' && event.key !== ' ') { return; }
            // no keypress follows, so Leaflet does not open the popup a second time (which
            // closes it), and Space does not scroll
            L.DomEvent.preventDefault(event);
            const latlng = layer.getLatLng ? layer.getLatLng() : layer.getCenter();
            layer.fire('click', {latlng: latlng, originalEvent: event}, true);
          };
          const button = (layer, name) => {
            const el = layer.getElement && layer.getElement();
            if (!el) { return; }
            el.setAttribute('role', 'button');
            el.setAttribute('tabindex', '0');
            el.setAttribute('aria-label', name);
            if (el.__atlasPress !== layer) {
              L.DomEvent.on(el, 'keydown', (event) => press(layer, event));
              el.__atlasPress = layer;
            }
          };
          // a feature's label, escaped by the server; applied each time it is drawn
          const reach = (layer, label) => {
            let name = null;
            layer.on('add', () => button(layer, name === null ? (name = text(label)) : name));
          };
          const watch = (map) => map.on('layeradd', (event) => {
            const layer = event.layer;
            if (L.MarkerCluster && layer instanceof L.MarkerCluster) {
              const n = layer.getChildCount();
              button(layer, n + ' projects close together: Enter shows them');
              return;
            }
            // Leaflet listens for focus on every feature with a tooltip (to show it), and
            // Chromium puts any SVG element with a focus listener in the tab order: the
            // basemap's 200 countries would come before the first project. Only what
            // reach() named stays a tab stop.
            const el = layer.getElement && layer.getElement();
            if (el instanceof SVGElement && !el.hasAttribute('tabindex')) {
              el.setAttribute('tabindex', '-1');
            }
          });
          return {reach: reach, text: text, watch: watch};
        })();
        atlasA11y.watch({{ this._parent.get_name() }});
        (function (box) {  // Leaflet makes the map focusable (keyboard panning): name it
          box.setAttribute('role', 'region');
          box.setAttribute('aria-label', {{ this.label|tojson }});
        })({{ this._parent.get_name() }}.getContainer());
        {% endmacro %}
    """)

    def __init__(self, label: str = "Map of projects, corridors and risk notes: arrow keys "
                                     "pan, plus and minus zoom, Tab reaches each feature"):
        super().__init__()
        self._name = "AccessibleMap"
        self.label = label


class MetricScale(MacroElement):
    """A scale bar in kilometres only."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class FitToFrame(MacroElement):
    """Redraw when the map's frame changes size: Streamlit sizes the iframe after the map
    is made, and Leaflet would otherwise draw only the area it first saw."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
          const refit = () => map.invalidateSize({pan: false});
          if (window.ResizeObserver) { new ResizeObserver(refit).observe(map.getContainer()); }
          [150, 600, 1500].forEach((ms) => setTimeout(refit, ms));
          window.addEventListener('resize', refit);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class Legend(MacroElement):
    """A fixed legend box; its HTML is built from vocabularies (escaped all the same)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .atlas-legend {position: absolute; z-index: 1000; bottom: 26px; left: 10px;
            background: rgba(255,255,255,0.95); border: 1px solid #888; border-radius: 6px;
            padding: 6px 10px; font: {{ this.font_px }}px/1.3 system-ui, sans-serif;
            color: #1b1b1b; max-height: calc(100% - 120px); overflow-y: auto;
            box-shadow: 0 1px 4px #0003;}
          .atlas-legend summary {font-weight: 700; cursor: pointer;}
          .atlas-legend h4 {margin: 5px 0 2px; font-size: 1em;}
          .atlas-legend .atl-grid {display: grid; grid-template-columns: repeat(2, max-content);
            column-gap: 14px;}
          .atlas-legend .atl-note {max-width: 300px; margin: 4px 0; white-space: normal;}
          .atlas-legend .atl-item {display: flex; align-items: center; gap: 5px; white-space: nowrap;}
          .atlas-legend svg {flex: none;}
          .capital-label {background: transparent; border: none; box-shadow: none;
            font: 600 {{ this.font_px }}px system-ui, sans-serif; color: #333;
            text-shadow: 0 0 3px #fff, 0 0 3px #fff;}
          .capital-label::before {display: none;}
          .leaflet-container {background: #CFE2F1;}
          .marker-cluster-small, .marker-cluster-medium, .marker-cluster-large
            {background-color: rgba(40,40,40,0.25);}
          .marker-cluster-small div, .marker-cluster-medium div, .marker-cluster-large div
            {background-color: rgba(40,40,40,0.8); color: #fff; font-weight: 700;}
        </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <div class="atlas-legend" role="region" aria-label="Map legend">
          <p class="atl-note" hidden></p>
          <details {{ 'open' if this.open else '' }}>
          <summary>Legend</summary><div class="atl-body">{{ this.body }}</div></details></div>
        {% endmacro %}
    """)

    def __init__(self, body: str, font_px: int = 13, open: bool = True):
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.font_px = font_px
        self.open = open


class LegendFill(MacroElement):
    """Fills the legend box of the base map with what a view draws.

    Sent with the view's layers, so a filter change updates the legend without touching
    the base map. The body is HTML built here from vocabularies and escaped text (as
    :class:`Legend`'s); ``open`` applies the first time only, so a legend a reader
    unfolded stays unfolded. ``note`` (plain text) shows above the fold, e.g. that the
    projects are drawn as grid counts.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (body, open, note) {
          const box = document.querySelector('.atlas-legend');
          if (!box) { return; }
          box.querySelector('.atl-body').innerHTML = body;
          const said = box.querySelector('.atl-note');  // shown even when folded
          said.textContent = note;
          said.hidden = !note;
          if (!box.dataset.filled) { box.querySelector('details').open = open; }
          box.dataset.filled = '1';
        })({{ this.body|tojson }}, {{ this.open|tojson }}, {{ this.note|tojson }});
        {% endmacro %}
    """)

    def __init__(self, body: str, open: bool = True, note: str = ""):
        super().__init__()
        self._name = "LegendFill"
        self.body = body
        self.open = open
        self.note = note  # plain text, set as text


class FitView(MacroElement):
    """Fits the map to a view's bounds when they differ from the last ones fitted: a
    country filter moves the map, a sector filter leaves where the reader panned."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, bounds) {
          const key = JSON.stringify(bounds);
          if (map.__atlasFitted !== key) { map.__atlasFitted = key; map.fitBounds(bounds); }
        })({{ this._parent._parent.get_name() }}, {{ this.bounds|tojson }});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]]):
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds


def _swatch_circle(color: str, size: int = 12, faint: bool = False) -> str:
    r = size / 2 - 1
    opacity = 0.35 if faint else 0.9
    return (f'<svg width="{size}" height="{size}" aria-hidden="true"><circle cx="{size / 2}" '
            f'cy="{size / 2}" r="{r}" fill="{color}" fill-opacity="{opacity}" stroke="#fff" '
            f'stroke-width="1"/></svg>')


def _swatch_line(color: str, dash: str | None = None) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="34" height="10" aria-hidden="true"><line x1="2" y1="5" x2="32" y2="5" '
            f'stroke="{color}" stroke-width="4" stroke-linecap="round"{dash_attr}/></svg>')


def _swatch_triangle(color: str) -> str:
    return ('<svg width="14" height="14" viewBox="0 0 20 20" aria-hidden="true">'
            f'<polygon points="10,1 19,18 1,18" fill="{color}" stroke="#1b1b1b" '
            'stroke-width="1.6"/></svg>')


def _row(swatch: str, label: str) -> str:
    return f'<div class="atl-item">{swatch}<span>{safe.text(label)}</span></div>'


def legend_html(view: View, state: ViewState) -> str:
    """The legend's body: only what the view draws, every swatch drawn as on the map."""
    parts = []
    if "projects" in state.layers and len(view.projects):
        present = set(view.projects["sector"].unique())  # not 10,000 Arrow scalars
        parts.append('<h4>Projects by sector</h4><div class="atl-grid">')
        parts += [_row(_swatch_circle(model.SECTOR_COLORS[s]), model.SECTORS[s])
                  for s in model.SECTORS if s in present]
        parts.append("</div>")
        sizes = "".join(f"{_swatch_circle('#777', int(2 * marker_radius(v)))} {label} "
                        for v, label in ((1e7, "$10m"), (1e9, "$1bn"), (1e10, "$10bn")))
        parts.append(f'<div class="atl-item">Size by US$: {sizes}</div>')
        parts.append(_row(_swatch_circle("#777", faint=True), "amount unknown"))
    if "corridors" in state.layers and len(view.segments):
        modes = set(view.segments["mode"])
        parts.append('<h4>Corridors</h4><div class="atl-grid">')
        parts += [_row(_swatch_line(model.CORRIDOR_KIND_COLORS[k]), model.SEGMENT_MODES[k])
                  for k in model.SEGMENT_MODES if k in modes]
        parts += [_row(_swatch_line("#555", model.CORRIDOR_STATUS_DASH[k]),
                       model.CORRIDOR_STATUSES[k]) for k in model.CORRIDOR_STATUSES]
        parts.append("</div>")
    if "risks" in state.layers and len(view.risks):
        present = set(view.risks["severity"])
        parts.append('<h4>Risk notes by severity</h4><div class="atl-grid">')
        parts += [_row(_swatch_triangle(c), model.RISK_SEVERITIES[k])
                  for k, c in model.RISK_SEVERITY_COLORS.items() if k in present]
        parts.append("</div>")
    return "".join(parts)
