"""The loader's checks that look beyond one record, run on what the store holds: a
project's point inside its country, a currency with rates, and the claims that name a
record (``claims.yaml`` is kept as bytes, but its ``related`` ids must resolve).

Shapes are built once per boundaries file (keyed by its hash), so a save stays cheap.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
from typing import Any

from .. import files, geo
from ..model import Problem, quote

#: How far (km) a point may lie outside its stated country: the loader's tolerance.
COUNTRY_TOLERANCE_KM = 30.0
BOUNDARIES = "boundaries/countries.geojson"
FX = "fx_rates.csv"
CLAIMS = "claims.yaml"


@functools.lru_cache(maxsize=4)
def _shapes(digest: str, raw: bytes) -> dict[str, Any]:
    from shapely.geometry import shape
    from shapely.ops import unary_union

    parts: dict[str, list] = {}
    for feature in json.loads(raw).get("features", []):
        code = (feature.get("properties") or {}).get("iso_a3")
        if code and feature.get("geometry"):
            parts.setdefault(code, []).append(shape(feature["geometry"]))
    return {code: unary_union(shapes) for code, shapes in parts.items()}


def outside_country(stored: dict[str, bytes], lat: Any, lon: Any, country: Any) -> str | None:
    """Why the point lies outside its country (more than the tolerance), or None."""
    raw = stored.get(BOUNDARIES)
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon))
    if raw is None or not numbers or not isinstance(country, str):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN fails too; reported elsewhere
        return None
    shapes = _shapes(hashlib.sha256(raw).hexdigest(), raw)
    if country not in shapes:
        return None
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    area, point = shapes[country], Point(lon, lat)
    if area.covers(point):
        return None
    edge = nearest_points(area, point)[0]
    km = geo.km(lat, lon, edge.y, edge.x)
    if km <= COUNTRY_TOLERANCE_KM:
        return None
    return f"point ({lat}, {lon}) lies {km:,.0f} km outside {country}"


def currencies(stored: dict[str, bytes]) -> set[str] | None:
    """The currencies fx_rates.csv has rates for (and USD); None without the file."""
    raw = stored.get(FX)
    if raw is None:
        return None
    rows = csv.reader(io.StringIO(raw.decode("utf-8", "replace")))
    return {row[0].strip() for row in rows if row} | {"USD"}


def check_project(stored: dict[str, bytes], document: Any, file: str, row: int,
                  problems: list[Problem]) -> None:
    """The country and currency checks of one project (others are left alone)."""
    if not isinstance(document, dict):
        return
    rid = document.get("id") if isinstance(document.get("id"), str) else None
    why = outside_country(stored, document.get("lat"), document.get("lon"), document.get("country"))
    if why:
        problems.append(Problem(file, row, rid, "lat", why))
    known = currencies(stored)
    amount = document.get("amount")
    currency = amount.get("currency") if isinstance(amount, dict) else None
    if known is not None and isinstance(currency, str) and currency not in known \
            and not any(p.field == "amount.currency" and p.record_id == rid for p in problems):
        problems.append(Problem(file, row, rid, "amount.currency",
                                f"{quote(currency)} has no rates in {FX}: add its rates there, "
                                "or give the amount in USD or a currency it has rates for"))


def claims_naming(stored: dict[str, bytes]) -> dict[str, list[str]]:
    """Record id -> the ids of the claims whose ``related`` names it."""
    raw = stored.get(CLAIMS)
    if raw is None:
        return {}
    try:
        claims = files.parse_yaml(CLAIMS, files.decode(CLAIMS, raw), list)
    except files.FileError:
        return {}
    out: dict[str, list[str]] = {}
    for claim in claims:
        if isinstance(claim, dict) and isinstance(claim.get("related"), list):
            for ref in claim["related"]:
                if isinstance(ref, str):
                    out.setdefault(ref, []).append(str(claim.get("id")))
    return out


def check_claims(stored: dict[str, bytes], ids: set[str], problems: list[Problem]) -> None:
    """Every id a claim names must be a record's."""
    for ref, claims in claims_naming(stored).items():
        if ref not in ids:
            problems.append(Problem(CLAIMS, None, claims[0], "related",
                                    f"no project, corridor or risk note has the id {quote(ref)}"))
