"""What a shared server gives visitors: its HTTP policy, and pages that hold whatever a
link carries (no traceback, no frozen tab, one notice)."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.request

import atlas_browser as ab
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@pytest.mark.parametrize("path", ["/", "/quality", "/app/static/vendor/leaflet/dist/leaflet.js",
                                  "/_stcore/health"])
def test_every_response_forbids_framing_by_other_sites(app_url, path):
    status, headers, _ = _get(app_url + path)
    assert status == 200
    assert headers["content-security-policy"] == "frame-ancestors 'self'"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["x-content-type-options"] == "nosniff"


def test_metrics_are_not_public_and_health_is(app_url):
    assert _get(app_url + "/_stcore/metrics")[0] == 404
    assert _get(app_url + "/_stcore/metrics?families=session_events_total")[0] == 404
    status, _, body = _get(app_url + "/_stcore/health")
    assert (status, body.strip()) == (200, b"ok")


@pytest.fixture
def foreign_site(app_url):
    """A page on another origin (another port) that tries to frame the atlas."""
    html = f'<!doctype html><title>x</title><iframe id="atlas" src="{app_url}/"></iframe>'

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_another_site_cannot_frame_the_atlas(browser, foreign_site):
    g = ab.guarded_page(browser)
    try:
        g.page.goto(foreign_site, wait_until="load")  # "load" waits for the iframe too
        framed = g.page.locator("#atlas").element_handle().content_frame()
        # Chromium refuses the document: the frame shows its error page, not the app.
        assert framed.url.startswith("chrome-error://"), framed.url
        assert framed.locator('[data-testid="stApp"]').count() == 0
    finally:
        g.context.close()


@pytest.mark.parametrize("path", ["/", "/present", "/risks", "/data", "/quality"])
def test_a_link_with_thousands_of_bad_values_opens_with_one_notice(page, app_url, path):
    parts = ",".join(["a"] * 2000)
    params = {"country": parts, "sector": parts, "step": "²", "within": "9" * 5000,
              "briefing": "../../etc/passwd", "q": "--output=/tmp/atlas-pwned"}
    page.goto(ab.page_url(app_url, path, params))
    ab.wait_ready(page, timeout_ms=60_000)
    toasts = page.get_by_test_id("stToast")
    expect(toasts).to_have_count(1)
    expect(toasts.first).to_contain_text("Part of this link was ignored")
    assert page.locator(ab.EXCEPTION).count() == 0


def test_a_new_server_answers_once_its_store_is_filled_and_its_dataset_loaded(data_dir,
                                                                           tmp_path):
    """Before /_stcore/health says ok (and so before anyone is sent to it), a first start
    has filled the embedded store from the files and loaded the dataset: the first
    visitor waits for neither (ca_atlas.ui.warmup)."""
    from ca_atlas.store import engine, serving
    from ca_atlas.store.store import Store

    state = tmp_path / "state"
    with ab.streamlit_server(data_dir, tmp_path / "server-ready.log",
                             extra_env={"ATLAS_STATE_DIR": str(state)}) as server:
        assert "projects (store-v1) ready in" in server.log_tail(40), server.log_tail(40)
        assert list((state / "snapshots").glob("atlas-*.pickle"))
        store = Store.open(f"sqlite:///{state / engine.STATE_FILE}")
        assert not serving.is_empty(store)
        status, _, body = _get(server.url + "/_atlas/ready")
        assert (status, body.strip()) == (200, b"ok")
