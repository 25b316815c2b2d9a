"""Serve folium's JavaScript and CSS from the app itself instead of CDNs.

folium renders ``<script src=...>`` / ``<link href=...>`` tags from class-level
``default_js`` / ``default_css`` lists that point at five CDNs. streamlit-folium
loads them in order and stops silently at the first one that fails, so with no
network the map collapses to height 0. ``scripts/vendor_assets.sh`` (``make
vendor``) puts pinned npm packages into ``static/vendor/``; Streamlit serves
``static/`` at ``/app/static/`` when ``server.enableStaticServing = true``.
:func:`use_local_assets` rewrites folium's lists to point there.

This module must never import streamlit: it is used by tests and scripts too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import folium
import folium.plugins
from folium.elements import JSCSSMixin

DEFAULT_BASE_URL = "/app/static/vendor"
MODES = ("local", "cdn")

# CDN URL used by folium 0.20 -> file under static/vendor/. Keep in step with
# scripts/vendor_assets.sh (PACKAGES). Versions differ from folium's where the
# exact one is not on npm or a newer patch release is pinned on purpose:
#   leaflet 1.9.3 -> 1.9.4 (patch), leaflet.markercluster 1.1.0 -> 1.5.3,
#   Leaflet.awesome-markers 2.0.2 -> 2.0.5 (npm has no 2.0.2),
#   Control.FullScreen.min.js -> Control.FullScreen.js (the CDN minifies on
#   the fly; the npm package ships no .min.js), leaflet-minimap
#   Control.MiniMap.js/.css -> the .min files (the npm package ships only those).
LOCAL_FILES: dict[str, str] = {
    # folium.Map
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "bootstrap/dist/js/bootstrap.bundle.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        "bootstrap/dist/css/bootstrap.min.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "fontawesome-free/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "leaflet.awesome-markers/dist/leaflet.awesome-markers.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
    # folium.plugins.MarkerCluster / FastMarkerCluster
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        "leaflet.markercluster/dist/leaflet.markercluster.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css":
        "leaflet.markercluster/dist/MarkerCluster.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        "leaflet.markercluster/dist/MarkerCluster.Default.css",
    # folium.plugins.Fullscreen
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js":
        "leaflet.fullscreen/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css":
        "leaflet.fullscreen/Control.FullScreen.css",
    # folium.plugins.MiniMap
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js":
        "leaflet-minimap/dist/Control.MiniMap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css":
        "leaflet-minimap/dist/Control.MiniMap.min.css",
    # folium.RegularPolygonMarker (also what GeoJson(marker=RegularPolygonMarker) needs)
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-dvf/0.3.0/leaflet-dvf.markers.min.js":
        "leaflet-dvf/dist/leaflet-dvf.markers.min.js",
}

# Dropped in local mode, with no replacement:
# * glyphicons: Bootstrap 3 icon CSS; folium's Bootstrap is 5 and nothing we
#   draw uses glyphicons (Icon(prefix="glyphicon") would show no glyph).
# * awesome_rotate: a small CSS file served from folium's GitHub repository;
#   it only rotates awesome-marker icons (Icon(angle=...)), not on npm.
DROPPED_URLS: frozenset[str] = frozenset({
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css",
})

# The folium classes the atlas uses; tests check that all their URLs are handled.
USED_CLASSES: tuple[type, ...] = (
    folium.Map,
    folium.plugins.MarkerCluster,
    folium.plugins.FastMarkerCluster,
    folium.plugins.Fullscreen,
    folium.plugins.MiniMap,
    folium.RegularPolygonMarker,
)

_ATTRS = ("default_js", "default_css")
_UNSET = object()
# (class, attribute) -> the class's own value before the first rewrite.
_ORIGINAL: dict[tuple[type, str], object] = {}
_state: dict[str, str | None] = {"mode": "cdn", "base_url": None}


def vendor_dir() -> Path:
    """Folder holding the vendored files (``<repo>/static/vendor``).

    ``CA_ATLAS_VENDOR_DIR`` overrides it (same variable idea as the script's
    ``VENDOR_DIR``), for installs where the package does not sit in the repo.
    """
    env = os.environ.get("CA_ATLAS_VENDOR_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "static" / "vendor"


def local_files() -> list[str]:
    """Paths, relative to :func:`vendor_dir`, that the mapping points at."""
    return sorted(set(LOCAL_FILES.values()))


def missing_assets() -> list[str]:
    """Mapped local files that are absent (empty when ``make vendor`` has run)."""
    base = vendor_dir()
    return [rel for rel in local_files() if not (base / rel).is_file()]


def _classes() -> list[type]:
    """Every folium class with its own JS/CSS lists: USED_CLASSES and all
    JSCSSMixin subclasses loaded so far (a URL we map is rewritten wherever
    it appears, e.g. jQuery in folium.Vega)."""
    seen: list[type] = []
    stack: list[type] = [*USED_CLASSES, JSCSSMixin]
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return [c for c in seen if any(a in c.__dict__ for a in _ATTRS)]


def _remember(cls: type) -> None:
    for attr in _ATTRS:
        key = (cls, attr)
        if key not in _ORIGINAL:
            val = cls.__dict__.get(attr, _UNSET)
            _ORIGINAL[key] = list(val) if isinstance(val, list) else val


def _original(cls: type, attr: str) -> list[tuple[str, str]] | None:
    val = _ORIGINAL.get((cls, attr), cls.__dict__.get(attr, _UNSET))
    return None if val is _UNSET else list(val)  # type: ignore[arg-type]


def _rewrite(links: Iterable[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    base = base_url.rstrip("/")
    out = []
    for name, url in links:
        if url in DROPPED_URLS:
            continue
        rel = LOCAL_FILES.get(url)
        out.append((name, f"{base}/{rel}" if rel else url))
    return out


def use_local_assets(base_url: str = DEFAULT_BASE_URL) -> None:
    """Point folium's class-level JS/CSS lists at ``base_url`` (idempotent).

    Always rewrites from folium's original lists, so calling it again, or with
    another base URL (e.g. a ``file://`` URL for a standalone HTML file, or
    ``/<baseUrlPath>/app/static/vendor`` behind a proxy), is safe.
    URLs without a local copy are left alone; see :func:`unmapped_urls`.
    """
    same = _state["mode"] == "local" and _state["base_url"] == base_url
    for cls in _classes():
        if same and (cls, _ATTRS[0]) in _ORIGINAL:
            continue  # already rewritten for this base URL; only new classes are done
        _remember(cls)
        for attr in _ATTRS:
            orig = _original(cls, attr)
            if orig is not None:
                setattr(cls, attr, _rewrite(orig, base_url))
    _state.update(mode="local", base_url=base_url)


def use_cdn_assets() -> None:
    """Put folium's own CDN lists back (undoes :func:`use_local_assets`)."""
    for (cls, attr), val in _ORIGINAL.items():
        if val is _UNSET:
            if attr in cls.__dict__:
                delattr(cls, attr)
        else:
            setattr(cls, attr, list(val))  # type: ignore[arg-type]
    _state.update(mode="cdn", base_url=None)


def configure_assets(mode: str = "local", base_url: str = DEFAULT_BASE_URL) -> None:
    """``"local"`` (default): serve from static/vendor; ``"cdn"``: folium's URLs."""
    if mode == "local":
        use_local_assets(base_url)
    elif mode == "cdn":
        use_cdn_assets()
    else:
        raise ValueError(f"asset mode must be one of {MODES}, not {mode!r}")


def current_mode() -> str:
    """``"local"`` or ``"cdn"`` (folium's own URLs, the state before any call)."""
    return str(_state["mode"])


def current_base_url() -> str | None:
    """The base URL in use in local mode, else None."""
    return _state["base_url"]


def unmapped_urls(classes: Iterable[type] = USED_CLASSES) -> list[str]:
    """folium's original URLs of ``classes`` that have no local copy and are not dropped."""
    out = []
    for cls in classes:
        for klass in cls.__mro__:
            for attr in _ATTRS:
                if attr not in klass.__dict__ and (klass, attr) not in _ORIGINAL:
                    continue
                for _name, url in _original(klass, attr) or []:
                    if url not in LOCAL_FILES and url not in DROPPED_URLS and url not in out:
                        out.append(url)
    return out


_TAG_URL = re.compile(
    r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*["']?(https?://[^"'\s>]+)""",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"""(?:@import\s+|url\(\s*)["']?(https?://[^"')\s]+)""", re.IGNORECASE)


def cdn_urls_in(html: str) -> list[str]:
    """http(s) URLs the page would fetch as assets: script/link/img/iframe
    ``src``/``href`` and CSS ``url(...)``/``@import``. Plain ``<a href>``
    links (tile attributions) and tile URL templates in JS are not assets."""
    found: list[str] = []
    for rx in (_TAG_URL, _CSS_URL):
        for m in rx.finditer(html):
            if m.group(1) not in found:
                found.append(m.group(1))
    return found
