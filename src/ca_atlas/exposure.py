"""Projects x risk notes: which risks touch each project, and the dollars exposed.

A risk note touches a project when the project lies inside the risk's area (its radius
around its centre, or :data:`geo.POINT_RISK_KM` around a risk that names only a place:
the same reach as the map and the scenarios) or within ``within_km`` of that area.
Distances are geodesic on the WGS 84 ellipsoid, and a project exactly at the limit counts
as touched.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from . import geo, model
from .atlas import Atlas


def pairs(atlas: Atlas, within_km: float = 0.0, projects: pd.DataFrame | None = None,
          risks: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (project, risk note) that touch, with the distance to the risk's edge.

    Vectorised: a spatial index (shapely's STRtree over the projects' points) proposes the
    pairs whose degree boxes overlap, one pyproj call measures them all, and array masks
    keep the ones within reach. Rows come risk by risk, projects in their frame's order.
    """
    projects = atlas.projects if projects is None else projects
    risks = atlas.risks if risks is None else risks
    placed = projects[projects["lat"].notna()]
    columns = ["project_id", "project", "country", "sector", "amount_usd", "risk_id", "risk",
               "category", "severity", "weight", "distance_km"]
    if placed.empty or risks.empty:
        return pd.DataFrame(columns=columns)
    plat = placed["lat"].to_numpy(dtype=float)
    plon = placed["lon"].to_numpy(dtype=float)
    rlat = risks["lat"].to_numpy(dtype=float)
    rlon = risks["lon"].to_numpy(dtype=float)
    reach = np.array([geo.risk_reach_km(r) for r in risks["radius_km"]], dtype=float)
    west, south, east, north = geo.degree_box(rlat, rlon, reach + max(float(within_km), 0.0))
    tree = shapely.STRtree(shapely.points(plon, plat))
    risk_i, proj_i = tree.query(shapely.box(west, south, east, north))
    beyond_edge = np.maximum(
        geo.km_pairs(rlat[risk_i], rlon[risk_i], plat[proj_i], plon[proj_i]) - reach[risk_i], 0.0)
    hit = beyond_edge <= within_km
    risk_i, proj_i, beyond_edge = risk_i[hit], proj_i[hit], beyond_edge[hit]
    order = np.lexsort((proj_i, risk_i))
    risk_i, proj_i, beyond_edge = risk_i[order], proj_i[order], beyond_edge[order]
    p = placed.iloc[proj_i]
    r = risks.iloc[risk_i]
    weights = r["severity"].map(model.RISK_SEVERITY_WEIGHTS)
    return pd.DataFrame({
        "project_id": p["id"].to_numpy(), "project": p["name"].to_numpy(),
        "country": p["country"].to_numpy(), "sector": p["sector"].to_numpy(),
        "amount_usd": p["amount_usd"].to_numpy(), "risk_id": r["id"].to_numpy(),
        "risk": r["title"].to_numpy(), "category": r["category"].to_numpy(),
        "severity": r["severity"].to_numpy(), "weight": weights.to_numpy(),
        "distance_km": beyond_edge.astype(float),
    }, columns=columns)


def per_project(touching: pd.DataFrame) -> pd.DataFrame:
    """One row per exposed project: its USD, the risks touching it and the highest weight."""
    if touching.empty:
        return pd.DataFrame(columns=["project_id", "project", "country", "sector", "amount_usd",
                                     "risks", "max_weight", "weighted_usd"])
    grouped = touching.groupby("project_id", sort=True)
    out = grouped.agg(project=("project", "first"), country=("country", "first"),
                      sector=("sector", "first"), amount_usd=("amount_usd", "first"),
                      risks=("risk", lambda s: "; ".join(sorted(set(s)))),
                      max_weight=("weight", "max")).reset_index()
    out["weighted_usd"] = out["amount_usd"] * out["max_weight"]
    return out


def totals(touching: pd.DataFrame, by: str) -> pd.DataFrame:
    """USD exposed per ``by`` ('country', 'sector' or 'category').

    ``usd`` counts each project once per group (a project in two risk categories counts
    in both rows of the category table, once in each); ``weighted_usd`` multiplies by the
    highest severity weight that touches it within the group. The two are never summed
    together.
    """
    if touching.empty:
        return pd.DataFrame(columns=[by, "label", "projects", "usd", "weighted_usd"])
    per_group = (touching.groupby([by, "project_id"], sort=True)
                 .agg(amount_usd=("amount_usd", "first"), weight=("weight", "max"))
                 .reset_index())
    per_group["weighted"] = per_group["amount_usd"] * per_group["weight"]
    out = (per_group.groupby(by, sort=True)
           .agg(projects=("project_id", "nunique"),
                usd=("amount_usd", lambda s: float(s.sum(skipna=True))),
                weighted_usd=("weighted", lambda s: float(s.sum(skipna=True))))
           .reset_index())
    labels = {"country": model.country_name, "sector": model.SECTORS.get,
              "category": model.RISK_CATEGORIES.get}[by]
    out["label"] = out[by].map(labels)
    return out[[by, "label", "projects", "usd", "weighted_usd"]].sort_values(
        "usd", ascending=False, ignore_index=True)


def headline(touching: pd.DataFrame) -> dict:
    """Exposed projects and USD, each project counted once."""
    projects = per_project(touching)
    return {
        "projects": len(projects),
        "usd": float(projects["amount_usd"].sum(skipna=True)) if len(projects) else 0.0,
        "weighted_usd": float(projects["weighted_usd"].sum(skipna=True)) if len(projects) else 0.0,
        "without_amount": int(projects["amount_usd"].isna().sum()) if len(projects) else 0,
    }
