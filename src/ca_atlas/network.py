"""The corridor network: a graph of corridor nodes and segments, routing, and scenarios.

Nodes of different corridors that stand for the same place (the same name, or within
``join_km`` of each other, from data/transit.yaml) become one node. Each edge keeps its
mode, corridor, geodesic length and, where the mode has a sourced speed, its transit
time; border-crossing delays are added when a route passes a border node. A mode with no
sourced speed has no time: a route that uses it reports its timed part and says which
legs are untimed, never a guess.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from . import geo
from .atlas import Atlas

#: Networks by what they carry: freight routes never run through a pipeline, and oil
#: never travels by road in this model.
FAMILIES: dict[str, tuple[str, ...]] = {
    "freight": ("rail", "road", "multimodal", "sea", "waterway"),
    "oil": ("pipeline",),
}
FREIGHT_MODES = FAMILIES["freight"]


@dataclass(frozen=True)
class Network:
    graph: nx.Graph
    #: corridor node (corridor_id, seq) -> network node id
    node_of: dict[tuple[str, int], str]
    #: network node id -> the names it was joined from
    names: dict[str, list[str]]


def _place_id(name: str) -> str:
    return name.strip().casefold()


def build(atlas: Atlas, modes: Iterable[str] = FREIGHT_MODES,
          include_planned: bool = True) -> Network:
    """The network of ``atlas``'s corridors over the given modes; without the planned and
    under-construction corridors unless ``include_planned``."""
    join_km = float(atlas.transit.get("join_km", 0.0))
    params = atlas.transit.get("modes", {})
    nodes = atlas.nodes
    # 1. One place per name; then join places closer than join_km (union-find).
    places: dict[str, dict] = {}
    for row in nodes.itertuples():
        pid = _place_id(row.name)
        if pid not in places:
            places[pid] = {"name": row.name, "lat": row.lat, "lon": row.lon, "kind": row.kind,
                           "country": row.country, "names": [row.name]}
    parent = {pid: pid for pid in places}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ids = sorted(places)
    # Compare each place only with those in its own and neighbouring grid cells (cells a
    # little larger than join_km): linear in the number of places, not quadratic.
    # 1/50 degree per km: a cell spans at least join_km up to 60 degrees north.
    cell = max(join_km / 50.0, 1e-6)
    grid: dict[tuple[int, int], list[str]] = {}
    for pid in ids:
        p = places[pid]
        grid.setdefault((int(p["lat"] // cell), int(p["lon"] // cell)), []).append(pid)
    for (gy, gx), members in grid.items():
        nearby = [q for dy in (-1, 0, 1) for dx in (-1, 0, 1) for q in grid.get((gy + dy, gx + dx), [])]
        for a in members:
            pa = places[a]
            for b in nearby:
                if b <= a:
                    continue
                pb = places[b]
                if geo.km(pa["lat"], pa["lon"], pb["lat"], pb["lon"]) <= join_km:
                    ra, rb = find(a), find(b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    graph = nx.Graph()
    names: dict[str, list[str]] = {}
    for pid in ids:
        root = find(pid)
        place = places[pid]
        if root not in graph:
            base = places[root]
            graph.add_node(root, name=base["name"], lat=base["lat"], lon=base["lon"],
                           kind=base["kind"], country=base["country"])
        names.setdefault(root, []).append(place["name"])
        if place["kind"] == "border":
            graph.nodes[root]["kind"] = "border"
    node_of = {(r.corridor_id, int(r.seq)): find(_place_id(r.name)) for r in nodes.itertuples()}
    # 2. Edges: consecutive nodes of each corridor, on the wanted modes.
    modes = set(modes)
    for seg in atlas.segments.itertuples():
        if seg.mode not in modes or (not include_planned and seg.status != "operating"):
            continue
        a, b = node_of[(seg.corridor_id, int(seg.seq))], node_of[(seg.corridor_id, int(seg.seq) + 1)]
        if a == b:
            continue
        speed = (params.get(seg.mode) or {}).get("speed_kmh")
        time_h = seg.length_km / speed if speed else math.inf
        key = f"{seg.corridor_id}:{int(seg.seq)}"
        existing = graph.get_edge_data(a, b)
        if existing is not None and existing["length_km"] <= seg.length_km:
            existing["segments"].append(key)
            existing["corridors"].add(seg.corridor_id)
            continue
        graph.add_edge(a, b, length_km=seg.length_km, time_h=time_h, mode=seg.mode,
                       segments=[key] + (existing["segments"] if existing else []),
                       corridors={seg.corridor_id} | (existing["corridors"] if existing else set()))
    return Network(graph=graph, node_of=node_of, names=names)


# -- blocking ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Blockage:
    """What a scenario closes: corridors, single segments ('corridor:seq') and nodes."""

    corridors: frozenset[str] = frozenset()
    segments: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    risks: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.corridors or self.segments or self.nodes or self.risks)


def resolve_blocks(atlas: Atlas, net: Network, ids: Iterable[str]) -> tuple[Blockage, list[str]]:
    """Turn user-given ids (corridor ids, 'corridor:seq', node names, risk ids) into a
    :class:`Blockage`, and list the ids that matched nothing.

    A risk note closes, on each corridor it names, the segments that touch a node inside
    its area (:func:`geo.risk_reach_km`), or the whole corridor when none does.
    A risk note that names no corridor closes every node inside its area.
    """
    corridors, segments, nodes, risks, unknown = set(), set(), set(), set(), []
    corridor_ids = set(atlas.corridors["id"])
    segment_ids = {f"{s.corridor_id}:{int(s.seq)}" for s in atlas.segments.itertuples()}
    by_name = {_place_id(n): root for root, ns in net.names.items() for n in ns}
    risk_rows = atlas.risks.set_index("id")
    for raw in ids:
        item = raw.strip()
        if item in corridor_ids:
            corridors.add(item)
        elif item in segment_ids:
            segments.add(item)
        elif _place_id(item) in by_name:
            nodes.add(by_name[_place_id(item)])
        elif item in risk_rows.index:
            risks.add(item)
            c, s_, n = _risk_blocks(atlas, net, risk_rows.loc[item])
            corridors |= c
            segments |= s_
            nodes |= n
        else:
            unknown.append(item)
    return Blockage(frozenset(corridors), frozenset(segments), frozenset(nodes),
                    frozenset(risks)), unknown


def _risk_blocks(atlas: Atlas, net: Network, risk) -> tuple[set, set, set]:
    radius = geo.risk_reach_km(risk["radius_km"])
    inside = {(r.corridor_id, int(r.seq)) for r in atlas.nodes.itertuples()
              if geo.km(risk["lat"], risk["lon"], r.lat, r.lon) <= radius}
    named = list(risk["corridors"] or [])
    if not named:
        return set(), set(), {net.node_of[key] for key in inside}
    corridors, segments = set(), set()
    for cid in named:
        touching = {f"{cid}:{seq}" for (c, seq) in inside if c == cid}
        touching |= {f"{cid}:{seq - 1}" for (c, seq) in inside if c == cid and seq > 0}
        valid = {s for s in touching
                 if s in {f"{x.corridor_id}:{int(x.seq)}" for x in
                          atlas.segments[atlas.segments["corridor_id"] == cid].itertuples()}}
        if valid:
            segments |= valid
        else:
            corridors.add(cid)
    return corridors, segments, set()


def blocked_graph(net: Network, blockage: Blockage) -> nx.Graph:
    """A copy of the graph without what is blocked (an edge survives while any of the
    segments it stands for is open)."""
    graph = net.graph.copy()
    graph.remove_nodes_from([n for n in blockage.nodes if n in graph])
    drop = []
    for a, b, data in graph.edges(data=True):
        open_segments = [s for s in data["segments"]
                         if s not in blockage.segments
                         and s.split(":")[0] not in blockage.corridors]
        if not open_segments:
            drop.append((a, b))
    graph.remove_edges_from(drop)
    return graph


# -- routing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    nodes: list[str]
    names: list[str]
    length_km: float
    time_h: float | None  # None when a leg has no sourced speed
    timed_h: float  # moving time of the timed legs plus border delays
    untimed_legs: list[str]
    corridors: list[str]
    borders: int

    @property
    def days(self) -> float | None:
        return None if self.time_h is None else self.time_h / 24.0


def _border_delay(graph: nx.Graph, node: str, mode: str, params: dict) -> float:
    if graph.nodes[node].get("kind") != "border":
        return 0.0
    return float((params.get(mode) or {}).get("border_delay_h") or 0.0)


def route(net: Network, graph: nx.Graph, source: str, target: str, params: dict,
          weight: str = "length_km") -> Route | None:
    """The best route by ``weight`` ('length_km' or 'time_h'), or None when none is left."""
    if source not in graph or target not in graph:
        return None
    cost = weight
    if weight == "time_h":
        def cost(u, v, data):  # moving time, plus the wait at a border passed on the way
            wait = _border_delay(graph, v, data["mode"], params) if v != target else 0.0
            return data["time_h"] + wait
    try:
        path = nx.shortest_path(graph, source, target, weight=cost)
    except nx.NetworkXNoPath:
        return None
    length = timed = 0.0
    untimed, corridors, borders = [], [], 0
    for i, (a, b) in enumerate(zip(path, path[1:], strict=False)):
        edge = graph.edges[a, b]
        length += edge["length_km"]
        for corridor in sorted(edge["corridors"]):
            if corridor not in corridors:
                corridors.append(corridor)
        if math.isinf(edge["time_h"]):
            untimed.append(f"{graph.nodes[a]['name']} – {graph.nodes[b]['name']} ({edge['mode']})")
        else:
            timed += edge["time_h"]
        if i > 0 and graph.nodes[a].get("kind") == "border":
            borders += 1
            timed += _border_delay(graph, a, edge["mode"], params)
    return Route(nodes=path, names=[graph.nodes[n]["name"] for n in path], length_km=length,
                 time_h=None if untimed else timed, timed_h=timed, untimed_legs=untimed,
                 corridors=corridors, borders=borders)


# -- scenarios -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PairResult:
    origin: str
    destination: str
    family: str
    baseline: Route | None
    alternative: Route | None

    @property
    def status(self) -> str:
        if self.baseline is None:
            return "no route in the network"
        if self.alternative is None:
            return "no route left"
        if self.alternative.nodes == self.baseline.nodes:
            return "unaffected"
        return "rerouted"

    @property
    def extra_km(self) -> float | None:
        if self.baseline is None or self.alternative is None:
            return None
        return self.alternative.length_km - self.baseline.length_km

    @property
    def extra_days(self) -> float | None:
        if (self.baseline is None or self.alternative is None or self.baseline.days is None
                or self.alternative.days is None):
            return None
        return self.alternative.days - self.baseline.days


#: Origin–destination presets (node names in data/corridors.yaml) and their network.
PRESETS: list[tuple[str, str, str]] = [
    ("Almaty", "Baku (Alat)", "freight"),
    ("Kashgar", "Tashkent", "freight"),
    ("Tashkent", "Kars", "freight"),
    ("Khorgos", "Constanta", "freight"),
    ("Termez", "Karachi", "freight"),
    ("Yining (Kulja)", "Konaev (Kapchagay)", "freight"),
    ("Tengiz", "CPC marine terminal (Yuzhnaya Ozereyevka)", "oil"),
]


@dataclass(frozen=True)
class Scenario:
    blockage: Blockage
    pairs: list[PairResult]
    projects: pd.DataFrame  # projects that depend on what is blocked
    graph: nx.Graph  # the whole network (every mode), for drawing routes
    unknown_ids: list[str] = field(default_factory=list)


def node_id(net: Network, name: str) -> str | None:
    key = _place_id(name)
    for root, ns in net.names.items():
        if any(_place_id(n) == key for n in ns):
            return root
    return None


def affected_projects(atlas: Atlas, net: Network, blockage: Blockage,
                      within_km: float = 50.0) -> pd.DataFrame:
    """Projects that depend on what is blocked: linked to a blocked corridor (or to the
    corridor of a blocked segment), or within ``within_km`` of a blocked node or of an end
    of a blocked segment."""
    partly = {s.split(":")[0] for s in blockage.segments}
    points = {n: (net.graph.nodes[n]["lat"], net.graph.nodes[n]["lon"], net.graph.nodes[n]["name"])
              for n in blockage.nodes if n in net.graph}
    for key in blockage.segments:
        corridor, seq = key.split(":")
        for end in (int(seq), int(seq) + 1):
            node = net.node_of.get((corridor, end))
            if node in net.graph:
                data = net.graph.nodes[node]
                points[node] = (data["lat"], data["lon"], data["name"])
    reasons: dict[str, list[str]] = {}
    for row in atlas.projects.itertuples():
        why = [f"on blocked corridor {c}" for c in row.corridors if c in blockage.corridors]
        why += [f"on a blocked section of {c}" for c in row.corridors if c in partly]
        if row.geometry is not None:
            for lat, lon, name in points.values():
                d = geo.km(row.lat, row.lon, lat, lon)
                if d <= within_km:
                    why.append(f"{d:.0f} km from {name}")
        if why:
            reasons[row.id] = why
    out = atlas.projects[atlas.projects["id"].isin(reasons)][
        ["id", "name", "country", "sector", "amount_usd"]].copy()
    out["why"] = out["id"].map(lambda i: "; ".join(reasons[i]))
    return out.reset_index(drop=True)


def run_scenario(atlas: Atlas, block_ids: Iterable[str],
                 pairs: Iterable[tuple[str, str] | tuple[str, str, str]] | None = None,
                 weight: str = "length_km", within_km: float = 50.0,
                 include_planned: bool = False) -> Scenario:
    """Block what ``block_ids`` name and compare routes for ``pairs`` (presets by default).

    A pair is (origin, destination) on the freight network, or (origin, destination,
    family) with a family of :data:`FAMILIES`. Routes use operating corridors only unless
    ``include_planned`` admits those planned or under construction.
    """
    block_ids = list(block_ids)
    nets = {family: build(atlas, modes, include_planned) for family, modes in FAMILIES.items()}
    everything = build(atlas, [m for ms in FAMILIES.values() for m in ms])
    blockage, unknown = resolve_blocks(atlas, everything, block_ids)
    params = atlas.transit.get("modes", {})
    results = []
    for pair in (pairs if pairs is not None else PRESETS):
        origin, destination = pair[0], pair[1]
        family = pair[2] if len(pair) > 2 else "freight"
        net = nets[family]
        blocked = blocked_graph(net, blockage)
        a, b = node_id(net, origin), node_id(net, destination)
        base = route(net, net.graph, a, b, params, weight) if a and b else None
        alt = route(net, blocked, a, b, params, weight) if a and b else None
        results.append(PairResult(origin, destination, family, base, alt))
    return Scenario(blockage=blockage, pairs=results,
                    projects=affected_projects(atlas, everything, blockage, within_km),
                    graph=everything.graph, unknown_ids=unknown)
