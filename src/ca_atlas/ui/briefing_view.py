"""One briefing step on screen: title bar, map, narrative, chart, sources, navigation."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from .. import briefing, charts, exposure, maps, network, popups, query, summaries
from ..catalog import Atlas
from .state import set_view_state


def step_chart(atlas: Atlas, step: briefing.Step, view: query.View, presenter: bool):
    """The Plotly figure a step names, or None."""
    projects = view.projects
    subtitle = summaries.measure_subtitle(projects)
    if step.chart == "summit" and atlas.summit is not None:
        from .. import summit

        target = atlas.summit.target()
        return charts.summit_chart(target.get("usd_reported") if target else None,
                                   summit.tracked(atlas.projects)["by_measure"], presenter)
    if step.chart == "country_sector":
        return charts.country_sector_chart(summaries.by_country_sector(projects), subtitle,
                                           presenter)
    if step.chart == "japan_vs_others":
        return charts.japan_vs_others_chart(summaries.japan_vs_others(projects), subtitle,
                                            presenter)
    if step.chart == "by_year":
        return charts.by_year_chart(summaries.by_year(projects), subtitle, presenter)
    if step.chart == "by_status":
        return charts.by_status_chart(summaries.by_status(projects), presenter)
    if step.chart == "top_investors":
        return charts.top_investors_chart(summaries.top_investors(projects, view.investors),
                                          presenter)
    if step.chart == "exposure_category":
        touching = exposure.pairs(atlas, 0, projects=projects)
        return charts.exposure_chart(exposure.totals(touching, "category"), "usd",
                                     "Risk category", presenter)
    return None


def step_map(atlas: Atlas, step: briefing.Step, view: query.View, height: int):
    """The step's map and, for a scenario, its result table."""
    if step.scenario:
        result = network.run_scenario(atlas, step.scenario["block"])
        pair = next((p for p in result.pairs if p.status in ("rerouted", "no route left")),
                    result.pairs[0])
        return maps.scenario_map(atlas, view, result, result.graph, pair, height=height), result
    center = tuple(step.view["center"]) if step.view else None
    zoom = step.view["zoom"] if step.view else None
    return maps.build_map(atlas, view, step.state(), presenter=True, height=height,
                          center=center, zoom=zoom, highlight=step.highlight), None


def _go(state: query.ViewState, number: int) -> None:
    set_view_state(state.with_params(step=str(number)))


def render(atlas: Atlas, brief: briefing.Briefing, number: int, state: query.ViewState,
           presenting: bool) -> None:
    step = brief.steps[number - 1]
    view = query.apply(atlas, step.state())
    title_col, prev_col, count_col, next_col = st.columns([6, 1, 0.7, 1],
                                                          vertical_alignment="center")
    title_col.html(f'<p class="atlas-present-title">{popups.safe.text(step.title)}</p>'
                   f'<p class="atlas-present-caption">{popups.safe.text(brief.title)} · step '
                   f"{number} of {len(brief.steps)}</p>")
    prev_col.button("◀ Back", key="present-prev", disabled=number <= 1,
                    on_click=_go, args=(state, number - 1), width="stretch")
    count_col.markdown(f"<div style='text-align:center'>{number} / {len(brief.steps)}</div>",
                       unsafe_allow_html=True)
    next_col.button("Next ▶", key="present-next", disabled=number >= len(brief.steps),
                    on_click=_go, args=(state, number + 1), width="stretch")
    map_col, text_col = st.columns([3, 2], gap="medium")
    height = 520 if presenting else 600
    m, result = step_map(atlas, step, view, height)
    with map_col:
        st_folium(m, key=f"brief-map-{brief.id}-{step.id}", height=height,
                  use_container_width=True, returned_objects=[])
    with text_col:
        st.markdown(step.narrative)
        fig = step_chart(atlas, step, view, presenter=True)
        if fig is not None:
            # On a shared screen the subtitle goes under the chart and the legend takes its
            # place under the title.
            title, _, subtitle = fig.layout.title.text.partition("<br><sup>")
            fig.update_layout(height=300, margin=dict(l=5, r=5, t=70, b=5),
                              legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0,
                                          xanchor="left", font=dict(size=13)),
                              title=dict(text=title, font=dict(size=17)))
            fig.update_xaxes(tickangle=-20, tickfont=dict(size=13))
            fig.update_yaxes(tickfont=dict(size=13))
            st.plotly_chart(fig, width="stretch", key=f"brief-chart-{step.id}",
                            config={"displayModeBar": False})
            if subtitle:
                st.caption(subtitle.removesuffix("</sup>"))
        if result is not None:
            rows = [f"{p.origin} → {p.destination}: {p.status}"
                    + (f", +{p.extra_km:,.0f} km" if p.extra_km else "")
                    for p in result.pairs if p.status != "unaffected"]
            st.markdown("\n".join(f"- {popups.safe.text(r)}" for r in rows) or
                        "Every preset route is unaffected.")
    sources = [*step.sources]
    for kind, frame in (("projects", atlas.projects), ("risks", atlas.risks)):
        chosen = frame[frame["id"].isin(step.highlight.get(kind, ()))]
        for s in chosen["sources"]:
            sources.extend(s[:1])
    if sources:
        with st.expander("Sources for this step"):
            st.html(popups.sources_html(sources))
