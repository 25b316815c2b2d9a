"""A briefing step's map, chart and scenario: shared by the Briefings page and the export."""

from __future__ import annotations

from pathlib import Path

import folium
import plotly.graph_objects as go

from . import briefing, chart_kinds, maps, network, offline_html, query
from .atlas import Atlas
from .theme import PRESENTER, Theme


def step_view(atlas: Atlas, step: briefing.Step) -> query.View:
    return query.apply(atlas, step.state())


def step_chart(atlas: Atlas, step: briefing.Step, view: query.View,
               theme: Theme = PRESENTER) -> go.Figure | None:
    """The Plotly figure a step names (from the one chart registry), or None."""
    if not step.chart:
        return None
    return chart_kinds.figure(step.chart, chart_kinds.ChartInput(
        atlas, view.projects, view.investors), theme)


def step_map(atlas: Atlas, step: briefing.Step, view: query.View, height: int
             ) -> tuple[folium.Map, network.Scenario | None]:
    """The step's map and, for a scenario step, the scenario's result."""
    if step.scenario:
        result = network.run_scenario(atlas, step.scenario["block"])
        pair = next((p for p in result.pairs if p.status in ("rerouted", "no route left")),
                    result.pairs[0])
        return maps.scenario_map(atlas, view, result, result.graph, pair, height=height), result
    center = tuple(step.view["center"]) if step.view else None
    zoom = step.view["zoom"] if step.view else None
    return maps.build_map(atlas, view, step.state(), theme=PRESENTER, height=height,
                          center=center, zoom=zoom, highlight=step.highlight), None


def changes_lines(atlas: Atlas, since: str) -> list[str]:
    """What changed in the dataset since ``since``, as plain sentences."""
    from . import changes

    try:
        diff = changes.compare(changes.load_earlier(since), atlas, since)
    except Exception as exc:  # a missing revision must not take the briefing down
        return [f"Cannot compare with {since}: {exc}"]
    lines = [f"Since {since}: {len(diff.added)} project(s) added, "
             f"{diff.changed['id'].nunique()} changed, {len(diff.removed)} removed."]
    for row in diff.totals.itertuples():
        if row.change:
            lines.append(f"{row.measure}: {row.before:,.0f} → {row.after:,.0f}")
    return lines


def scenario_lines(result: network.Scenario) -> list[str]:
    """The pairs a scenario changes, as plain sentences."""
    return [f"{p.origin} → {p.destination}: {p.status}"
            + (f", +{p.extra_km:,.0f} km" if p.extra_km else "")
            for p in result.pairs if p.status in ("rerouted", "no route left")]


def step_sources(atlas: Atlas, step: briefing.Step) -> list[dict]:
    """The step's own sources, the first source of each record it highlights or blocks,
    and for a scenario the tables its transit times come from; no URL twice."""
    sources = [*step.sources]
    blocked = set((step.scenario or {}).get("block", ()))
    for kind, frame in (("projects", atlas.projects), ("risks", atlas.risks),
                        ("corridors", atlas.corridors)):
        wanted = set(step.highlight.get(kind, ())) | blocked
        for s in frame[frame["id"].isin(wanted)]["sources"]:
            sources.extend(s[:1])
    if step.scenario:
        for mode in atlas.transit.get("modes", {}).values():
            if mode.get("source"):
                sources.append(mode["source"])
    seen, unique = set(), []
    for s in sources:
        if s.get("url") not in seen:
            seen.add(s.get("url"))
            unique.append(s)
    return unique


def export_briefing(atlas: Atlas, brief: briefing.Briefing, stamp: str | None = None) -> str:
    """The whole briefing as one HTML document that works offline."""
    from . import safe

    sections = []
    total = len(brief.steps)
    for number, step in enumerate(brief.steps, start=1):
        view = step_view(atlas, step)
        m, result = step_map(atlas, step, view, height=520)
        lines = []
        if step.changes_since:
            lines += changes_lines(atlas, step.changes_since)
        if result is not None:
            lines += scenario_lines(result) or ["Every preset route is unaffected."]
        extra = ("<ul>" + "".join(f"<li>{safe.text(line)}</li>" for line in lines) + "</ul>"
                 if lines else "")
        sections.append(offline_html.section(number, total, step.title, step.narrative, m,
                                           step_chart(atlas, step, view), step_sources(atlas, step),
                                           extra_html=extra))
    return offline_html.page(brief.title, brief.subtitle, atlas.version, sections, stamp=stamp)


def write_briefing(atlas: Atlas, brief_id: str, out: Path) -> Path:
    briefs = {b.id: b for b in atlas.briefings}
    if brief_id not in briefs:
        raise KeyError(f"no briefing {brief_id!r}; there are: {', '.join(briefs) or 'none'}")
    out = Path(out)
    out.write_text(export_briefing(atlas, briefs[brief_id]), encoding="utf-8")
    return out
