"""How complete and how trustworthy the dataset is."""

from datetime import date

import streamlit as st

from ca_atlas import catalog, changes, model, quality, safe
from ca_atlas.model import DatasetError
from ca_atlas.ui import page, state

ctx = page.start("quality")
atlas = ctx.atlas
projects = atlas.projects
today = date.today().isoformat()

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
    st.dataframe(quality.verification_ages(projects, today),
                 hide_index=True, width="stretch")
with right:
    st.markdown("##### By location precision")
    st.dataframe(quality.counts(projects, "location_precision", model.LOCATION_PRECISIONS)[
        ["label", "projects"]], hide_index=True, width="stretch")

st.markdown("#### Since when each status is known")
dating = quality.status_dating(projects, today)
st.metric("Statuses dated by a source", f"{quality.dated_share(projects):.0%}",
          help="Projects whose status carries the date a source gives it (status_as_of).")
st.caption(f"{len(dating)} project(s) whose status is not dated, or whose source is more "
           f"than {quality.STATUS_STALE_YEARS} years old.")
st.dataframe(dating, hide_index=True, width="stretch")

st.markdown("#### How strong the sources are")
strength = quality.source_strength(projects)
weak = quality.weak_sources(projects)
reported, in_usd = quality.usd_coverage(projects)
left, middle, right = st.columns(3)
left.metric("At least two independent sources", f"{strength['two_sources']:.0%}",
            help="Sources on different sites from different publishers; a repost of "
                 "another source's text does not count (data/README.md).")
middle.metric("At least one primary source", f"{strength['primary']:.0%}",
              help="The lender's, government's, company's or multilateral bank's own page "
                   "(source_kinds.PRIMARY_DOMAINS, or kind: primary on the source).")
right.metric("Reported amounts in US dollars", f"{in_usd} of {reported}",
             help="Projects whose reported amount converts to US dollars at the year's rate "
                  "(fx_rates.csv); the rest lack a rate or a year (see the warnings).")
st.caption(f"{len(weak)} project(s) with fewer than two independent sources or no primary "
           "source.")
st.dataframe(weak, hide_index=True, width="stretch")

gaps = quality.gaps(projects)
st.markdown(f"#### Records with gaps ({len(gaps)})")
st.dataframe(gaps, hide_index=True, width="stretch")
conflicts = quality.conflicts(projects)
st.markdown(f"#### Where sources give other figures ({conflicts['id'].nunique()} records)")
st.caption("From each record's other_figures: the figure the record follows, and each "
           "other figure with its source. 'Same measure' marks two sources disagreeing on "
           "the same thing; otherwise the figures measure different things.")
st.dataframe(conflicts, hide_index=True, width="stretch",
             column_config={"source": st.column_config.LinkColumn("Source"),
                            "note": st.column_config.TextColumn("Note", width="large")})
disabled = catalog.disabled_parts(atlas)
if disabled:
    st.markdown(f"#### Left out because their files have errors ({len(disabled)})")
    st.caption("The rest of the atlas serves without them; `ca-atlas validate` lists the same.")
    for part in disabled:
        with st.expander(f"{part.title} ({part.file})", icon="⚠️"):
            for message in part.messages:
                st.text(message)
if atlas.warnings:
    st.markdown(f"#### Validation warnings ({len(atlas.warnings)})")
    for w in atlas.warnings:
        st.text(str(w))

st.markdown("#### What changed")
recorded = state.dataset_versions()
if not recorded:
    st.caption("The team store has no earlier day to compare with yet (today's changes are "
               "on the History page)." if state.store_mode() else
               "The dataset on this server has no recorded versions (its directory is not "
               "in a git repository), so there is nothing to compare with. From a shell, "
               "`ca-atlas changes --since DIR` compares with another dataset directory.")
else:
    labels = {v.commit: v.label for v in recorded}
    since = st.selectbox("Compare with an earlier version of the dataset", [None, *labels],
                         format_func=lambda c: "—" if c is None else labels[c],
                         key="changes-since",
                         help="Tags and the latest commits that changed the dataset.")
    if since:
        try:
            diff = changes.compare(state.earlier_atlas(since), atlas, labels[since])
        except (ValueError, DatasetError) as exc:
            st.error(f"Cannot read that version: {safe.markdown(exc)}")
        else:
            st.dataframe(diff.totals, hide_index=True, width="stretch")
            st.markdown(f"**{len(diff.added)} added**, **{diff.changed['id'].nunique()} "
                        f"changed**, **{len(diff.removed)} removed**")
            for label, frame in (("Added", diff.added), ("Changed", diff.changed),
                                 ("Removed", diff.removed)):
                if len(frame):
                    st.caption(label)
                    st.dataframe(frame, hide_index=True, width="stretch")
