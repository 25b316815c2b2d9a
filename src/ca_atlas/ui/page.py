"""What every page does first: assets, dataset, view state, sidebar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from .. import query
from ..catalog import Atlas
from . import sidebar, state


@dataclass(frozen=True)
class PageContext:
    atlas: Atlas
    state: query.ViewState
    view: query.View


def start() -> PageContext:
    """Load the dataset and the view; stop the page with a clear message if there is none."""
    state.configure_assets()
    st.html(_CSS)
    atlas, error = state.atlas()
    if error is not None:
        state.show_dataset_error(error, serving_last_good=atlas is not None)
    if atlas is None:
        st.stop()
    view_state, notes = state.view_state()
    for note in notes:
        st.toast(f"Link: {note}", icon="ℹ️")
    view_state = sidebar.render(atlas, view_state)
    return PageContext(atlas=atlas, state=view_state, view=query.apply(atlas, view_state))


_CSS = """
<style>
  .block-container {padding-top: 2.2rem; padding-bottom: 2rem;}
  h3 {margin-top: 0 !important;}
</style>
"""
