"""The filtered records as a table, their downloads, and how the dataset was made."""

import streamlit as st

from ca_atlas import exports
from ca_atlas import view as viewstate
from ca_atlas.ui import page, record_tables

ctx = page.start("data")
atlas, view_state, view = ctx.atlas, ctx.state, ctx.view

st.markdown("### Data & sources")
st.caption(f"{len(view.projects)} of {len(atlas.projects)} projects match the filters. "
           "Sort by clicking a column; search with the magnifier above the table.")
record_tables.projects_table(view.projects)

filters = viewstate.query_string(view_state)
stamp = f"ca-atlas-{atlas.version}"
projects = view.projects
c1, c2, c3 = st.columns(3)
# Each file is made when someone downloads it, not on every rerun (the spreadsheet of
# 10,000 projects took 12 s to write).
c1.download_button("Download CSV", lambda: exports.to_csv(projects), f"{stamp}.csv",
                   "text/csv", width="stretch", on_click="ignore")
c2.download_button("Download GeoJSON", lambda: exports.to_geojson(projects, atlas.version),
                   f"{stamp}.geojson", "application/geo+json", width="stretch",
                   on_click="ignore")
c3.download_button("Download XLSX", lambda: exports.to_xlsx(projects, atlas.version, filters),
                   f"{stamp}.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   width="stretch", on_click="ignore")

st.markdown("#### Corridors")
record_tables.corridors_table(view.corridors)
st.markdown("#### Risk notes")
record_tables.risks_table(view.risks)
st.markdown("#### Claims checked against the sources")
st.caption("Claims made in the article this project grew from, and what the sources say.")
record_tables.claims_table(atlas.claims)

st.markdown("#### Methodology")
st.markdown(
    "- Every record lists its sources; nothing without a source is in the dataset.\n"
    "- Coordinates are mostly worked out from the place a source names: each record says how "
    "precise its location is (site, city, region, country).\n"
    "- Amounts are kept as reported, in their currency, with what they measure (loan, grant, "
    "total cost, an investor's share, a pledge). US dollar values use annual average exchange "
    "rates from `data/fx_rates.csv`, each row citing its table. Charts say which kinds of "
    "figure they add up.\n"
    "- Where sources disagree, the record keeps both in its note and says which it follows.\n"
    "- Corridor lengths are geodesic (WGS 84 ellipsoid) between the listed nodes, not along "
    "the track or road.")
st.caption(f"Dataset version {atlas.version} · {len(atlas.warnings)} validation warning(s)")
if atlas.warnings:
    with st.expander("Validation warnings"):
        for w in atlas.warnings:
            st.text(str(w))
