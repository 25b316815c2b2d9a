"""A dataset directory read as the store keeps it, and the checks a record must pass.

The record files (:data:`RECORD_FILES`) are parsed by :mod:`ca_atlas.files` and cut into
blocks (:mod:`.layout`); every other file is kept as bytes. Each record is checked by the
loader's own checks (:mod:`ca_atlas.records` through
:class:`~ca_atlas.validation.RecordChecker`), ids must be unique and references between
records must resolve.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import files, records
from ..model import Problem, quote
from ..validation import RecordChecker, check_unique_ids
from . import layout, rules
from .errors import Invalid, StoreError

RECORD_FILES = {"projects.yaml": "project", "corridors.yaml": "corridor",
                "risk_notes.yaml": "risk_note"}
KIND_FILES = {kind: name for name, kind in RECORD_FILES.items()}
KINDS = tuple(KIND_FILES)
PARSERS = {"project": records.project, "corridor": records.corridor, "risk_note": records.risk}
#: What a stored file may be called: relative, no hidden parts, no '..', plain characters.
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}){0,7}$")
MAX_FILES = 2000


def check_kind(kind: Any) -> str:
    if kind not in KIND_FILES:
        raise StoreError(f"unknown record kind {quote(kind, 40)}; one of {', '.join(KINDS)}")
    return kind


def check_name(name: str) -> str:
    """``name`` if it is a safe relative file name (see :data:`SAFE_NAME`)."""
    if not SAFE_NAME.match(name) or any(part in (".", "..") for part in name.split("/")):
        raise StoreError(f"{quote(name, 120)} is not a file name the store keeps (letters, digits, "
                         "'_', '-', '.', folders separated by '/', nothing hidden)")
    return name


def plain(value: Any) -> Any:
    """A parsed YAML value as JSON keeps it: dates as their ``YYYY-MM-DD`` text (the
    loader reads both the same way)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass
class Release:
    """A directory as read for loading: per record file its documents and blocks, and
    every other file's bytes."""

    records: dict[str, list[tuple[dict, layout.Block]]] = field(default_factory=dict)
    tails: dict[str, tuple[str, bool]] = field(default_factory=dict)  # file: (tail, bom)
    other: dict[str, bytes] = field(default_factory=dict)


def _names(root: Path) -> list[str]:
    out: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        rel = os.path.relpath(folder, root)
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")
            out.append(check_name(path))
            if len(out) > MAX_FILES:
                raise StoreError(f"{root} holds more than {MAX_FILES} files; is it a dataset?")
    return out


def read(directory: Path | str) -> Release:
    """The dataset in ``directory``, checked (raises :class:`Invalid` listing every
    problem, or :class:`StoreError` for a directory that cannot be used)."""
    root = Path(directory)
    if not root.is_dir():
        raise StoreError(f"{root} is not a directory")
    release = Release()
    problems: list[Problem] = []
    names = _names(root)
    for name in RECORD_FILES:
        if name not in names:
            problems.append(Problem(name, None, None, None, "is missing"))
    for name in names:
        try:
            data = files.read_bytes(root, name)
            if name in RECORD_FILES:
                text = files.decode(name, data)  # the byte-order mark dropped
                spans: list[tuple[int, int, int]] = []
                docs = files.parse_yaml(name, text, list, spans)
                bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
                cut = layout.split(name, bom + text, docs, spans)
                release.records[name] = [(plain(d), b) for d, b in zip(docs, cut.blocks, strict=True)]
                release.tails[name] = (cut.tail, cut.bom)
            else:
                release.other[name] = data
        except files.FileError as exc:
            problems.append(exc.problem)
    if not problems:
        check_all({n: [d for d, _ in rs] for n, rs in release.records.items()}, problems,
                  release.other)
    if any(p.level == "error" for p in problems):
        raise Invalid(problems)
    return release


def check_record(kind: str, document: Any, row: int, problems: list[Problem]) -> None:
    """The loader's checks of one record: every problem names the file, record and field."""
    name = KIND_FILES[kind]
    checker = RecordChecker(name, row, document, problems)
    if checker.ok:
        PARSERS[kind](checker)


def check_references(kind: str, document: Any, row: int, ids: dict[str, set[str]],
                     problems: list[Problem]) -> None:
    """References from ``document`` to other records (``ids``: the active ids by kind)."""
    if not isinstance(document, dict):
        return
    name, rid = KIND_FILES[kind], document.get("id")
    targets = {"project": [("corridors", "corridor")],
               "risk_note": [("corridors", "corridor"), ("projects", "project")]}.get(kind, [])
    for key, target in targets:
        refs = document.get(key) or []
        if not isinstance(refs, list):
            continue
        for i, ref in enumerate(refs):
            if isinstance(ref, str) and ref not in ids.get(target, set()):
                problems.append(Problem(name, row, rid if isinstance(rid, str) else None,
                                        f"{key}[{i}]", f"no {target.replace('_', ' ')} has the "
                                        f"id {quote(ref)}"))


def references_to(kind: str, record_id: str, documents: dict[str, list[dict]]) -> list[str]:
    """``kind id`` of every record that names ``record_id`` (as a ``kind``)."""
    keys = {"corridor": "corridors", "project": "projects"}
    key = keys.get(kind)
    if key is None:
        return []
    return [f"{other} {d.get('id')}" for other, docs in documents.items() for d in docs
            if isinstance(d.get(key), list) and record_id in d[key] and other != kind]


def check_all(by_file: dict[str, list[Any]], problems: list[Problem],
              stored: dict[str, bytes] | None = None) -> None:
    """Every record of every record file, unique ids per file, references; with the
    other files (``stored``), points in their country, currencies with rates and the ids
    claims name."""
    ids: dict[str, set[str]] = {}
    for name, docs in by_file.items():
        check_unique_ids(name, docs, problems)
        ids[RECORD_FILES[name]] = {d["id"] for d in docs
                                   if isinstance(d, dict) and isinstance(d.get("id"), str)}
    for name, docs in by_file.items():
        kind = RECORD_FILES[name]
        for row, doc in enumerate(docs, start=1):
            check_record(kind, doc, row, problems)
            check_references(kind, doc, row, ids, problems)
            if kind == "project" and stored is not None:
                rules.check_project(stored, doc, name, row, problems)
    if stored is not None:
        rules.check_claims(stored, set().union(*ids.values()), problems)


def geometry(kind: str, document: dict) -> str | None:
    """The record's shape as EWKT in SRID 4326: a point for projects and risk notes, the
    line through a corridor's nodes; None without coordinates."""
    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if kind == "corridor":
        nodes = [n for n in document.get("nodes") or [] if isinstance(n, dict)
                 and number(n.get("lon")) and number(n.get("lat"))]
        if len(nodes) < 2:
            return None
        return "SRID=4326;LINESTRING(" + ", ".join(f"{n['lon']!r} {n['lat']!r}" for n in nodes) + ")"
    lat, lon = document.get("lat"), document.get("lon")
    if number(lat) and number(lon):
        return f"SRID=4326;POINT({lon!r} {lat!r})"
    return None
