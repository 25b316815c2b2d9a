"""How complete and how trustworthy the dataset is."""

from datetime import date

import streamlit as st

from ca_atlas import model, quality
from ca_atlas.ui import page

ctx = page.start("quality")
atlas = ctx.atlas
projects = atlas.projects

st.markdown("### Data quality")
st.caption("The whole dataset, whatever the filters: what it covers, what it lacks, and where "
           "its sources disagree.")
cols = st.columns(5)
cols[0].metric("Projects", len(projects))
cols[1].metric("With Japanese participation", int(projects["japanese"].sum()))
cols[2].metric("Corridors", len(atlas.corridors))
cols[3].metric("Risk notes", len(atlas.risks))
cols[4].metric("Validation warnings", len(atlas.warnings))

st.markdown("#### Coverage by country")
st.dataframe(quality.coverage(projects), hide_index=True, width="stretch")
left, mid, right = st.columns(3)
with left:
    st.markdown("##### By sector")
    st.dataframe(quality.counts(projects, "sector", model.SECTORS)[["label", "projects"]],
                 hide_index=True, width="stretch")
with mid:
    st.markdown("##### By confidence")
    st.dataframe(quality.counts(projects, "confidence", model.CONFIDENCE)[["label", "projects"]],
                 hide_index=True, width="stretch")
    st.markdown("##### Last verified")
    st.dataframe(quality.verification_ages(projects, date.today().isoformat()),
                 hide_index=True, width="stretch")
with right:
    st.markdown("##### By location precision")
    st.dataframe(quality.counts(projects, "location_precision", model.LOCATION_PRECISIONS)[
        ["label", "projects"]], hide_index=True, width="stretch")

gaps = quality.gaps(projects)
st.markdown(f"#### Records with gaps ({len(gaps)})")
st.dataframe(gaps, hide_index=True, width="stretch")
conflicts = quality.conflicts(projects)
st.markdown(f"#### Where sources disagree ({len(conflicts)})")
st.caption("Each record keeps both figures in its note and says which one it follows.")
st.dataframe(conflicts, hide_index=True, width="stretch",
             column_config={"note": st.column_config.TextColumn("Note", width="large")})
if atlas.warnings:
    st.markdown(f"#### Validation warnings ({len(atlas.warnings)})")
    for w in atlas.warnings:
        st.text(str(w))
