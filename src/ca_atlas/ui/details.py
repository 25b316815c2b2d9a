"""The record panel beside the map: the selected project with its sources."""

from __future__ import annotations

from datetime import date

import streamlit as st

from .. import popups, quality, query
from .. import view as viewstate
from ..atlas import Atlas
from . import identity
from .state import set_view_state, store_mode

_CSS = """
<style>
.atlas-record h3 {margin: 0 0 .4em; font-size: 1.25rem; line-height: 1.3}
.atlas-record table {border-collapse: collapse; margin: .5em 0 .8em; width: 100%}
.atlas-record th {text-align: left; vertical-align: top; padding: 2px 8px 2px 0;
  color: #555; font-weight: 600; white-space: nowrap}
.atlas-record td {padding: 2px 0; vertical-align: top}
.atlas-record ul {margin: .2em 0 .8em 1.1em; padding: 0}
.atlas-record .note {background: #FFF6E0; padding: .4em .6em; border-radius: 4px}
</style>
"""


def clicked_project(component_value: dict | None) -> str | None:
    """The project id of a click that is new since the last run, or None.

    The map component keeps reporting its last clicked feature, so only a change counts:
    otherwise clearing the selection would bring it straight back.
    """
    drawing = (component_value or {}).get("last_active_drawing") or {}
    project_id = (drawing.get("properties") or {}).get("project_id")
    previous = st.session_state.get("_last_clicked_project")
    st.session_state["_last_clicked_project"] = project_id
    if project_id and project_id != previous:
        return str(project_id)
    return None


def render_selected(atlas: Atlas, view: query.View, state: viewstate.ViewState) -> None:
    if not state.project:
        st.markdown("#### Select a project")
        st.caption("Click a circle on the map to read the project's record and sources. "
                   "Triangles are risk notes and lines are corridors: click them for details.")
        return
    match = atlas.projects[atlas.projects["id"] == state.project]
    if match.empty:
        st.warning("The project in this link is not in the dataset.")
        return
    record = match.iloc[0].to_dict()
    if state.project not in set(view.projects["id"]):
        st.info("This project is outside the current filters.")
    names = dict(zip(atlas.corridors["id"], atlas.corridors["name"], strict=True))
    flag = quality.status_flag(record.get("status_as_of"), date.today().isoformat())
    st.html(_CSS + popups.project_html(record, names, status_flag=flag))
    # st.html with escaped text: a caption would read the record's name as Markdown.
    st.html('<p style="color:#666;font-size:0.85rem">Cite as: '
            + popups.safe.text(popups.citation(record, atlas.version, date.today().isoformat()))
            + " The address bar links to this record.</p>")
    left, right = st.columns(2)
    if left.button("Clear selection", key="clear-project"):
        set_view_state(state.with_(project=None))
        st.rerun()
    if store_mode() and identity.person().may("edit") and right.button(
            "Edit", key="edit-project", icon=":material/edit:",
            help="Correct this record on the Edit page; every save keeps who and why."):
        st.switch_page("app_pages/edit.py",
                       query_params={"kind": "project", "record": state.project})
