"""Run the app and drive it in headless Chromium as a user would, with the network cut.

Shared by the browser tests (tests/e2e) and the benchmarks (scripts/bench.py), so both
start the server, block the network and decide "the page is ready" the same way.
Nothing here imports streamlit or the app.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
VIEWPORT = {"width": 1600, "height": 1000}


# -- the server --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


class ServerError(RuntimeError):
    pass


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started: its own process group (start_new_session), TERM then KILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@contextmanager
def streamlit_server(data_dir: Path | str, log_path: Path, startup_timeout: float = 90.0,
                     extra_env: Mapping[str, str] | None = None,
                     port: int | None = None) -> Iterator[Server]:
    """`streamlit run serve.py` on a free localhost port serving ``data_dir``; always stopped.

    Settings come from .streamlit/config.toml like in production; only where to listen
    (and the data directory) are set here, through the environment.
    """
    port = port or free_port()
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # Each server its own embedded store, filled from data_dir at its first start.
    state_dir = log_path.parent / f"state-{log_path.stem}-{port}"
    shutil.rmtree(state_dir, ignore_errors=True)
    env = {**os.environ, "ATLAS_STATE_DIR": str(state_dir), **(extra_env or {}),
           "ATLAS_DATA_DIR": str(data_dir),
           "STREAMLIT_SERVER_PORT": str(port),
           "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
           "STREAMLIT_SERVER_HEADLESS": "true",
           "PYTHONUNBUFFERED": "1"}
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    server = Server(url=url, data_dir=Path(data_dir), process=proc, log_path=log_path)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise ServerError(f"streamlit exited with code {proc.returncode} before it was "
                                  f"healthy; log {log_path}:\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200 and resp.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServerError(f"streamlit not healthy at {url} after {startup_timeout:.0f} s; "
                                  f"log {log_path}:\n{server.log_tail()}")
            time.sleep(0.25)
        yield server
    finally:
        _stop(proc)


#: The people the loopback OpenID Connect provider signs in (tests/e2e/conftest.py).
OIDC_EDITOR = "erin.editor@example.org"
OIDC_VIEWER = "victor.viewer@example.org"


# -- the browser ---------------------------------------------------------------------------

def check_chromium() -> str | None:
    """Why Chromium cannot be used, or None when it can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium "
                "(`make chromium`, or `apt-get install chromium`; set CHROMIUM=/path to use "
                "another build). Playwright cannot download browsers here.")
    return None


def launch(playwright):
    problem = check_chromium()
    if problem:
        raise RuntimeError(problem)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return (parsed.hostname or "") in LOCAL_HOSTS


@dataclass
class Guarded:
    """A page whose off-host requests are aborted and recorded, with its console errors."""

    page: object
    context: object
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    local_404s: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        out = [f"request to a non-local host (aborted): {u}" for u in self.blocked]
        out += [f"console error: {e}" for e in self.console_errors]
        out += [f"HTTP 5xx from the app: {e}" for e in self.server_errors]
        return out

    checked: bool = False

    def assert_clean(self) -> None:
        self.checked = True
        problems = self.problems()
        assert not problems, "the page was not clean:\n" + "\n".join(problems)


def guarded_page(browser, viewport: Mapping[str, int] = VIEWPORT) -> Guarded:
    """A fresh context (no shared state) and page with the network guard installed.

    Every request (any frame, including the map iframe) to a host other than
    127.0.0.1/localhost is aborted and recorded; so is any WebSocket off-host. Console
    errors and uncaught exceptions are recorded. The only console errors tolerated are
    Chromium's "Failed to load resource: ... status of 404" for a URL on localhost (e.g.
    the favicon); they are kept apart in ``local_404s``.
    """
    context = browser.new_context(viewport=dict(viewport), service_workers="block",
                                  locale="en-GB", timezone_id="UTC")
    g = Guarded(page=None, context=context)

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            g.blocked.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    g.page = page

    def on_console(msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "") or ""
        text = msg.text
        if (text.startswith("Failed to load resource: the server responded with a status of 404")
                and where and is_local(where)):
            g.local_404s.append(where)
            return
        if text.startswith("Failed to load resource") and where and not is_local(where):
            # the request was blocked by the guard, which already recorded it
            if where in g.blocked:
                return
        g.console_errors.append(f"{text} [at {where or '?'}]")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: g.console_errors.append(f"uncaught: {exc}"))
    page.on("response", lambda resp: resp.status >= 500
            and g.server_errors.append(f"{resp.status} {resp.url}"))
    page.on("websocket", lambda ws: None if is_local(ws.url) else g.blocked.append(ws.url))
    return g


# -- what "ready" means --------------------------------------------------------------------

def page_url(base: str, path: str = "/", params: Mapping | None = None) -> str:
    query = urlencode(params or {}, doseq=True)
    return base.rstrip("/") + path + (f"?{query}" if query else "")


def wait_ready(page, timeout_ms: float = 60_000, settle_ms: float = 300) -> None:
    """Until the script is not running (twice, ``settle_ms`` apart), then no exception shown.

    Right after navigation the app can report "notRunning" before its first run starts,
    so wait for the app's main block to have content too.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    page.wait_for_selector(READY, timeout=timeout_ms, state="attached")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"] "
        "[data-testid=\"stVerticalBlock\"] > *')", timeout=timeout_ms)
    while True:
        remaining = max(1_000, (deadline - time.monotonic()) * 1000)
        page.wait_for_selector(READY, timeout=remaining, state="attached")
        page.wait_for_timeout(settle_ms)
        if page.locator(READY).count():
            break
    assert_no_exception(page)


def assert_no_exception(page) -> None:
    exc = page.locator(EXCEPTION)
    if exc.count():
        texts = "\n---\n".join(exc.nth(i).inner_text() for i in range(exc.count()))
        raise AssertionError(f"the app shows an exception:\n{texts}")


def choose_sector(page, label: str | None, before_click=lambda: None) -> None:
    """Show one sector (its ``label``) through the sidebar, as a person does, or (None)
    remove the one chosen: one rerun. ``before_click`` runs just before the click that
    makes the change (opening the list and typing into it come first)."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has=page.get_by_text("Sector", exact=True))
    if label is None:
        remove = box.locator("[data-tag]").first.get_by_role("button").first
        remove.wait_for()
        before_click()
        remove.click()
        return
    box.locator("input").first.click()
    # the list is virtualised: an option far down is not in the page until typed
    page.keyboard.type(label)
    option = page.get_by_role("option", name=label, exact=True)
    option.wait_for()
    before_click()
    option.click()
    page.keyboard.press("Escape")


def map_frame(page, timeout_ms: float = 30_000):
    """The Frame of the folium map (the streamlit-folium component iframe)."""
    page.wait_for_selector(MAP_IFRAME, timeout=timeout_ms, state="attached")
    handle = page.locator(MAP_IFRAME).first.element_handle(timeout=timeout_ms)
    frame = handle.content_frame()
    if frame is None:
        raise AssertionError("the map iframe has no content frame")
    return frame


#: What the map shows, read from the DOM and from Leaflet's own layers. ``clusters`` are
#: the visible MarkerCluster icons: the count printed on each (DOM) and the project ids
#: inside it (Leaflet). ``single`` are project circles drawn on their own (an SVG path
#: with class leaflet-interactive in the document).
PROBE_JS = r"""
() => {
  const m = window.map;
  const out = {ready: false, single: [], singleDom: 0, clusters: [], clusterSpanSum: 0,
               clusterDomCount: 0, riskIcons: 0, corridorPaths: 0, legendVisible: false,
               legendText: '', interactive: 0, height: 0};
  out.interactive = document.querySelectorAll('.leaflet-interactive').length;
  const container = document.querySelector('.leaflet-container');
  out.height = container ? container.getBoundingClientRect().height : 0;
  const legend = document.querySelector('.atlas-legend');
  if (legend) {
    const r = legend.getBoundingClientRect();
    const s = getComputedStyle(legend);
    out.legendVisible = r.width > 0 && r.height > 0 && s.visibility !== 'hidden'
      && s.display !== 'none';
    out.legendText = legend.innerText;
  }
  out.riskIcons = document.querySelectorAll('.leaflet-marker-icon.risk-icon').length;
  const spans = document.querySelectorAll('.leaflet-marker-icon.marker-cluster span');
  out.clusterDomCount = document.querySelectorAll('.leaflet-marker-icon.marker-cluster').length;
  spans.forEach(s => { out.clusterSpanSum += parseInt(s.textContent, 10) || 0; });
  if (!m || typeof L === 'undefined') return out;
  out.ready = true;
  out.zoom = m.getZoom();
  m.eachLayer(l => {
    const props = l.feature && l.feature.properties;
    if (L.MarkerCluster && l instanceof L.MarkerCluster) {
      const ids = l.getAllChildMarkers().map(c => c.feature && c.feature.properties.project_id);
      const span = l._icon && l._icon.querySelector('span');
      out.clusters.push({count: l.getChildCount(), ids,
                         shown: span ? parseInt(span.textContent, 10) : null});
    } else if (props && props.project_id !== undefined && l._path) {
      out.single.push(props.project_id);
      if (l._path.isConnected && l._path.classList.contains('leaflet-interactive')
          && l._path.tagName.toLowerCase() === 'path') out.singleDom += 1;
    } else if (props && props.corridor_id !== undefined && l._path && l._path.isConnected) {
      out.corridorPaths += 1;
    }
  });
  return out;
}
"""


@dataclass
class MapState:
    raw: dict

    @property
    def clustered_ids(self) -> list[str]:
        return [i for c in self.raw["clusters"] for i in c["ids"]]

    @property
    def shown_ids(self) -> list[str]:
        return sorted(self.raw["single"] + self.clustered_ids)

    @property
    def dom_project_count(self) -> int:
        """Projects as the DOM shows them: numbers on cluster icons + lone circles."""
        return self.raw["clusterSpanSum"] + self.raw["singleDom"]

    def summary(self) -> str:
        r = self.raw
        return (f"zoom {r.get('zoom')}: {r['singleDom']} lone project circles + "
                f"{r['clusterDomCount']} clusters holding {r['clusterSpanSum']} "
                f"= {self.dom_project_count} projects; {r['corridorPaths']} corridor paths, "
                f"{r['riskIcons']} risk icons, legend visible: {r['legendVisible']}, "
                f"map height {r['height']:.0f}px")


def probe(frame) -> MapState:
    return MapState(frame.evaluate(PROBE_JS))


def wait_map(page, predicate=None, timeout_ms: float = 30_000, stable_ms: float = 800) -> MapState:
    """The map once Leaflet is up and its content has not changed for ``stable_ms``.

    With ``predicate``, also wait (up to the timeout) until ``predicate(state)`` holds;
    the last state is returned either way so the caller's assertion shows what was seen.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    last, since = None, time.monotonic()
    state = None
    while True:
        try:
            frame = map_frame(page, timeout_ms=max(1_000, (deadline - time.monotonic()) * 1000))
            state = probe(frame)
        except Exception:  # the iframe is being replaced: try again
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(200)
            continue
        key = repr((state.raw["single"], [c["ids"] for c in state.raw["clusters"]],
                    state.raw["riskIcons"], state.raw["corridorPaths"], state.raw["interactive"],
                    state.raw["clusterSpanSum"], state.raw["singleDom"]))
        now = time.monotonic()
        if key != last:
            last, since = key, now
        settled = state.raw["ready"] and state.raw["interactive"] > 0 and now - since >= stable_ms / 1000
        if settled and (predicate is None or predicate(state)):
            return state
        if now > deadline:
            return state
        page.wait_for_timeout(150)


def full_page_screenshot(page, path: Path | str, width: int = VIEWPORT["width"],
                         min_height: int = VIEWPORT["height"], max_height: int = 6000) -> Path:
    """Enlarge the viewport to the app's scrolling content, then screenshot the whole page.

    Streamlit scrolls inside its own container, so a plain full-page screenshot would stop
    at the window's height.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("""() => {
        const sels = ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]',
                      'section.main', '[data-testid="stSidebarContent"]'];
        let h = document.documentElement.scrollHeight;
        for (const s of sels) { const el = document.querySelector(s); if (el) h = Math.max(h, el.scrollHeight); }
        return h;
    }""")
    page.evaluate("""() => document.querySelectorAll('[data-testid="stMain"], '
        + '[data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]')
        .forEach(el => el.scrollTo(0, 0))""")
    old = page.viewport_size
    page.set_viewport_size({"width": width, "height": int(min(max(min_height, height + 40),
                                                             max_height))})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    if old:
        page.set_viewport_size(old)
    return path


#: Hostile text for one project: HTML that would run, a backtick and a template-literal
#: substitution (folium's Tooltip is a JS template literal), and a script element.
HOSTILE = ("Hostile <img src=x onerror=window.__pwned=1> `tick` ${window.__pwned=2} "
           "<script>window.__pwned=3</script>")


# -- accessibility (axe-core) -----------------------------------------------------------

#: axe-core, vendored by scripts/vendor_assets.sh (`make vendor`); injected, never fetched.
AXE_JS = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def _axe_inject(frame) -> None:
    if not AXE_JS.is_file():
        raise AssertionError(f"{AXE_JS} is missing: run `make vendor` (scripts/vendor_assets.sh)")
    if not frame.evaluate("() => typeof window.axe === 'object'"):
        frame.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))


def _axe_partials(frame, context, options) -> None:
    """axe's partial results for ``frame`` and, depth first, every frame inside it.

    The way @axe-core/playwright does it: each frame is checked in its own document
    (``axe.runPartial``) and the top document joins them (``axe.finishRun``), so rules
    about the whole page (a title, a lang) apply only to the top document, and targets
    name the iframe they are in. The partial results (megabytes: every rule's passes)
    stay in the browser, queued as JSON on the top window, in the order finishRun needs.
    """
    _axe_inject(frame)
    children = frame.evaluate("c => axe.utils.getFrameContexts(c)", context)
    frame.evaluate("async ([c, o]) => { const r = await axe.runPartial(c, o);"
                   " window.top.__atlasAxe.push(JSON.stringify(r)); }", [context, options])
    for child in children:
        selector = child["frameSelector"]
        if isinstance(selector, list):  # a path through shadow roots: not used by the app
            selector = " >> ".join(selector)
        handle = frame.locator(selector).first.element_handle(timeout=10_000)
        inner = handle.content_frame() if handle else None
        if inner is None:
            frame.evaluate("() => window.top.__atlasAxe.push('null')")  # "not tested"
            continue
        _axe_partials(inner, child["frameContext"], options)


def axe_run(page, tags: tuple[str, ...] = AXE_TAGS) -> dict:
    """axe-core's results for the page and all its frames (the map iframes included):
    violations in full, and what axe could not decide ("incomplete")."""
    options = {"runOnly": {"type": "tag", "values": list(tags)},
               "resultTypes": ["violations", "incomplete"]}
    page.evaluate("() => { window.__atlasAxe = []; }")
    _axe_partials(page.main_frame, {"exclude": []}, options)
    return page.evaluate("(o) => axe.finishRun(window.__atlasAxe.map((p) => JSON.parse(p)), o)"
                         ".then((r) => ({testEngine: r.testEngine, testEnvironment:"
                         " r.testEnvironment, violations: r.violations,"
                         " incomplete: r.incomplete}))", options)


def axe_report(violations: list[dict], max_nodes: int = 6) -> str:
    """One block per violation: rule, impact, help, and where: each node's target (through
    the frames it is in, joined by >>>) and the start of its HTML."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}"
                     f" [{v['helpUrl'].split('?')[0]}]")
        for node in v["nodes"][:max_nodes]:
            where = " >>> ".join(t if isinstance(t, str) else " >> ".join(t)
                                 for t in node["target"])
            html = " ".join((node.get("html") or "").split())[:90]
            lines.append(f"    {where}" + (f"\n      {html}" if html else ""))
        if len(v["nodes"]) > max_nodes:
            lines.append(f"    ... and {len(v['nodes']) - max_nodes} more")
    return "\n".join(lines)
