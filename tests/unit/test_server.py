"""The served atlas's own routes and headers: layer files by content hash."""

import pytest
from atlas_fixtures import asgi_call, inner_app, run_async

from ca_atlas import served_files, server


def test_a_layer_file_is_served_with_a_long_cache_life():
    sha, size = served_files.publish({"type": "FeatureCollection", "features": [1, 2, 3]})
    for prefix in ("", "/atlas"):  # with or without a base URL path
        status, headers, body = run_async(asgi_call(server.LayerFiles(inner_app),
                                                f"{prefix}/_atlas/layer/{sha}.json"))
        assert status == 200 and len(body) == size
        assert headers["content-type"] == "application/json"
        assert "immutable" in headers["cache-control"]
        assert headers["x-content-type-options"] == "nosniff"
    status, headers, body = run_async(asgi_call(server.LayerFiles(inner_app),
                                            f"/_atlas/layer/{sha}.json", method="HEAD"))
    assert (status, body) == (200, b"") and headers["content-length"] == str(size)


@pytest.mark.parametrize("name", ["0" * 64 + ".json", "../../../etc/passwd", "x.json", "",
                                  "%2e%2e%2fserve.py"])
def test_anything_else_under_the_path_is_not_found(name):
    status, headers, body = run_async(asgi_call(server.LayerFiles(inner_app), f"/_atlas/layer/{name}"))
    assert status == 404 and body == b"Not found\n"
    assert headers["cache-control"] == "no-store"


def test_a_layer_file_cannot_be_posted_to():
    sha, _ = served_files.publish({"features": ["post"]})
    status, _, _ = run_async(asgi_call(server.LayerFiles(inner_app), f"/_atlas/layer/{sha}.json",
                                   method="POST"))
    assert status == 405


def test_other_paths_and_websockets_reach_the_app():
    for path, kind in (("/", "http"), ("/_atlas/ready", "http"), ("/_stcore/stream", "websocket"),
                       ("/app/static/vendor/leaflet/dist/leaflet.js", "http")):
        status, _, body = run_async(asgi_call(server.LayerFiles(inner_app), path, kind=kind))
        assert (status, body) == (200, b"the app")
