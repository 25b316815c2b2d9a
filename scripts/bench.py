#!/usr/bin/env python3
"""Benchmarks: the atlas beside a careful minimal map app, at several dataset sizes.

    make bench        (or .venv/bin/python scripts/bench.py [--sizes shipped,10000,100000])

For each size (``shipped`` is the repository's data/; a number is a synthetic dataset of
that many projects written by scripts/gen_synthetic.py into .bench/, git-ignored and
reused while its source is unchanged), in one run and one Chromium:

- the core: dataset load as the served atlas does it (cold: no snapshot yet; warm: the
  snapshot on disk, as after a restart; each in a fresh process) beside ``catalog.load``
  of the files (what the baseline does), the atlas map's build + render to HTML and its
  size;
- the atlas's map page and the baseline app (scripts/bench_baseline_app.py: cached data,
  one GeoJSON layer, ``returned_objects=[]``, a sector selectbox), each served in turn
  and driven the same way (scripts/bench_compare.py): the server's start until it
  answers (the atlas gets ready first: on a first start it fills its embedded store from
  the files) and the first render after it, on a first start, after a restart (store and
  snapshot on disk, as after every deploy) and warm, the
  median sector filter change until the map shows the new count, websocket bytes per
  change and going back to a view last shown six changes earlier, bytes on pan and zoom,
  server memory per extra browser session.

At the shipped size the baseline also runs on 1,000 generated points: the issue's
yardstick for the shipped filter change. Every figure of ours is printed beside the
baseline's with the ratio atlas / baseline.
Not part of ``make test``: timings belong here, tests check behaviour.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # the browser harness shared with the tests
sys.path.insert(0, str(ROOT / "scripts"))

import atlas_browser as ab  # noqa: E402
import bench_compare  # noqa: E402
import gen_synthetic  # noqa: E402

from ca_atlas import assets, catalog, maps, model, query  # noqa: E402
from ca_atlas import view as viewstate  # noqa: E402

BENCH_DIR = ROOT / ".bench"


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
    """The atlas map built and rendered whole (as exports do), ``runs`` times."""
    atlas = catalog.load(data_dir)
    builds, sizes = [], []
    state, _ = viewstate.from_params({})
    for _ in range(runs):
        t = time.perf_counter()
        view = query.apply(atlas, state)
        m = maps.build_map(atlas, view, state, height=640)
        html = m.get_root().render()
        builds.append(time.perf_counter() - t)
        sizes.append(len(html.encode("utf-8")))
    return {"projects": len(atlas.projects), "build_s": builds, "payload_bytes": sizes}, atlas


# -- the browser ---------------------------------------------------------------------------

def view_counts(atlas) -> tuple[dict, list[tuple[str, str]]]:
    """Located projects per view (None: all; a sector key), and the three largest sectors
    as (key, label) to filter by."""
    placed = atlas.projects[atlas.projects["lat"].notna()]
    sizes = placed["sector"].value_counts()
    top = [k for k in sizes.index if sizes[k] < len(placed)][:3]
    counts = {None: len(placed), **{k: int(sizes[k]) for k in top}}
    return counts, [(k, model.SECTORS[k]) for k in top]


#: The issue's yardstick at the shipped size: the baseline on this many generated points.
YARDSTICK_POINTS = 1_000


def browser_bench(data_dir: Path, atlas, label: str, yardstick: Path | None = None) -> dict:
    """Both apps on ``data_dir``; with ``yardstick``, the baseline on that dataset too
    (``baseline_yardstick``)."""
    from playwright.sync_api import sync_playwright

    counts, sectors = view_counts(atlas)
    if len(sectors) < 3:
        raise SystemExit(f"{label}: fewer than three sectors to filter by")
    timeout = 120 + len(atlas.projects) / 100  # the server loads the dataset at start
    runs = [("atlas", "atlas", data_dir, counts, sectors),
            ("baseline", "baseline", data_dir, counts, sectors)]
    if yardstick is not None:
        counts_y, sectors_y = view_counts(catalog.load(yardstick))
        runs.append(("baseline_yardstick", "baseline", yardstick, counts_y, sectors_y))
    results = {}
    # the atlas's state (its embedded store, filled from the files at the first start, and
    # the dataset's snapshot) kept for a second start: a restarted server, as every deploy
    state = BENCH_DIR / f"state-{label}"
    shutil.rmtree(state, ignore_errors=True)
    with sync_playwright() as p:
        browser = ab.launch(p)
        try:
            for key, name, directory, n, top in runs:
                log = BENCH_DIR / f"server-{label}-{key}.log"
                if name == "atlas":
                    serve = ab.streamlit_server(directory, log, startup_timeout=timeout,
                                                extra_env={"ATLAS_STATE_DIR": str(state)})
                else:
                    serve = bench_compare.baseline_server(directory, log, timeout)
                launched = time.perf_counter()
                with serve as server:
                    start_s = time.perf_counter() - launched
                    results[key] = bench_compare.measure(bench_compare.App(name), server,
                                                         browser, n, top)
                    results[key]["start_s"] = start_s
            log = BENCH_DIR / f"server-{label}-atlas-restarted.log"
            launched = time.perf_counter()
            with ab.streamlit_server(data_dir, log, startup_timeout=timeout,
                                     extra_env={"ATLAS_STATE_DIR": str(state)}) as server:
                results["atlas"]["start_restart_s"] = time.perf_counter() - launched
                results["atlas"]["first_restart_s"] = bench_compare.first_render(
                    bench_compare.App("atlas"), server, browser, counts[None])
            # the baseline keeps nothing between starts: a restart is its cold start
            results["baseline"]["first_restart_s"] = results["baseline"]["first_cold_s"]
            results["baseline"]["start_restart_s"] = results["baseline"]["start_s"]
            for r in (results["atlas"], results["baseline"]):
                r["launch_first_s"] = r["start_s"] + r["first_cold_s"]
                r["launch_restart_s"] = r["start_restart_s"] + r["first_restart_s"]
            print(f"  atlas: first render after a restart "
                  f"{results['atlas']['first_restart_s']:.2f} s", flush=True)
        finally:
            browser.close()
    return results


# -- report --------------------------------------------------------------------------------

def fmt(value, unit: str) -> str:
    """``value`` in ``unit``: seconds, or bytes shown as KB or MB."""
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "KB":
        return f"{value / 1e3:.1f} KB"
    if unit == "MB":
        return f"{value / 1e6:.1f} MB"
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


ROWS = (("sector filter change, median", "filter_median_s", "s"),
        ("server start until it answers, first start (fills the store)", "start_s", "s"),
        ("first render, first start", "first_cold_s", "s"),
        ("start + first render, first start", "launch_first_s", "s"),
        ("server start until it answers, restarted", "start_restart_s", "s"),
        ("first render, server restarted", "first_restart_s", "s"),
        ("start + first render, restarted", "launch_restart_s", "s"),
        ("first render, warm server", "first_warm_s", "s"),
        ("bytes to a view not shown before, median", "new_view_bytes", "KB"),
        ("bytes back to a view 6 changes ago", "back_bytes", "KB"),
        ("bytes on pan + zoom (both ways)", "pan_zoom_bytes", "KB"),
        ("server RSS per extra session", "session_rss_bytes", "MB"))


def report(results: dict[str, dict]) -> str:
    head = ("size", "figure", "atlas", "baseline", "atlas/baseline")
    rows = []
    for label, r in results.items():
        size = f"{label} ({r['projects']})"
        core = r
        rows.append((size, "dataset load, cold / warm (snapshot on disk)",
                     f"{fmt(core['load_cold_s'], 's')} / {fmt(core['load_warm_s'], 's')}",
                     fmt(core["load_files_s"], "s"), ""))
        rows.append((size, "map build + render to HTML", fmt(median(core["build_s"]), "s"),
                     "", ""))
        rows.append((size, "map HTML (whole map, export)",
                     fmt(median(core["payload_bytes"]), "MB"), "", ""))
        ours, base = r.get("atlas"), r.get("baseline")
        if not ours:
            continue
        for name, key, unit in ROWS:
            a, b = ours.get(key), base.get(key)
            share = "n/a" if not b or a is None else f"{a / b:.2f}"
            rows.append((size, name, fmt(a, unit), fmt(b, unit), share))
        yard = r.get("baseline_yardstick")
        if yard:
            a, b = ours.get("filter_median_s"), yard.get("filter_median_s")
            share = "n/a" if not b or a is None else f"{a / b:.2f}"
            rows.append((size, f"filter change vs the baseline at {YARDSTICK_POINTS:,} points",
                         fmt(a, "s"), fmt(b, "s"), share))
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
              for row in rows]
    lines.append("filter change: one rerun (all -> a sector or back), timed from the click that "
                 "changes the filter until the map shows the new count; medians of 7 changes")
    return "\n".join(lines)


def datasets(sizes: str, shipped: Path) -> dict[str, Path]:
    out = {}
    for size in (x.strip() for x in sizes.split(",") if x.strip()):
        out[size] = shipped if size == "shipped" else synthetic_dataset(int(size), shipped)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks: the atlas beside a minimal app")
    parser.add_argument("--runs", type=int, default=3, help="core runs per figure (median)")
    parser.add_argument("--sizes", default="shipped,10000,100000",
                        help="comma-separated: 'shipped' and/or numbers of projects")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="shipped dataset")
    parser.add_argument("--no-browser", action="store_true", help="core timings only")
    parser.add_argument("--no-scenarios", action="store_true", help="skip scenario timings")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    BENCH_DIR.mkdir(exist_ok=True)
    assets.configure_assets("local")
    if not args.no_browser:
        problem = ab.check_chromium()
        if problem:
            raise SystemExit(problem)
    results: dict[str, dict] = {}
    for label, directory in datasets(args.sizes, args.data).items():
        print(f"[{time.perf_counter() - started:5.0f} s] {label}: core ({directory})", flush=True)
        core, atlas = core_bench(directory, args.runs)
        core.update(bench_compare.load_times(directory))
        results[label] = core
        if not args.no_browser:
            print(f"[{time.perf_counter() - started:5.0f} s] {label}: Chromium", flush=True)
            yardstick = (synthetic_dataset(YARDSTICK_POINTS, args.data)
                         if label == "shipped" else None)
            results[label].update(browser_bench(directory, atlas, label, yardstick))
        del atlas
    scenario = None
    if not args.no_scenarios:
        print(f"[{time.perf_counter() - started:5.0f} s] scenarios", flush=True)
        _, base_atlas = core_bench(args.data, 1)
        scenario = scenario_bench(base_atlas, args.runs)
    print()
    print(report(results))
    if scenario:
        print(scenario_report(scenario))
        results["scenario"] = scenario
    problems = [p for r in results.values() for app in ("atlas", "baseline", "baseline_yardstick")
                for p in (r.get(app) or {}).get("problems", [])]
    for problem in problems:
        print(problem, file=sys.stderr)
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"total {time.perf_counter() - started:.0f} s; results in {BENCH_DIR / 'results.json'}"
          "; the machine may be shared: compare ratios within one run")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
