"""Self-contained HTML: a map, or a whole briefing, as one file that opens from disk offline.

Every script and stylesheet a folium map loads is inlined from the vendored copies in
static/vendor (images they reference become data: URIs; fonts and anything else become
empty data: URIs, so nothing is fetched). Each map sits in an ``<iframe srcdoc>`` of its
own; charts share one inlined copy of plotly.js.
"""

from __future__ import annotations

import base64
import html as _html
import mimetypes
import re
from datetime import UTC, datetime
from pathlib import Path

import folium
import plotly.graph_objects as go
import plotly.offline

from . import assets, popups, safe

_TAG = re.compile(r'<script\s+src="([^"]+)"\s*>\s*</script>|<link\s+rel="stylesheet"\s+href="([^"]+)"\s*/?>')
_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")
_INLINE_IMAGE_LIMIT = 64_000


def _local_file(url: str) -> Path | None:
    """The vendored file behind an asset URL (local mode) or a known CDN URL."""
    vendor = assets.vendor_dir()
    if "/vendor/" in url:
        return vendor / url.split("/vendor/", 1)[1]
    relative = assets.LOCAL_FILES.get(url)
    return vendor / relative if relative else None


def _inline_css(css: str, base: Path) -> str:
    def replace(match: re.Match) -> str:
        target = match.group(2)
        if target.startswith("data:"):
            return match.group(0)
        path = (base.parent / target.split("?")[0].split("#")[0]).resolve()
        mime = mimetypes.guess_type(path.name)[0] or ""
        if mime.startswith("image/") and path.is_file() and path.stat().st_size <= _INLINE_IMAGE_LIMIT:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            return f"url(data:{mime};base64,{data})"
        return "url(data:,)"  # fonts and large files: never fetched from a file or the web

    return _CSS_URL.sub(replace, css)


#: folium loads these for features the atlas's maps do not use (Bootstrap modals, icon
#: fonts, awesome-markers); an exported map leaves them out, which keeps a ten-map
#: briefing to a few megabytes.
UNUSED = ("/bootstrap/", "/jquery/", "/fontawesome-free/", "/leaflet.awesome-markers/")


def inline_assets(page: str, drop_unused: bool = True) -> str:
    """``page`` with every vendored ``<script src>`` and stylesheet link inlined.

    Raises FileNotFoundError naming the asset when a vendored file is missing (run
    ``make vendor``), so an export never silently depends on the network.
    """
    def replace(match: re.Match) -> str:
        url = match.group(1) or match.group(2)
        path = _local_file(url)
        if drop_unused and path is not None and any(part in f"/{path.relative_to(assets.vendor_dir())}"
                                                    for part in UNUSED):
            return ""
        if path is None or not path.is_file():
            raise FileNotFoundError(f"asset {url} is not vendored in {assets.vendor_dir()} "
                                    "(run `make vendor`)")
        text = path.read_text(encoding="utf-8")
        if match.group(1):
            return "<script>" + text.replace("</script", "<\\/script") + "</script>"
        return "<style>" + _inline_css(text, path).replace("</style", "<\\/style") + "</style>"

    return _TAG.sub(replace, page)


def map_html(m: folium.Map) -> str:
    """One map as a complete HTML document that needs nothing but itself."""
    return inline_assets(m.get_root().render())


def _iframe(document: str, height: int, title: str) -> str:
    return (f'<iframe class="map" title="{safe.text(title)}" style="height:{height}px" '
            f'srcdoc="{_html.escape(document, quote=True)}"></iframe>')


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>
 body {{font: 17px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1b1b1b;}}
 header {{background: #1b1b1b; color: #fff; padding: 1.2rem 2rem;}}
 header h1 {{margin: 0; font-size: 1.8rem;}} header p {{margin: .3rem 0 0; color: #ddd;}}
 section.step {{padding: 1.2rem 2rem 2rem; border-bottom: 1px solid #ddd; page-break-after: always;}}
 section.step h2 {{margin: 0 0 .2rem; font-size: 1.45rem;}}
 .counter {{color: #666; font-size: .9rem;}}
 .grid {{display: grid; grid-template-columns: 3fr 2fr; gap: 1.4rem; align-items: start;}}
 iframe.map {{width: 100%; border: 1px solid #bbb; border-radius: 4px;}}
 .chart {{min-height: 320px;}} ul {{padding-left: 1.2rem;}}
 footer {{padding: 1rem 2rem; color: #555; font-size: .9rem;}}
 @media (max-width: 900px) {{ .grid {{grid-template-columns: 1fr;}} }}
</style>
{plotly}
</head><body>
<header><h1>{title}</h1><p>{subtitle}</p>
<p>Exported {stamp} UTC · dataset version {version} · works offline, nothing is fetched</p></header>
{sections}
<footer>Central Asia Investment Atlas. Figures are as recorded in the dataset with their
sources; amounts of different kinds (loans, grants, total costs, shares) are labelled as such.</footer>
</body></html>
"""


def page(title: str, subtitle: str, version: str, sections: list[str],
         with_plotly: bool = True, stamp: str | None = None) -> str:
    plotly_js = ""
    if with_plotly:
        plotly_js = "<script>" + plotly.offline.get_plotlyjs().replace("</script", "<\\/script") + "</script>"
    return _PAGE.format(title=safe.text(title), subtitle=safe.text(subtitle),
                        version=safe.text(version),
                        stamp=stamp or datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
                        plotly=plotly_js, sections="\n".join(sections))


def section(number: int, total: int, title: str, narrative: str, m: folium.Map | None,
            fig: go.Figure | None, sources: list[dict], extra_html: str = "",
            map_height: int = 520) -> str:
    """One step: title, map, narrative, chart, sources. Every text is escaped here."""
    chart = ""
    if fig is not None:
        chart = ('<div class="chart">'
                 + fig.to_html(full_html=False, include_plotlyjs=False,
                               config={"displaylogo": False, "responsive": True},
                               div_id=f"chart-{number}")
                 + "</div>")
    map_block = _iframe(map_html(m), map_height, title) if m is not None else ""
    return (f'<section class="step" id="step-{number}">'
            f'<div class="counter">Step {number} of {total}</div>'
            f"<h2>{safe.text(title)}</h2>"
            f'<div class="grid"><div>{map_block}</div>'
            f"<div><p>{safe.text(narrative)}</p>{extra_html}{chart}"
            f"<h3>Sources</h3>{popups.sources_html(sources) if sources else _RECORDS_NOTE}"
            "</div></div></section>")


_RECORDS_NOTE = ("<p><em>The figures come from the records on the map; each record's sources "
                 "are in the atlas's Data page and its CSV export.</em></p>")
