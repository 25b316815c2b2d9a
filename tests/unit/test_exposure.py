"""Exposure of projects to risk notes, distances in metres, limits inclusive."""

import pytest
from pyproj import Geod

from ca_atlas import exposure, geo

GEOD = Geod(ellps="WGS84")


def test_inside_the_area_counts_and_outside_does_not(mini_atlas):
    t = exposure.pairs(mini_atlas, within_km=0)
    # The Tashkent earthquake note (50 km around 41.30, 69.24) holds only the Tashkent plant.
    assert list(t["project_id"]) == ["uz-tashkent-cogeneration"]
    assert t.iloc[0]["distance_km"] == 0


def test_a_project_exactly_at_the_limit_counts(mini_atlas):
    # Karshi-Termez point (38.2, 67.2) to the risk centre (41.3, 69.24), minus the 50 km radius.
    metres = GEOD.inv(69.24, 41.3, 67.2, 38.2)[2]
    edge_km = metres / 1000 - 50
    at = exposure.pairs(mini_atlas, within_km=edge_km)
    assert "uz-karshi-termez-electrification" in set(at["project_id"])
    short = exposure.pairs(mini_atlas, within_km=edge_km - 0.001)
    assert "uz-karshi-termez-electrification" not in set(short["project_id"])


def test_totals_count_each_project_once_and_keep_weighting_apart(mini_atlas):
    t = exposure.pairs(mini_atlas, within_km=0)
    head = exposure.headline(t)
    assert head["projects"] == 1 and head["usd"] == pytest.approx(100_000_000)
    # Medium severity weighs 0.5: an index shown apart from the raw dollars.
    assert head["weighted_usd"] == pytest.approx(50_000_000)
    by_cat = exposure.totals(t, "category")
    assert list(by_cat["category"]) == ["seismic"] and by_cat.iloc[0]["usd"] == 100_000_000


def test_point_risks_reach_as_far_as_on_the_map_and_in_scenarios(mini_atlas):
    """A risk with no radius covers geo.POINT_RISK_KM around its point, everywhere."""
    risks = mini_atlas.risks.copy()
    risks["radius_km"] = None
    t = exposure.pairs(mini_atlas, within_km=0, risks=risks)
    assert list(t["project_id"]) == ["uz-tashkent-cogeneration"]  # same coordinates
    assert geo.risk_reach_km(None) == geo.risk_reach_km(float("nan")) == geo.POINT_RISK_KM
    risks["lat"] = risks["lat"] + 0.08  # about 9 km north of the plant: still inside
    assert list(exposure.pairs(mini_atlas, 0, risks=risks)["project_id"]) == [
        "uz-tashkent-cogeneration"]
    risks["lat"] = risks["lat"] + 0.05  # about 14.5 km: outside, and 4.5 km beyond the edge
    assert exposure.pairs(mini_atlas, 0, risks=risks).empty
    near = exposure.pairs(mini_atlas, 5, risks=risks)
    assert near.iloc[0]["distance_km"] == pytest.approx(
        geo.km(41.43, 69.24, 41.3, 69.24) - geo.POINT_RISK_KM, abs=0.5)


def test_no_projects_no_rows(mini_atlas):
    empty = mini_atlas.projects.iloc[0:0]
    t = exposure.pairs(mini_atlas, 100, projects=empty)
    assert t.empty and exposure.headline(t)["projects"] == 0
    assert exposure.totals(t, "country").empty
