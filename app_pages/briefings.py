"""Briefings: prepared steps to present to a room, one link per step."""

import streamlit as st

from ca_atlas.ui import briefing_draft, briefing_view, page, presenter
from ca_atlas.ui.state import set_view_state

ctx = page.start("present", sidebar_filters=False)
atlas, view_state = ctx.atlas, ctx.state
briefings = {b.id: b for b in atlas.briefings}
if not ctx.presenting:
    briefing_view.disabled_notice(atlas)
if not briefings:
    st.info("No briefing to show in data/briefings."
            if not briefing_view.disabled_briefings(atlas) else
            "No briefing to show: every briefing file has errors (listed above).")
    st.stop()

brief = briefings.get(view_state.briefing) or next(iter(briefings.values()))
step = view_state.step or 1
number = step if step <= len(brief.steps) else 1
if (view_state.briefing, view_state.step) != (brief.id, number):
    view_state = view_state.with_(briefing=brief.id, step=number)
    set_view_state(view_state)

if not ctx.presenting:
    left, right = st.columns([3, 1])
    left.selectbox("Briefing", list(briefings), format_func=lambda b: briefings[b].title,
                   index=list(briefings).index(brief.id), key=f"brief-pick-{brief.id}",
                   on_change=lambda: set_view_state(view_state.with_(
                       briefing=st.session_state[f"brief-pick-{brief.id}"], step=1)))
    right.button("Present full screen", key="present-start", type="primary", width="stretch",
                 on_click=lambda: set_view_state(view_state.with_(present=True)))
briefing_view.render(atlas, brief, number, view_state, ctx.presenting)
if ctx.presenting:
    presenter.exit_button(view_state)  # with the clicker keys
else:
    presenter.keyboard()
    st.caption("Keys: → or PageDown for the next step, ← or PageUp for the previous; each "
               "step's address opens exactly that step.")
    briefing_draft.briefing_downloads(atlas, brief)
