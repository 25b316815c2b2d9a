"""Edit: add, correct, retire and restore projects and risk notes, every save with a why."""

import streamlit as st

from ca_atlas import editing, model, safe
from ca_atlas.ui import editor, page, record_form
from ca_atlas.ui import state as app_state

ctx = page.start("edit", sidebar_filters=False)
atlas, view_state = ctx.atlas, ctx.state
curation = editor.curation_page(ctx.person, "Edit the dataset", "edit")
store = curation.store

NEW = "+ new"
kind = st.radio("Record kind", list(model.EDIT_KINDS), format_func=model.EDIT_KINDS.get,
                horizontal=True, index=list(model.EDIT_KINDS).index(view_state.edit_kind),
                key=f"edit-kind-{view_state.edit_kind}")
stored = {r.id: r for r in store.records(kind, retired=True)}
title = "name" if kind == "project" else "title"
ids = sorted(stored, key=lambda i: (stored[i].retired, str(stored[i].document.get(title, i))))
chosen = view_state.record if view_state.record in stored else NEW
pick = st.selectbox(
    f"{model.EDIT_KINDS[kind]} to edit", [NEW, *ids], index=[NEW, *ids].index(chosen),
    key=f"edit-pick-{kind}-{chosen}",
    format_func=lambda i: f"+ New {model.EDIT_KINDS[kind].lower()}" if i == NEW else
    f"{stored[i].document.get(title, i)} ({i})" + (" — retired" if stored[i].retired else ""))
wanted = view_state.with_(edit_kind=kind, record=None if pick == NEW else pick)
if wanted != view_state:
    app_state.set_view_state(wanted)
    st.rerun()

current = stored.get(pick)
# The version this session opened: the form stays on it while a colleague saves another.
record = editor.opened(kind, current) if current is not None else None
if record is not None:
    if current.version > record.version and editor.pending_conflict(kind, record.id) is None:
        st.warning(f"{safe.markdown(current.updated_by)} saved version {current.version} "
                   f"after you opened version {record.version}: saving shows what differs.")
    st.caption(f"Version {record.version}, last changed by {safe.markdown(record.updated_by)} "
               f"on {record.updated_at:%Y-%m-%d %H:%M} UTC. The History page lists every change.")
    editor.show_conflict(curation, kind, record.id)
    if record.retired:
        st.warning(f"Retired: {safe.markdown(record.retired_reason or '')}. It is not on the "
                   "map or in any figure until it is restored.", icon=":material/inventory_2:")
        editor.record_action(f"restore-{record.id}", "Why restore it", "Restore",
                             lambda why: curation.restore(kind, record.id, record.version, why),
                             f"Restored {record.id}.", record=(kind, record.id))
        st.stop()

form = f"edit-{kind}-{record.id if record else 'new'}-v{record.version if record else 0}"
start = editing.form_values(kind, record.document if record else None)
found = editor.problems(form)
with st.form(form, border=False):
    record_form.draw(form, kind, start, atlas, found,
                     locked={"id"} if record is not None else set())
    why = st.text_input("Why this change *", key=f"{form}:why", max_chars=editor.MAX_WHY,
                        placeholder="e.g. MOFA release of 2026-12-01 reports the loan signed")
    for message in found.get("", []):
        st.error(safe.markdown(message), icon="⚠️")
    saved_clicked = st.form_submit_button("Save" if record else "Add", type="primary")
if saved_clicked:
    values = record_form.values(form, kind, start)
    saved = editor.submit(curation, atlas, form, kind, values, record, why)
    if saved is not None:
        editor.flash(f"Saved {saved.id} as version {saved.version}. Every page shows it now.")
        app_state.set_view_state(view_state.with_(edit_kind=kind, record=saved.id))
    st.rerun()

if record is not None:
    with st.expander("Retire this record"):
        st.caption("A retired record leaves the map and every figure; it stays in the store "
                   "and its history, and can be restored.")
        editor.record_action(f"retire-{record.id}", "Why retire it", "Retire",
                             lambda why: curation.retire(kind, record.id, record.version, why),
                             f"Retired {record.id}; it can be restored here.",
                             record=(kind, record.id))
