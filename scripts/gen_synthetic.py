#!/usr/bin/env python3
"""Write a SYNTHETIC dataset directory of N projects, for benchmarks only.

Every project is invented: ids ``synthetic-00001``..., names "Synthetic project 1"...,
sources on ``example.invalid``, placed at random inside the five countries' boundaries
(data/boundaries/countries.geojson). Corridors, risk notes, claims, exchange rates and
boundaries are copied unchanged from the source dataset (default: the repository's
``data/``), so the result has the shipped dataset's layout and passes
``ca_atlas.catalog.load``. Never ship or publish the output as data.

    .venv/bin/python scripts/gen_synthetic.py --out .bench/synthetic-10000 -n 10000
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
from pathlib import Path

import yaml
from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

ROOT = Path(__file__).resolve().parents[1]
FOCUS = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
#: Needed in the source; everything else in it is copied as well (except the projects).
COPIED = ("corridors.yaml", "risk_notes.yaml", "claims.yaml", "fx_rates.csv", "transit.yaml",
          "boundaries")
NOT_COPIED = ("projects.yaml", "README.md")

SECTORS = ("transport", "power", "renewables", "oil_gas", "petrochemicals", "mining", "water",
           "agriculture", "health", "education", "digital", "industry", "trade_facilitation",
           "finance")
STATUSES = ("announced", "agreed", "under_construction", "operating", "suspended", "cancelled")
FINANCING = ("oda_loan", "grant", "export_credit", "project_finance", "equity", "agreement",
             "unknown")
MEASURES = ("total_cost", "investor_share", "loan", "grant", "pledge", "contract")
ROLES = ("lead", "co_investor", "lender", "insurer", "contractor", "donor")
INVESTOR_COUNTRIES = ("JPN", "CHN", "KOR", "TUR", "USA", "DEU", "ARE", "RUS", "MUL", "FRA")
FLAGS = ("summit_2025", "green", "middle_corridor", "critical_minerals", "digital_ai")


def country_shapes(boundaries: Path) -> dict:
    """iso_a3 -> (prepared shape, shape, bounds) of the five focus countries."""
    features = json.loads(boundaries.read_text(encoding="utf-8"))["features"]
    parts: dict[str, list] = {code: [] for code in FOCUS}
    for f in features:
        code = f["properties"].get("iso_a3")
        if code in parts and f.get("geometry"):
            parts[code].append(shape(f["geometry"]))
    out = {}
    for code, geoms in parts.items():
        if not geoms:
            raise SystemExit(f"{boundaries}: no boundary for {code}")
        geom = unary_union(geoms)
        out[code] = (prep(geom), geom, geom.bounds)
    return out


def random_point(rng: random.Random, prepared, bounds) -> tuple[float, float]:
    """A point strictly inside the country, still inside after rounding to 1e-4 deg."""
    minx, miny, maxx, maxy = bounds
    while True:
        lon = round(rng.uniform(minx, maxx), 4)
        lat = round(rng.uniform(miny, maxy), 4)
        if prepared.contains(Point(lon, lat)):
            return lat, lon


def fx_currencies(fx_csv: Path) -> list[tuple[str, int]]:
    if not fx_csv.exists():
        return []
    with fx_csv.open(encoding="utf-8", newline="") as fh:
        return [(row["currency"], int(row["year"])) for row in csv.DictReader(fh)]


def project(i: int, rng: random.Random, shapes: dict, rates: list[tuple[str, int]],
            corridor_ids: list[str]) -> dict:
    country = rng.choice(FOCUS)
    placed = rng.random() > 0.03
    lat = lon = None
    if placed:
        prepared, _, bounds = shapes[country]
        lat, lon = random_point(rng, prepared, bounds)
    year = rng.randint(2005, 2025)
    amount = None
    if rng.random() > 0.12:
        currency, amount_year = "USD", year
        if rates and rng.random() < 0.25:
            currency, amount_year = rng.choice(rates)
        amount = {"value": round(10 ** rng.uniform(5.5, 10.3), -3), "currency": currency,
                  "measure": rng.choice(MEASURES), "year": amount_year}
    n_inv = rng.choice((1, 1, 1, 2, 2, 3))
    investors = [{"name": f"Synthetic investor {rng.randint(1, 60)}",
                  "country": rng.choice(INVESTOR_COUNTRIES),
                  "role": "lead" if k == 0 else rng.choice(ROLES)} for k in range(n_inv)]
    return {
        "id": f"synthetic-{i:05d}",
        "name": f"Synthetic project {i}",
        "country": country,
        "place": f"Synthetic place {i}",
        "lat": lat,
        "lon": lon,
        "location_precision": "site" if placed else "country",
        "sector": rng.choice(SECTORS),
        "description": "Synthetic record generated for benchmarks; not a real project.",
        "investors": investors,
        "financing_type": rng.choice(FINANCING),
        "amount": amount,
        "dates": {"announced": f"{year}-{rng.randint(1, 12):02d}",
                  "signed": f"{year}" if rng.random() < 0.6 else None,
                  "start": None, "completion": None},
        "status": rng.choice(STATUSES),
        "flags": rng.sample(FLAGS, rng.choice((0, 0, 1, 2))),
        "corridors": ([rng.choice(corridor_ids)] if corridor_ids and rng.random() < 0.1 else []),
        "sources": [{"url": f"https://example.invalid/synthetic/{i}",
                     "publisher": "Synthetic benchmark generator", "date": "2025-01-01"}],
        "confidence": "low",
        "note": "SYNTHETIC: invented for performance tests.",
        "last_verified": "2025-12-01",
    }


def _drop_refs(value, ids: set[str]):
    """``value`` with every list item that is one of ``ids`` removed, at any depth."""
    if isinstance(value, list):
        return [_drop_refs(v, ids) for v in value if not (isinstance(v, str) and v in ids)]
    if isinstance(value, dict):
        return {k: _drop_refs(v, ids) for k, v in value.items()}
    return value


def _copy_without_refs(src: Path, dst: Path, ids: set[str]) -> None:
    content = yaml.safe_load(src.read_text(encoding="utf-8"))
    cleaned = _drop_refs(content, ids)
    if cleaned == content:
        shutil.copy2(src, dst)
        return
    with dst.open("w", encoding="utf-8") as fh:
        fh.write(f"# Copied from {src} by scripts/gen_synthetic.py, references to the real "
                 "projects removed.\n")
        yaml.safe_dump(cleaned, fh, sort_keys=False, allow_unicode=True, width=120)


def generate(out: Path, n: int = 10_000, source: Path = ROOT / "data", seed: int = 20251220) -> Path:
    """Write the synthetic dataset into ``out`` (replaced if it exists) and return it."""
    source = Path(source)
    missing = [name for name in COPIED if not (source / name).exists()]
    if missing:
        raise SystemExit(f"{source}: missing {', '.join(missing)} (needed to copy them)")
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    real_ids = {p["id"] for p in (yaml.safe_load((source / "projects.yaml").read_text(
        encoding="utf-8")) or []) if isinstance(p, dict) and isinstance(p.get("id"), str)} \
        if (source / "projects.yaml").exists() else set()
    for src in sorted(source.rglob("*")):
        rel = src.relative_to(source)
        if (str(rel) in NOT_COPIED or any(part.startswith(".") for part in rel.parts)
                or not src.is_file()):
            continue
        dst = out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix in (".yaml", ".yml"):
            _copy_without_refs(src, dst, real_ids)
        else:
            shutil.copy2(src, dst)
    corridor_ids = [c["id"] for c in (yaml.safe_load((source / "corridors.yaml").read_text(
        encoding="utf-8")) or []) if isinstance(c, dict) and "id" in c]
    shapes = country_shapes(source / "boundaries" / "countries.geojson")
    rng = random.Random(seed)
    rates = fx_currencies(source / "fx_rates.csv")
    projects = [project(i, rng, shapes, rates, corridor_ids) for i in range(1, n + 1)]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with (out / "projects.yaml").open("w", encoding="utf-8") as fh:
        fh.write("# SYNTHETIC benchmark data written by scripts/gen_synthetic.py; "
                 "not real projects.\n")
        yaml.dump(projects, fh, Dumper=dumper, sort_keys=False, allow_unicode=True,
                  default_flow_style=False, width=120)
    (out / "README.md").write_text(
        f"# Synthetic dataset ({n} projects)\n\nWritten by `scripts/gen_synthetic.py` for "
        "benchmarks. Every project is invented. Corridors, risk notes, claims, exchange rates "
        f"and boundaries are copies of `{source}`.\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".bench" / "synthetic-10000",
                        help="directory to write (replaced if it exists)")
    parser.add_argument("-n", "--projects", type=int, default=10_000)
    parser.add_argument("--source", type=Path, default=ROOT / "data",
                        help="dataset whose corridors, risk notes, claims, fx and boundaries "
                             "are copied")
    parser.add_argument("--seed", type=int, default=20251220)
    parser.add_argument("--check", action="store_true",
                        help="load the result with ca_atlas.catalog.load afterwards")
    args = parser.parse_args(argv)
    out = generate(args.out, args.projects, args.source, args.seed)
    print(f"wrote {args.projects} synthetic projects to {out}")
    if args.check:
        from ca_atlas import catalog

        atlas = catalog.load(out)
        print(f"catalog.load: {len(atlas.projects)} projects, {len(atlas.warnings)} warning(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
