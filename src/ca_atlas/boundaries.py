"""The basemap's GeoJSON files (data/boundaries/), checked feature by feature into frames.

``countries.geojson``: one feature per country, with ``iso_a3`` (ISO 3166-1 alpha-3,
unique), ``name``, ``focus`` (true for exactly the five countries of the atlas) and
optionally ``iso_n3``; a Polygon or MultiPolygon each. ``places.geojson``: capitals
(Points) and water bodies (``sea`` or ``lake``, Polygons or MultiPolygons), each with
``kind``, ``name``, ``country`` (alpha-3, or null for water) and ``source``.

Problems name the file, the feature's number (as "record") and the property.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import shape

from . import files, model
from .model import Problem, quote

COUNTRIES = "boundaries/countries.geojson"
PLACES = "boundaries/places.geojson"
WGS84 = "EPSG:4326"
AREAS = ("Polygon", "MultiPolygon")
#: Place kinds and the geometries each may have.
PLACE_KINDS: dict[str, tuple[str, ...]] = {"capital": ("Point",), "sea": AREAS, "lake": AREAS}

_ALPHA3 = re.compile(r"^[A-Z]{3}$")
_NUMERIC3 = re.compile(r"^\d{3}$")


# -- geometries (RFC 7946 shapes in WGS 84) ----------------------------------------------

def _position_problem(pos: Any) -> str | None:
    if (not isinstance(pos, list) or len(pos) not in (2, 3)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos)):
        return f"expected a position [lon, lat], got {quote(pos, 40)}"
    if not all(math.isfinite(v) for v in pos):
        return f"position {quote(pos, 40)} is not finite"
    if not (-180 <= pos[0] <= 180 and -90 <= pos[1] <= 90):
        return f"position {quote(pos, 40)} is outside [-180..180, -90..90]"
    return None


_NUMBER_TYPES = (int, float)


def _plain_position(pos: Any) -> bool:
    """The quick test of a position (most of the file's work): [lon, lat] or [lon, lat, z]
    of plain numbers (type() leaves booleans out) in range (NaN fails every comparison)."""
    return (type(pos) is list and 2 <= len(pos) <= 3
            and type(pos[0]) in _NUMBER_TYPES and type(pos[1]) in _NUMBER_TYPES
            and -180 <= pos[0] <= 180 and -90 <= pos[1] <= 90
            and (len(pos) == 2 or (type(pos[2]) in _NUMBER_TYPES and math.isfinite(pos[2]))))


def _positions_problem(items: Any, least: int, ring: bool = False) -> str | None:
    if not isinstance(items, list) or len(items) < least:
        return f"expected a list of at least {least} positions, got {quote(items, 40)}"
    for pos in items:
        if _plain_position(pos):
            continue
        bad = _position_problem(pos) or f"position {quote(pos, 40)} is not finite"
        return bad
    if ring and items[0] != items[-1]:
        return "a polygon ring must end where it starts"
    return None


def _polygon_problem(rings: Any) -> str | None:
    if not isinstance(rings, list) or not rings:
        return f"expected a list of linear rings, got {quote(rings, 40)}"
    for ring in rings:
        bad = _positions_problem(ring, 4, ring=True)
        if bad:
            return bad
    return None


def _many(check, least: int = 1):
    def run(items: Any) -> str | None:
        if not isinstance(items, list) or len(items) < least:
            return f"expected a list, got {quote(items, 40)}"
        for item in items:
            bad = check(item)
            if bad:
                return bad
        return None
    return run


_COORDINATES = {
    "Point": _position_problem,
    "MultiPoint": _many(_position_problem),
    "LineString": lambda c: _positions_problem(c, 2),
    "MultiLineString": _many(lambda c: _positions_problem(c, 2)),
    "Polygon": _polygon_problem,
    "MultiPolygon": _many(_polygon_problem),
}


def geometry_problem(geometry: Any, allowed: Iterable[str]) -> str | None:
    """Why ``geometry`` is not a well-formed GeoJSON geometry of one of the ``allowed``
    types (finite WGS 84 positions, closed rings), or None when it is."""
    allowed = tuple(allowed)
    if geometry is None:
        return "is null: every feature needs a geometry"
    if not isinstance(geometry, dict):
        return f"expected a GeoJSON geometry object, got {quote(geometry, 40)}"
    kind = geometry.get("type")
    if kind not in allowed:
        return f"is a {quote(kind, 30)}; this file holds {' or '.join(allowed)}"
    bad = _COORDINATES[kind](geometry.get("coordinates"))
    return f"{kind}: {bad}" if bad else None


# -- properties ---------------------------------------------------------------------------

def _text(props: Mapping, key: str, bad, required: bool = True) -> str | None:
    value = props.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        bad(key, f"is required text, got {quote(value)}")
        return None
    return value


def _country_props(props: Mapping, bad) -> tuple[str, ...]:
    """The geometry types a country may have, after checking its properties."""
    code = props.get("iso_a3")
    if not isinstance(code, str) or not _ALPHA3.match(code):
        bad("iso_a3", f"expected an ISO 3166-1 alpha-3 code like 'UZB', got {quote(code)}")
    _text(props, "name", bad)
    focus = props.get("focus")
    if not isinstance(focus, bool):
        bad("focus", f"expected true or false, got {quote(focus)}")
    elif focus != (code in model.FOCUS_COUNTRIES):
        bad("focus", f"is {quote(focus)}, but it is true for exactly the five countries: "
                     f"{', '.join(model.FOCUS_COUNTRIES)}")
    n3 = props.get("iso_n3")
    if n3 is not None and (not isinstance(n3, str) or not _NUMERIC3.match(n3)):
        bad("iso_n3", f"expected a three-digit ISO 3166-1 numeric code or null, got {quote(n3)}")
    return AREAS


def _place_props(props: Mapping, bad) -> tuple[str, ...]:
    kind = props.get("kind")
    if not isinstance(kind, str) or kind not in PLACE_KINDS:
        bad("kind", f"{quote(kind)} is not one of: {', '.join(PLACE_KINDS)}")
        kind = None
    _text(props, "name", bad)
    _text(props, "source", bad)
    country = props.get("country")
    if country is not None and (not isinstance(country, str) or not _ALPHA3.match(country)):
        bad("country", f"expected an alpha-3 code or null, got {quote(country)}")
    return PLACE_KINDS[kind] if kind else ("Point", *AREAS)


def read(data_dir: files.Source, name: str, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """``name`` (:data:`COUNTRIES` or :data:`PLACES`) as a GeoDataFrame in WGS 84; None
    (with its problems added) when anything in it is wrong."""
    try:
        features = files.read_geojson(data_dir, name)
    except files.FileError as exc:
        problems.append(exc.problem)
        return None
    check = _country_props if name == COUNTRIES else _place_props
    before = len(problems)
    codes: dict[str, int] = {}
    rows, shapes = [], []
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, Mapping) else None
        label = props.get("name") if isinstance(props, Mapping) else None
        rid = label if isinstance(label, str) else None

        def bad(field: str | None, message: str, number: int = number, rid=rid) -> None:
            problems.append(Problem(name, number, rid, field, message))

        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            bad(None, f"expected a GeoJSON Feature, got {quote(feature)}")
            continue
        if not isinstance(props, Mapping):
            bad("properties", f"expected a mapping of properties, got {quote(props)}")
            continue
        allowed = check(props, bad)
        geometry = feature.get("geometry")
        problem = geometry_problem(geometry, allowed)
        if problem:
            bad("geometry", problem)
        else:
            geom = shape(geometry)
            if not geom.is_valid:
                reason = shapely.is_valid_reason(geom)
                bad("geometry", f"is not a valid {geometry['type']}: {quote(reason, 80, bare=True)}")
            rows.append(dict(props))
            shapes.append(geom)
        code = props.get("iso_a3")
        if name == COUNTRIES and isinstance(code, str):
            if code in codes:
                bad("iso_a3", f"{quote(code)} is also feature {codes[code]}")
            codes.setdefault(code, number)
    if name == COUNTRIES:
        for code in model.FOCUS_COUNTRIES:
            if code not in codes:
                problems.append(Problem(name, None, None, "iso_a3",
                                        f"has no feature for {model.country_name(code)} ({code})"))
    if any(p.level == "error" for p in problems[before:]):
        return None
    if not features:
        problems.append(Problem(name, None, None, None, "has no features"))
        return None
    return gpd.GeoDataFrame(rows, geometry=shapes, crs=WGS84)


def country_shapes(boundaries: gpd.GeoDataFrame) -> Any:
    """One (multi)polygon per alpha-3 code."""
    return boundaries.dissolve(by="iso_a3")["geometry"]
