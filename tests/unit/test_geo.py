"""The one WGS 84 distance, circle and risk reach, and the missing-number test."""

import math

import numpy as np
import pandas as pd
import pytest

from ca_atlas import geo


def _haversine_km(lat1, lon1, lat2, lon2, radius=6371.0088):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * radius * math.asin(math.sqrt(a))


def test_distance_tashkent_to_almaty():
    # The ellipsoid and the mean sphere differ by well under 0.5 % at this range.
    ellipsoid = geo.km(41.2995, 69.2401, 43.2389, 76.8897)
    assert ellipsoid == pytest.approx(_haversine_km(41.2995, 69.2401, 43.2389, 76.8897), rel=5e-3)
    assert 600 < ellipsoid < 700
    assert geo.km(41.3, 69.24, 41.3, 69.24) == 0


def test_the_array_form_gives_the_scalar_figures():
    lats, lons = [43.2389, 38.5598, 41.3], [76.8897, 68.787, 69.24]
    got = geo.km_array(41.2995, 69.2401, lats, lons)
    assert got == pytest.approx([geo.km(41.2995, 69.2401, a, b) for a, b in zip(lats, lons, strict=True)])
    assert geo.km_array(0, 0, [], []).shape == (0,)


def test_a_circle_is_closed_and_at_its_radius():
    ring = geo.circle(41.3, 69.24, 50)
    assert ring[0] == ring[-1] and len(ring) == 49
    assert all(geo.km(41.3, 69.24, lat, lon) == pytest.approx(50, rel=1e-6) for lon, lat in ring)


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values(value):
    assert geo.missing(value)


@pytest.mark.parametrize("value", [0, 0.0, -1, "", "x", 12.5, math.inf])
def test_present_values(value):
    assert not geo.missing(value)


def test_risk_reach():
    assert geo.risk_reach_km(50) == 50.0
    for none in (None, float("nan"), 0, -5, math.inf):
        assert geo.risk_reach_km(none) == geo.POINT_RISK_KM
