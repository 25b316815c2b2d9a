"""Where the dataset lives, which files it has, its version, and its files read as documents.

:func:`read` turns a dataset directory into :class:`Documents`: each file parsed by the one
reader (:mod:`ca_atlas.files`), not yet checked record by record; :mod:`ca_atlas.catalog`
builds the atlas from them. :func:`fingerprint` is the dataset's version: a hash of the
files' bytes, recomputed only when a file's size, modification time or inode changes, so
asking for it on every rerun costs a few ``stat`` calls.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from . import boundaries as geodata
from . import briefing, files, summit, tables
from .model import Problem

FILES = {
    "projects": "projects.yaml",
    "corridors": "corridors.yaml",
    "risk_notes": "risk_notes.yaml",
    "claims": "claims.yaml",
    "fx": tables.FX_FILE,
    "transit": tables.TRANSIT_FILE,
    "summit": summit.FILE,
    "boundaries": geodata.COUNTRIES,
    "places": geodata.PLACES,
}
#: The files holding lists of records, each with an ``id``.
RECORD_FILES = ("projects", "corridors", "risk_notes", "claims")


def default_data_dir() -> Path:
    """The dataset directory: ``$ATLAS_DATA_DIR`` or the repository's ``data/``."""
    env = os.environ.get("ATLAS_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data"


# -- the version ---------------------------------------------------------------------------

_SEEN: dict[str, tuple[tuple, str]] = {}
_SEEN_LOCK = threading.Lock()


def _names(data_dir: Path | str) -> list[str]:
    try:
        briefs = files.list_folder(data_dir, briefing.FOLDER)
    except files.FileError as exc:
        briefs = [f"{briefing.FOLDER}/!{exc.problem.message}"]
    return sorted(FILES.values()) + briefs


def fingerprint(data_dir: Path | str) -> str:
    """A short hash of every dataset file's bytes: the dataset's version. Never blocks or
    raises: a file that cannot be read (a FIFO, unreadable...) counts by its problem.

    The bytes are hashed again only when a file's size, modification time or inode
    changed since the last call for this directory (or a file appeared or went)."""
    names = _names(data_dir)
    signature = tuple(files.stat_signature(data_dir, name) for name in names)
    key = os.path.realpath(data_dir)
    with _SEEN_LOCK:
        seen = _SEEN.get(key)
    if seen is not None and seen[0] == signature:
        return seen[1]
    version = files.digest(data_dir, names)
    with _SEEN_LOCK:
        _SEEN[key] = (signature, version)
    return version


# -- the documents -------------------------------------------------------------------------

@dataclass(frozen=True)
class Documents:
    """The dataset's files as parsed documents, before record checks. A record file that
    could not be read at all is None (its problem is reported where it was read)."""

    records: Mapping[str, list[Any] | None]
    fx: pd.DataFrame
    fx_ok: bool
    transit: dict
    boundaries: gpd.GeoDataFrame | None
    places: gpd.GeoDataFrame | None


def read(data_dir: files.Source, problems: list[Problem],
         records: Mapping[str, list[Any]] | None = None) -> Documents:
    """Every core file of ``data_dir`` (a directory, or stored files' bytes by name) read
    and parsed; problems are appended. Record lists in ``records``, by file name (the
    store's, already parsed), are taken as they are instead of their files."""
    records = records or {}
    records = {key: (list(records[FILES[key]]) if FILES[key] in records
                     else _read_records(data_dir, FILES[key], problems))
               for key in RECORD_FILES}
    fx, fx_ok = _read_fx(data_dir, problems)
    return Documents(
        records=records, fx=fx, fx_ok=fx_ok,
        transit=_read_transit(data_dir, problems),
        boundaries=geodata.read(data_dir, FILES["boundaries"], problems),
        places=geodata.read(data_dir, FILES["places"], problems),
    )


def _read_records(data_dir: files.Source, name: str, problems: list[Problem]
                  ) -> list[Any] | None:
    """The file's records; None (its problem added) when the file cannot be read at all."""
    try:
        return files.read_yaml(data_dir, name, list)
    except files.FileError as exc:
        problems.append(exc.problem)
        return None


def _read_fx(data_dir: files.Source, problems: list[Problem]) -> tuple[pd.DataFrame, bool]:
    """The rates, and whether the file read without errors."""
    before = len(problems)
    try:
        rows = files.read_csv(data_dir, FILES["fx"])
    except files.FileError as exc:
        problems.append(exc.problem)
        rows = []
    frame = tables.fx(rows, problems)
    return frame, not any(p.level == "error" for p in problems[before:])


def _read_transit(data_dir: files.Source, problems: list[Problem]) -> dict:
    """Per-mode speeds and border delays: ``{"modes": {mode: {...}}, "join_km": float}``."""
    try:
        content = files.read_yaml(data_dir, FILES["transit"], dict)
    except files.FileError as exc:
        problems.append(exc.problem)
        return {"modes": {}, "join_km": 0.0}
    return tables.transit(content, problems)
