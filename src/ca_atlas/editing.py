"""What an edit form holds for a project or a risk note, and the record it makes.

Every field of the schema is declared once in :data:`FORMS`, with the widget it needs
(text, a choice from a vocabulary, a number, a date, a table of rows); nested mappings
(``amount``, ``dates``, ``status_source``, ``claim``) appear as dotted fields. The Edit page
draws the form from this table; :func:`form_values` fills it from a stored record,
:func:`document` turns what was entered back into a record in the files' field order, and
:func:`check` runs the loader's own checks on it (the record's fields, its references to
other records, its point inside its country), so a form shows the same messages as
``ca-atlas validate``, beside the field they name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import model, source_kinds
from .model import Problem
from .records import PROJECT_FIELDS, RISK_FIELDS

if TYPE_CHECKING:
    from .atlas import Atlas

#: The record kinds the app edits, with the file each lives in.
KINDS: dict[str, str] = {"project": "projects.yaml", "risk_note": "risk_notes.yaml"}

SOURCE_COLUMNS = ("url", "publisher", "date")


@dataclass(frozen=True)
class FormField:
    """One field of an edit form. ``name`` is the record's field, dotted for a field of a
    nested mapping (``amount.value``); ``widget`` is one of text, textarea, choice,
    choices, number, whole, date, table."""

    name: str
    label: str
    widget: str
    required: bool = False
    #: A vocabulary (code -> label) for choice/choices, or a function of the atlas giving
    #: one (the ids of corridors, projects...).
    options: Mapping[str, str] | Callable[[Atlas], Mapping[str, str]] | None = None
    #: For a table: its columns, each a (name, widget, vocabulary or None).
    columns: tuple[tuple[str, str, Mapping[str, str] | None], ...] = ()
    help: str | None = None

    def vocabulary(self, atlas: Atlas | None) -> Mapping[str, str]:
        if callable(self.options):
            return self.options(atlas) if atlas is not None else {}
        return self.options or {}


def _corridor_ids(atlas: Atlas) -> dict[str, str]:
    return dict(zip(atlas.corridors["id"], atlas.corridors["name"], strict=True))


def _project_ids(atlas: Atlas) -> dict[str, str]:
    return dict(zip(atlas.projects["id"], atlas.projects["name"], strict=True))


_SOURCES = (*((c, "date" if c == "date" else "text", None) for c in SOURCE_COLUMNS),
            ("kind", "choice", source_kinds.SOURCE_KINDS))
#: Cells a row leaves out when empty (the files write the others even when null).
OPTIONAL_CELLS = {"kind", "title", "year", "note"}
_DATE_HELP = "A date like 2025-12-20, 2025-12 or 2025."

FORMS: dict[str, tuple[FormField, ...]] = {
    "project": (
        FormField("id", "Id", "text", True, help="Lower case, digits and hyphens; fixed once "
                  "saved."),
        FormField("name", "Name", "text", True),
        FormField("country", "Country", "choice", True, model.FOCUS_COUNTRIES),
        FormField("place", "Place", "text", help="The place the sources name."),
        FormField("lat", "Latitude", "number"),
        FormField("lon", "Longitude", "number"),
        FormField("location_precision", "Location precision", "choice", True,
                  model.LOCATION_PRECISIONS),
        FormField("sector", "Sector", "choice", True, model.SECTORS),
        FormField("description", "Description (in your own words)", "textarea", True),
        FormField("investors", "Investors, lenders and donors", "table", True,
                  columns=(("name", "text", None), ("country", "choice", model.COUNTRY_NAMES),
                           ("role", "choice", model.INVESTOR_ROLES))),
        FormField("financing_type", "Financing", "choice", True, model.FINANCING_TYPES),
        FormField("amount.value", "Amount", "number",
                  help="In the currency below, as the source gives it; empty if unknown."),
        FormField("amount.currency", "Currency", "choice", False,
                  {c: c for c in sorted(model.CURRENCIES)}),
        FormField("amount.measure", "What the amount measures", "choice", False,
                  model.AMOUNT_MEASURES),
        FormField("amount.year", "Year to convert at", "whole",
                  help="Empty: the year signed, else announced."),
        FormField("other_figures", "Other figures sources give", "table",
                  columns=(("value", "number", None),
                           ("currency", "choice", {c: c for c in sorted(model.CURRENCIES)}),
                           ("measure", "choice", model.AMOUNT_MEASURES), ("year", "whole", None),
                           ("source", "text", None), ("note", "text", None)),
                  help="Figures that differ from the amount, each with the URL that gives it."),
        FormField("dates.announced", "Announced", "date", help=_DATE_HELP),
        FormField("dates.signed", "Signed", "date", help=_DATE_HELP),
        FormField("dates.start", "Works started", "date", help=_DATE_HELP),
        FormField("dates.completion", "Completed (or due)", "date", help=_DATE_HELP),
        FormField("status", "Status", "choice", True, model.PROJECT_STATUSES),
        FormField("status_as_of", "Status as of", "date", help=_DATE_HELP),
        FormField("status_source.url", "Source stating the status (URL)", "text"),
        FormField("status_source.publisher", "Its publisher", "text"),
        FormField("status_source.date", "Its date", "date"),
        FormField("status_history", "Earlier stages (oldest first)", "table",
                  columns=(("status", "choice", model.PROJECT_STATUSES),
                           ("as_of", "date", None), ("url", "text", None))),
        FormField("flags", "Flags", "choices", options=model.PROJECT_FLAGS),
        FormField("corridors", "Corridors it serves", "choices", options=_corridor_ids),
        FormField("sources", "Sources", "table", True, columns=_SOURCES),
        FormField("confidence", "Confidence", "choice", True, model.CONFIDENCE),
        FormField("note", "Note (conflicting figures, caveats)", "textarea"),
        FormField("last_verified", "Last verified", "date", True, help=_DATE_HELP),
    ),
    "risk_note": (
        FormField("id", "Id", "text", True, help="Lower case, digits and hyphens; fixed once "
                  "saved."),
        FormField("title", "Title", "text", True),
        FormField("category", "Category", "choice", True, model.RISK_CATEGORIES),
        FormField("severity", "Severity", "choice", True, model.RISK_SEVERITIES),
        FormField("severity_rationale", "Why this severity", "textarea", True),
        FormField("status", "Status", "choice", True, model.RISK_STATUSES),
        FormField("date_start", "Since", "date", True, help=_DATE_HELP),
        FormField("date_end", "Until", "date", help=_DATE_HELP),
        FormField("lat", "Latitude", "number", True),
        FormField("lon", "Longitude", "number", True),
        FormField("radius_km", "Radius (km)", "number",
                  help="Empty: the named place, taken as a circle of 10 km."),
        FormField("location_precision", "Location precision", "choice", True,
                  model.LOCATION_PRECISIONS),
        FormField("countries", "Countries", "choices", True, model.COUNTRY_NAMES),
        FormField("corridors", "Corridors it affects", "choices", options=_corridor_ids),
        FormField("projects", "Projects it affects", "choices", options=_project_ids),
        FormField("description", "Description (in your own words)", "textarea", True),
        FormField("claim.text", "The claim", "textarea", True),
        FormField("claim.status", "What sources say of it", "choice", True,
                  model.CLAIM_STATUSES),
        FormField("claim.sources_for", "Sources for the claim", "table", columns=_SOURCES),
        FormField("claim.sources_against", "Sources against it", "table", columns=_SOURCES),
        FormField("sources", "Sources", "table", True, columns=_SOURCES),
        FormField("last_verified", "Last verified", "date", True, help=_DATE_HELP),
    ),
}

#: Each kind's fields in the order its file writes them.
FIELD_ORDER: dict[str, list[str]] = {"project": PROJECT_FIELDS, "risk_note": RISK_FIELDS}
#: Nested mappings: their keys in the order the files write them.
NESTED: dict[str, tuple[str, ...]] = {
    "amount": ("value", "currency", "measure", "year"),
    "dates": ("announced", "signed", "start", "completion"),
    "status_source": ("url", "publisher", "date"),
    "claim": ("text", "status", "sources_for", "sources_against"),
}
#: A nested mapping written as null when every key is empty (the others are always written).
NULLABLE = {"amount", "status_source"}


def form_values(kind: str, record: Mapping[str, Any] | None) -> dict[str, Any]:
    """What each form field starts with, from a stored record (None: a new record)."""
    record = record or {}
    out: dict[str, Any] = {}
    for f in FORMS[kind]:
        head, _, key = f.name.partition(".")
        value = record.get(head)
        if key:
            value = value.get(key) if isinstance(value, Mapping) else None
        if f.widget == "table":
            value = [dict(row) for row in value or [] if isinstance(row, Mapping)]
        elif f.widget == "choices":
            value = list(value or [])
        out[f.name] = value
    return out


def _clean(widget: str, value: Any) -> Any:
    if widget in ("text", "textarea", "date", "choice"):
        if value is None:
            return None
        text = str(value).strip()
        return text or None
    if widget == "number":
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if widget == "whole":
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return int(value)
    if widget == "choices":
        return [str(v) for v in value or []]
    return value


def _rows(f: FormField, rows: Any) -> list[dict]:
    """A table's rows with every cell cleaned; rows left entirely empty are dropped."""
    out = []
    for row in rows or []:
        cleaned = {name: _clean(widget, row.get(name)) for name, widget, _ in f.columns}
        cleaned = {k: v for k, v in cleaned.items()
                   if v is not None or k not in OPTIONAL_CELLS or k in row}
        extra = {k: v for k, v in row.items() if k not in cleaned and v not in (None, "")}
        if any(v is not None for v in cleaned.values()):
            out.append({**cleaned, **extra})
    return out


def document(kind: str, values: Mapping[str, Any], base: Mapping[str, Any] | None = None
             ) -> dict[str, Any]:
    """The record the form describes, in the file's field order. Fields the form does not
    show (a project's ``route``) are kept from ``base``; optional fields left empty are
    written as the files write them (null, or left out where the file leaves them out)."""
    base = dict(base or {})
    flat: dict[str, Any] = {}
    for f in FORMS[kind]:
        raw = values.get(f.name)
        flat[f.name] = _rows(f, raw) if f.widget == "table" else _clean(f.widget, raw)
    out: dict[str, Any] = {}
    for name in FIELD_ORDER[kind]:
        if name in NESTED:
            was = base.get(name) if isinstance(base.get(name), Mapping) else None
            nested = {k: flat.get(f"{name}.{k}") for k in NESTED[name]
                      if was is None or k in was or flat.get(f"{name}.{k}") is not None}
            if name in NULLABLE and all(v is None for v in nested.values()):
                if name in base or name == "amount":
                    out[name] = None
                continue
            out[name] = nested
        elif name in flat:
            value = flat[name]
            if value in (None, []) and name not in base and not _always_written(kind, name):
                continue
            out[name] = value
        elif name in base:
            out[name] = base[name]
    return out


def _always_written(kind: str, name: str) -> bool:
    """Fields every record of the kind writes, even empty (as the shipped files do)."""
    return any(f.name == name and (f.required or f.widget == "choices")
               for f in FORMS[kind]) or name in ("place", "lat", "lon", "date_end", "radius_km")


def check(kind: str, record: Mapping[str, Any], atlas: Atlas | None = None,
          row: int = 1) -> list[Problem]:
    """The loader's checks on one record: its fields, and with ``atlas`` its references to
    other records and its point inside its country. Problems name the field."""
    from . import integrity, records
    from .validation import RecordChecker

    problems: list[Problem] = []
    checker = RecordChecker(KINDS[kind], row, record, problems)
    if not checker.ok:
        return problems
    parse = records.project if kind == "project" else records.risk
    parsed = parse(checker)
    if atlas is None or any(p.level == "error" for p in problems):
        return problems
    parsed["_row"] = row
    ids = {"corridors": set(atlas.corridors["id"]), "projects": set(atlas.projects["id"]),
           "risk_notes": set(atlas.risks["id"]), "claims": set(atlas.claims["id"])}
    ids[{"project": "projects", "risk_note": "risk_notes"}[kind]].add(parsed["id"])
    if kind == "project":
        integrity.check_references([parsed], [], [], [], ids, problems)
        if atlas.boundaries is not None:
            integrity.check_in_country([parsed], atlas.boundaries, problems)
    else:
        integrity.check_references([], [], [parsed], [], ids, problems)
    return problems


def problems_by_field(problems: list[Problem]) -> dict[str, list[str]]:
    """Messages grouped under the form field they belong to (``amount.value``,
    ``sources`` for ``sources[2].url``); record-wide ones under ``""``."""
    names = {f.name for fields in FORMS.values() for f in fields}
    out: dict[str, list[str]] = {}
    for p in problems:
        field = p.field or ""
        key = field if field in names else field.split("[")[0]
        if key not in names:
            key = key.split(".")[0] if key.split(".")[0] in names else ""
        out.setdefault(key, []).append(p.message if p.level == "error"
                                        else f"(warning) {p.message}")
    return out
