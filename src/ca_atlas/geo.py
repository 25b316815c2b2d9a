"""Geometry on the WGS 84 ellipsoid, written once: distances (for one pair or arrays),
geodesic circles, the area a risk note covers, and the one test for a missing number.

A leaf module: it imports nothing from the atlas, and nothing heavier than pyproj.
"""

from __future__ import annotations

import math

import numpy as np
from pyproj import Geod

WGS84 = "EPSG:4326"
_GEOD = Geod(ellps="WGS84")

#: The area of a risk note that gives no radius: the place it names, taken as a circle of
#: this many km (a town, a border post, a port). Map, exposure and scenarios all use it.
POINT_RISK_KM = 10.0


def missing(value) -> bool:
    """True for None, NaN and pandas' NA: the one test for "no number here"."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the one value unequal to itself
    except TypeError:  # pandas.NA: the comparison gives NA, whose truth value raises
        return True


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance between two points, in kilometres."""
    return _GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0


def km_array(lat: float, lon: float, lats, lons) -> np.ndarray:
    """Geodesic distances (km) from one point to arrays of points."""
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    if lats.size == 0:
        return np.zeros(0)
    metres = _GEOD.inv(np.full_like(lons, lon), np.full_like(lats, lat), lons, lats)[2]
    return np.asarray(metres) / 1000.0


def km_pairs(lats1, lons1, lats2, lons2) -> np.ndarray:
    """Geodesic distances (km) between paired points: element i of the first arrays to
    element i of the second (one call to pyproj for all of them)."""
    lats1, lons1, lats2, lons2 = (np.asarray(a, dtype=float) for a in (lats1, lons1, lats2, lons2))
    if lats1.size == 0:
        return np.zeros(0)
    return np.asarray(_GEOD.inv(lons1, lats1, lons2, lats2)[2]) / 1000.0


def degree_box(lat, lon, radius_km) -> tuple[np.ndarray, ...]:
    """Boxes in degrees (west, south, east, north) that hold every point within
    ``radius_km`` (arrays, or scalars) of each centre, with a margin: a pre-filter for a
    spatial index, never the final test."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    radius = np.asarray(radius_km, dtype=float)
    dlat = radius / 110.0 + 0.01  # a degree of latitude is at least 110.57 km
    far = np.minimum(np.abs(lat) + dlat, 89.0)  # the widest longitude span is poleward
    dlon = np.minimum(radius / (111.0 * np.cos(np.radians(far))) + 0.01, 360.0)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def circle(lat: float, lon: float, radius_km: float, points: int = 48) -> list[tuple]:
    """A geodesic circle as a closed ring of (lon, lat) points."""
    azimuths = [i * 360.0 / points for i in range(points)]
    lons, lats, _ = _GEOD.fwd([lon] * points, [lat] * points, azimuths,
                              [radius_km * 1000.0] * points)
    ring = list(zip(lons, lats, strict=True))
    return [*ring, ring[0]]


def risk_reach_km(radius_km) -> float:
    """How far around its point a risk note reaches: its radius, or :data:`POINT_RISK_KM`
    when it gives none (None, NaN, zero or a negative number)."""
    if missing(radius_km):
        return POINT_RISK_KM
    radius = float(radius_km)
    return radius if math.isfinite(radius) and radius > 0 else POINT_RISK_KM
