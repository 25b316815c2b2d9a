"""Saving from the Edit page: a form's record checked, saved with the version it was read
at, and a conflict shown field by field when someone saved first. The rules (what the
record is, what is wrong with it, whether the version is current) are the core's
(:mod:`ca_atlas.editing`, :mod:`ca_atlas.store`); this module draws and calls them."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from .. import access, editing, model, safe
from ..access import NotAllowed, Person
from ..atlas import Atlas
from ..store.curation import Curation
from ..store.errors import Conflict, Invalid, StoreError
from ..store.store import Record
from . import state as app_state

MAX_WHY = 500


def curation_page(person: Person, title: str, action: str | None = None) -> Curation:
    """The start of a page that writes to the store: its title and last message, then a
    :class:`Curation` for ``person``. The page stops with a plain explanation when the
    store cannot be written (files mode, out of reach) or when ``action`` needs a role
    the person does not have (the core would refuse it anyway)."""
    st.markdown(f"### {title}")
    show_flash()
    blocked = app_state.store_unavailable()
    if blocked:
        st.info(blocked)
        st.stop()
    if action is not None and not person.may(action):
        st.info(f"You can read the atlas; to {access.ACTION_WORDS[action]} you need the "
                f"{access.NEEDS[action]} role"
                + (" (sign in with the button in the sidebar)." if not person.signed_in
                   else f". You are signed in as a {person.role}."))
        st.stop()
    return Curation(app_state.store(), person)


def record_action(key: str, prompt: str, button: str, act, done: str,
                  record: tuple[str, str] | None = None) -> None:
    """A reason box and a button that runs ``act(reason)`` (retire, restore, revert): its
    refusal shown in place, its success as the next run's message. ``record`` (kind, id):
    the record it changes, whose opened version the Edit page then lets go."""
    reason = st.text_input(prompt, key=f"{key}-why", max_chars=MAX_WHY)
    if st.button(button, key=key, disabled=not reason.strip()):
        try:
            act(reason)
        except (StoreError, NotAllowed) as exc:
            st.error(safe.markdown(str(exc)[:500]))
        else:
            if record is not None:
                forget_opened(*record)
            flash(done)
            st.rerun()


def flash(message: str) -> None:
    """A message for the next run (a toast before st.rerun would be lost)."""
    st.session_state["_edit_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("_edit_flash", None)
    if message:
        st.success(safe.markdown(message), icon=":material/check_circle:")


def _opened_key(kind: str, record_id: str) -> str:
    return f"_opened:{kind}:{record_id}"


def opened(kind: str, record: Record) -> Record:
    """The version of ``record`` this session opened for editing: kept while the form is
    being filled, so a colleague's save meanwhile is found at saving time (a conflict),
    never by silently swapping the form for the newer version."""
    key = _opened_key(kind, record.id)
    held = st.session_state.get(key)
    if held is None or held.version > record.version:
        st.session_state[key] = held = record
    return held


def forget_opened(kind: str, record_id: str) -> None:
    st.session_state.pop(_opened_key(kind, record_id), None)


def _problems_key(form: str) -> str:
    return f"_problems:{form}"


def problems(form: str) -> dict[str, list[str]]:
    return st.session_state.get(_problems_key(form), {})


def _conflict_key(kind: str, record_id: str) -> str:
    return f"_conflict:{kind}:{record_id}"


def pending_conflict(kind: str, record_id: str) -> dict | None:
    return st.session_state.get(_conflict_key(kind, record_id))


def clear_conflict(kind: str, record_id: str) -> None:
    st.session_state.pop(_conflict_key(kind, record_id), None)


def submit(curation: Curation, atlas: Atlas, form: str, kind: str, values: dict[str, Any],
           record: Record | None, why: str) -> Record | None:
    """Check and save what the form holds. Returns the saved record, or None (the reason
    is kept for the next run: problems beside fields, or a conflict)."""
    base = record.document if record is not None else None
    document = editing.document(kind, values, base)
    if record is not None:
        document["id"] = record.id  # an id is fixed once saved
    found = editing.check(kind, document, atlas)
    if not why.strip():
        found = [*found, model.Problem(editing.KINDS[kind], None, None, "_why",
                                       "say why you make this change (one line is enough)")]
    by_field = editing.problems_by_field([p for p in found if p.level == "error"])
    st.session_state[_problems_key(form)] = by_field
    if by_field:
        return None
    try:
        if record is None:
            saved = curation.add(kind, document, why)
        else:
            saved = curation.save(kind, document, record.version, why)
    except NotAllowed as exc:
        st.session_state[_problems_key(form)] = {"": [str(exc)]}
        return None
    except Conflict as exc:
        st.session_state[_conflict_key(kind, document["id"])] = {
            "expected": exc.expected, "current": exc.current, "mine": exc.mine,
            "theirs": exc.theirs, "fields": exc.fields, "why": why}
        return None
    except Invalid as exc:
        st.session_state[_problems_key(form)] = editing.problems_by_field(exc.problems)
        return None
    except StoreError as exc:  # out of reach, retired meanwhile...: nothing was saved
        st.session_state[_problems_key(form)] = {"": [str(exc)]}
        return None
    st.session_state.pop(_problems_key(form), None)
    forget_opened(kind, saved.id)
    return saved


def cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)[:400]
    return str(value)[:400]


def show_conflict(curation: Curation, kind: str, record_id: str) -> None:
    """Both versions side by side, the fields that differ, and the two ways out: take
    theirs (discarding mine) or save mine over theirs, deliberately."""
    conflict = pending_conflict(kind, record_id)
    if conflict is None:
        return
    current = curation.store.get(kind, record_id)
    st.error(f"Someone saved this record (now version {conflict['current']}, by "
             f"{safe.markdown(current.updated_by)}) after you opened version "
             f"{conflict['expected']}. Nothing was overwritten. The fields that differ:",
             icon="⚠️")
    rows = [{"field": f, "yours": cell((conflict["mine"] or {}).get(f)),
             "saved version": cell((conflict["theirs"] or {}).get(f))}
            for f in conflict["fields"]]
    st.dataframe(pd.DataFrame(rows, columns=["field", "yours", "saved version"]),
                 hide_index=True, width="stretch")
    left, right = st.columns(2)
    if left.button("Discard mine and open the saved version", key="conflict-theirs"):
        clear_conflict(kind, record_id)
        forget_opened(kind, record_id)
        st.rerun()
    if right.button("Save mine over the saved version", key="conflict-mine", type="primary"):
        try:
            curation.save(kind, conflict["mine"], conflict["current"],
                          f"{conflict['why']} (saved over version {conflict['current']} after "
                          "a conflict)")
        except (StoreError, NotAllowed) as exc:
            st.error(safe.markdown(str(exc))[:500])
            return
        clear_conflict(kind, record_id)
        forget_opened(kind, record_id)
        flash("Saved your version over the other one; both are in the history.")
        st.rerun()
