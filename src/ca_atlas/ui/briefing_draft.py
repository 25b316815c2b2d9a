"""Build a briefing from views in the app, and take briefings and maps away as files."""

from __future__ import annotations

import streamlit as st

from .. import briefing, briefing_steps, offline_html
from .. import view as viewstate
from ..atlas import Atlas

_DRAFT = "_briefing_draft"


def add_view_panel(state: viewstate.ViewState) -> None:
    """The Map page's 'add this view to a briefing' panel."""
    steps: list[dict] = st.session_state.setdefault(_DRAFT, [])
    with st.expander(f"Add this view to a briefing draft ({len(steps)} step(s) so far)"):
        title = st.text_input("Step title", key="draft-title", max_chars=120)
        narrative = st.text_area("Narrative (your own words; cite sources in the file)",
                                 key="draft-narrative", max_chars=1200)
        cols = st.columns(3)
        if cols[0].button("Add step", disabled=not title.strip() or not narrative.strip()):
            steps.append(briefing.step_from_view(state, title.strip(), narrative.strip(), len(steps) + 1))
            st.toast(f"Added step {len(steps)}")
            st.rerun()
        if cols[1].button("Clear the draft", disabled=not steps):
            steps.clear()
            st.rerun()
        # Titles and narrative are free text that only reaches a YAML download (safe_dump,
        # a fixed file name): never a path on the server.
        name = st.text_input("Briefing title", value="Draft briefing", key="draft-name",
                             max_chars=120)
        cols[2].download_button("Download draft (YAML)", briefing.draft_yaml(name, steps),
                                file_name="briefing-draft.yaml", mime="application/x-yaml",
                                disabled=not steps)


def map_download(m) -> None:
    """The current map as one HTML file that opens offline."""
    st.download_button("Download this map (HTML, works offline)",
                       data=lambda: offline_html.map_html(m).encode("utf-8"),
                       file_name="atlas-map.html", mime="text/html", on_click="ignore",
                       icon=":material/download:")


def briefing_downloads(atlas: Atlas, brief) -> None:
    cols = st.columns(2)
    cols[0].download_button(
        "Download as one HTML file (offline)",
        data=lambda: briefing_steps.export_briefing(atlas, brief).encode("utf-8"),
        file_name=f"{brief.id}.html", mime="text/html", on_click="ignore",
        icon=":material/download:", width="stretch")
    cols[1].download_button("Download the briefing file (YAML)", briefing.file_text(brief),
                            file_name=f"{brief.id}.yaml", mime="application/x-yaml",
                            on_click="ignore", width="stretch")
