"""Load and validate the dataset directory into an :class:`Atlas` of GeoDataFrames.

``load(path)`` reads every file through :mod:`ca_atlas.files`, checks every record and
raises :class:`~ca_atlas.model.DatasetError` listing all errors when anything in the core
(projects, corridors, risk notes, claims, rates, transit, boundaries) is wrong; nothing
partial is returned, and no other exception leaves it. The optional parts are read after
the core: a broken briefing or summit ledger is left out and listed in
``atlas.disabled`` (see :func:`disabled_parts`) while the rest serves. Warnings (things a
reviewer should look at that do not stop the load) travel with the atlas.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from pyproj import Geod
from shapely.geometry import LineString, Point
from shapely.ops import nearest_points

from . import boundaries as geodata
from . import briefing, files, model, records, summit, tables
from .model import DatasetError, DisabledPart, Problem, quote
from .records import CLAIM_FIELDS, CORRIDOR_FIELDS, RISK_FIELDS
from .validation import RecordChecker, check_unique_ids

WGS84 = "EPSG:4326"
GEOD = Geod(ellps="WGS84")

#: How far (km) a point may lie outside its stated country before validation calls it an
#: error: simplified boundaries, coastal ports and border crossings need some slack.
COUNTRY_TOLERANCE_KM = 30.0
#: The largest amount in US dollars a project may convert to: the region's largest
#: projects are tens of billions, so a trillion means a wrong value, currency or rate.
USD_MAX = 1e12

FILES = {
    "projects": "projects.yaml",
    "corridors": "corridors.yaml",
    "risk_notes": "risk_notes.yaml",
    "claims": "claims.yaml",
    "fx": tables.FX_FILE,
    "transit": tables.TRANSIT_FILE,
    "summit": summit.FILE,
    "boundaries": geodata.COUNTRIES,
    "places": geodata.PLACES,
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
    #: Optional parts left out because their files have errors (see disabled_parts).
    disabled: tuple[DisabledPart, ...] = ()


def disabled_parts(atlas: Atlas) -> list[DisabledPart]:
    """The optional parts the atlas serves without because their files have errors: each a
    :class:`~ca_atlas.model.DisabledPart` with ``part`` ("briefing", "briefings" for an
    unreadable folder, "summit"), ``file``, ``title`` and its ``problems`` (``messages``
    gives them as text). Empty when everything loaded."""
    return list(atlas.disabled)


def fingerprint(data_dir: Path | str) -> str:
    """A short hash of every dataset file's bytes: the dataset's version. Never blocks or
    raises: a file that cannot be read (a FIFO, unreadable...) counts by its problem."""
    try:
        briefs = files.list_folder(data_dir, briefing.FOLDER)
    except files.FileError as exc:
        briefs = [f"{briefing.FOLDER}/!{exc.problem.message}"]
    return files.digest(data_dir, sorted(FILES.values()) + briefs)


def load(data_dir: Path | str | None = None) -> Atlas:
    """Read, validate and assemble the dataset in ``data_dir``."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    try:
        return _load(data_dir)
    except DatasetError:
        raise
    except Exception as exc:  # noqa: BLE001 - the app's last-good fallback needs a DatasetError
        raise DatasetError([Problem(str(data_dir), None, None, None,
                                    f"could not be loaded: unexpected {type(exc).__name__} "
                                    f"({quote(str(exc), 200, bare=True)}); please report it")]
                           ) from exc


def _load(data_dir: Path) -> Atlas:
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DatasetError([Problem(str(data_dir), None, None, None, "is not a directory")])

    raw = {key: _read_records(data_dir, FILES[key], problems)
           for key in ("projects", "corridors", "risk_notes", "claims")}
    fx, fx_ok = _read_fx(data_dir, problems)
    transit = _read_transit(data_dir, problems)
    boundaries = geodata.read(data_dir, FILES["boundaries"], problems)
    places = geodata.read(data_dir, FILES["places"], problems)

    corridors = _parse_all("corridors", raw["corridors"], records.corridor, problems)
    projects = _parse_all("projects", raw["projects"], records.project, problems)
    risks = _parse_all("risk_notes", raw["risk_notes"], records.risk, problems)
    claims = _parse_all("claims", raw["claims"], records.claim, problems)

    _check_references(projects, corridors, risks, claims, _ids(raw), problems)
    if boundaries is not None:
        _check_in_country(projects, boundaries, problems)
    usd = _convert_amounts(projects, fx, fx_ok, problems)

    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DatasetError(problems)

    project_gdf, investors = _project_frames(projects, usd)
    corridor_gdf, segments, nodes = _corridor_frames(corridors)
    core = Atlas(
        projects=project_gdf,
        investors=investors,
        corridors=corridor_gdf,
        segments=segments,
        nodes=nodes,
        risks=_risk_frame(risks),
        claims=pd.DataFrame(claims, columns=CLAIM_FIELDS),
        fx=fx,
        transit=transit,
        summit=None,
        briefings=(),
        boundaries=boundaries,
        places=places,
        version=fingerprint(data_dir),
        source_dir=str(data_dir),
        warnings=[p for p in problems if p.level == "warning"],
    )
    return with_parts(core, data_dir)


def with_parts(core: Atlas, data_dir: Path | str) -> Atlas:
    """``core`` with its optional parts read from ``data_dir``: the summit ledger and the
    briefings, checked against the core's ids. A part whose file has errors is left out
    and listed in ``disabled`` (see :func:`disabled_parts`)."""
    ledger, summit_broken = summit.read(data_dir)
    briefs, broken = briefing.load(data_dir, briefing.references(core))
    disabled = tuple(([summit_broken] if summit_broken else []) + broken)
    return replace(core, summit=ledger, briefings=tuple(briefs), disabled=disabled)


# -- reading files -----------------------------------------------------------------------

def _read_records(data_dir: Path, name: str, problems: list[Problem]) -> list[Any] | None:
    """The file's records; None (its problem added) when the file cannot be read at all."""
    try:
        return files.read_yaml(data_dir, name, list)
    except files.FileError as exc:
        problems.append(exc.problem)
        return None


def _read_fx(data_dir: Path, problems: list[Problem]) -> tuple[pd.DataFrame, bool]:
    """The rates, and whether the file read without errors."""
    before = len(problems)
    try:
        rows = files.read_csv(data_dir, FILES["fx"])
    except files.FileError as exc:
        problems.append(exc.problem)
        rows = []
    frame = tables.fx(rows, problems)
    return frame, not any(p.level == "error" for p in problems[before:])


def _read_transit(data_dir: Path, problems: list[Problem]) -> dict:
    """Per-mode speeds and border delays: ``{"modes": {mode: {...}}, "join_km": float}``."""
    try:
        content = files.read_yaml(data_dir, FILES["transit"], dict)
    except files.FileError as exc:
        problems.append(exc.problem)
        return {"modes": {}, "join_km": 0.0}
    return tables.transit(content, problems)


def _parse_all(kind: str, records: list[Any] | None, parse, problems: list[Problem]
               ) -> list[dict]:
    name = FILES[kind]
    records = records or []
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

def _ids(raw: dict[str, list[Any] | None]) -> dict[str, set[str] | None]:
    """Every id written in each file, valid record or not: a reference to a record that has
    its own error is reported there, not again as a dangling reference. None for a file
    that could not be read: references into it are not checked (its own error says it)."""
    return {key: None if records is None else
            {r["id"] for r in records if isinstance(r, Mapping) and isinstance(r.get("id"), str)}
            for key, records in raw.items()}


def _check_references(projects, corridors, risks, claims, ids: dict[str, set[str] | None],
                      problems: list[Problem]) -> None:
    corridor_ids = ids["corridors"]
    project_ids = ids["projects"]
    risk_ids = ids["risk_notes"]
    for p in projects:
        for i, cid in enumerate(p["corridors"]):
            if corridor_ids is not None and cid not in corridor_ids:
                problems.append(Problem(FILES["projects"], p["_row"], p["id"], f"corridors[{i}]",
                                        f"no corridor has the id {quote(cid)}"))
    for r in risks:
        for key, known in (("corridors", corridor_ids), ("projects", project_ids)):
            for i, ref in enumerate(r[key]):
                if known is not None and ref not in known:
                    problems.append(Problem(FILES["risk_notes"], r["_row"], r["id"],
                                            f"{key}[{i}]", f"no {key[:-1]} has the id {quote(ref)}"))
    if corridor_ids is None or project_ids is None or risk_ids is None:
        return
    everything = corridor_ids | project_ids | risk_ids
    for cl in claims:
        for i, ref in enumerate(cl["related"]):
            if ref not in everything:
                problems.append(Problem(FILES["claims"], cl["_row"], cl["id"], f"related[{i}]",
                                        f"no project, corridor or risk note has the id {quote(ref)}"))


def _check_in_country(projects: list[dict], boundaries: gpd.GeoDataFrame,
                      problems: list[Problem]) -> None:
    shapes = geodata.country_shapes(boundaries)
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


def _convert_amounts(projects: list[dict], fx: pd.DataFrame, fx_ok: bool,
                     problems: list[Problem]) -> dict[str, float | None]:
    """Each project's amount in US dollars (None when unknown). A currency the rates table
    has no rates for at all is an error (unless the table itself failed: that is reported
    there); a missing year of a known currency is a warning."""
    rates = {(r.currency, int(r.year)): r.usd_per_unit for r in fx.itertuples()}
    known = set(fx["currency"])
    out: dict[str, float | None] = {}
    for p in projects:
        amount = p["amount"]
        out[p["id"]] = None
        if not amount or amount["value"] is None or amount["currency"] is None:
            continue
        currency = amount["currency"]
        if currency == "USD":
            usd = amount["value"]
        elif currency not in known:
            if fx_ok:
                have = f"it has rates for {', '.join(sorted(known))}" if known else "it has none"
                problems.append(Problem(FILES["projects"], p["_row"], p["id"], "amount.currency",
                                        f"{currency} has no rates in {FILES['fx']} ({have}): "
                                        f"add {currency} rates there, or give the amount in "
                                        "USD or a currency it has rates for"))
            continue
        elif amount["year"] is None:  # already reported: no year to convert at
            continue
        elif (currency, amount["year"]) not in rates:
            problems.append(Problem(FILES["projects"], p["_row"], p["id"], "amount",
                                    f"no {currency} rate for {amount['year']} in "
                                    f"{FILES['fx']}; USD value unknown", level="warning"))
            continue
        else:
            usd = amount["value"] * rates[(currency, amount["year"])]
        if usd > USD_MAX:
            problems.append(Problem(FILES["projects"], p["_row"], p["id"], "amount.value",
                                    f"{amount['value']:,.0f} {currency} is US${usd:,.0f}, more "
                                    f"than the US${USD_MAX:,.0f} any project may be; check the "
                                    "value, its currency and the rate"))
            continue
        out[p["id"]] = usd
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
            "status_as_of": p["status_as_of"],
            "status_source": p["status_source"],
            "status_history": p["status_history"],
            "route": LineString(p["route"]) if p["route"] else None,
            "geometry": Point(p["lon"], p["lat"]) if p["lat"] is not None else None,
        })
        for i in p["investors"]:
            inv_rows.append({"project_id": p["id"], **i})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
    _keep_none(gdf, ["place", "note", "amount_currency", "amount_measure", "date_announced",
                     "date_signed", "date_start", "date_completion", "status_as_of",
                     "status_source"])
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
