"""What if a route is blocked: rerouted paths, extra distance and time, affected projects."""

import streamlit as st
from streamlit_folium import st_folium

from ca_atlas import maps, safe, scenarios
from ca_atlas.popups import usd_text
from ca_atlas.ui import page, scenario

ctx = page.start("corridors")
atlas, view_state, view = ctx.atlas, ctx.state, ctx.view

st.markdown("### Corridors: what if a route is blocked?")
blocks, weight, (origin, destination), planned = scenario.controls(atlas, view_state)
custom = scenarios.custom_pair(atlas, origin, destination)
result = scenarios.run(atlas, blocks, origin, destination, weight=weight,
                       include_planned=planned)
for unknown in result.unknown_ids:
    st.warning(f"Nothing in the network is called {safe.markdown(repr(unknown))}; "
               "it was not blocked.")

table = scenarios.results_table(result, atlas)
labels = [safe.markdown(f"{p.origin} → {p.destination}") for p in result.pairs]
default = len(labels) - 1 if custom else next(
    (i for i, p in enumerate(result.pairs) if p.status in ("rerouted", "no route left")), 0)
map_col, side = st.columns([3, 1], gap="medium")
with side:
    chosen = st.radio("Show on the map", labels, index=default, key=f"pair-{len(labels)}")
    pair = result.pairs[labels.index(chosen)]
    st.metric("Result", pair.status.capitalize())
    if pair.extra_km is not None:
        st.metric("Extra distance", f"{pair.extra_km:,.0f} km")
    if pair.extra_days is not None:
        st.metric("Extra time", f"{pair.extra_days:,.1f} days")
    elif pair.alternative is not None and pair.alternative.untimed_legs:
        st.caption("Time not shown: no sourced speed for "
                   + safe.markdown(", ".join(pair.alternative.untimed_legs)) + ".")
with map_col:
    m = maps.scenario_map(atlas, view, result, result.graph, pair)
    out = st_folium(m, key="scenario-map", height=620, use_container_width=True,
                    returned_objects=["last_active_drawing"])
    st.caption("Click a corridor segment on the map to block it; click a blocked (red) one "
               "to reopen it.")
    segment = scenario.clicked_segment(out)
    if segment:
        scenario.toggle_block(view_state.with_(blocks=tuple(blocks)), blocks, segment)
        st.rerun()

st.markdown("#### Origin–destination results")
st.dataframe(table, hide_index=True, width="stretch")
st.caption("Distances are geodesic between corridor nodes. Times use CAREC CPMM 2020 average "
           "road and rail speeds without delay plus average border-crossing times, and for sea "
           "legs a speed derived from a reported Caspian ferry crossing (Kuryk–Alat, 20–22 h), "
           "without waiting for a sailing or port handling (data/transit.yaml); waterway and "
           "pipeline legs have no sourced speed and are left untimed.")

st.markdown("#### Projects that depend on what is blocked")
if result.projects.empty:
    st.caption("No project is linked to, or within 50 km of, what is blocked.")
else:
    shown = result.projects.assign(amount=result.projects["amount_usd"].map(usd_text))
    st.metric("US$ in affected projects (known amounts)",
              usd_text(float(result.projects["amount_usd"].sum())))
    st.dataframe(shown[["name", "country", "sector", "amount", "why"]].rename(columns={
        "name": "Project", "country": "Country", "sector": "Sector", "amount": "Amount",
        "why": "Why it depends on what is blocked"}), hide_index=True, width="stretch")
