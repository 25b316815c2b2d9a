"""The filter sidebar shared by every page, drawn from one table of widgets.

The URL is the source of truth. Each widget in :data:`WIDGETS` stands for one URL
parameter of :data:`ca_atlas.view.PARAMS` (its session key is ``flt_`` + the parameter):
when the URL changed since this sidebar last wrote it (a pasted link, a chart click, a
briefing step, another page), every widget is set from the view state; after drawing,
the view state is read back from the widgets and written to the URL. Adding a filter is
a ``view.PARAMS`` entry with its field, a row here, and its rule in
:func:`ca_atlas.query.project_mask`.

Why not Streamlit's ``bind="query-params"``: tried in Chromium with Streamlit 1.67, a
value set by code (a chart selection, a page switch, an old comma-separated link) reached
the widget but not the URL until the next interaction; a bound toggle did not read the
shipped links' ``japan=1``; ``st.query_params.from_dict`` raises once any key is bound,
and bindings are per page script, so carrying the filters across pages would stay
hand-written anyway. One generic sync driven by the same table keeps every parameter
behaving alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from .. import memo, model, view
from ..atlas import Atlas
from .state import set_view_state

AMOUNT_STOPS = [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000]
OPEN_END = "no limit"


def _investor_names(atlas: Atlas) -> list[str]:
    return sorted(set(atlas.investors["name"].dropna()), key=str.casefold)


def _investor_countries(atlas: Atlas) -> list[str]:
    return sorted({c for cs in atlas.projects["investor_countries"] for c in cs},
                  key=model.country_name)


def _vocabulary(labels: dict[str, str]) -> Callable[[Atlas], list[str]]:
    return lambda atlas: list(labels)


@dataclass(frozen=True)
class Widget:
    """One sidebar widget standing for one URL parameter."""

    param: str
    kind: str  # toggle | text | multiselect | selectbox
    label: str
    options: Callable[[Atlas], list[str]] | None = None
    format_func: Callable[[str], str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"flt_{self.param}"

    @property
    def view_field(self) -> str:
        return view.PARAMS[self.param].field

    def to_widget(self, value: Any, options: list[str] | None) -> Any:
        if isinstance(value, tuple):
            return [v for v in value if options is None or v in options]
        return value

    def from_widget(self, value: Any, options: list[str] | None) -> Any:
        if self.kind == "multiselect":
            chosen = set(value)  # in the vocabulary's order: one view, one URL
            return tuple(o for o in options if o in chosen)
        if self.kind == "text":
            return value.strip()
        if self.kind == "toggle":
            return bool(value)
        return value

    def draw(self, options: list[str] | None) -> None:
        sb = st.sidebar
        kwargs = {"key": self.key, **self.extra}
        if self.format_func is not None:
            kwargs["format_func"] = self.format_func
        if self.kind == "toggle":
            sb.toggle(self.label, **kwargs)
        elif self.kind == "text":
            sb.text_input(self.label, **kwargs)
        elif self.kind == "multiselect":
            sb.multiselect(self.label, options, **kwargs)
        else:
            sb.selectbox(self.label, options, **kwargs)


FILTER_WIDGETS = (
    Widget("japan", "toggle", "Japanese participation only", extra={
        "help": "Keep projects with at least one Japanese investor, lender or donor."}),
    # Free text, at most 200 characters: matched as a literal substring (never a regular
    # expression, a path or a query), and escaped wherever it is shown.
    Widget("q", "text", "Search", extra={"placeholder": "name, place, investor…",
                                         "max_chars": view.MAX_TEXT_CHARS}),
    Widget("country", "multiselect", "Country", _vocabulary(model.FOCUS_COUNTRIES),
           model.country_name, {"placeholder": "All five"}),
    Widget("sector", "multiselect", "Sector", _vocabulary(model.SECTORS), model.SECTORS.get,
           {"placeholder": "All sectors"}),
    Widget("investor", "multiselect", "Investor", _investor_names,
           extra={"placeholder": "Any investor"}),
    Widget("inv_country", "multiselect", "Investor country", _investor_countries,
           model.country_name, {"placeholder": "Any"}),
    Widget("status", "multiselect", "Status", _vocabulary(model.PROJECT_STATUSES),
           model.PROJECT_STATUSES.get, {"placeholder": "Any status"}),
)
MAP_WIDGETS = (
    Widget("layers", "multiselect", "Layers", _vocabulary(model.MAP_LAYERS),
           model.MAP_LAYERS.get),
    Widget("basemap", "selectbox", "Basemap", _vocabulary(model.BASEMAPS), model.BASEMAPS.get),
)
#: Every widget that stands for exactly one parameter.
WIDGETS = FILTER_WIDGETS + MAP_WIDGETS


def _year_bounds(atlas: Atlas) -> tuple[int, int]:
    years = atlas.projects["year"].dropna()
    if years.empty:
        return 2000, 2026
    return int(years.min()), int(years.max())


def _stop(value: float | None, default):
    if value is None:
        return default
    return min(AMOUNT_STOPS, key=lambda s: abs(s - value))


def _url_params(state: view.ViewState) -> dict:
    params = state.to_params()
    params.pop("project", None)
    return params


def _sync_widgets(state: view.ViewState, options: dict, page_id: str) -> None:
    """Set the widgets from the URL when the URL changed since we last wrote it, or when
    another page drew them last (each page's widgets are new widgets to Streamlit)."""
    params = _url_params(state)
    ss = st.session_state
    if (ss.get("_synced_params") == params and ss.get("_synced_page") == page_id
            and all(w.key in ss for w in WIDGETS)):
        return
    ss["_synced_page"] = page_id
    for w in WIDGETS:
        ss[w.key] = w.to_widget(getattr(state, w.view_field), options[w.param])
    # Range widgets take their value from ``value=`` (a tuple makes them ranges), so they
    # are re-created under a new key whenever the URL sets them.
    ss["_range_gen"] = ss.get("_range_gen", 0) + 1
    ss["_synced_params"] = params


def _reset() -> None:
    st.session_state["_reset_filters"] = True


def _ranges(atlas: Atlas, state: view.ViewState) -> dict:
    """The two range sliders (each stands for two parameters); their fields' values."""
    sb = st.sidebar
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
    return {
        "year_min": years[0] if years[0] > lo else None,
        "year_max": years[1] if years[1] < hi else None,
        "usd_min_m": float(usd_lo) if usd_lo != OPEN_END and usd_lo > 0 else None,
        "usd_max_m": float(usd_hi) if usd_hi != OPEN_END else None,
    }


def _options(atlas: Atlas) -> dict[str, list[str] | None]:
    """Each widget's options, worked out once per loaded dataset (the investor lists read
    every record: 40 ms a rerun at 10,000 projects). Shared by every session, read-only."""
    return memo.per_object(atlas, "sidebar options", lambda: {
        w.param: w.options(atlas) if w.options else None for w in WIDGETS})


def render(atlas: Atlas, state: view.ViewState, page_id: str) -> view.ViewState:
    """Draw the filters; return the view they describe (also written to the URL)."""
    if st.session_state.pop("_reset_filters", False):
        state = state.without_filters()
        st.session_state.pop("_synced_params", None)
    options = _options(atlas)
    _sync_widgets(state, options, page_id)
    st.sidebar.header("Filters")
    for w in FILTER_WIDGETS:
        w.draw(options[w.param])
    ranges = _ranges(atlas, state)
    st.sidebar.divider()
    st.sidebar.subheader("Map")
    for w in MAP_WIDGETS:
        w.draw(options[w.param])
    st.sidebar.button("Reset filters", on_click=_reset, width="stretch")
    st.sidebar.caption("The address bar always holds this view: copy it to share exactly "
                       "what you see.")

    ss = st.session_state
    new = state.with_(**ranges, **{w.view_field: w.from_widget(ss[w.key], options[w.param])
                                   for w in WIDGETS})
    st.session_state["_synced_params"] = _url_params(new)
    set_view_state(new)
    return new
