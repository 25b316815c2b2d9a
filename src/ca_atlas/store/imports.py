"""Batch import of projects from CSV, XLSX or GeoJSON: validated whole, written at once.

Columns are mapped to the project schema by name (:data:`COLUMNS`; the template written
by :func:`write_template` has them all with one example row). Lists are written in one
cell: ``investors`` as ``name | country | role`` entries and ``sources`` as
``url | publisher | date`` entries, separated by ``;``; ``flags`` and ``corridors`` as
ids separated by ``;``. The whole batch is checked first (the loader's record checks,
references, the country a point lies in, currencies with rates, ids unique in the batch
and unused in the store) and every problem is reported with file, row and column; only
a clean batch is written, in one transaction: all or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..model import Problem, quote
from . import dataset, history, rules
from .errors import StoreError, differing_fields
from .schema import files as F
from .schema import records as R
from .schema import store_state
from .tables import ImportProblem, TableError, read_rows

COLUMNS = [
    "id", "name", "country", "place", "lat", "lon", "location_precision", "sector",
    "description", "investors", "financing_type", "amount_value", "amount_currency",
    "amount_measure", "amount_year", "date_announced", "date_signed", "date_start",
    "date_completion", "status", "status_as_of", "status_source_url",
    "status_source_publisher", "status_source_date", "flags", "corridors", "sources",
    "confidence", "note", "last_verified",
]
REQUIRED = ["id", "name", "country", "location_precision", "sector", "description",
            "investors", "financing_type", "status", "sources", "confidence", "last_verified"]
NUMBERS = {"lat", "lon", "amount_value", "amount_year"}
EXAMPLE = {
    "id": "uz-example-solar-park", "name": "Example solar park (100 MW)", "country": "UZB",
    "place": "Samarkand region", "lat": "39.65", "lon": "66.96", "location_precision": "region",
    "sector": "renewables", "description": "A 100 MW solar park with a 25-year power purchase "
    "agreement (an example row: replace it).", "investors": "Example Energy | JPN | lead; "
    "Asian Development Bank | MUL | lender", "financing_type": "project_finance",
    "amount_value": "120000000", "amount_currency": "USD", "amount_measure": "total_cost",
    "amount_year": "2025", "date_announced": "2025-03", "date_signed": "2025-06-12",
    "status": "agreed", "status_as_of": "2025-06-12",
    "status_source_url": "https://www.example.org/news/solar-park-signed",
    "status_source_publisher": "Example News", "status_source_date": "2025-06-12",
    "sources": "https://www.example.org/news/solar-park-signed | Example News | 2025-06-12",
    "confidence": "medium", "last_verified": "2026-12-01",
}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class ImportRefused(StoreError):
    """A batch with problems; nothing was written. ``problems``: file, row, column, what."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{len(problems)} problem(s), nothing imported: {shown}{more}")


@dataclass
class Preview:
    """What an import adds and changes (``changed``: id and the fields that differ)."""

    file: str
    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    store_version: int | None = None
    documents: list[dict] = field(default_factory=list)


def template_csv() -> str:
    """The CSV template's text: every column, one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE.get(c, "") for c in COLUMNS])
    return out.getvalue()


def write_template(path: Path | str) -> Path:
    """The CSV template (:func:`template_csv`) written to ``path``; never over a file."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise StoreError(f"the template is a CSV file: give a name ending in .csv, not {path.name}")
    try:
        with open(path, "x", encoding="utf-8", newline="") as fh:
            fh.write(template_csv())
    except FileExistsError:
        raise StoreError(f"{path} exists; the template is not written over a file") from None
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _cell(name: str, number: int, column: str, value: Any, problems: list) -> Any:
    if value is None:
        return None
    if column in NUMBERS:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            problems.append(ImportProblem(name, number, column, f"expected a number, got "
                                          f"{quote(value, 40)}"))
            return None
        if isinstance(value, str):
            text = value.strip().replace("_", "")
            if not _NUMBER.match(text):
                problems.append(ImportProblem(name, number, column, f"expected a number, got "
                                              f"{quote(value, 40)} (write digits only, e.g. "
                                              "120000000)"))
                return None
            value = float(text) if re.search(r"[.eE]", text) else int(text)
        if column == "amount_year" and isinstance(value, float) and value.is_integer():
            value = int(value)
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, (str, int, float)):
        problems.append(ImportProblem(name, number, column, f"expected text, got "
                                      f"{quote(value, 40)}"))
        return None
    return str(value).strip()


def _entries(text: str | None, keys: tuple[str, ...]) -> list[dict] | None:
    if text is None:
        return None
    out = []
    for entry in text.split(";"):
        if not entry.strip():
            continue
        parts = [p.strip() or None for p in entry.split("|")]
        if len(parts) > len(keys):
            return [{"_bad": entry}]
        parts += [None] * (len(keys) - len(parts))
        out.append(dict(zip(keys, parts, strict=True)))
    return out


def _document(cells: dict[str, Any]) -> dict:
    doc: dict[str, Any] = {k: cells.get(k) for k in (
        "id", "name", "country", "place", "lat", "lon", "location_precision", "sector",
        "description")}
    doc["investors"] = _entries(cells.get("investors"), ("name", "country", "role"))
    doc["financing_type"] = cells.get("financing_type")
    amount = {k: cells.get(f"amount_{k}") for k in ("value", "currency", "measure", "year")}
    doc["amount"] = amount if any(v is not None for v in amount.values()) else None
    doc["dates"] = {k: cells.get(f"date_{k}") for k in ("announced", "signed", "start",
                                                        "completion")}
    doc["status"] = cells.get("status")
    if cells.get("status_as_of") is not None or cells.get("status_source_url") is not None:
        doc["status_as_of"] = cells.get("status_as_of")
        doc["status_source"] = {"url": cells.get("status_source_url"),
                                "publisher": cells.get("status_source_publisher"),
                                "date": cells.get("status_source_date")}
    doc["flags"] = [f.strip() for f in (cells.get("flags") or "").split(";") if f.strip()]
    doc["corridors"] = [c.strip() for c in (cells.get("corridors") or "").split(";") if c.strip()]
    doc["sources"] = _entries(cells.get("sources"), ("url", "publisher", "date"))
    doc["confidence"] = cells.get("confidence")
    if cells.get("note") is not None:
        doc["note"] = cells.get("note")
    doc["last_verified"] = cells.get("last_verified")
    return doc


def _column(field_name: str | None) -> str | None:
    """The template column a record check's field comes from."""
    if not field_name:
        return None
    base = re.sub(r"\[\d+\].*$", "", field_name)
    if base.startswith("dates."):
        return "date_" + base[6:]
    if base.startswith("status_source."):
        return "status_source_" + base.split(".", 1)[1]
    column = base.replace(".", "_")
    return column if column in COLUMNS else ("status_source_url" if column == "status_source"
                                             else column)


def plan(conn: sa.Connection, path: Path | str, update: bool = False) -> Preview:
    """Read and check the batch against the store seen through ``conn``; raises
    :class:`ImportRefused` with every problem."""
    try:
        name, rows = read_rows(path, COLUMNS, REQUIRED)
    except TableError as exc:
        raise ImportRefused(exc.problems) from None
    problems: list[ImportProblem] = []
    docs: list[tuple[int, dict]] = []
    for number, row in rows:
        cells = {c: _cell(name, number, c, v, problems) for c, v in row.items()}
        docs.append((number, dataset.plain(_document(cells))))
    existing = {(k, i): (retired, doc) for k, i, retired, doc in conn.execute(
        sa.select(R.c.kind, R.c.id, R.c.retired, R.c.document))}
    ids = {k: {i for (kk, i), (retired, _) in existing.items() if kk == k and not retired}
           for k in dataset.KINDS}
    ids["project"] |= {d["id"] for _, d in docs if isinstance(d.get("id"), str)}
    stored = {n: c for n, k, c in conn.execute(sa.select(F.c.name, F.c.kind, F.c.content))
              if k is None and c is not None}
    preview = Preview(name)
    first_row: dict[str, int] = {}
    for number, doc in docs:
        checks: list[Problem] = []
        dataset.check_record("project", doc, number, checks)
        dataset.check_references("project", doc, number, ids, checks)
        rules.check_project(stored, doc, name, number, checks)
        problems += [ImportProblem(name, number, _column(p.field), p.message)
                     for p in checks if p.level == "error"]
        record_id = doc.get("id")
        if not isinstance(record_id, str):
            continue
        if record_id in first_row:
            problems.append(ImportProblem(name, number, "id", f"{quote(record_id)} is also the "
                                          f"id of row {first_row[record_id]}"))
            continue
        first_row[record_id] = number
        old = existing.get(("project", record_id))
        if old is None:
            preview.added.append(record_id)
        elif not update:
            problems.append(ImportProblem(name, number, "id", f"{quote(record_id)} is already a "
                                          "project in the store (to change existing projects, "
                                          "turn updates on: --update, or 'Also change "
                                          "projects that already exist' in the app)"))
        elif old[0]:
            problems.append(ImportProblem(name, number, "id", f"{quote(record_id)} is retired; "
                                          "restore it before changing it"))
        elif old[1] != doc:
            preview.changed.append((record_id, differing_fields(old[1], doc)))
    if problems:
        raise ImportRefused(problems)
    preview.documents = [d for _, d in docs]
    return preview


def run(engine: sa.Engine, path: Path | str, who: str, why: str, update: bool = False,
        dry_run: bool = False) -> Preview:
    """Check the batch and, unless ``dry_run``, write it in one transaction."""
    who, why = history.check_who_why(who, why)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(store_state.c.id).with_for_update())
        preview = plan(conn, path, update)
        if dry_run:
            conn.rollback()
            return preview
        _write(conn, preview, who, why)
    return preview


def _write(conn: sa.Connection, preview: Preview, who: str, why: str) -> None:
    at = history.now_utc()
    version = history.bump(conn)
    preview.store_version = version
    position = conn.execute(sa.select(sa.func.max(R.c.position))
                            .where(R.c.kind == "project")).scalar() or 0
    changed = {i for i, _ in preview.changed}
    for doc in preview.documents:
        record_id = doc["id"]
        geom = dataset.geometry("project", doc)
        if record_id in changed:
            row = conn.execute(sa.select(R).where(R.c.kind == "project", R.c.id == record_id)).one()
            conn.execute(R.update().where(R.c.kind == "project", R.c.id == record_id)
                         .values(version=row.version + 1, document=doc, geom=geom,
                                 updated_by=who, updated_at=at))
            history.log(conn, version, "project", record_id, row.version + 1, "change", who, at,
                        why, history.state_of(row), history.state(doc))
        elif record_id in preview.added:
            position += 1
            conn.execute(R.insert().values(
                kind="project", id=record_id, version=1, document=doc, base=None, retired=False,
                retired_reason=None, position=position, lead="\n", source_text=None, geom=geom,
                updated_by=who, updated_at=at))
            history.log(conn, version, "project", record_id, 1, "add", who, at, why, None,
                        history.state(doc))
