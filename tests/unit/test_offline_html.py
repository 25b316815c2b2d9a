"""Self-contained HTML: assets inlined, nothing left to fetch, text escaped."""

import re

import folium
import pytest

from ca_atlas import assets, briefing_steps, maps, offline_html, query
from ca_atlas import view as viewstate


@pytest.fixture(autouse=True)
def local_assets():
    assets.configure_assets("local")


def test_a_map_needs_nothing_but_itself(mini_atlas):
    state = viewstate.ViewState()
    html = offline_html.map_html(maps.build_map(mini_atlas, query.apply(mini_atlas, state), state))
    assert not re.search(r'<script[^>]+src="', html) and 'rel="stylesheet"' not in html
    assert "L.map(" in html and "L.markerClusterGroup" in html  # leaflet code inlined
    # every url() is a data: URI (or Leaflet's in-document VML fragment in its JS), so
    # nothing is fetched from disk or the web
    urls = re.findall(r"url\(['\"]?([^)'\"]+)", html)
    assert urls and all(u.startswith(("data:", "#")) for u in urls), urls


def test_a_missing_vendored_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(assets, "vendor_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match="leaflet.js is not vendored"):
        offline_html.map_html(folium.Map(tiles=None))


def test_export_escapes_every_text(atlas):
    brief = atlas.briefings[0]
    evil = "<script>alert(1)</script>`${alert(2)}`"
    step = brief.steps[1].__class__(**{**brief.steps[1].__dict__, "title": evil,
                                       "narrative": evil})
    hostile = brief.__class__(id=brief.id, title=evil, subtitle=evil, steps=(step,))
    html = briefing_steps.export_briefing(atlas, hostile, stamp="2026-11-29 00:00")
    outside_frames = re.sub(r'srcdoc="[^"]*"', "", html)
    assert "<script>alert(1)" not in outside_frames and "${alert(2)}" not in outside_frames
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outside_frames
    assert "dataset version " + atlas.version in html and "2026-11-29 00:00" in html
