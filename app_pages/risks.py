"""The risk register, and how much investment sits near each risk."""

import streamlit as st
from streamlit_folium import st_folium

from ca_atlas import charts, exposure, maps, model, query
from ca_atlas.popups import usd_text
from ca_atlas.ui import page, record_tables
from ca_atlas.ui.state import set_view_state

ctx = page.start("risks")
atlas, view_state, view = ctx.atlas, ctx.state, ctx.view

st.markdown("### Risks: the register and the investment exposed")
within = view_state.within_km
within = st.slider("Count a project as exposed within this distance of a risk's area (km)",
                   0, 500, within, step=10, key=f"within-{within}")
set_view_state(view_state.with_(within_km=within))

touching = exposure.pairs(atlas, within, projects=view.projects, risks=view.risks)
head = exposure.headline(touching)
cols = st.columns(4)
cols[0].metric("Risk notes shown", len(view.risks))
cols[1].metric("Projects exposed", head["projects"])
cols[2].metric("US$ exposed (known amounts)", usd_text(head["usd"]),
               help="Each exposed project counted once, at its amount as recorded.")
cols[3].metric("Severity-weighted US$", usd_text(head["weighted_usd"]),
               help="Each project's amount times the weight of the most severe risk touching "
                    "it (low 0.25, medium 0.5, high 0.75, critical 1). An index, not money.")
if head["without_amount"]:
    st.caption(f"{head['without_amount']} exposed project(s) have no known amount.")

left, right = st.columns(2)
by_category = exposure.totals(touching, "category")
left.plotly_chart(charts.exposure_chart(by_category, "usd", "Risk category"),
                  width="stretch", key="exposure-raw")
right.plotly_chart(charts.exposure_chart(by_category, "weighted_usd", "Risk category"),
                   width="stretch", key="exposure-weighted")
left, right = st.columns(2)
left.plotly_chart(charts.exposure_chart(exposure.totals(touching, "country"), "usd", "Country"),
                  width="stretch", key="exposure-country")
right.plotly_chart(charts.exposure_chart(exposure.totals(touching, "sector"), "usd", "Sector"),
                   width="stretch", key="exposure-sector")

st.markdown("#### Exposed projects on the map")
exposed_ids = tuple(exposure.per_project(touching)["project_id"])
exposed_view = query.View(projects=view.projects[view.projects["id"].isin(exposed_ids)],
                          corridors=view.corridors.iloc[0:0], segments=view.segments.iloc[0:0],
                          risks=view.risks, investors=view.investors)
# The legend starts folded: open, it hid a third of this smaller map.
m = maps.build_map(atlas, exposed_view, view_state.with_(layers=("projects", "risks")),
                   height=560, legend_open=False)
st_folium(m, key="risk-map", height=560, use_container_width=True, returned_objects=[])

st.markdown("#### Exposed projects")
st.dataframe(exposure.per_project(touching).assign(
    amount=lambda f: f["amount_usd"].map(usd_text),
    country=lambda f: f["country"].map(model.country_name),
    sector=lambda f: f["sector"].map(model.SECTORS))[
    ["project", "country", "sector", "amount", "risks"]].rename(columns=str.capitalize),
    hide_index=True, width="stretch")
st.markdown("#### Risk register")
record_tables.risks_table(view.risks)
