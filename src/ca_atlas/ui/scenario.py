"""Scenario controls (what to block, which pair, by what measure), kept in the URL."""

from __future__ import annotations

import streamlit as st

from .. import model, scenarios
from .. import view as viewstate
from ..atlas import Atlas
from .state import set_view_state


def block_options(atlas: Atlas) -> dict[str, str]:
    """Everything that can be blocked: id -> label."""
    options = {cid: f"Corridor: {name}" for cid, name in
               zip(atlas.corridors["id"], atlas.corridors["name"], strict=True)}
    nodes = atlas.nodes.drop_duplicates("name").sort_values(["kind", "name"])
    for row in nodes.itertuples():
        options[row.name] = f"{model.NODE_KINDS.get(row.kind, row.kind)}: {row.name}"
    for rid, title in zip(atlas.risks["id"], atlas.risks["title"], strict=True):
        options[rid] = f"Risk note: {title}"
    for seg in atlas.segments.itertuples():
        options[f"{seg.corridor_id}:{int(seg.seq)}"] = (
            f"Segment: {seg.corridor_name}: {seg.from_node} – {seg.to_node}")
    return options


def _apply_quick(state: viewstate.ViewState, blocks: list[str], planned: bool) -> None:
    set_view_state(state.with_(blocks=tuple(blocks), planned=planned))
    st.session_state.pop("_synced_block", None)


def controls(atlas: Atlas, state: viewstate.ViewState
             ) -> tuple[list[str], str, tuple[str | None, str | None], bool]:
    """Draw the controls; return the blocked ids, the routing weight, the chosen origin
    and destination (either may be None) and whether planned corridors count."""
    options = block_options(atlas)
    blocks = [b for b in state.blocks if b in options]
    st.caption("Prepared scenarios")
    cols = st.columns(len(scenarios.PREPARED))
    for col, prepared in zip(cols, scenarios.PREPARED.values(), strict=True):
        ids = list(prepared.blocks)
        col.button(prepared.label, key=f"quick-{prepared.label}", on_click=_apply_quick,
                   args=(state, ids, prepared.include_planned), width="stretch",
                   type="primary" if blocks == ids else "secondary")
    key = "scn_block"
    if key not in st.session_state or st.session_state.get("_synced_block") != blocks:
        st.session_state[key] = blocks
        st.session_state["_synced_block"] = blocks
    chosen = st.multiselect("Block", list(options), key=key, format_func=options.get,
                            placeholder="Choose corridors, places or risk notes to block")
    left, right, by_col = st.columns([2, 2, 1.4])
    names = sorted(set(atlas.nodes["name"]))
    origin, destination = state.origin, state.destination
    o = left.selectbox("From (any node)", [None, *names], key=f"scn_from_{origin}",
                       index=([None, *names].index(origin) if origin in names else 0),
                       format_func=lambda v: "—" if v is None else v)
    d = right.selectbox("To", [None, *names], key=f"scn_to_{destination}",
                        index=([None, *names].index(destination) if destination in names else 0),
                        format_func=lambda v: "—" if v is None else v)
    weights = scenarios.WEIGHTS
    w = by_col.radio("Best route by", list(weights), format_func=weights.get,
                     index=list(weights).index(state.weight), key=f"scn_by_{state.weight}")
    planned = st.toggle("Count planned and under-construction corridors",
                        value=state.planned, key=f"scn_planned_{state.planned}",
                        help="Off: only corridors in operation carry traffic, i.e. what works "
                             "today. On: also lines being built or planned (the CKU railway, "
                             "the Ili waterway, the Trans-Afghan railway).")
    st.session_state["_synced_block"] = chosen
    set_view_state(state.with_(blocks=tuple(chosen), origin=o, destination=d, weight=w,
                               planned=planned))
    return chosen, w, (o, d), planned


def clicked_segment(component_value: dict | None) -> str | None:
    """The corridor segment ('corridor:seq') clicked on the scenario map since the last run."""
    drawing = (component_value or {}).get("last_active_drawing") or {}
    segment = (drawing.get("properties") or {}).get("segment")
    previous = st.session_state.get("_last_clicked_segment")
    st.session_state["_last_clicked_segment"] = segment
    return str(segment) if segment and segment != previous else None


def toggle_block(state: viewstate.ViewState, blocks: list[str], segment: str) -> None:
    """Block a clicked segment, or reopen it when it was blocked."""
    new = [b for b in blocks if b != segment] if segment in blocks else [*blocks, segment]
    set_view_state(state.with_(blocks=tuple(new)))
    st.session_state.pop("_synced_block", None)
