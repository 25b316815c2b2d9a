"""The corridor network on a small hand-built network whose answers are worked out here.

Nodes sit on the equator and one degree north of it, so lengths are easy to check:
one degree of longitude on the equator is 2 * pi * 6378.137 km / 360 = 111.319 km, and
the diagonal (0,0)-(1,1) is about 156.9 km on the WGS 84 ellipsoid.

    A(0,0) --rail-- B(0,1, border) --rail-- C(0,2)        corridor "direct"
    A(0,0) --road-- D(1,1) --road-- C(0,2)                 corridor "detour"
    E(5,5) --road-- F(5,6)                                 corridor "island" (unconnected)
    "C depot" sits 5 km from C, so it joins C (join_km 15).
"""

import math

import pytest
from atlas_fixtures import write_dataset

from ca_atlas import catalog, network

DEG = 2 * math.pi * 6378.137 / 360  # km per degree of longitude on the equator
SRC = [{"url": "https://cpmm.carecprogram.org/2020-report/rail-transport", "publisher": "CAREC",
        "date": "2021"}]


def node(name, lat, lon, kind="city", mode=None):
    n = {"name": name, "lat": lat, "lon": lon, "kind": kind, "country": "UZB",
         "precision": "city"}
    if mode:
        n["mode_to_next"] = mode
    return n


def corridor(cid, kind, nodes):
    return {"id": cid, "name": cid.title(), "kind": kind, "status": "operating",
            "description": "Test corridor.", "nodes": nodes, "sources": SRC,
            "confidence": "high", "last_verified": "2026-11-29"}


@pytest.fixture
def toy(tmp_path, mini_records):
    corridors = [
        corridor("direct", "rail", [node("A", 0, 0), node("B", 0, 1, "border"), node("C", 0, 2)]),
        corridor("detour", "road", [node("A", 0, 0), node("D", 1, 1), node("C depot", 0.045, 2)]),
        corridor("island", "road", [node("E", 5, 5), node("F", 5, 6)]),
    ]
    for p in mini_records["projects"]:
        p["corridors"] = []
    mini_records["projects"][0]["corridors"] = ["direct"]
    mini_records["risks"][0]["corridors"] = []
    return catalog.load(write_dataset(tmp_path / "toy", projects=mini_records["projects"],
                                      corridors=corridors, risks=mini_records["risks"]))


def test_nodes_with_the_same_name_or_close_are_joined(toy):
    net = network.build(toy)
    assert net.graph.number_of_nodes() == 6  # A, B, C (+ C depot), D, E, F
    assert sorted(net.names["c"]) == ["C", "C depot"]
    assert net.graph.has_edge("d", "c")


def test_baseline_takes_the_direct_line_with_its_time(toy):
    s = network.run_scenario(toy, [], [("A", "C")])
    (pair,) = s.pairs
    assert pair.baseline.names == ["A", "B", "C"]
    assert pair.baseline.length_km == pytest.approx(2 * DEG, abs=0.01)
    # 222.64 km at 42.2 km/h, plus the rail border crossing at B (23.0 h).
    assert pair.baseline.time_h == pytest.approx(2 * DEG / 42.2 + 23.0, abs=0.01)
    assert pair.baseline.borders == 1 and pair.status == "unaffected"


def test_blocking_a_border_node_reroutes(toy):
    s = network.run_scenario(toy, ["B"], [("A", "C")])
    (pair,) = s.pairs
    assert pair.status == "rerouted" and pair.alternative.names == ["A", "D", "C"]
    # Segment lengths come from each corridor's own nodes: A-D is the (0,0)-(1,1) diagonal,
    # ~156.9 km, and D-"C depot" runs to (0.045, 2), ~153.9 km; against 2 x 111.32 km.
    assert pair.extra_km == pytest.approx(156.9 + 153.9 - 2 * DEG, abs=1.0)
    # Road at 42.9 km/h with no border on the way: 313.8 / 42.9 = 7.3 h, i.e. faster
    # than the 28.3 h of the direct rail line with its border wait.
    assert pair.extra_days == pytest.approx((pair.alternative.length_km / 42.9
                                             - (2 * DEG / 42.2 + 23.0)) / 24, abs=0.01)


def test_blocking_both_corridors_leaves_no_route(toy):
    s = network.run_scenario(toy, ["direct", "detour"], [("A", "C")])
    assert s.pairs[0].status == "no route left" and s.pairs[0].alternative is None
    assert s.pairs[0].extra_km is None


def test_unconnected_pair_and_unknown_ids(toy):
    s = network.run_scenario(toy, ["nowhere"], [("A", "F")])
    assert s.pairs[0].status == "no route in the network"
    assert s.unknown_ids == ["nowhere"]


def test_a_single_segment_can_be_blocked(toy):
    s = network.run_scenario(toy, ["direct:1"], [("A", "C"), ("A", "B")])
    assert s.pairs[0].status == "rerouted"
    assert s.pairs[1].status == "unaffected"  # A-B is still open


def test_time_weight_prefers_the_faster_route(toy):
    s = network.run_scenario(toy, [], [("A", "C")], weight="time_h")
    assert s.pairs[0].baseline.names == ["A", "D", "C"]  # no border wait on the road


def test_projects_on_a_blocked_corridor_are_listed(toy):
    s = network.run_scenario(toy, ["direct"], [("A", "C")])
    assert list(s.projects["id"]) == ["uz-karshi-termez-electrification"]
    assert s.projects.iloc[0]["why"] == "on blocked corridor direct"


def test_presets_give_routes_on_the_shipped_dataset(atlas):
    s = network.run_scenario(atlas, [], include_planned=True)
    for pair in s.pairs:
        assert pair.baseline is not None, f"{pair.origin} -> {pair.destination} has no route"


@pytest.mark.parametrize(("block", "pair", "planned", "status"), [
    # The Ili waterway is planned, so it only exists when planned lines count.
    ("ili-river-route", ("Yining (Kulja)", "Konaev (Kapchagay)"), True, "rerouted"),
    ("cpc-terminal-strike-2025", ("Tengiz", "CPC marine terminal (Yuzhnaya Ozereyevka)"), False,
     "no route left"),
    ("Aktau", ("Almaty", "Baku (Alat)"), False, "rerouted"),
    # Closing Irkeshtam: no operating way from Kashgar; the CKU railway, once built, is one.
    ("Irkeshtam", ("Kashgar", "Tashkent"), False, "no route left"),
    ("Irkeshtam", ("Kashgar", "Tashkent"), True, "rerouted"),
])
def test_the_article_s_disruptions_on_the_shipped_dataset(atlas, block, pair, planned, status):
    s = network.run_scenario(atlas, [block], include_planned=planned)
    result = next(p for p in s.pairs if (p.origin, p.destination) == pair)
    assert result.status == status


def test_planned_corridors_carry_nothing_unless_asked(tmp_path, mini_records):
    corridors = [
        corridor("direct", "rail", [node("A", 0, 0), node("B", 0, 1), node("C", 0, 2)]),
        dict(corridor("future", "rail", [node("A", 0, 0), node("D", 0.5, 1), node("C", 0, 2)]),
             status="planned"),
    ]
    for p in mini_records["projects"]:
        p["corridors"] = []
    mini_records["risks"][0]["corridors"] = []
    atlas = catalog.load(write_dataset(tmp_path / "planned", projects=mini_records["projects"],
                                       corridors=corridors, risks=mini_records["risks"]))
    assert network.run_scenario(atlas, ["direct"], [("A", "C")]).pairs[0].status == "no route left"
    s = network.run_scenario(atlas, ["direct"], [("A", "C")], include_planned=True)
    assert s.pairs[0].status == "rerouted" and s.pairs[0].alternative.corridors == ["future"]
