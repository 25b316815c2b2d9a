"""Load and validate the dataset directory into an :class:`Atlas` of GeoDataFrames.

``load(path)`` reads every file, checks every record and raises
:class:`~ca_atlas.model.DatasetError` listing all errors when anything is wrong; nothing
partial is ever returned. Warnings (things a reviewer should look at that do not stop
the load) travel with the atlas.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import yaml
from pyproj import Geod
from shapely.geometry import LineString, Point
from shapely.ops import nearest_points

from . import briefing, model, records, summit
from .model import DatasetError, Problem
from .records import CLAIM_FIELDS, CORRIDOR_FIELDS, RISK_FIELDS
from .validation import RecordChecker, check_unique_ids, url_problem

WGS84 = "EPSG:4326"
#: libyaml's safe loader when PyYAML was built with it (about 3x faster), else the Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
GEOD = Geod(ellps="WGS84")

#: How far (km) a point may lie outside its stated country before validation calls it an
#: error: simplified boundaries, coastal ports and border crossings need some slack.
COUNTRY_TOLERANCE_KM = 30.0

FILES = {
    "projects": "projects.yaml",
    "corridors": "corridors.yaml",
    "risk_notes": "risk_notes.yaml",
    "claims": "claims.yaml",
    "fx": "fx_rates.csv",
    "transit": "transit.yaml",
    "summit": "summit_2025.yaml",
    "boundaries": "boundaries/countries.geojson",
    "places": "boundaries/places.geojson",
}



def default_data_dir() -> Path:
    """The dataset directory: ``$ATLAS_DATA_DIR`` or the repository's ``data/``."""
    env = os.environ.get("ATLAS_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data"


@dataclass(frozen=True)
class Atlas:
    """The whole dataset, validated, as frames the rest of the core works on."""

    projects: gpd.GeoDataFrame
    investors: pd.DataFrame
    corridors: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    nodes: pd.DataFrame
    risks: gpd.GeoDataFrame
    claims: pd.DataFrame
    fx: pd.DataFrame
    transit: dict
    summit: summit.Ledger | None
    briefings: tuple
    boundaries: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    version: str
    source_dir: str
    warnings: list[Problem] = field(default_factory=list)


def fingerprint(data_dir: Path | str) -> str:
    """A short hash of every dataset file's bytes: the dataset's version."""
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    names = sorted(FILES.values()) + sorted(
        f"briefings/{p.name}" for p in (data_dir / "briefings").glob("*.yaml"))
    for name in names:
        path = data_dir / name
        digest.update(name.encode())
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load(data_dir: Path | str | None = None) -> Atlas:
    """Read, validate and assemble the dataset in ``data_dir``."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DatasetError([Problem(str(data_dir), None, None, None, "is not a directory")])

    raw = {key: _read_yaml(data_dir, FILES[key], problems)
           for key in ("projects", "corridors", "risk_notes", "claims")}
    fx = _read_fx(data_dir, problems)
    transit = _read_transit(data_dir, problems)
    ledger = _read_summit(data_dir, problems)
    boundaries = _read_geojson(data_dir, FILES["boundaries"], problems)
    places = _read_geojson(data_dir, FILES["places"], problems)

    corridors = _parse_all("corridors", raw["corridors"], records.corridor, problems)
    projects = _parse_all("projects", raw["projects"], records.project, problems)
    risks = _parse_all("risk_notes", raw["risk_notes"], records.risk, problems)
    claims = _parse_all("claims", raw["claims"], records.claim, problems)

    _check_references(projects, corridors, risks, claims, _ids(raw), problems)
    if boundaries is not None:
        _check_in_country(projects, boundaries, problems)
    usd = _convert_amounts(projects, fx, problems)
    known = _ids(raw)
    node_names = {n["name"] for c in corridors for n in c["nodes"]}
    segment_keys = {f"{c['id']}:{i}" for c in corridors for i in range(len(c["nodes"]) - 1)}
    briefings = briefing.load(data_dir, {
        "projects": known["projects"], "corridors": known["corridors"],
        "risks": known["risk_notes"],
        "blocks": known["corridors"] | known["risk_notes"] | node_names | segment_keys,
    }, problems)

    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DatasetError(problems)

    project_gdf, investors = _project_frames(projects, usd)
    corridor_gdf, segments, nodes = _corridor_frames(corridors)
    return Atlas(
        projects=project_gdf,
        investors=investors,
        corridors=corridor_gdf,
        segments=segments,
        nodes=nodes,
        risks=_risk_frame(risks),
        claims=pd.DataFrame(claims, columns=CLAIM_FIELDS),
        fx=fx,
        transit=transit,
        summit=ledger,
        briefings=tuple(briefings),
        boundaries=boundaries,
        places=places,
        version=fingerprint(data_dir),
        source_dir=str(data_dir),
        warnings=[p for p in problems if p.level == "warning"],
    )


# -- reading files -----------------------------------------------------------------------

def _read_yaml(data_dir: Path, name: str, problems: list[Problem]) -> list[Any]:
    path = data_dir / name
    if not path.exists():
        problems.append(Problem(name, None, None, None, "is missing"))
        return []
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, None, None, f"is not UTF-8 text ({exc.reason})"))
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(name, None, None, None, f"is not valid YAML{line}: {reason}"))
        return []
    if content is None:
        return []
    if not isinstance(content, list):
        problems.append(
            Problem(name, None, None, None, "must be a YAML list of records (each starting '- ')")
        )
        return []
    return content


def _read_fx(data_dir: Path, problems: list[Problem]) -> pd.DataFrame:
    name = FILES["fx"]
    path = data_dir / name
    columns = ["currency", "year", "usd_per_unit", "source"]
    rows: list[dict] = []
    if not path.exists():
        problems.append(Problem(name, None, None, None, "is missing"))
        return pd.DataFrame(columns=columns)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            problems.append(Problem(name, 1, None, None,
                                    f"header must be {','.join(columns)}, got {reader.fieldnames}"))
            return pd.DataFrame(columns=columns)
        seen: set[tuple[str, int]] = set()
        for row_no, row in enumerate(reader, start=2):
            cur = (row["currency"] or "").strip()
            try:
                year = int(row["year"])
            except (TypeError, ValueError):
                problems.append(Problem(name, row_no, None, "year", f"expected a year, got {row['year']!r}"))
                continue
            try:
                rate = float(row["usd_per_unit"])
                if not rate > 0:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(Problem(name, row_no, None, "usd_per_unit",
                                        f"expected a positive number, got {row['usd_per_unit']!r}"))
                continue
            if len(cur) != 3 or not cur.isupper():
                problems.append(Problem(name, row_no, None, "currency",
                                        f"expected an ISO 4217 code like 'JPY', got {cur!r}"))
                continue
            bad_url = url_problem(row["source"])
            if bad_url:
                problems.append(Problem(name, row_no, None, "source", bad_url))
            if (cur, year) in seen:
                problems.append(Problem(name, row_no, None, "year", f"{cur} {year} is listed twice"))
            seen.add((cur, year))
            rows.append({"currency": cur, "year": year, "usd_per_unit": rate,
                         "source": row["source"]})
    return pd.DataFrame(rows, columns=columns)


def _read_summit(data_dir: Path, problems: list[Problem]) -> summit.Ledger | None:
    """The summit ledger; optional (a dataset without one simply shows no summit panel)."""
    path = data_dir / FILES["summit"]
    if not path.exists():
        return None
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(Problem(FILES["summit"], None, None, None, f"is not valid YAML: {exc}"))
        return None
    return summit.parse(content, problems)


def _read_transit(data_dir: Path, problems: list[Problem]) -> dict:
    """Per-mode speeds and border delays: ``{"modes": {mode: {...}}, "join_km": float}``."""
    name = FILES["transit"]
    path = data_dir / name
    if not path.exists():
        problems.append(Problem(name, None, None, None, "is missing"))
        return {"modes": {}, "join_km": 0.0}
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        problems.append(Problem(name, None, None, None, f"is not valid YAML: {exc}"))
        return {"modes": {}, "join_km": 0.0}
    modes_out: dict[str, dict] = {}
    modes = content.get("modes") if isinstance(content, Mapping) else None
    if not isinstance(modes, Mapping):
        problems.append(Problem(name, None, None, "modes", "is required: a mapping of modes"))
        modes = {}
    for mode, spec in modes.items():
        field_name = f"modes.{mode}"
        if mode not in model.SEGMENT_MODES:
            problems.append(Problem(name, None, None, field_name,
                                    f"{mode!r} is not one of: {', '.join(model.SEGMENT_MODES)}"))
            continue
        if not isinstance(spec, Mapping):
            problems.append(Problem(name, None, None, field_name, "expected a mapping"))
            continue
        checked = {}
        for key in ("speed_kmh", "border_delay_h"):
            value = spec.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or value < 0 or (key == "speed_kmh" and value == 0)):
                problems.append(Problem(name, None, None, f"{field_name}.{key}",
                                        f"expected a positive number or null, got {value!r}"))
                value = None
            checked[key] = None if value is None else float(value)
        source = spec.get("source")
        if checked["speed_kmh"] is not None and not isinstance(source, Mapping):
            problems.append(Problem(name, None, None, f"{field_name}.source",
                                    "a speed needs its source {url, publisher, date}"))
        elif isinstance(source, Mapping):
            bad = url_problem(source.get("url"))
            if bad:
                problems.append(Problem(name, None, None, f"{field_name}.source.url", bad))
        checked["source"] = dict(source) if isinstance(source, Mapping) else None
        modes_out[mode] = checked
    join_km = content.get("join_km", 0) if isinstance(content, Mapping) else 0
    if isinstance(join_km, bool) or not isinstance(join_km, (int, float)) or join_km < 0:
        problems.append(Problem(name, None, None, "join_km",
                                f"expected a distance in km, got {join_km!r}"))
        join_km = 0
    return {"modes": modes_out, "join_km": float(join_km)}


def _read_geojson(data_dir: Path, name: str, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    path = data_dir / name
    if not path.exists():
        problems.append(Problem(name, None, None, None, "is missing"))
        return None
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for a broken file
        problems.append(Problem(name, None, None, None, f"cannot be read as GeoJSON: {exc}"))
        return None
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    return gdf.to_crs(WGS84)


def _parse_all(kind: str, records: list[Any], parse, problems: list[Problem]) -> list[dict]:
    name = FILES[kind]
    check_unique_ids(name, records, problems)
    parsed = []
    for row, record in enumerate(records, start=1):
        checker = RecordChecker(name, row, record, problems)
        if not checker.ok:
            continue
        before = len([p for p in problems if p.level == "error"])
        result = parse(checker)
        after = len([p for p in problems if p.level == "error"])
        if result is not None and after == before:
            result["_row"] = row
            parsed.append(result)
    return parsed


# -- checks across records -----------------------------------------------------------------

def _ids(raw: dict[str, list[Any]]) -> dict[str, set[str]]:
    """Every id written in each file, valid record or not: a reference to a record that has
    its own error is reported there, not again as a dangling reference."""
    return {key: {r["id"] for r in records if isinstance(r, Mapping) and isinstance(r.get("id"), str)}
            for key, records in raw.items()}


def _check_references(projects, corridors, risks, claims, ids: dict[str, set[str]],
                      problems: list[Problem]) -> None:
    corridor_ids = ids["corridors"]
    project_ids = ids["projects"]
    risk_ids = ids["risk_notes"]
    for p in projects:
        for i, cid in enumerate(p["corridors"]):
            if cid not in corridor_ids:
                problems.append(Problem(FILES["projects"], p["_row"], p["id"], f"corridors[{i}]",
                                        f"no corridor has the id {cid!r}"))
    for r in risks:
        for key, known in (("corridors", corridor_ids), ("projects", project_ids)):
            for i, ref in enumerate(r[key]):
                if ref not in known:
                    problems.append(Problem(FILES["risk_notes"], r["_row"], r["id"],
                                            f"{key}[{i}]", f"no {key[:-1]} has the id {ref!r}"))
    everything = corridor_ids | project_ids | risk_ids
    for cl in claims:
        for i, ref in enumerate(cl["related"]):
            if ref not in everything:
                problems.append(Problem(FILES["claims"], cl["_row"], cl["id"], f"related[{i}]",
                                        f"no project, corridor or risk note has the id {ref!r}"))


def _check_in_country(projects: list[dict], boundaries: gpd.GeoDataFrame,
                      problems: list[Problem]) -> None:
    if "iso_a3" not in boundaries.columns:
        problems.append(Problem(FILES["boundaries"], None, None, "iso_a3", "is missing"))
        return
    shapes = boundaries.dissolve(by="iso_a3")["geometry"]
    for p in projects:
        if p["lat"] is None or p["country"] not in shapes.index:
            continue
        point = Point(p["lon"], p["lat"])
        shape = shapes[p["country"]]
        if shape.covers(point):
            continue
        on_border = nearest_points(shape, point)[0]
        _, _, dist_m = GEOD.inv(p["lon"], p["lat"], on_border.x, on_border.y)
        km = dist_m / 1000
        message = (f"point ({p['lat']}, {p['lon']}) lies {km:.0f} km outside "
                   f"{model.country_name(p['country'])}")
        level = "error" if km > COUNTRY_TOLERANCE_KM else "warning"
        problems.append(Problem(FILES["projects"], p["_row"], p["id"], "lat", message, level))


def _convert_amounts(projects: list[dict], fx: pd.DataFrame,
                     problems: list[Problem]) -> dict[str, float | None]:
    rates = {(r.currency, int(r.year)): r.usd_per_unit for r in fx.itertuples()}
    out: dict[str, float | None] = {}
    for p in projects:
        amount = p["amount"]
        if not amount or amount["value"] is None or amount["currency"] is None:
            out[p["id"]] = None
            continue
        if amount["currency"] == "USD":
            out[p["id"]] = amount["value"]
            continue
        if amount["year"] is None:  # already reported: no year to convert at
            out[p["id"]] = None
            continue
        rate = rates.get((amount["currency"], amount["year"]))
        if rate is None:
            out[p["id"]] = None
            problems.append(Problem(FILES["projects"], p["_row"], p["id"], "amount",
                                    f"no {amount['currency']} rate for {amount['year']} in "
                                    f"{FILES['fx']}; USD value unknown", level="warning"))
        else:
            out[p["id"]] = amount["value"] * rate
    return out


# -- frames ------------------------------------------------------------------------------

def _keep_none(frame: pd.DataFrame, columns: list[str]) -> None:
    """Optional text stays None: pandas 3 would store it as NaN, which is truthy."""
    for col in columns:
        if col in frame.columns:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)


def project_year(dates: Mapping[str, str | None]) -> int | None:
    """The year a project counts under: signed, else announced, else started."""
    for key in ("signed", "announced", "start"):
        if dates.get(key):
            return int(dates[key][:4])
    return None


def _project_frames(projects: list[dict], usd: dict) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    rows, inv_rows = [], []
    for p in projects:
        amount = p["amount"] or {}
        inv_countries = sorted({i["country"] for i in p["investors"] if i["country"]})
        rows.append({
            "id": p["id"],
            "name": p["name"],
            "country": p["country"],
            "country_name": model.country_name(p["country"]),
            "place": p["place"],
            "lat": p["lat"],
            "lon": p["lon"],
            "location_precision": p["location_precision"],
            "sector": p["sector"],
            "description": p["description"],
            "investors": p["investors"],
            "investor_names": "; ".join(i["name"] for i in p["investors"]),
            "investor_countries": inv_countries,
            "japanese": model.JAPAN in inv_countries,
            "financing_type": p["financing_type"],
            "amount_value": amount.get("value"),
            "amount_currency": amount.get("currency"),
            "amount_measure": amount.get("measure"),
            "amount_year": amount.get("year"),
            "amount_usd": usd.get(p["id"]),
            "year": project_year(p["dates"]),
            **{f"date_{k}": v for k, v in p["dates"].items()},
            "status": p["status"],
            "flags": p["flags"],
            "corridors": p["corridors"],
            "sources": p["sources"],
            "confidence": p["confidence"],
            "note": p["note"],
            "last_verified": p["last_verified"],
            "route": LineString(p["route"]) if p["route"] else None,
            "geometry": Point(p["lon"], p["lat"]) if p["lat"] is not None else None,
        })
        for i in p["investors"]:
            inv_rows.append({"project_id": p["id"], **i})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
    _keep_none(gdf, ["place", "note", "amount_currency", "amount_measure", "date_announced",
                     "date_signed", "date_start", "date_completion"])
    if len(gdf):
        gdf["amount_usd"] = pd.to_numeric(gdf["amount_usd"], errors="coerce").astype(float)
        gdf["year"] = gdf["year"].astype("Int64")
    investors = pd.DataFrame(inv_rows, columns=["project_id", "name", "country", "role"])
    return gdf, investors


def _segment_length_km(a: dict, b: dict) -> float:
    _, _, metres = GEOD.inv(a["lon"], a["lat"], b["lon"], b["lat"])
    return metres / 1000.0


def _corridor_frames(corridors: list[dict]):
    crows, srows, nrows = [], [], []
    for c in corridors:
        nodes = c["nodes"]
        total = 0.0
        for seq, node in enumerate(nodes):
            nrows.append({"corridor_id": c["id"], "seq": seq, **node})
        for seq, (a, b) in enumerate(zip(nodes, nodes[1:], strict=False)):
            km = _segment_length_km(a, b)
            total += km
            srows.append({
                "corridor_id": c["id"], "corridor_name": c["name"], "seq": seq,
                "from_node": a["name"], "to_node": b["name"], "mode": a["mode_to_next"],
                "status": c["status"], "length_km": km,
                "geometry": LineString([(a["lon"], a["lat"]), (b["lon"], b["lat"])]),
            })
        crows.append({
            **{k: c[k] for k in ("id", "name", "kind", "status", "description", "sources",
                                 "confidence", "note", "last_verified")},
            "node_names": [n["name"] for n in nodes],
            "countries": sorted({n["country"] for n in nodes if n["country"]}),
            "length_km": total,
            "geometry": LineString([(n["lon"], n["lat"]) for n in nodes]),
        })
    corridor_gdf = gpd.GeoDataFrame(
        crows, geometry="geometry", crs=WGS84,
        columns=[*CORRIDOR_FIELDS[:5], "sources", "confidence", "note", "last_verified",
                 "node_names", "countries", "length_km", "geometry"],
    )
    segments = gpd.GeoDataFrame(
        srows, geometry="geometry", crs=WGS84,
        columns=["corridor_id", "corridor_name", "seq", "from_node", "to_node", "mode", "status",
                 "length_km", "geometry"],
    )
    nodes = pd.DataFrame(nrows, columns=["corridor_id", "seq", "name", "lat", "lon", "kind",
                                         "country", "precision", "mode_to_next"])
    return corridor_gdf, segments, nodes


def _risk_frame(risks: list[dict]) -> gpd.GeoDataFrame:
    rows = []
    for r in risks:
        rows.append({**{k: v for k, v in r.items() if k != "_row"},
                     "claim_status": (r["claim"] or {}).get("status"),
                     "geometry": Point(r["lon"], r["lat"])})
    columns = [*RISK_FIELDS, "claim_status", "geometry"]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84, columns=columns)
    _keep_none(frame, ["date_end"])
    return frame
