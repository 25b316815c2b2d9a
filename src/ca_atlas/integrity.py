"""Checks across records: references between them resolve, and points lie in their country.

Each check appends :class:`~ca_atlas.model.Problem` s naming the file, row, record and
field; a point just outside its country's simplified boundary is a warning, one far
outside an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
from shapely.geometry import Point
from shapely.ops import nearest_points

from . import boundaries as geodata
from . import geo, model
from .dataset import FILES
from .model import Problem, quote

#: How far (km) a point may lie outside its stated country before validation calls it an
#: error: simplified boundaries, coastal ports and border crossings need some slack.
COUNTRY_TOLERANCE_KM = 30.0


def ids(raw: dict[str, list[Any] | None]) -> dict[str, set[str] | None]:
    """Every id written in each file, valid record or not: a reference to a record that has
    its own error is reported there, not again as a dangling reference. None for a file
    that could not be read: references into it are not checked (its own error says it)."""
    return {key: None if records is None else
            {r["id"] for r in records if isinstance(r, Mapping) and isinstance(r.get("id"), str)}
            for key, records in raw.items()}


def check_references(projects, corridors, risks, claims, ids: dict[str, set[str] | None],
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


def km_outside(shape: Any, lat: float, lon: float) -> float:
    """How far (km) the point lies outside ``shape``; 0 when the shape covers it."""
    point = Point(lon, lat)
    if shape.covers(point):
        return 0.0
    on_border = nearest_points(shape, point)[0]
    return geo.km(lat, lon, on_border.y, on_border.x)


def outside_message(lat: float, lon: float, country: str, km: float) -> str:
    return f"point ({lat}, {lon}) lies {km:.0f} km outside {model.country_name(country)}"


def check_in_country(projects: list[dict], boundaries: gpd.GeoDataFrame,
                     problems: list[Problem]) -> None:
    shapes = geodata.country_shapes(boundaries)
    for p in projects:
        if p["lat"] is None or p["country"] not in shapes.index:
            continue
        km = km_outside(shapes[p["country"]], p["lat"], p["lon"])
        if not km:
            continue
        level = "error" if km > COUNTRY_TOLERANCE_KM else "warning"
        problems.append(Problem(FILES["projects"], p["_row"], p["id"], "lat",
                                outside_message(p["lat"], p["lon"], p["country"], km), level))
