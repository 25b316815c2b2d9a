"""An edit form drawn from :data:`ca_atlas.editing.FORMS`: one widget per field, and the
loader's messages beside the field they name. Widgets and layout only: what the form
holds and what is wrong with it are decided in :mod:`ca_atlas.editing`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from .. import editing, safe
from ..atlas import Atlas
from ..editing import FormField

_NONE = ""


def _key(form: str, field: str) -> str:
    return f"{form}:{field}"


def _choice_options(f: FormField, atlas: Atlas, current: Any) -> tuple[list[str], Mapping]:
    vocabulary = f.vocabulary(atlas)
    options = list(vocabulary)
    if current and current not in vocabulary:  # an unknown stored value stays visible
        options.append(current)
    return options, vocabulary


def _table(f: FormField, rows: list[dict], key: str) -> None:
    data: dict[str, list] = {}
    config = {}
    for name, widget, vocabulary in f.columns:
        cells = [row.get(name) for row in rows]
        if widget in ("number", "whole"):
            data[name] = pd.array([None if c is None else float(c) for c in cells],
                                  dtype="Float64")
            config[name] = st.column_config.NumberColumn(
                name, step=1 if widget == "whole" else None,
                format="%d" if widget == "whole" else "%g")
            continue
        texts = [None if c is None else str(c) for c in cells]
        data[name] = pd.array(texts, dtype="string")
        if widget == "choice" and vocabulary:
            options = list(vocabulary) + [c for c in texts if c and c not in vocabulary]
            config[name] = st.column_config.SelectboxColumn(name, options=options)
        else:
            config[name] = st.column_config.TextColumn(name)
    frame = pd.DataFrame(data, columns=[name for name, _, _ in f.columns])
    st.data_editor(frame, key=key, num_rows="dynamic", width="stretch", hide_index=True,
                   column_config=config)


def _table_rows(key: str, start: list[dict], columns: list[str]) -> list[dict]:
    """The rows as edited: the data editor's state applied to the rows it started with."""
    rows = [dict(row) for row in start]
    edits = st.session_state.get(key) or {}
    for index, changes in (edits.get("edited_rows") or {}).items():
        if int(index) < len(rows):
            rows[int(index)].update(changes)
    for added in edits.get("added_rows") or []:
        rows.append({c: added[c] for c in columns if added.get(c) is not None})
    deleted = {int(i) for i in edits.get("deleted_rows") or []}
    return [row for i, row in enumerate(rows) if i not in deleted]


#: Short fields drawn side by side (each tuple one row); the rest take the full width.
ROWS: tuple[tuple[str, ...], ...] = (
    ("id", "name", "title"), ("country", "sector", "financing_type"),
    ("place", "location_precision"), ("lat", "lon", "radius_km"),
    ("amount.value", "amount.currency", "amount.measure", "amount.year"),
    ("dates.announced", "dates.signed", "dates.start", "dates.completion"),
    ("status", "status_as_of"),
    ("status_source.url", "status_source.publisher", "status_source.date"),
    ("flags", "corridors"), ("confidence", "last_verified"),
    ("category", "severity", "status"), ("date_start", "date_end"),
    ("countries", "projects"),
)


def _layout(kind: str) -> list[list[FormField]]:
    """The kind's fields in rows: the :data:`ROWS` a field opens, else one per row."""
    fields = {f.name: f for f in editing.FORMS[kind]}
    rows: list[list[FormField]] = []
    placed: set[str] = set()
    for f in editing.FORMS[kind]:
        if f.name in placed:
            continue
        group = next((r for r in ROWS if r[0] == f.name), (f.name,))
        row = [fields[n] for n in group if n in fields and n not in placed]
        placed.update(x.name for x in row)
        rows.append(row)
    return rows


def draw(form: str, kind: str, start: Mapping[str, Any], atlas: Atlas,
         problems: Mapping[str, list[str]], locked: set[str] = frozenset()) -> None:
    """The form's widgets, filled with ``start`` (see :func:`editing.form_values`)."""
    for row in _layout(kind):
        columns = st.columns(len(row)) if len(row) > 1 else [st.container()]
        for f, column in zip(row, columns, strict=True):
            with column:
                _field(form, f, start, atlas, problems, locked)


def _field(form: str, f: FormField, start: Mapping[str, Any], atlas: Atlas,
           problems: Mapping[str, list[str]], locked: set[str]) -> None:
    """One field's widget and the messages that name it."""
    key = _key(form, f.name)
    label = f.label + (" *" if f.required else "")
    value = start.get(f.name)
    disabled = f.name in locked
    if f.widget in ("text", "date"):
        st.text_input(label, value=value or "", key=key, help=f.help, disabled=disabled,
                      max_chars=2000)
    elif f.widget == "textarea":
        st.text_area(label, value=value or "", key=key, help=f.help, height=110)
    elif f.widget == "choice":
        options, vocabulary = _choice_options(f, atlas, value)
        st.selectbox(label, [_NONE, *options], key=key, help=f.help,
                     index=([_NONE, *options].index(value) if value in options else 0),
                     format_func=lambda c, v=vocabulary: "—" if c == _NONE else
                     (f"{v[c]} ({c})" if c in v and v[c] != c else c))
    elif f.widget == "choices":
        options, vocabulary = _choice_options(f, atlas, None)
        chosen = [v for v in value or [] if v in options]
        st.multiselect(label, options, default=chosen, key=key, help=f.help,
                       format_func=lambda c, v=vocabulary: v.get(c, c))
    elif f.widget == "number":
        st.number_input(label, value=None if value is None else float(value), key=key,
                        help=f.help, format="%.4f" if f.name in ("lat", "lon") else "%g")
    elif f.widget == "whole":
        st.number_input(label, value=value, step=1, min_value=1950, max_value=2100,
                        key=key, help=f.help)
    elif f.widget == "table":
        st.markdown(f"**{safe.markdown(label)}**")
        _table(f, value or [], key)
    for message in problems.get(f.name, []):
        st.error(safe.markdown(message), icon="⚠️")


def values(form: str, kind: str, start: Mapping[str, Any]) -> dict[str, Any]:
    """What the form holds now, field by field."""
    out: dict[str, Any] = {}
    for f in editing.FORMS[kind]:
        key = _key(form, f.name)
        if f.widget == "table":
            out[f.name] = _table_rows(key, start.get(f.name) or [],
                                      [name for name, _, _ in f.columns])
        else:
            value = st.session_state.get(key, start.get(f.name))
            out[f.name] = None if value == _NONE else value
    return out
