"""Presenter mode: Streamlit's chrome hidden, large type, keys a clicker sends."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from .. import view as viewstate
from .state import set_view_state

_CHROME = """
<style>
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stStatusWidget"], [data-testid="stAppDeployButton"], #MainMenu, footer
    {display: none !important;}
  html {font-size: 20px;}
  .block-container {padding: 0.8rem 1.6rem 0.6rem !important; max-width: 100% !important;}
  [data-testid="stMarkdownContainer"] p {font-size: 1.05rem; line-height: 1.45;}
  .atlas-present-title {font-size: 1.6rem; font-weight: 700; line-height: 1.2; margin: 0;}
  .atlas-present-caption {font-size: 1rem; color: #444; margin: 0.1rem 0 0.3rem;}
</style>
"""

_HIGH_CONTRAST = """
<style>
  .stApp, [data-testid="stAppViewContainer"] {background: #000 !important; color: #fff !important;}
  [data-testid="stMarkdownContainer"], [data-testid="stMarkdownContainer"] p,
  [data-testid="stText"], [data-testid="stText"] span, [data-testid="stCaptionContainer"],
  [data-testid="stHeading"],
  .atlas-present-title, .atlas-present-caption, label, [data-testid="stMetricValue"],
  [data-testid="stMetricLabel"] {color: #fff !important;}
  [data-testid="stMarkdownContainer"] a {color: #8AB4FF !important;}
  /* Buttons keep Streamlit's white face, and their label turned white above: draw them
     black with a white edge, so they are not blank white boxes. */
  [data-testid^="stBaseButton"] {background-color: #000 !important; color: #fff !important;
    border: 2px solid #fff !important;}
  [data-testid="stBaseButton-primary"] {background-color: #BC002D !important;}
  [data-testid="stBaseButton-tertiary"] {border-color: transparent !important;}
  [data-testid^="stBaseButton"]:hover, [data-testid^="stBaseButton"]:focus-visible
    {border-color: #FFD400 !important;}
  [data-testid^="stBaseButton"]:disabled {border-color: #8A8A8A !important;}
  [data-testid^="stBaseButton"]:disabled p {color: #BDBDBD !important;}
  /* help icons and a toggle's track are drawn in the faded text colour: black on black */
  [data-testid="stTooltipIcon"] svg {stroke: #fff !important;}
  [data-testid="stExpander"] details {border-color: #8A8A8A !important;}
  [data-testid="stCheckbox"] label:has(input[role="switch"]) > div:first-of-type
    {background-color: #8A8A8A !important;}
  [data-testid="stCheckbox"] label:has(input[role="switch"]:checked) > div:first-of-type
    {background-color: #BC002D !important;}
  /* text boxes keep their light face: their text stays dark (it inherited white) */
  [data-testid="stTextArea"] textarea, [data-testid="stTextInput"] input,
  [data-testid="stNumberInput"] input {color: #0E1117 !important;}
</style>
"""

#: Next/previous from the keys a presentation clicker sends; Escape leaves presenter mode.
#: The component's iframe is same-origin with the app, so it can reach the app's buttons.
_KEYS = """
<script>
(function () {
  const doc = window.parent.document;
  // A listener dies with the iframe that made it; Streamlit may remount this component,
  // so each new one replaces the previous listener instead of adding a second.
  if (doc.__atlasKeys) { doc.removeEventListener('keydown', doc.__atlasKeys); }
  const press = (key) => {
    const button = doc.querySelector('.st-key-' + key + ' button');
    if (button && !button.disabled) { button.click(); return true; }
    return false;
  };
  doc.__atlasKeys = (event) => {
    const target = event.target;
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) {
      return;
    }
    let handled = false;
    if (['ArrowRight', 'ArrowDown', 'PageDown', ' '].includes(event.key)) {
      handled = press('present-next');
    } else if (['ArrowLeft', 'ArrowUp', 'PageUp'].includes(event.key)) {
      handled = press('present-prev');
    } else if (event.key === 'Escape') {
      handled = press('present-exit');
    }
    if (handled) { event.preventDefault(); }
  };
  doc.addEventListener('keydown', doc.__atlasKeys);
})();
</script>
"""


def active(state: viewstate.ViewState) -> bool:
    return state.present


def chrome(high_contrast: bool = False) -> None:
    st.html(_CHROME + (_HIGH_CONTRAST if high_contrast else ""))


def keyboard() -> None:
    """Listen for clicker keys (once per browser tab)."""
    components.html(_KEYS, height=0)


def _set(state: viewstate.ViewState, on: bool) -> None:
    set_view_state(state.with_(present=on))


def toggle(state: viewstate.ViewState) -> None:
    """A sidebar switch into presenter mode (the sidebar is hidden once in it)."""
    if active(state):
        return
    st.sidebar.button("Presenter mode", key="present-on", on_click=_set, args=(state, True),
                      icon=":material/co_present:", width="stretch",
                      help="Hide Streamlit's chrome and enlarge type for a shared screen. "
                           "Escape leaves it.")


def exit_button(state: viewstate.ViewState) -> None:
    """The way out of presenter mode (Escape presses it), small, in the bottom corner."""
    # small and out of the way, but legible: faded to opacity 0.55 it fell below 4.5:1
    st.html("<style>.st-key-present-exit {position: fixed; right: 1rem; bottom: 0.4rem; "
            "z-index: 1000;} .st-key-present-exit button p "
            "{font-size: 0.7rem !important;}</style>")
    st.button("Exit presenter mode (Esc)", key="present-exit", on_click=_set,
              args=(state, False), type="tertiary")
    keyboard()
