"""One briefing step on screen: title bar, map, narrative, chart, sources, navigation."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from .. import briefing, briefing_steps, catalog, charts, popups, safe
from .. import view as viewstate
from ..atlas import Atlas
from .state import set_view_state


def disabled_briefings(atlas: Atlas) -> list:
    """The briefings (or the briefings folder) left out because their files have errors."""
    return [d for d in catalog.disabled_parts(atlas) if d.part in ("briefing", "briefings")]


def disabled_notice(atlas: Atlas) -> None:
    """Which briefings are left out, each with its file's errors; the others still serve."""
    parts = disabled_briefings(atlas)
    if not parts:
        return
    with st.expander(f"{len(parts)} briefing file(s) left out because of errors: fix them and "
                     "they come back (`ca-atlas validate` lists the same)", icon="⚠️"):
        for part in parts:
            st.markdown(f"**{safe.markdown(part.title)}** ({safe.markdown(part.file)})")
            for message in part.messages[:20]:
                st.text(message)
            if len(part.messages) > 20:
                st.text(f"… and {len(part.messages) - 20} more")


def _go(state: viewstate.ViewState, number: int) -> None:
    set_view_state(state.with_(step=number))


def render(atlas: Atlas, brief: briefing.Briefing, number: int, state: viewstate.ViewState,
           presenting: bool) -> None:
    step = brief.steps[number - 1]
    view = briefing_steps.step_view(atlas, step)
    title_col, prev_col, count_col, next_col = st.columns([6, 1, 0.7, 1],
                                                          vertical_alignment="center")
    title_col.html(f'<p class="atlas-present-title">{safe.text(step.title)}</p>'
                   f'<p class="atlas-present-caption">{safe.text(brief.title)} · step '
                   f"{number} of {len(brief.steps)}</p>")
    prev_col.button("◀ Back", key="present-prev", disabled=number <= 1,
                    on_click=_go, args=(state, number - 1), width="stretch")
    count_col.markdown(f"<div style='text-align:center'>{number} / {len(brief.steps)}</div>",
                       unsafe_allow_html=True)
    next_col.button("Next ▶", key="present-next", disabled=number >= len(brief.steps),
                    on_click=_go, args=(state, number + 1), width="stretch")
    map_col, text_col = st.columns([3, 2], gap="medium")
    height = 520 if presenting else 600
    m, result = briefing_steps.step_map(atlas, step, view, height)
    with map_col:
        st_folium(m, key=f"brief-map-{brief.id}-{step.id}", height=height,
                  use_container_width=True, returned_objects=[])
    with text_col:
        st.markdown(safe.markdown(step.narrative))
        if step.changes_since:
            st.markdown("\n".join(f"- {safe.markdown(line)}"
                                   for line in briefing_steps.changes_lines(atlas,
                                                                          step.changes_since)))
        fig = briefing_steps.step_chart(atlas, step, view)
        if fig is not None:
            fig, subtitle = charts.in_column(fig)
            st.plotly_chart(fig, width="stretch", key=f"brief-chart-{step.id}",
                            config={"displayModeBar": False})
            if subtitle:
                st.caption(subtitle)
        if result is not None:
            rows = briefing_steps.scenario_lines(result)
            st.markdown("\n".join(f"- {safe.markdown(r)}" for r in rows) or
                        "Every preset route is unaffected.")
    sources = briefing_steps.step_sources(atlas, step)
    if sources:
        with st.expander("Sources for this step"):
            st.html(popups.sources_html(sources))
