"""Spreadsheet-like files read into rows of cells: CSV, XLSX and GeoJSON, for imports.

Every problem is an :class:`ImportProblem` naming the file, the row (the line of a CSV,
the row of a sheet, the feature's number) and the column. Refused before any row is
used: a file that is not a regular file, larger than :data:`MAX_BYTES`, empty, not UTF-8,
truncated or malformed, with unknown, missing or repeated columns, more than
:data:`MAX_ROWS` rows, an XLSX that expands past :data:`MAX_UNZIPPED` or holds formulas,
and text that a spreadsheet would run as a formula (``=``, ``+``, ``@``...).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import files
from ..model import quote

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ROWS = 5000
SUFFIXES = (".csv", ".xlsx", ".geojson", ".json")
_FORMULA = re.compile(r"^[=+@\t\r]|^-(?![\d.])")


@dataclass(frozen=True)
class ImportProblem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {quote(self.column, 60)}"
        return f"{where}: {self.message}"


class TableError(Exception):
    def __init__(self, problems: list[ImportProblem]):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


def _refuse(name: str, message: str, row: int | None = None, column: str | None = None):
    return TableError([ImportProblem(name, row, column, message)])


def read_rows(path: Path | str, columns: list[str], required: list[str]
              ) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """The file's name and its rows as ``(row number, {column: value})``; raises
    :class:`TableError`. Values are text, numbers, dates or None (an empty cell)."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _refuse(name, f"is not a CSV, XLSX or GeoJSON file (the name must end in "
                            f"{', '.join(SUFFIXES)})")
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _refuse(name, f"cannot be read: {(exc.strerror or str(exc)).lower()}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(name, "is not a regular file; it is not read")
    if info.st_size > MAX_BYTES:
        raise _refuse(name, f"is {info.st_size / 2**20:,.1f} MB, more than the "
                            f"{MAX_BYTES // 2**20} MB an import may be; it is not read")
    try:  # the dataset reader's checks too: no FIFO swapped in, a bounded read
        data = files.read_bytes(path.parent, name)
    except files.FileError as exc:
        raise _refuse(name, exc.problem.message) from None
    if not data.strip():
        raise _refuse(name, "is empty")
    if suffix == ".csv":
        header, rows = _csv(name, data)
    elif suffix == ".xlsx":
        header, rows = _xlsx(name, data)
    else:
        header, rows = _geojson(name, data)
    _check_header(name, header, columns, required)
    if not rows:
        raise _refuse(name, "has a header but no rows")
    if len(rows) > MAX_ROWS:
        raise _refuse(name, f"has more than {MAX_ROWS:,} rows; split it into smaller batches")
    problems = [ImportProblem(name, n, column, "looks like a spreadsheet formula; formulas "
                              "are not imported (write the value, or start the text differently)")
                for n, row in rows for column, value in row.items()
                if isinstance(value, str) and _FORMULA.match(value)]
    if problems:
        raise TableError(problems)
    return name, rows


def _check_header(name: str, header: list[str], columns: list[str], required: list[str]) -> None:
    problems = []
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(ImportProblem(name, 1, column, "appears twice in the header"))
        seen.add(column)
        if column not in columns:
            problems.append(ImportProblem(name, 1, column, "is not a column of the import "
                                          "template (ca-atlas import --template FILE.csv)"))
    for column in required:
        if column not in seen:
            problems.append(ImportProblem(name, 1, column, "is missing: it is required"))
    if problems:
        raise TableError(problems)


def _text(name: str, data: bytes) -> str:
    try:
        return files.decode(name, data)
    except files.FileError as exc:
        raise _refuse(name, exc.problem.message) from None


def _csv(name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    reader = csv.reader(io.StringIO(_text(name, data), newline=""), strict=True)
    rows: list[tuple[int, dict[str, Any]]] = []
    header: list[str] | None = None
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip() for f in fields]
                continue
            if len(fields) != len(header):
                raise _refuse(name, f"has {len(fields)} cells where the header has "
                                    f"{len(header)} (a truncated or misquoted line?)",
                              row=reader.line_num)
            rows.append((reader.line_num, {h: (f if f.strip() else None)
                                           for h, f in zip(header, fields, strict=True)}))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise _refuse(name, f"is not valid CSV ({quote(str(exc), 100, bare=True)}); is it "
                            "truncated?", row=reader.line_num) from None
    return header or [], rows


def _xlsx(name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(name, "is not a valid XLSX workbook (truncated or another format)") from None
    if unzipped > MAX_UNZIPPED:
        raise _refuse(name, f"expands to more than {MAX_UNZIPPED // 2**20} MB; it is not read")
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a broken workbook
        raise _refuse(name, "is not a valid XLSX workbook (truncated or another format)") from None
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, dict[str, Any]]] = []
        problems: list[ImportProblem] = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = [c.value for c in cells]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if header is None:
                header = [str(v).strip() if v is not None else "" for v in values]
                continue
            row = {}
            for column, cell in zip(header, cells, strict=False):
                if cell.data_type == "f":
                    problems.append(ImportProblem(name, number, column, "is a formula; formulas "
                                                  "are not imported (paste the values)"))
                value = cell.value
                if isinstance(value, dt.datetime):
                    value = value.date().isoformat()
                elif isinstance(value, dt.date):
                    value = value.isoformat()
                row[column] = None if isinstance(value, str) and not value.strip() else value
            rows.append((number, row))
            if len(rows) > MAX_ROWS:
                break
    finally:
        book.close()
    if problems:
        raise TableError(problems)
    return [h for h in header or [] if h], rows


def _geojson(name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    def refuse_constant(token: str) -> float:
        raise ValueError(f"{token} is not a number JSON allows")

    try:
        doc = json.loads(_text(name, data), parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise _refuse(name, f"is not valid JSON at line {exc.lineno}, column {exc.colno}: "
                            f"{exc.msg} (truncated?)") from None
    except (ValueError, RecursionError) as exc:
        raise _refuse(name, f"is not valid GeoJSON: {quote(str(exc), 100, bare=True)}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise _refuse(name, "must be a GeoJSON FeatureCollection with a list of features")
    header: list[str] = []
    rows = []
    for number, feature in enumerate(doc["features"][:MAX_ROWS + 1], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise _refuse(name, "is not a Feature with properties", row=number)
        row = dict(props)
        geometry = feature.get("geometry")
        if geometry is not None:
            coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if not (isinstance(geometry, dict) and geometry.get("type") == "Point"
                    and isinstance(coords, list) and len(coords) in (2, 3)):
                raise _refuse(name, "a project's geometry must be a Point [lon, lat] or null",
                              row=number, column="geometry")
            row.setdefault("lon", coords[0])
            row.setdefault("lat", coords[1])
        for key in row:
            if key not in header:
                header.append(key)
        rows.append((number, row))
    return header, rows
