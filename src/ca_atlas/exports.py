"""What the user sees, as files: a flat table (CSV, XLSX) and GeoJSON, sources included.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula,
so text cells from the data are neutralised before they reach CSV or XLSX.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pandas as pd

from . import model

COLUMNS = [
    "id", "name", "country", "country_name", "place", "lat", "lon", "location_precision",
    "sector", "status", "investors", "investor_countries", "financing_type", "amount_value",
    "amount_currency", "amount_measure", "amount_year", "amount_usd", "date_announced",
    "date_signed", "date_start", "date_completion", "flags", "corridors", "confidence",
    "note", "description", "sources", "last_verified",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


#: Characters an XLSX cell cannot hold (openpyxl refuses them): control characters.
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table(projects: pd.DataFrame) -> pd.DataFrame:
    """One row per project, every list flattened to text, sources as 'publisher <url>'."""
    out = pd.DataFrame(index=projects.index)
    for col in COLUMNS:
        if col == "investors":
            out[col] = projects[col].map(lambda inv: "; ".join(
                f"{i['name']} ({i['country']}, {model.INVESTOR_ROLES.get(i['role'], i['role'])})"
                for i in inv))
        elif col == "sources":
            out[col] = projects[col].map(lambda src: " ; ".join(
                f"{s['publisher'] or 'source'} <{s['url']}>" + (f" {s['date']}" if s["date"] else "")
                for s in src))
        elif col in ("investor_countries", "flags", "corridors"):
            out[col] = projects[col].map(lambda xs: ", ".join(xs))
        else:
            out[col] = projects[col]
    return out.reset_index(drop=True)


def _safe_table(projects: pd.DataFrame, xlsx: bool = False) -> pd.DataFrame:
    frame = table(projects)
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            frame[col] = frame[col].map(_xlsx_cell if xlsx else neutralise)
    return frame


def _xlsx_cell(value):
    """A text cell for XLSX: no control characters, and never a formula."""
    if isinstance(value, str):
        value = _NOT_IN_XLSX.sub("", value)
    return neutralise(value)


def to_csv(projects: pd.DataFrame) -> bytes:
    return _safe_table(projects).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(projects: pd.DataFrame, version: str, filters: str) -> bytes:
    """The projects sheet and an "about" sheet: dataset version, export time and the
    filters (a link's query string, from a visitor: neutralised like the data cells)."""
    buffer = io.BytesIO()
    about = pd.DataFrame({
        "field": ["dataset version", "exported (UTC)", "filters", "amounts"],
        "value": [version, datetime.now(UTC).strftime("%Y-%m-%d %H:%M"), filters or "none",
                  "amount_usd converts the reported figure at the annual average rate of "
                  "amount_year; amount_measure says what the figure measures"],
    })
    about["value"] = about["value"].map(_xlsx_cell)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _safe_table(projects, xlsx=True).to_excel(writer, sheet_name="projects", index=False)
        about.to_excel(writer, sheet_name="about", index=False)
    return buffer.getvalue()


def to_geojson(projects: pd.DataFrame, version: str) -> bytes:
    """The projects as a GeoJSON FeatureCollection; lists kept as JSON arrays."""
    features = []
    for row in projects.to_dict("records"):
        geometry = row.pop("geometry", None)
        row.pop("route", None)
        props = {}
        for key in COLUMNS:
            value = row.get(key)
            if isinstance(value, float) and value != value:
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            elif value is pd.NA:
                value = None
            props[key] = value
        features.append({
            "type": "Feature",
            "geometry": geometry.__geo_interface__ if geometry is not None else None,
            "properties": props,
        })
    doc = {"type": "FeatureCollection", "dataset_version": version, "features": features}
    return json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8")
