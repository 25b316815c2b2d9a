"""Accessibility in Chromium: axe-core (WCAG 2.0/2.1, levels A and AA) on every page in every
mode, the map iframes included; chart text; the map's features by keyboard; the map
controls' icons.

axe-core is vendored by ``make vendor`` (static/vendor/axe-core) and injected into the top
document and every frame (atlas_browser.axe_run), so nothing is fetched. A serious or
critical violation fails, and so does text that axe leaves "to review" because it is the
exact colour of its background (white on a white button): axe files that under
"incomplete", and it is the worst contrast there is.
"""

from __future__ import annotations

import io
import re
from collections import Counter

import atlas_browser as ab
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

#: path -> (map iframes, Plotly charts at least, data tables at least) the page draws; axe
#: looks only once they are there, so that it checks the page a person sees.
PAGES = {
    "/": (1, 0, 0),
    "/investment": (0, 5, 0),
    "/corridors": (1, 0, 1),
    "/risks": (1, 4, 1),
    "/present": (1, 1, 0),
    "/data": (0, 0, 4),
    "/quality": (0, 0, 4),
    "/edit": (0, 0, 0),
    "/history": (0, 0, 1),
}
MODES = {
    "normal": {},
    "presenter": {"present": "1"},
    "high-contrast": {"present": "1", "contrast": "high"},
}
BLOCKING = ("serious", "critical")
SHOTS = ab.ROOT / "artifacts" / "a11y"


def _slug(path: str) -> str:
    return path.strip("/") or "map"


def _open(page, base: str, path: str, params: dict) -> None:
    """Open the page and wait for what it draws: its maps settled, its charts, its tables."""
    maps, charts, tables = PAGES[path]
    page.goto(ab.page_url(base, path, params))
    ab.wait_ready(page)
    expect(page.locator(ab.MAP_IFRAME)).to_have_count(maps, timeout=30_000)
    for i in range(maps):
        frame = page.frame_locator(ab.MAP_IFRAME).nth(i)
        expect(frame.locator(".leaflet-control-layers-toggle")).to_be_attached(timeout=30_000)
        expect(frame.locator(".leaflet-interactive").first).to_be_attached(timeout=30_000)
    if maps:
        ab.wait_map(page)
    if charts:
        expect(page.locator(".js-plotly-plot .main-svg").nth(charts - 1)).to_be_attached(
            timeout=30_000)
    if tables:
        expect(page.get_by_test_id("stDataFrame").nth(tables - 1)).to_be_visible(timeout=30_000)
    ab.assert_no_exception(page)


def _too_faint(check: dict) -> bool:
    """An incomplete contrast check whose colours axe did measure, and found too faint."""
    data = check.get("data")
    if not isinstance(data, dict):
        return False
    if data.get("messageKey") == "equalRatio":
        return True
    ratio, needed = data.get("contrastRatio"), data.get("expectedContrastRatio")
    try:
        return 0 < float(ratio) < float(str(needed).rstrip(":1"))
    except (TypeError, ValueError):
        return False


def _invisible_text(results: dict) -> list[dict]:
    """Nodes axe left "to review" although the colours it measured fail: text the colour of
    its background (white on a white button), or dark text that a high-contrast style put
    on black without reaching the text's own element."""
    out = []
    for item in results["incomplete"]:
        if item["id"] != "color-contrast":
            continue
        nodes = [n for n in item["nodes"] if any(_too_faint(c) for c in n["any"])]
        if nodes:
            out.append({**item, "impact": "serious", "nodes": nodes,
                        "help": "Text too faint against the background axe measured"})
    return out


#: Plotly's text, which axe cannot rule on (its SVG layers overlap, so it files every label
#: under "incomplete"), measured here: fill against the chart's paper, as WCAG computes it.
CHART_TEXT_JS = r"""
() => {
  const lin = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const rgba = (s) => { const v = (s.match(/[\d.]+/g) || []).map(Number); return v.length === 3 ? [...v, 1] : v; };
  const out = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
    const svg = plot.querySelector('.main-svg');
    const paper = svg ? rgba(getComputedStyle(svg).backgroundColor) : [];
    if (paper.length !== 4 || paper[3] < 1) { return; }
    plot.querySelectorAll('svg text').forEach((t) => {
      const words = t.textContent.trim();
      const box = t.getBoundingClientRect();
      if (!words || box.width === 0) { return; }
      const style = getComputedStyle(t);
      const [r, g, b, a] = rgba(style.fill);
      const alpha = a * parseFloat(style.fillOpacity || '1');
      const seen = [r, g, b].map((c, k) => alpha * c + (1 - alpha) * paper[k]);
      const [hi, lo] = [lum(seen), lum(paper)].sort((x, y) => y - x);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        out.push(`chart ${i + 1} ${t.getAttribute('class') || t.parentNode.getAttribute('class')} `
                 + `"${words.slice(0, 30)}" ${style.fill} ${ratio.toFixed(2)}:1 at ${size}px`);
      }
    });
  });
  return out;
}
"""


def _chart_text(page) -> list[dict]:
    nodes = page.evaluate(CHART_TEXT_JS)
    if not nodes:
        return []
    return [{"id": "chart-text-contrast", "impact": "serious",
             "help": "Chart text must have 4.5:1 contrast with the chart's background",
             "helpUrl": "https://www.w3.org/WAI/WCAG21/Understanding/contrast-minimum",
             "nodes": [{"target": [n]} for n in nodes]}]


def _whole_page_in_view(page, maps: int) -> None:
    """Grow the window to the page's content: axe measures the colours only of text in
    view (Streamlit scrolls inside its own container), and leaves the rest "to review"."""
    height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stMainBlockContainer"]')]
        .map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": ab.VIEWPORT["width"], "height": min(int(height) + 80, 8000)})
    ab.wait_ready(page)
    if maps:
        ab.wait_map(page)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path", list(PAGES), ids=[_slug(p) for p in PAGES])
def test_axe_finds_no_serious_violation(guarded, app_url, path, mode):
    page = guarded.page
    _open(page, app_url, path, MODES[mode])
    _whole_page_in_view(page, maps=PAGES[path][0])
    results = ab.axe_run(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    blocking += _invisible_text(results) + _chart_text(page)
    tested = results.get("testEnvironment", {})
    page.screenshot(path=str(SHOTS / f"{_slug(path)}-{mode}.png"))
    assert not blocking, (
        f"axe-core {results['testEngine']['version']} on {path} ({mode}, "
        f"{tested.get('windowWidth')}x{tested.get('windowHeight')}): "
        f"{len(blocking)} serious or critical violation(s):\n{ab.axe_report(blocking)}")
    guarded.assert_clean()


# -- the map by keyboard -------------------------------------------------------------------

def test_map_features_are_named_and_reached_by_keyboard(guarded, app_url, atlas):
    """Risk notes open their popup with Enter, a cluster zooms in, a project circle is
    selected: each is a named button the Tab key reaches."""
    page = guarded.page
    _open(page, app_url, "/", {})
    frame = ab.map_frame(page)
    risks = frame.locator(".leaflet-marker-icon.risk-icon")
    expect(risks).to_have_count(len(atlas.risks))
    first = risks.first
    expect(first).to_have_attribute("role", "button")
    expect(first).to_have_attribute("tabindex", "0")
    label = first.get_attribute("aria-label") or ""
    titles = {f"Risk note: {r.title}" for r in atlas.risks.itertuples()}
    assert any(label.startswith(t) for t in titles), f"risk marker named {label!r}"
    # Tab from the map itself reaches the features, in the map's own order
    frame.locator(".leaflet-container").focus()
    page.keyboard.press("Tab")
    focused = frame.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")
    assert focused.startswith(("Risk note: ", "Corridor ", "Project: ")), (
        f"Tab from the map focused {focused!r}")
    first.focus()
    page.keyboard.press("Enter")
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    title = label.removeprefix("Risk note: ").rsplit(",", 1)[0]
    expect(popup).to_contain_text(title)

    # a cluster says how many projects it holds; Enter opens it as a click does (zooms in,
    # or fans out projects that share a place), and more project circles are drawn
    cluster = frame.locator(".leaflet-marker-icon.marker-cluster").first
    expect(cluster).to_have_attribute("aria-label", re.compile(r"^\d+ projects close together"))
    named = 'path.leaflet-interactive[aria-label^="Project: "]'
    before = frame.locator(named).count()
    cluster.focus()
    page.keyboard.press("Enter")
    frame.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length > n",
                            arg=[named, before], timeout=10_000)

    circles = frame.locator('path.leaflet-interactive[aria-label^="Project: "]')
    expect(circles.first).to_be_attached()
    circle = circles.first
    expect(circle).to_have_attribute("tabindex", "0")
    expect(circle).to_have_attribute("role", "button")
    name = circle.get_attribute("aria-label")
    circle.focus()
    # focus shows the circle's tooltip, as hovering does (the project's name)
    project_name = name.removeprefix("Project: ").split(" (")[0]
    expect(frame.locator(".leaflet-tooltip").filter(has_text=project_name)).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]project="), timeout=30_000)
    ab.wait_ready(page)
    chosen = re.search(r"[?&]project=([^&]+)", page.url).group(1)
    record = atlas.projects.set_index("id").loc[chosen]
    assert name.startswith(f"Project: {record['name']} ("), (name, chosen)
    guarded.assert_clean()


#: Texts whose escaped forms the map decodes into accessible names: what the server sends
#: (``safe.text`` of odd names) and entities it never writes, which take the parser's path.
NAMES = ["Oil & gas", "<img src=x onerror=alert(1)>", "it's \"quoted\" `x` ${1+1} {a} \\",
         "Ташкент – Šiauliai 😀", "&amp; written out", "&#36; written out", ""]
ENTITIES = ["&nbsp;&copy;", "&#128;&#150;&#159;", "&#0;", "&#55296;", "&#1114112;",
            "&#128512;", "&#x41;&#X42;", "&ampx &amp", "&#1234567;", "a & b", "&#65;&#160;"]


def test_map_names_decode_as_the_html_parser_does(guarded, app_url):
    """A feature's accessible name is its escaped label decoded: the map's fast decoder
    must read every label exactly as the browser's HTML parser would."""
    from ca_atlas import safe

    page = guarded.page
    _open(page, app_url, "/", {})
    frame = ab.map_frame(page)
    texts = [safe.text(name) for name in NAMES] + ENTITIES
    pairs = frame.evaluate("""(texts) => texts.map((t) => {
        const box = document.createElement('textarea'); box.innerHTML = t;
        return [atlasA11y.text(t), box.value]; })""", texts)
    for text, (decoded, parsed) in zip(texts, pairs, strict=True):
        assert decoded == parsed, (text, decoded, parsed)
    assert [decoded for decoded, _ in pairs[:len(NAMES)]] == NAMES
    guarded.assert_clean()


# -- the controls' icons -----------------------------------------------------------------

CONTROLS = (".leaflet-control-layers-toggle", ".leaflet-control-zoom-fullscreen")


def _icon_pixels(png: bytes) -> int:
    """Pixels inside the button (its edge left out) that stand out from its face: none when
    the button is a blank square, dozens when its icon is drawn."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    inner = image.crop((4, 4, image.width - 4, image.height - 4)).tobytes()
    face = Counter(inner).most_common(1)[0][0]
    return sum(1 for value in inner if abs(value - face) > 96)


@pytest.mark.parametrize("forced", [False, True], ids=["own-colours", "forced-colours"])
@pytest.mark.parametrize("mode", ["presenter", "high-contrast"])
def test_map_control_icons_are_drawn(browser, app_url, mode, forced):
    """The layer and full-screen buttons show their icon, not a blank square: in presenter
    and high-contrast modes, and with the system's forced colours (Windows high contrast)."""
    guarded = ab.guarded_page(browser, {"width": 1280, "height": 720})
    if forced:
        guarded.page.emulate_media(forced_colors="active", color_scheme="dark")
    try:
        page = guarded.page
        _open(page, app_url, "/", MODES[mode])
        frame = page.frame_locator(ab.MAP_IFRAME).first
        for selector in CONTROLS:
            control = frame.locator(selector)
            expect(control).to_be_visible()
            drawn = _icon_pixels(control.screenshot())
            assert drawn >= 20, f"{selector} in {mode} is a blank square ({drawn} icon pixels)"
        guarded.assert_clean()
    finally:
        guarded.context.close()
