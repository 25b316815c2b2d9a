"""The dataset files from the store's rows, and writing them into a directory.

A record file is its records in order, each after its ``lead`` (comments, blank lines):
a record unchanged since it was loaded keeps its original text, an edited or added one
is written in the file's style (:mod:`.render`). The text is read back and must give
the stored documents; should the layout ever not allow that, the file is written in the
canonical style throughout (nothing is ever written that reads back differently).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .. import files
from . import layout, render
from .dataset import KIND_FILES, RECORD_FILES, check_name
from .errors import StoreError


@dataclass
class Row:
    """What the writer needs of one record."""

    kind: str
    id: str
    document: dict
    base: dict | None
    retired: bool
    position: int
    lead: str
    source_text: str | None


def record_text(row: Row) -> str:
    if row.source_text is not None and row.base is not None and row.document == row.base:
        return row.source_text
    return render.record(row.document, KIND_FILES[row.kind])


def record_file(name: str, rows: list[Row], tail: str, bom: bool) -> str:
    """The text of the record file ``name`` from its rows (any order; retired ones left
    out, a retired record's comments carried to the next)."""
    ordered = sorted(rows, key=lambda r: (r.position, r.id))
    blocks: list[layout.Block] = []
    carried = ""
    for row in ordered:
        if row.retired:
            if row.lead.strip():
                carried = row.lead
            continue
        lead = row.lead
        if carried:
            lead = carried if not lead.strip() else carried + lead
            carried = ""
        if blocks and not lead.endswith("\n") and not blocks[-1].text.endswith("\n"):
            lead = "\n" + lead
        blocks.append(layout.Block(lead, record_text(row)))
    documents = [r.document for r in ordered if not r.retired]
    text = layout.join(layout.Layout(bom, blocks, tail))
    if _reads_as(name, text, documents):
        return text
    return canonical_file(name, documents, blocks[0].lead if blocks else "", bom)


def canonical_file(name: str, documents: list[dict], header: str, bom: bool) -> str:
    comments = "".join(line for line in header.splitlines(keepends=True)
                       if line.startswith("#") or not line.strip())
    body = "\n".join(render.record(d, name) for d in documents) if documents else "[]\n"
    text = ("\ufeff" if bom else "") + comments + body
    if not _reads_as(name, text, documents):
        raise StoreError(f"{name} cannot be written so that it reads back as stored")
    return text


def _reads_as(name: str, text: str, documents: list[dict]) -> bool:
    try:
        return files.parse_yaml(name, text.removeprefix("\ufeff"), list) == documents
    except files.FileError:
        return False


def render_files(rows: list[Row], stored: list[tuple[str, str | None, bytes | None, str | None,
                                                     bool]]) -> dict[str, bytes]:
    """Every file's bytes: ``stored`` holds the files table's rows (name, kind, content,
    tail, bom)."""
    by_file: dict[str, list[Row]] = {name: [] for name in RECORD_FILES}
    for row in rows:
        by_file[KIND_FILES[row.kind]].append(row)
    out: dict[str, bytes] = {}
    tails = {name: ("", False) for name in RECORD_FILES}
    for name, kind, content, tail, bom in stored:
        if kind is None:
            out[name] = content or b""
        else:
            tails[name] = (tail or "", bool(bom))
    for name, file_rows in by_file.items():
        if not file_rows and name not in {s[0] for s in stored}:
            continue
        tail, bom = tails[name]
        out[name] = record_file(name, file_rows, tail, bom).encode("utf-8")
    return dict(sorted(out.items()))


def write(directory: Path | str, contents: dict[str, bytes]) -> list[str]:
    """Write ``contents`` (name: bytes) into ``directory``, each file atomically (a
    temporary file renamed over it). A name is checked again, and nothing is written
    through a link that leads outside the directory. Returns the names written."""
    root = Path(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {root}: {exc.strerror or exc}") from None
    real_root = os.path.realpath(root)
    written = []
    for name, data in contents.items():
        check_name(name)
        target = root / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {name}: {exc.strerror or exc}") from None
        parent = os.path.realpath(target.parent)
        if parent != real_root and not parent.startswith(real_root + os.sep):
            raise StoreError(f"{name}: its folder leads outside {root}; nothing written there")
        _atomic_write(parent, target.name, data)
        written.append(name)
    return written


def _atomic_write(folder: str, name: str, data: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, os.path.join(folder, name))
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def stored_rows(conn: Any) -> list[Row]:
    """Every record row (retired ones too) as the writer needs it."""
    from .schema import records as R

    query = sa.select(R.c.kind, R.c.id, R.c.document, R.c.base, R.c.retired, R.c.position,
                      R.c.lead, R.c.source_text)
    return [Row(*row) for row in conn.execute(query)]


def stored_files(conn: Any) -> list[tuple[str, str | None, bytes | None, str | None, bool]]:
    """The files table: (name, kind, content, tail, bom), by name."""
    from .schema import files as F

    query = sa.select(F.c.name, F.c.kind, F.c.content, F.c.tail, F.c.bom).order_by(F.c.name)
    return [tuple(row) for row in conn.execute(query)]
