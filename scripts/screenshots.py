"""Screenshots of every page in headless Chromium with the network blocked.

    .venv/bin/python scripts/screenshots.py http://localhost:8501 docs/screenshots

Used to look at what we built and to refresh the README's picture. Any request to a host
other than the app's is aborted and listed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGES = {"map": "/", "investment": "/investment", "corridors": "/corridors", "risks": "/risks",
         "present": "/present", "data": "/data", "quality": "/quality",
         "edit": "/edit?kind=project&record=uz-tashkent-new-airport", "history": "/history"}


def main(base: str, out_dir: str, width: int = 1600, height: int = 1000,
         query: str = "") -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    host = urlparse(base).hostname
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})

        def guard(route):
            if urlparse(route.request.url).hostname in (host, "localhost", "127.0.0.1"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        for name, path in PAGES.items():
            joiner = "&" if "?" in path else "?"
            page.goto(base.rstrip("/") + path + (f"{joiner}{query}" if query else ""))
            page.wait_for_selector(READY, timeout=60_000)
            if name == "map":
                frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
                frame.locator(".leaflet-interactive").first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
            # Streamlit scrolls inside its own container: grow the viewport to the content.
            tall = page.evaluate(
                "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight), 0)")
            page.set_viewport_size({"width": width, "height": max(height, int(tall) + 80)})
            page.wait_for_timeout(800)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            page.set_viewport_size({"width": width, "height": height})
            print(f"{name}: {out / f'{name}.png'}")
        browser.close()
    for url in blocked:
        print(f"blocked request off the app's host: {url}", file=sys.stderr)
    return 1 if blocked else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args[0] if args else "http://localhost:8501",
                  args[1] if len(args) > 1 else "artifacts/screenshots",
                  query=args[2] if len(args) > 2 else ""))
