"""What every page does first: assets, dataset, view state, sidebar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from .. import query, safe, theme
from .. import view as viewstate
from ..access import Person
from ..atlas import Atlas
from ..theme import NORMAL, Theme
from . import identity, presenter, sidebar, state


@dataclass(frozen=True)
class PageContext:
    atlas: Atlas
    state: viewstate.ViewState
    view: query.View
    presenting: bool = False
    #: How maps and charts are drawn here: normal, presenter or high contrast.
    theme: Theme = NORMAL
    #: Who is using the page (the local user when sign-in is off).
    person: Person | None = None


def start(page_id: str, sidebar_filters: bool = True) -> PageContext:
    """Load the dataset and the view; stop the page with a clear message if there is none.

    ``page_id`` names the page, so that moving between pages keeps the filters (Streamlit's
    navigation drops the query parameters). In presenter mode (``?present=1``) Streamlit's
    chrome is hidden and type is larger.
    """
    state.configure_assets()
    state.carry_view_across_pages(page_id)
    st.html(_CSS)
    who = identity.gate()
    atlas, error = state.atlas()
    if error is not None:
        state.show_dataset_error(error, serving_last_good=atlas is not None)
    if atlas is None:
        st.stop()
    view_state, notes = state.view_state()
    summary = viewstate.notice(notes)
    if summary:
        st.toast(safe.markdown(summary), icon="ℹ️")
    presenting = presenter.active(view_state)
    if presenting:
        presenter.chrome(high_contrast=view_state.high_contrast)
    if sidebar_filters:
        view_state = sidebar.render(atlas, view_state, page_id)
    if not presenting:
        identity.sidebar_account(who)
    presenter.toggle(view_state)
    if presenting and sidebar_filters:
        presenter.exit_button(view_state)
    state.remember_view()
    return PageContext(atlas=atlas, state=view_state, view=query.apply(atlas, view_state),
                       presenting=presenting,
                       theme=theme.for_view(presenting, view_state.high_contrast),
                       person=who)


_CSS = """
<style>
  .block-container {padding-top: 3.8rem; padding-bottom: 2rem;}
  h3 {margin-top: 0 !important;}
  .atlas-present-title {font-size: 1.5rem; font-weight: 700; line-height: 1.2; margin: 0;}
  .atlas-present-caption {color: #555; margin: 0.1rem 0 0.3rem;}
</style>
"""
