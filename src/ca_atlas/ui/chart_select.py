"""Plotly charts whose selections narrow the shared filters, and the measures filter."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from .. import chart_kinds, model
from .. import view as viewstate
from .state import set_view_state


def measures_filter(state: viewstate.ViewState, present: list[str]) -> list[str]:
    """Which kinds of figure the charts add up; kept in the URL as ``measures``."""
    measures = state.measures
    chosen = list(present) if measures is None else [m for m in measures if m in present]
    key = "flt_measures"
    if key not in st.session_state or st.session_state.get("_synced_measures") != measures:
        st.session_state[key] = chosen
        st.session_state["_synced_measures"] = measures
    picked = st.multiselect(
        "Figures to add up", present, key=key, format_func=model.AMOUNT_MEASURES.get,
        help="Amounts measure different things. Choose which kinds the money charts sum; "
             "every chart says which it includes.")
    value = None if set(picked) == set(present) else tuple(picked)
    st.session_state["_synced_measures"] = value
    set_view_state(state.with_(measures=value))
    return picked


def plotly(fig: go.Figure, chart: str, state: viewstate.ViewState) -> None:
    key = f"chart-{chart}"
    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points", "box"),
                            width="stretch", config={"displaylogo": False})
    points = list((event or {}).get("selection", {}).get("points", []) or [])
    signature = repr([p.get("customdata") for p in points])
    previous = st.session_state.get(f"_sel-{chart}")
    st.session_state[f"_sel-{chart}"] = signature
    if not points or signature == previous:
        return
    new = chart_kinds.narrowed(chart, points, state)
    if new is not None and new != state:
        set_view_state(new)
        st.rerun()
