"""folium must load nothing from CDNs once ca_atlas.assets.use_local_assets() ran.

Nothing here is skipped: `make vendor` (scripts/vendor_assets.sh) fills
static/vendor/ before the tests run, and a missing file is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import folium
import folium.plugins
import pytest

from ca_atlas import assets

REPO = Path(__file__).resolve().parents[2]
COUNTRIES = REPO / "data" / "boundaries" / "countries.geojson"
RUN_VENDOR = "run `make vendor` (scripts/vendor_assets.sh) to fetch them into static/vendor/"
LOCAL_REF = re.compile(r"""(?:src|href)\s*=\s*["'](/app/static/vendor/[^"']+)["']""")


@pytest.fixture(autouse=True)
def local_assets():
    """Local mode for each test; the previous mode is put back afterwards."""
    before_mode, before_base = assets.current_mode(), assets.current_base_url()
    assets.use_local_assets()
    yield
    if before_mode == "local":
        assets.use_local_assets(before_base or assets.DEFAULT_BASE_URL)
    else:
        assets.use_cdn_assets()


def full_map(minimap: bool = False) -> folium.Map:
    m = folium.Map(location=[45, 65], zoom_start=4, tiles=None)
    folium.GeoJson(str(COUNTRIES), name="countries").add_to(m)
    cluster = folium.plugins.MarkerCluster(name="projects").add_to(m)
    folium.Marker([41.3, 69.3], tooltip="Tashkent").add_to(cluster)
    folium.Marker([43.2, 76.9], icon=folium.Icon(icon="industry", prefix="fa")).add_to(cluster)
    folium.plugins.FastMarkerCluster([[42.9, 74.6], [38.6, 68.8]]).add_to(m)
    folium.RegularPolygonMarker([37.9, 58.4], number_of_sides=3).add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    if minimap:
        folium.plugins.MiniMap().add_to(m)
    folium.LayerControl().add_to(m)
    return m


def render(m: folium.Map) -> str:
    return m.get_root().render()


def test_every_mapped_file_is_vendored():
    missing = assets.missing_assets()
    assert not missing, (
        f"{len(missing)} vendored asset(s) missing under {assets.vendor_dir()}: "
        f"{', '.join(missing)}; {RUN_VENDOR}"
    )


def test_every_folium_url_is_mapped_or_dropped():
    assert assets.unmapped_urls() == [], (
        "folium uses CDN URLs that ca_atlas.assets does not map: add them to LOCAL_FILES "
        "and to scripts/vendor_assets.sh"
    )


def test_rendered_map_has_no_cdn_asset_urls():
    html = render(full_map())
    assert assets.cdn_urls_in(html) == []
    # With tiles=None and no MiniMap there is no http(s) URL of any kind.
    assert re.findall(r"https?://[^\s\"'<>]+", html) == []
    # ... and the local links are really there.
    assert '<script src="/app/static/vendor/leaflet/dist/leaflet.js"></script>' in html
    assert "/app/static/vendor/leaflet.markercluster/dist/leaflet.markercluster.js" in html
    assert "/app/static/vendor/leaflet.fullscreen/Control.FullScreen.js" in html


def test_minimap_assets_are_local_too():
    html = render(full_map(minimap=True))
    assert assets.cdn_urls_in(html) == []
    assert "/app/static/vendor/leaflet-minimap/dist/Control.MiniMap.min.js" in html


def test_every_local_link_in_the_page_exists():
    html = render(full_map(minimap=True))
    refs = sorted(set(LOCAL_REF.findall(html)))
    assert len(refs) >= 15, refs
    base = assets.vendor_dir()
    missing = [r for r in refs if not (base / r.removeprefix("/app/static/vendor/")).is_file()]
    assert not missing, f"page links to absent files {missing}; {RUN_VENDOR}"


def test_files_referenced_by_vendored_css_exist():
    """Images and fonts the CSS pulls in (url(...)) must be vendored as well."""
    base = assets.vendor_dir()
    css_files = [rel for rel in assets.local_files() if rel.endswith(".css")]
    assert css_files
    problems = []
    for rel in css_files:
        path = base / rel
        assert path.is_file(), f"{rel} missing; {RUN_VENDOR}"
        text = path.read_text(encoding="utf-8", errors="replace")
        for ref in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", text):
            if ref.startswith(("data:", "#")):
                continue
            if urlsplit(ref).scheme:
                problems.append(f"{rel}: remote {ref}")
                continue
            target = (path.parent / unquote(urlsplit(ref).path)).resolve()
            if not target.is_file():
                problems.append(f"{rel}: {ref}")
    assert not problems, f"CSS references missing files: {problems}; {RUN_VENDOR}"


def test_use_local_assets_is_idempotent():
    first = {c: (list(c.default_js), list(c.default_css)) for c in assets.USED_CLASSES}
    assets.use_local_assets()
    assets.use_local_assets()
    again = {c: (list(c.default_js), list(c.default_css)) for c in assets.USED_CLASSES}
    assert first == again
    html = render(full_map())
    assert html.count("leaflet/dist/leaflet.js") == 1


def test_other_base_url_and_dropped_links():
    assets.use_local_assets("file:///srv/atlas/static/vendor/")
    js = dict(folium.Map.default_js)
    css = dict(folium.Map.default_css)
    assert js["leaflet"] == "file:///srv/atlas/static/vendor/leaflet/dist/leaflet.js"
    assert "glyphicons_css" not in css and "awesome_rotate_css" not in css
    assets.use_local_assets()
    assert dict(folium.Map.default_js)["leaflet"] == "/app/static/vendor/leaflet/dist/leaflet.js"


def test_cdn_mode_puts_folium_urls_back():
    assets.configure_assets("cdn")
    assert assets.current_mode() == "cdn"
    html = render(full_map())
    urls = assets.cdn_urls_in(html)
    assert any("leaflet" in u and u.endswith("leaflet.js") for u in urls)
    assert "/app/static/vendor" not in html
    assets.configure_assets("local")
    assert assets.cdn_urls_in(render(full_map())) == []


def test_configure_assets_rejects_unknown_mode():
    with pytest.raises(ValueError):
        assets.configure_assets("offline")


def test_cdn_urls_in_finds_assets_only():
    html = """
    <script src="https://cdn.example.org/a.js"></script>
    <link rel="stylesheet" href='https://cdn.example.org/b.css'/>
    <style>@import "https://fonts.example.org/c.css"; .x{background:url(https://x.example.org/d.png)}</style>
    <a href="https://www.openstreetmap.org/copyright">OSM</a>
    <script src="/app/static/vendor/leaflet/dist/leaflet.js"></script>
    """
    assert assets.cdn_urls_in(html) == [
        "https://cdn.example.org/a.js",
        "https://cdn.example.org/b.css",
        "https://fonts.example.org/c.css",
        "https://x.example.org/d.png",
    ]


def test_assets_module_does_not_import_streamlit():
    code = "import sys, ca_atlas.assets; sys.exit('streamlit' in sys.modules)"
    env = dict(os.environ)
    src = str(REPO / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr or "ca_atlas.assets imported streamlit"
