"""What-if scenarios: the prepared ones, and the rules that the Corridors page and
``ca-atlas scenario`` both follow (which network a pair travels on, which pairs a scenario
compares, how its results read as a table), so that the two give the same figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from . import model, network
from .atlas import Atlas


@dataclass(frozen=True)
class Prepared:
    """A prepared scenario: what it blocks, and whether planned corridors may carry
    traffic around the blockage."""

    id: str
    label: str
    blocks: tuple[str, ...]
    include_planned: bool = False


PREPARED: dict[str, Prepared] = {p.id: p for p in (
    Prepared("ili-river", "Ili River route", ("ili-river-route",), include_planned=True),
    Prepared("cpc-strike", "CPC terminal strike", ("cpc-terminal-strike-2025",)),
    Prepared("irkeshtam", "Irkeshtam border crossing", ("Irkeshtam",)),
    Prepared("aktau", "Aktau port", ("Aktau",)),
    Prepared("middle-corridor-kz", "Middle Corridor (Kazakhstan)", ("middle-corridor-kz",)),
)}

WEIGHTS = model.ROUTE_WEIGHTS


def network_for(atlas: Atlas, origin: str, destination: str) -> str:
    """The network a pair travels on: oil when both ends are on a pipeline, else freight."""
    pipelines = set(atlas.corridors.loc[atlas.corridors["kind"] == "pipeline", "id"])
    on_pipe = set(atlas.nodes.loc[atlas.nodes["corridor_id"].isin(pipelines), "name"])
    return "oil" if origin in on_pipe and destination in on_pipe else "freight"


def custom_pair(atlas: Atlas, origin: str | None, destination: str | None
                ) -> tuple[str, str, str] | None:
    """A chosen origin and destination with their network; None unless both are given
    and differ."""
    if not origin or not destination or origin == destination:
        return None
    return origin, destination, network_for(atlas, origin, destination)


def run(atlas: Atlas, blocks: Iterable[str], origin: str | None = None,
        destination: str | None = None, *, presets: bool = True, weight: str = "length_km",
        include_planned: bool = False, within_km: float = 50.0) -> network.Scenario:
    """Block ``blocks`` and compare the preset pairs (unless ``presets`` is off) and the
    chosen pair, each on its own network."""
    pair = custom_pair(atlas, origin, destination)
    pairs = [*(network.PRESETS if presets else []), *([pair] if pair else [])]
    return network.run_scenario(atlas, list(blocks), pairs, weight=weight,
                                within_km=within_km, include_planned=include_planned)


def _days(route: network.Route | None) -> str | None:
    if route is None:
        return None
    if route.days is None:
        if route.timed_h == 0:
            return "untimed"
        return f"≥ {route.timed_h / 24:.1f} + untimed legs"
    return f"{route.days:.1f}"


def results_table(scenario: network.Scenario, atlas: Atlas) -> pd.DataFrame:
    """One row per pair: baseline and alternative, extra distance and time, the route."""
    def km(route):
        return None if route is None else round(route.length_km)

    statuses = {c.id: f"{c.name} ({model.CORRIDOR_STATUSES[c.status].lower()})"
                for c in atlas.corridors.itertuples() if c.status != "operating"}
    rows = []
    for p in scenario.pairs:
        left = p.status != "no route left"
        rows.append({
            "From": p.origin, "To": p.destination,
            "Network": "Oil pipeline" if p.family == "oil" else "Freight",
            "Result": p.status,
            "Baseline km": km(p.baseline), "Baseline days": _days(p.baseline),
            "Alternative km": km(p.alternative) if left else None,
            "Alternative days": _days(p.alternative) if left else None,
            "Extra km": None if p.extra_km is None else round(p.extra_km),
            "Extra days": "—" if p.extra_days is None else f"{p.extra_days:+.1f}",
            "Alternative via": " → ".join(p.alternative.names) if p.alternative else "",
            "Uses lines not yet operating": ", ".join(
                statuses.get(c, c) for c in (p.alternative.corridors if p.alternative else [])
                if c in statuses) or "",
        })
    return pd.DataFrame(rows)
