"""The atlas's map page and the minimal baseline app (scripts/bench_baseline_app.py),
served one after the other and driven in the same Chromium, measured the same way.

For each app and dataset: first render (cold server, then a fresh browser context), a
sequence of sector filter changes (all -> A -> all -> B -> all -> C -> all -> A: one
rerun each, and the last goes back to a view last shown six changes earlier), the
websocket bytes each change brings, the bytes a pan and a zoom exchange, and the server's
memory per extra browser session. Loopback only; every step bounded in time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import atlas_browser as ab

ROOT = Path(__file__).resolve().parents[1]
BASELINE_DIR = ROOT / ".bench" / "baseline"
STEP_TIMEOUT_S = 420.0
EXTRA_SESSIONS = 3
BASELINE_CONFIG = """[server]
headless = true
enableStaticServing = true
runOnSave = false
fileWatcherType = "none"
[browser]
gatherUsageStats = false
"""

BASELINE_COUNT_JS = """(w) => { const m = w.map; if (!m) return -1; let n = 0;
  m.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.project_id !== undefined) n += 1; });
  return n; }"""

#: What the atlas's map shows, as the tests' probe counts it (numbers on cluster and grid
#: icons, plus lone circles drawn), without the probe's other readings (layout, styles).
ATLAS_COUNT_JS = """(w) => { const m = w.map; if (!m || !w.L) return -1; let n = 0;
  w.document.querySelectorAll('.leaflet-marker-icon.marker-cluster span')
    .forEach(s => { n += parseInt(s.textContent, 10) || 0; });
  m.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.project_id !== undefined && l._path && l._path.isConnected
        && l._path.classList.contains('leaflet-interactive')) n += 1; });
  return n; }"""

#: Installed in the page once (``window.benchWatch``): armed with the count a change should
#: show, it notes when the click begins (the first pointer press after arming) and, on every
#: animation frame, whether the map shows that count with the script finished. Both times
#: are the page's own clock, so the figure is click -> shown as drawn, not when a poll from
#: here happens to look (a poll every 50 ms, each a round trip, lags by tens of ms).
WATCH_JS = """([frameSelector, readySelector, countSource]) => {
  if (window.benchWatch) { return; }
  const count = eval(countSource);
  const w = window.benchWatch = {expected: null, clicked: null, shown: null};
  window.addEventListener('pointerdown', () => {
    if (w.expected !== null && w.clicked === null) { w.clicked = performance.now(); }
  }, true);
  const tick = () => {
    if (w.expected !== null && w.clicked !== null) {
      try {
        const frame = document.querySelector(frameSelector);
        const win = frame && frame.contentWindow;
        if (win && document.querySelector(readySelector) && count(win) === w.expected) {
          w.shown = performance.now(); w.expected = null;
        }
      } catch (e) { /* the frame is being replaced */ }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def _baseline_app() -> Path:
    """The baseline in its own folder: the app, a link to static/ (Streamlit serves the
    folder beside the main script) and Streamlit's default settings."""
    (BASELINE_DIR / ".streamlit").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "scripts" / "bench_baseline_app.py", BASELINE_DIR / "app.py")
    (BASELINE_DIR / ".streamlit" / "config.toml").write_text(BASELINE_CONFIG)
    link = BASELINE_DIR / "static"
    if not link.exists():
        link.symlink_to(ROOT / "static")
    return BASELINE_DIR / "app.py"


@contextmanager
def baseline_server(data_dir: Path, log_path: Path, startup_timeout: float):
    app = _baseline_app()
    port = ab.free_port()
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir),
           "STREAMLIT_SERVER_PORT": str(port),
           "STREAMLIT_SERVER_ADDRESS": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(app)],
                                cwd=BASELINE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = ab.Server(url=f"http://127.0.0.1:{port}", data_dir=data_dir, process=proc,
                       log_path=log_path)
    try:
        import urllib.request

        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise ab.ServerError(f"baseline exited: {server.log_tail()}")
            try:
                with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ab.ServerError(f"baseline not healthy: {server.log_tail()}")
            time.sleep(0.25)
        yield server
    finally:
        ab._stop(proc)


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Wire:
    """Websocket bytes the page receives and sends (every frame, both directions)."""

    def __init__(self, page):
        self.received = 0
        self.sent = 0
        page.on("websocket", self._watch)

    def _watch(self, ws):
        ws.on("framereceived", lambda payload: self._add("received", payload))
        ws.on("framesent", lambda payload: self._add("sent", payload))

    def _add(self, way: str, payload) -> None:
        setattr(self, way, getattr(self, way) + len(payload))

    def total(self) -> int:
        return self.received + self.sent


class App:
    """How to read and drive one of the two apps."""

    def __init__(self, name: str):
        self.name = name
        self.server = None

    def watch(self, page, expected: int) -> None:
        """Arm the page's watcher (:data:`WATCH_JS`) for the next change: it must show
        ``expected`` projects. Called just before the click that makes the change."""
        page.evaluate(WATCH_JS, [ab.MAP_IFRAME, ab.READY,
                                 ATLAS_COUNT_JS if self.name == "atlas" else BASELINE_COUNT_JS])
        page.evaluate("n => Object.assign(window.benchWatch, "
                      "{expected: n, clicked: null, shown: null})", expected)

    def change(self, page, label: str | None, expected: int) -> float:
        """Seconds from the click that shows ``label`` (or all) until the map, drawn,
        shows ``expected`` projects, both read from the page's clock."""
        started = self.choose(page, label, lambda: self.watch(page, expected))
        deadline = started + STEP_TIMEOUT_S
        while time.perf_counter() < deadline:
            if self.server is not None and self.server.process.poll() is not None:
                raise RuntimeError(f"{self.name}: the server exited")
            ab.assert_no_exception(page)
            took = page.evaluate("() => { const w = window.benchWatch; return w.shown === null"
                                 " ? null : (w.shown - w.clicked) / 1000; }")
            if took is not None:
                return took
            page.wait_for_timeout(50)
        raise TimeoutError(f"{self.name}: expected {expected} projects after {label or 'all'}")

    def shown(self, page) -> int:
        frame = page.locator(ab.MAP_IFRAME).first.element_handle(timeout=2_000).content_frame()
        if frame is None:
            return -1
        if self.name == "atlas":
            state = ab.probe(frame)
            return state.dom_project_count if state.raw["ready"] else -1
        return frame.evaluate(f"() => ({BASELINE_COUNT_JS})(window)")

    def choose(self, page, label: str | None, before_click) -> float:
        """Show one sector (``label``) or all (None): one rerun. ``before_click`` runs
        just before the click that makes the change. Returns when that click began
        (``time.perf_counter()``): opening a list or typing into it differs between the
        two apps' widgets and is not the app's time."""
        if self.name == "atlas":  # a sector, or none, in the sidebar's multiselect
            started = []
            ab.choose_sector(page, label,
                             lambda: (before_click(), started.append(time.perf_counter())))
            return started[0]
        page.get_by_test_id("stSelectbox").first.click()
        option = page.get_by_role("option", name=label or "All sectors", exact=True)
        option.wait_for()
        before_click()
        started = time.perf_counter()
        option.click()
        return started


def first_render(app: App, server, browser, count: int) -> float:
    """Seconds from opening the map page in a fresh browser context until it shows
    ``count`` projects."""
    app.server = server
    g = ab.guarded_page(browser)
    try:
        started = time.perf_counter()
        g.page.goto(ab.page_url(server.url, "/"))
        return until_shown(app, g.page, count, started)
    finally:
        g.context.close()


def until_shown(app: App, page, expected: int, started: float) -> float:
    deadline = started + STEP_TIMEOUT_S
    seen = None
    while time.perf_counter() < deadline:
        if app.server is not None and app.server.process.poll() is not None:
            raise RuntimeError(f"{app.name}: the server exited "
                               f"(code {app.server.process.returncode})")
        try:
            ab.assert_no_exception(page)
            if page.locator(ab.READY).count() and page.locator(ab.MAP_IFRAME).count():
                seen = app.shown(page)
                if seen == expected and page.locator(ab.READY).count():
                    return time.perf_counter() - started
        except AssertionError:
            raise
        except Exception:  # the frame is being replaced
            pass
        page.wait_for_timeout(50)
    raise TimeoutError(f"{app.name}: expected {expected} projects, saw {seen}")


def pan_and_zoom(page, wire: Wire) -> int:
    """Bytes both ways while the map is dragged and zoomed (and 2 s after each)."""
    box = page.locator(ab.MAP_IFRAME).first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = wire.total()
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 60, steps=8)
    page.mouse.up()
    page.wait_for_timeout(2_000)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(2_000)
    return wire.total() - before


def measure(app: App, server, browser, counts: dict, sectors: list[tuple[str, str]]) -> dict:
    """Every browser figure of one app on one dataset (see the module's docstring)."""
    out: dict = {"filter_s": [], "filter_bytes": [], "problems": []}
    app.server = server
    steps = [sectors[0], None, sectors[1], None, sectors[2], None, sectors[0]]
    pages = []
    try:
        for visit in ("first_cold_s", "first_warm_s"):
            g = ab.guarded_page(browser)
            pages.append(g)
            started = time.perf_counter()
            g.page.goto(ab.page_url(server.url, "/"))
            out[visit] = until_shown(app, g.page, counts[None], started)
            print(f"  {app.name}: {visit} {out[visit]:.2f} s", flush=True)
        page = pages[-1].page
        wire = Wire(page)
        page.reload()
        until_shown(app, page, counts[None], time.perf_counter())
        page.wait_for_timeout(1_000)
        for step in steps:
            key, label = (step or (None, None))
            page.wait_for_timeout(500)
            before = wire.received
            out["filter_s"].append(app.change(page, label, counts[key]))
            print(f"  {app.name}: sector {label or 'all'}: {out['filter_s'][-1]:.2f} s",
                  flush=True)
            page.wait_for_timeout(700)  # a second rerun's frames count too
            out["filter_bytes"].append(wire.received - before)
        out["back_bytes"] = out["filter_bytes"][-1]
        out["pan_zoom_bytes"] = pan_and_zoom(page, wire)
        base_rss = rss_bytes(server.process.pid)
        for _ in range(EXTRA_SESSIONS):
            g = ab.guarded_page(browser)
            pages.append(g)
            g.page.goto(ab.page_url(server.url, "/"))
            until_shown(app, g.page, counts[None], time.perf_counter())
        page.wait_for_timeout(1_000)
        out["session_rss_bytes"] = (rss_bytes(server.process.pid) - base_rss) / EXTRA_SESSIONS
        for g in pages:
            out["problems"] += [f"{app.name}: {p}" for p in g.problems()]
    finally:
        for g in pages:
            g.context.close()
    out["filter_median_s"] = statistics.median(out["filter_s"])
    # changes 1, 3 and 5 show a sector for the first time; 2, 4, 6 go back to "all"
    out["new_view_bytes"] = statistics.median(out["filter_bytes"][0:6:2])
    return out


def load_times(data_dir: Path) -> dict:
    """The dataset load as the served atlas does it (ca_atlas.snapshot), each in a fresh
    process: cold (no snapshot: the files read and validated, the snapshot written) and
    warm (the snapshot of this version on disk, as after a restart); and ``catalog.load``
    alone (the files read and validated; what the baseline does)."""
    import tempfile

    code = ("import sys,time; from ca_atlas import catalog, snapshot\n"
            "t=time.perf_counter()\n"
            "snapshot.load_or_build(sys.argv[2], 'bench', catalog.fingerprint(sys.argv[1]),\n"
            "                       lambda: catalog.load(sys.argv[1]))\n"
            "print(time.perf_counter()-t)")
    plain = ("import sys,time; from ca_atlas import catalog\n"
             "t=time.perf_counter(); catalog.load(sys.argv[1]); print(time.perf_counter()-t)")

    def timed(source: str, *args: str) -> float:
        done = subprocess.run([sys.executable, "-c", source, str(data_dir), *args],
                              capture_output=True, text=True, check=True, timeout=900,
                              env=dict(os.environ))
        return float(done.stdout.split()[-1])

    with tempfile.TemporaryDirectory(prefix="atlas-bench-snapshots-") as folder:
        cold = timed(code, folder)
        warm = timed(code, folder)
    return {"load_cold_s": cold, "load_warm_s": warm, "load_files_s": timed(plain)}
