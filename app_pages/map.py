"""The map: projects, corridors and risk notes over the region, with the chosen record."""

import streamlit as st

from ca_atlas import maps, summaries
from ca_atlas.popups import usd_text
from ca_atlas.ui import briefing_draft, details, map_component, page, state

ctx = page.start("map")
atlas, view_state, view = ctx.atlas, ctx.state, ctx.view

head = summaries.headline(view.projects)
if ctx.presenting:  # one line of figures, so the map fits a 1280x720 shared screen
    st.html(f'<p class="atlas-present-title">Central Asia Investment Atlas</p>'
            f'<p class="atlas-present-caption">{head.projects} of {len(atlas.projects)} projects'
            f" · {usd_text(head.total_usd)} in known amounts (mixed kinds) · "
            f"{len(view.corridors)} corridors · {len(view.risks)} risk notes</p>")
else:
    st.markdown("### Central Asia Investment Atlas")
    cols = st.columns(4)
    cols[0].metric("Projects shown", f"{head.projects} of {len(atlas.projects)}")
    cols[1].metric("Known amounts, summed", usd_text(head.total_usd),
                   help=summaries.measure_caption(view.projects))
    cols[2].metric("Corridors", len(view.corridors))
    cols[3].metric("Risk notes", len(view.risks))

height = 520 if ctx.presenting else 680
map_col, detail_col = st.columns([3, 1], gap="medium")
with map_col:
    # The base (basemap, tiles, controls) is the same for every filter: the component keeps
    # its map and only the view's layers are replaced (no remount, no redraw of the base).
    # Corridors and risk notes are part of it too; a view sends which of them it shows.
    # Its big layers are files the browser fetches once (by content hash), so a view not
    # shown before sends the view's layers and not the base again.
    base = map_component.atlas_base(atlas, theme=ctx.theme, height=height,
                                    basemap=view_state.basemap)
    out = map_component.show(base, maps.view_layers(atlas, view, view_state, theme=ctx.theme,
                                                    reference=True),
                             key="atlas-map", height=height,
                             returned_objects=["last_active_drawing"])
    clicked = details.clicked_project(out)
    if clicked and clicked != view_state.project:
        state.set_view_state(view_state.with_(project=clicked))
        st.rerun()
    unplaced = view.projects[view.projects.geometry.isna()]
    if len(unplaced):
        st.caption(f"{len(unplaced)} project(s) in this view have no location on the map "
                   "(nationwide programmes or places the sources do not give); they are listed "
                   "on the Data page and counted in every figure.")
with detail_col:
    details.render_selected(atlas, view, view_state)
if not ctx.presenting:
    left, right = st.columns([3, 1])
    with left:
        briefing_draft.add_view_panel(view_state)
    with right:
        # the whole map in one file, built only when someone downloads it
        briefing_draft.map_download(maps.Deferred(
            lambda: maps.build_map(atlas, view, view_state, height=height, theme=ctx.theme)))
