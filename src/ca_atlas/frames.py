"""Checked records as the frames the core works on: projects (with their investors),
corridors (with their segments and nodes) and risk notes."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point

from . import geo, model
from .geo import WGS84
from .records import CORRIDOR_FIELDS, RISK_FIELDS


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


def project_frames(projects: list[dict], usd: dict) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
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
            "other_figures": p["other_figures"],
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


def corridor_frames(corridors: list[dict]):
    crows, srows, nrows = [], [], []
    for c in corridors:
        nodes = c["nodes"]
        total = 0.0
        for seq, node in enumerate(nodes):
            nrows.append({"corridor_id": c["id"], "seq": seq, **node})
        for seq, (a, b) in enumerate(zip(nodes, nodes[1:], strict=False)):
            km = geo.km(a["lat"], a["lon"], b["lat"], b["lon"])
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


def risk_frame(risks: list[dict]) -> gpd.GeoDataFrame:
    rows = []
    for r in risks:
        rows.append({**{k: v for k, v in r.items() if k != "_row"},
                     "claim_status": (r["claim"] or {}).get("status"),
                     "geometry": Point(r["lon"], r["lat"])})
    columns = [*RISK_FIELDS, "claim_status", "geometry"]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84, columns=columns)
    _keep_none(frame, ["date_end"])
    return frame
