#!/usr/bin/env python3
"""Benchmarks: the shipped dataset (baseline) against a synthetic one of 10,000 projects.

    make bench        (or .venv/bin/python scripts/bench.py [--runs 3] [--projects 10000])

For each dataset, in one run so the two compare on the same machine:

- dataset load: ``catalog.load`` (seconds; median of ``--runs``)
- map build: ``query.apply`` + ``maps.build_map`` + ``m.get_root().render()`` (seconds)
- map HTML payload: bytes of that HTML (what the component sends to the browser)
- in headless Chromium with the network cut (as the browser tests do):
  - first page render, cold: the first visit after the server starts (it loads the
    dataset into its cache), from navigation until the ready signal with every
    project the view implies drawn in the map iframe (cluster counts + lone circles);
  - first page render, warm: the same in a fresh browser context, the server's cache warm;
  - filter change: toggle "Japanese participation only" in the sidebar, until the
    script is idle again and the map shows the new number of projects.

The synthetic dataset is written by scripts/gen_synthetic.py into .bench/ (git-ignored)
and reused while its source and size are unchanged. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # the browser harness shared with the tests
sys.path.insert(0, str(ROOT / "scripts"))

import atlas_browser as ab  # noqa: E402
import gen_synthetic  # noqa: E402

from ca_atlas import assets, catalog, maps, query  # noqa: E402

BENCH_DIR = ROOT / ".bench"
JAPAN_SWITCH = "Japanese participation only"
STEP_TIMEOUT_S = 180.0


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# -- datasets ----------------------------------------------------------------------------

def synthetic_dataset(n: int, source: Path) -> Path:
    """The synthetic dataset, regenerated only when its source files or size changed."""
    out = BENCH_DIR / f"synthetic-{n}"
    digest = hashlib.sha256(f"{n}:{gen_synthetic.__file__}".encode())
    for path in sorted(source.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(source)).encode())
            digest.update(path.read_bytes())
    digest.update(Path(gen_synthetic.__file__).read_bytes())
    stamp = out / ".stamp"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return out
    print(f"writing the synthetic dataset ({n} projects) to {out} ...", flush=True)
    gen_synthetic.generate(out, n, source)
    stamp.write_text(digest.hexdigest())
    return out


# -- the core ------------------------------------------------------------------------------

def core_bench(data_dir: Path, runs: int) -> tuple[dict, catalog.Atlas]:
    loads, builds, sizes = [], [], []
    atlas = None
    for _ in range(runs):
        t = time.perf_counter()
        atlas = catalog.load(data_dir)
        loads.append(time.perf_counter() - t)
    state, _ = query.from_params({})
    for _ in range(runs):
        t = time.perf_counter()
        view = query.apply(atlas, state)
        m = maps.build_map(atlas, view, state, height=640)
        html = m.get_root().render()
        builds.append(time.perf_counter() - t)
        sizes.append(len(html.encode("utf-8")))
    return {"projects": len(atlas.projects), "load_s": loads, "build_s": builds,
            "payload_bytes": sizes}, atlas


# -- the browser ---------------------------------------------------------------------------

def placed_count(atlas, params: dict) -> int:
    state, _ = query.from_params(params)
    p = query.apply(atlas, state).projects
    return int((p.geometry.notna() & ~p.geometry.is_empty).sum())


def until_rendered(page, expected: int, started: float) -> float:
    """Seconds from ``started`` until the script is idle and the map shows ``expected``."""
    deadline = started + STEP_TIMEOUT_S
    last = None
    while time.perf_counter() < deadline:
        try:
            if page.locator(ab.EXCEPTION).count():
                ab.assert_no_exception(page)
            if page.locator(ab.READY).count() and page.locator(ab.MAP_IFRAME).count():
                frame = page.locator(ab.MAP_IFRAME).first.element_handle(timeout=1_000) \
                    .content_frame()
                if frame is not None:
                    last = ab.probe(frame)
                    if last.raw["ready"] and last.dom_project_count == expected \
                            and page.locator(ab.READY).count():
                        return time.perf_counter() - started
        except AssertionError:
            raise
        except Exception:  # frame being replaced mid-probe
            pass
        page.wait_for_timeout(50)
    seen = last.summary() if last else "no map"
    raise TimeoutError(f"not rendered within {STEP_TIMEOUT_S:.0f} s: expected {expected} "
                       f"projects, saw {seen}")


def browser_bench(data_dir: Path, atlas, runs: int, label: str) -> dict:
    from playwright.sync_api import sync_playwright

    all_n = placed_count(atlas, {})
    japan_n = placed_count(atlas, {"japan": "1"})
    if all_n == japan_n:
        raise SystemExit(f"{label}: the Japan filter changes nothing; pick another filter")
    result: dict = {"placed_all": all_n, "placed_japan": japan_n, "first_cold_s": None,
                    "first_warm_s": [], "filter_s": [], "problems": []}
    log = BENCH_DIR / f"server-{label}.log"
    with ab.streamlit_server(data_dir, log, startup_timeout=120) as server, \
            sync_playwright() as p:
        browser = ab.launch(p)
        try:
            for i in range(runs + 1):  # the first visit is the cold one
                g = ab.guarded_page(browser)
                try:
                    started = time.perf_counter()
                    g.page.goto(ab.page_url(server.url, "/"))
                    elapsed = until_rendered(g.page, all_n, started)
                    if i == 0:
                        result["first_cold_s"] = elapsed
                    else:
                        result["first_warm_s"].append(elapsed)
                    if i == runs:  # the last page: filter changes
                        switch = g.page.get_by_test_id("stSidebar").get_by_text(JAPAN_SWITCH)
                        for k in range(max(2, runs + 1)):
                            want = japan_n if k % 2 == 0 else all_n
                            started = time.perf_counter()
                            switch.click()
                            result["filter_s"].append(until_rendered(g.page, want, started))
                            g.page.wait_for_timeout(300)
                    result["problems"] += g.problems()
                finally:
                    g.context.close()
        finally:
            browser.close()
    return result


# -- report --------------------------------------------------------------------------------

def fmt(value, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value / 1e6:.2f} MB"
    return str(value)


def ratio(a, b) -> str:
    if a in (None, 0) or b is None:
        return "n/a"
    return f"{b / a:.1f}x"


def scaled_network(atlas, copies: int):
    """The atlas with its corridor network copied ``copies`` times side by side (each copy
    shifted and its node names suffixed), consecutive copies linked at every node: a
    network ``copies`` times larger for timing scenarios, never shown to anyone."""
    import dataclasses

    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import LineString

    nodes, segments, corridors = [], [], []
    for k in range(copies):
        shift = (k % 10) * 0.3, (k // 10) * 0.3  # ~33 km apart: never joined (join_km 15)
        n = atlas.nodes.copy()
        n["corridor_id"] = n["corridor_id"] + f"~{k}"
        n["name"] = n["name"] + f" ~{k}"
        n["lat"] = n["lat"] + shift[0]
        n["lon"] = n["lon"] + shift[1]
        nodes.append(n)
        sg = atlas.segments.copy()
        sg["corridor_id"] = sg["corridor_id"] + f"~{k}"
        segments.append(sg)
        c = atlas.corridors.copy()
        c["id"] = c["id"] + f"~{k}"
        corridors.append(c)
    links = []
    first = atlas.nodes.drop_duplicates("name")
    for k in range(copies - 1):
        for seq, row in enumerate(first.itertuples()):
            links.append({"corridor_id": f"link~{k}", "seq": seq * 2, "name": f"{row.name} ~{k}",
                          "lat": row.lat, "lon": row.lon, "kind": "junction",
                          "country": row.country, "precision": "city", "mode_to_next": "rail"})
            links.append({"corridor_id": f"link~{k}", "seq": seq * 2 + 1,
                          "name": f"{row.name} ~{k + 1}", "lat": row.lat + 0.01,
                          "lon": row.lon, "kind": "junction", "country": row.country,
                          "precision": "city", "mode_to_next": "rail"})
    link_nodes = pd.DataFrame(links)
    link_segments = gpd.GeoDataFrame([
        {"corridor_id": r.corridor_id, "corridor_name": "link", "seq": r.seq, "from_node": r.name,
         "to_node": link_nodes.iloc[i + 1]["name"], "mode": "rail", "status": "operating",
         "length_km": 1.1, "geometry": LineString([(r.lon, r.lat), (r.lon, r.lat + 0.01)])}
        for i, r in enumerate(link_nodes.itertuples()) if r.seq % 2 == 0], geometry="geometry",
        crs="EPSG:4326")
    return dataclasses.replace(
        atlas, nodes=pd.concat([*nodes, link_nodes], ignore_index=True),
        segments=pd.concat([*segments, link_segments], ignore_index=True),
        corridors=pd.concat(corridors, ignore_index=True))


def scenario_bench(atlas, runs: int, copies: int = 100) -> dict:
    """Blocking Aktau and routing the preset pairs, on the real network and on one
    ``copies`` times larger."""
    from ca_atlas import network

    def timed(a, pairs):
        out = []
        for _ in range(runs):
            t = time.perf_counter()
            network.run_scenario(a, ["Aktau"], pairs)
            out.append(time.perf_counter() - t)
        return out

    big = scaled_network(atlas, copies)
    pairs = [(o, d, f) for o, d, f in network.PRESETS]
    big_pairs = [(f"{o} ~0", f"{d} ~{copies - 1}", f) for o, d, f in network.PRESETS]
    return {"real_nodes": network.build(atlas).graph.number_of_nodes(),
            "big_nodes": network.build(big).graph.number_of_nodes(),
            "real_s": timed(atlas, pairs), "big_s": timed(big, big_pairs)}


def scenario_report(r: dict) -> str:
    a, b = median(r["real_s"]), median(r["big_s"])
    from ca_atlas import network

    return (f"scenario (block Aktau, {len(network.PRESETS)} preset pairs): "
            f"real network {r['real_nodes']} nodes {fmt(a, 's')}; "
            f"network of 100 copies {r['big_nodes']} nodes {fmt(b, 's')}; ratio {ratio(a, b)}")


def report(results: dict[str, dict], runs: int) -> str:
    base, synth = results["baseline"], results["synthetic"]
    rows = [
        ("projects (located)", f"{base['projects']} ({base.get('placed_all', '?')})",
         f"{synth['projects']} ({synth.get('placed_all', '?')})",
         ratio(base["projects"], synth["projects"])),
    ]

    def row(name, key, unit, pick=median):
        a = pick(base[key]) if isinstance(base.get(key), list) else base.get(key)
        b = pick(synth[key]) if isinstance(synth.get(key), list) else synth.get(key)
        rows.append((name, fmt(a, unit), fmt(b, unit), ratio(a, b)))

    row("dataset load (catalog.load)", "load_s", "s")
    row("map build + render to HTML", "build_s", "s")
    row("map HTML payload", "payload_bytes", "MB")
    if "first_warm_s" in base:
        row("first page render, cold server", "first_cold_s", "s")
        row("first page render, warm server", "first_warm_s", "s")
        row("filter change -> rendered", "filter_s", "s")
    widths = [max(len(r[i]) for r in rows + [("metric", "baseline", "synthetic", "ratio")])
              for i in range(4)]
    head = ("metric", "baseline (shipped)", "synthetic", "ratio")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append(f"medians of {runs} runs; ratio = synthetic / baseline")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks: shipped vs synthetic dataset")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--projects", type=int, default=10_000, help="synthetic dataset size")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="baseline dataset")
    parser.add_argument("--no-browser", action="store_true", help="core timings only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    BENCH_DIR.mkdir(exist_ok=True)
    assets.configure_assets("local")
    if not args.no_browser:
        problem = ab.check_chromium()
        if problem:
            raise SystemExit(problem)

    datasets = {"baseline": args.data,
                "synthetic": synthetic_dataset(args.projects, args.data)}
    results: dict[str, dict] = {}
    for label, directory in datasets.items():
        print(f"[{time.perf_counter() - started:5.0f} s] {label}: core ({directory})", flush=True)
        core, atlas = core_bench(directory, args.runs)
        results[label] = core
        if not args.no_browser:
            print(f"[{time.perf_counter() - started:5.0f} s] {label}: Chromium", flush=True)
            results[label].update(browser_bench(directory, atlas, args.runs, label))
    print(f"[{time.perf_counter() - started:5.0f} s] scenarios", flush=True)
    _, base_atlas = core_bench(args.data, 1)
    scenario = scenario_bench(base_atlas, args.runs)
    print()
    print(report(results, args.runs))
    print(scenario_report(scenario))
    results["scenario"] = scenario
    for label, r in results.items():
        raw = {k: ([round(x, 3) for x in v] if isinstance(v, list) and v
                   and isinstance(v[0], float) else v) for k, v in r.items() if k != "problems"}
        print(f"{label} raw: {json.dumps(raw)}")
        for problem in r.get("problems", []):
            print(f"{label}: {problem}", file=sys.stderr)
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"total {time.perf_counter() - started:.0f} s; results in {BENCH_DIR / 'results.json'}")
    return 1 if any(r.get("problems") for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
