"""The filter sidebar shared by every page. The URL is the source of truth: widgets are
set from it when it changes (a pasted link), and widget changes are written back to it."""

from __future__ import annotations

import streamlit as st

from .. import model, query
from ..atlas import Atlas
from .state import set_view_state

AMOUNT_STOPS = [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000]
OPEN_END = "no limit"


def _year_bounds(atlas: Atlas) -> tuple[int, int]:
    years = atlas.projects["year"].dropna()
    if years.empty:
        return 2000, 2026
    return int(years.min()), int(years.max())


def _widget_values(state: query.ViewState, atlas: Atlas) -> dict:
    lo, hi = _year_bounds(atlas)
    return {
        "flt_country": list(state.countries),
        "flt_sector": list(state.sectors),
        "flt_investor": [i for i in state.investors if i in _investor_names(atlas)],
        "flt_inv_country": list(state.investor_countries),
        "flt_status": list(state.statuses),
        "flt_q": state.search,
        "flt_japan": state.japan_only,
        "flt_layers": list(state.layers),
        "flt_basemap": state.basemap,
    }


def _stop(value: float | None, default):
    if value is None:
        return default
    return min(AMOUNT_STOPS, key=lambda s: abs(s - value))


def _investor_names(atlas: Atlas) -> list[str]:
    return sorted(set(atlas.investors["name"].dropna()), key=str.casefold)


def _sync_widgets(state: query.ViewState, atlas: Atlas, page_id: str) -> None:
    """Set the widgets from the URL when the URL changed since we last wrote it, or when
    another page drew them last (each page's widgets are new widgets to Streamlit)."""
    params = state.to_params()
    params.pop("project", None)
    values = _widget_values(state, atlas)
    if (st.session_state.get("_synced_params") == params
            and st.session_state.get("_synced_page") == page_id
            and all(k in st.session_state for k in values)):
        return
    st.session_state["_synced_page"] = page_id
    for key, value in values.items():
        st.session_state[key] = value
    # Range widgets take their value from ``value=`` (a tuple makes them ranges), so they
    # are re-created under a new key whenever the URL sets them.
    st.session_state["_range_gen"] = st.session_state.get("_range_gen", 0) + 1
    st.session_state["_synced_params"] = params


def _reset() -> None:
    st.session_state["_reset_filters"] = True


def render(atlas: Atlas, state: query.ViewState, page_id: str) -> query.ViewState:
    """Draw the filters; return the view they describe (also written to the URL)."""
    if st.session_state.pop("_reset_filters", False):
        state = state.without_filters()
        st.session_state.pop("_synced_params", None)
    _sync_widgets(state, atlas, page_id)
    sb = st.sidebar
    sb.header("Filters")
    sb.toggle("Japanese participation only", key="flt_japan",
              help="Keep projects with at least one Japanese investor, lender or donor.")
    # Free text, at most 200 characters: matched as a literal substring (never a regular
    # expression, a path or a query), and escaped wherever it is shown.
    sb.text_input("Search", key="flt_q", placeholder="name, place, investor…", max_chars=200)
    sb.multiselect("Country", list(model.FOCUS_COUNTRIES), key="flt_country",
                   format_func=model.country_name, placeholder="All five")
    sb.multiselect("Sector", list(model.SECTORS), key="flt_sector",
                   format_func=model.SECTORS.get, placeholder="All sectors")
    sb.multiselect("Investor", _investor_names(atlas), key="flt_investor",
                   placeholder="Any investor")
    inv_countries = sorted({c for cs in atlas.projects["investor_countries"] for c in cs},
                           key=model.country_name)
    sb.multiselect("Investor country", inv_countries, key="flt_inv_country",
                   format_func=model.country_name, placeholder="Any")
    sb.multiselect("Status", list(model.PROJECT_STATUSES), key="flt_status",
                   format_func=model.PROJECT_STATUSES.get, placeholder="Any status")
    lo, hi = _year_bounds(atlas)
    gen = st.session_state.get("_range_gen", 0)
    years = (lo, hi)
    if lo < hi:
        years = sb.slider(
            "Year signed (else announced)", lo, hi, key=f"flt_years_{gen}",
            value=(max(lo, state.year_min if state.year_min is not None else lo),
                   min(hi, state.year_max if state.year_max is not None else hi)))
    usd_lo, usd_hi = sb.select_slider(
        "Amount (US$ million)", options=[*AMOUNT_STOPS, OPEN_END], key=f"flt_usd_{gen}",
        value=(_stop(state.usd_min_m, 0), _stop(state.usd_max_m, OPEN_END)),
        help="Setting a bound leaves out projects whose amount is unknown.")
    sb.divider()
    sb.subheader("Map")
    sb.multiselect("Layers", list(query.LAYERS), key="flt_layers",
                   format_func=lambda k: {"projects": "Investment projects",
                                          "corridors": "Trade corridors",
                                          "risks": "Risk notes"}[k])
    sb.selectbox("Basemap", list(query.BASEMAPS), key="flt_basemap",
                 format_func=lambda k: {"offline": "Boundaries (works offline)",
                                        "light": "Light tiles (needs internet)",
                                        "osm": "OpenStreetMap (needs internet)",
                                        "satellite": "Satellite (needs internet)"}[k])
    sb.button("Reset filters", on_click=_reset, width="stretch")
    sb.caption("The address bar always holds this view: copy it to share exactly what you see.")

    ss = st.session_state
    new = state.with_(
        countries=tuple(ss["flt_country"]),
        sectors=tuple(ss["flt_sector"]),
        investors=tuple(ss["flt_investor"]),
        investor_countries=tuple(ss["flt_inv_country"]),
        statuses=tuple(ss["flt_status"]),
        year_min=years[0] if years[0] > lo else None,
        year_max=years[1] if years[1] < hi else None,
        usd_min_m=float(usd_lo) if usd_lo != OPEN_END and usd_lo > 0 else None,
        usd_max_m=float(usd_hi) if usd_hi != OPEN_END else None,
        search=ss["flt_q"].strip(),
        japan_only=bool(ss["flt_japan"]),
        layers=tuple(k for k in query.LAYERS if k in ss["flt_layers"]),
        basemap=ss["flt_basemap"],
    )
    params = new.to_params()
    params.pop("project", None)
    st.session_state["_synced_params"] = params
    set_view_state(new)
    return new
