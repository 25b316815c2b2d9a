"""Plotly charts whose selections narrow the shared filters, and the measures filter."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from .. import model, query
from .state import set_view_state


def measures_filter(state: query.ViewState, present: list[str]) -> list[str]:
    """Which kinds of figure the charts add up; kept in the URL as ``measures``."""
    raw = state.param("measures")
    chosen = [m for m in (raw or "").split(",") if m in present] if raw else list(present)
    key = "flt_measures"
    if key not in st.session_state or st.session_state.get("_synced_measures") != raw:
        st.session_state[key] = chosen
        st.session_state["_synced_measures"] = raw
    picked = st.multiselect(
        "Figures to add up", present, key=key, format_func=model.AMOUNT_MEASURES.get,
        help="Amounts measure different things. Choose which kinds the money charts sum; "
             "every chart says which it includes.")
    value = None if set(picked) == set(present) else (",".join(picked) if picked else "none")
    st.session_state["_synced_measures"] = value
    set_view_state(state.with_params(measures=value))
    return picked


def narrowed(chart: str, points: list[dict], state: query.ViewState) -> query.ViewState | None:
    """The view a selection of ``points`` on ``chart`` asks for, or None."""
    data = [p.get("customdata") for p in points if p.get("customdata") is not None]
    if not data:
        return None
    first = [d[0] for d in data]
    if chart == "country_sector":
        return state.with_(countries=tuple(dict.fromkeys(d[0] for d in data)),
                           sectors=tuple(dict.fromkeys(d[1] for d in data)))
    if chart == "japan_vs_others":
        return state.with_(countries=tuple(dict.fromkeys(first)))
    if chart == "by_year":
        years = [int(y) for y in first]
        return state.with_(year_min=min(years), year_max=max(years))
    if chart == "by_status":
        return state.with_(statuses=tuple(dict.fromkeys(first)))
    if chart == "top_investors":  # the last item is the name as recorded, not escaped
        return state.with_(investors=tuple(dict.fromkeys(d[-1] for d in data)))
    return None


def plotly(fig: go.Figure, chart: str, state: query.ViewState) -> None:
    key = f"chart-{chart}"
    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points", "box"),
                            width="stretch", config={"displaylogo": False})
    points = list((event or {}).get("selection", {}).get("points", []) or [])
    signature = repr([p.get("customdata") for p in points])
    previous = st.session_state.get(f"_sel-{chart}")
    st.session_state[f"_sel-{chart}"] = signature
    if not points or signature == previous:
        return
    new = narrowed(chart, points, state)
    if new is not None and new != state:
        set_view_state(new)
        st.rerun()
