"""Build a briefing from views in the app, and take briefings and maps away as files."""

from __future__ import annotations

import re

import streamlit as st
import yaml

from .. import briefing, presentation, query, standalone, view
from ..catalog import Atlas

_DRAFT = "_briefing_draft"
#: Parameters that belong to a step's view (filters), not to how the app was opened.
_VIEW_KEYS = set(view.FILTERS)


def step_from_view(state: query.ViewState, title: str, narrative: str, number: int) -> dict:
    """A briefing step that reproduces ``state`` (filters, layers, selected project)."""
    params = {k: v for k, v in state.to_params().items() if k in _VIEW_KEYS}
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:40] or f"step-{number}"
    step = {"id": f"{number:02d}-{slug}", "title": title, "narrative": narrative,
            "params": params, "layers": list(state.layers)}
    if state.project:
        step["highlight"] = {"projects": [state.project]}
    return step


def draft_yaml(title: str, steps: list[dict]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-") or "draft"
    doc = {"id": slug, "title": title, "subtitle": "", "steps": steps}
    header = ("# A briefing drafted in the atlas. Save it as data/briefings/<id>.yaml (the\n"
              "# file name must match the id), add sources to each step, and have it reviewed.\n")
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def add_view_panel(state: query.ViewState) -> None:
    """The Map page's 'add this view to a briefing' panel."""
    steps: list[dict] = st.session_state.setdefault(_DRAFT, [])
    with st.expander(f"Add this view to a briefing draft ({len(steps)} step(s) so far)"):
        title = st.text_input("Step title", key="draft-title", max_chars=120)
        narrative = st.text_area("Narrative (your own words; cite sources in the file)",
                                 key="draft-narrative", max_chars=1200)
        cols = st.columns(3)
        if cols[0].button("Add step", disabled=not title.strip() or not narrative.strip()):
            steps.append(step_from_view(state, title.strip(), narrative.strip(), len(steps) + 1))
            st.toast(f"Added step {len(steps)}")
            st.rerun()
        if cols[1].button("Clear the draft", disabled=not steps):
            steps.clear()
            st.rerun()
        # Titles and narrative are free text that only reaches a YAML download (safe_dump,
        # a fixed file name): never a path on the server.
        name = st.text_input("Briefing title", value="Draft briefing", key="draft-name",
                             max_chars=120)
        cols[2].download_button("Download draft (YAML)", draft_yaml(name, steps),
                                file_name="briefing-draft.yaml", mime="application/x-yaml",
                                disabled=not steps)


def map_download(m) -> None:
    """The current map as one HTML file that opens offline."""
    st.download_button("Download this map (HTML, works offline)",
                       data=lambda: standalone.map_html(m).encode("utf-8"),
                       file_name="atlas-map.html", mime="text/html", on_click="ignore",
                       icon=":material/download:")


def briefing_downloads(atlas: Atlas, brief) -> None:
    cols = st.columns(2)
    cols[0].download_button(
        "Download as one HTML file (offline)",
        data=lambda: presentation.export_briefing(atlas, brief).encode("utf-8"),
        file_name=f"{brief.id}.html", mime="text/html", on_click="ignore",
        icon=":material/download:", width="stretch")
    cols[1].download_button("Download the briefing file (YAML)", briefing.file_text(brief),
                            file_name=f"{brief.id}.yaml", mime="application/x-yaml",
                            on_click="ignore", width="stretch")
