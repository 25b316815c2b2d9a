"""Load the dataset into an :class:`~ca_atlas.atlas.Atlas`: read, check, assemble.

``load(path)`` reads every file through :mod:`ca_atlas.dataset`, and :func:`build` checks
every record (:mod:`ca_atlas.records`), the references between them and their places
(:mod:`ca_atlas.integrity`), converts amounts (:mod:`ca_atlas.money`) and makes the frames
(:mod:`ca_atlas.frames`). It raises :class:`~ca_atlas.model.DatasetError` listing all
errors when anything in the core (projects, corridors, risk notes, claims, rates,
transit, boundaries) is wrong; nothing partial is returned, and no other exception
leaves it. The optional parts are read after the core (:func:`with_parts`): a broken
briefing or summit ledger is left out and listed in ``atlas.disabled`` while the rest
serves. Warnings (things a reviewer should look at that do not stop the load) travel
with the atlas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from . import briefing, files, frames, heap, integrity, money, records, summit
from .atlas import Atlas, disabled_parts
from .dataset import FILES, Documents, default_data_dir, fingerprint
from .dataset import read as read_documents
from .model import DatasetError, Problem, quote
from .records import CLAIM_FIELDS
from .validation import RecordChecker, check_unique_ids

__all__ = ["FILES", "Atlas", "build", "default_data_dir", "disabled_parts", "fingerprint",
           "load", "load_stored", "with_parts"]


def load(data_dir: Path | str | None = None) -> Atlas:
    """Read, validate and assemble the dataset in ``data_dir``, with its optional parts."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()

    def run() -> Atlas:
        if not data_dir.is_dir():
            raise DatasetError([Problem(str(data_dir), None, None, None, "is not a directory")])
        problems: list[Problem] = []
        documents = read_documents(data_dir, problems)
        core = build(documents, problems, version=fingerprint(data_dir),
                     source_dir=str(data_dir))
        return with_parts(core, data_dir)

    return _guarded(str(data_dir), run)


def load_stored(stored: Mapping[str, bytes], records: Mapping[str, list[Any]], *,
                version: str, label: str) -> Atlas:
    """The same from the team's store: its record lists by file name, every other file's
    bytes by name, and its version; ``label`` names the store in messages."""

    def run() -> Atlas:
        problems: list[Problem] = []
        documents = read_documents(stored, problems, records)
        return with_parts(build(documents, problems, version=version, source_dir=label),
                          stored)

    return _guarded(label, run)


def _guarded(label: str, run) -> Atlas:
    """``run()``, with any failure but a DatasetError turned into one (the app's last-good
    fallback needs a DatasetError)."""
    try:
        with heap.bulk_build():
            return run()
    except DatasetError:
        raise
    except Exception as exc:  # noqa: BLE001 - see the docstring
        raise DatasetError([Problem(label, None, None, None,
                                    f"could not be loaded: unexpected {type(exc).__name__} "
                                    f"({quote(str(exc), 200, bare=True)}); please report it")]
                           ) from exc


def build(documents: Documents, problems: list[Problem], *, version: str,
          source_dir: str) -> Atlas:
    """The core atlas (no briefings, no summit ledger) from parsed documents; raises
    :class:`DatasetError` with every problem when any is an error."""
    raw = documents.records
    corridors = _parse_all("corridors", raw["corridors"], records.corridor, problems)
    projects = _parse_all("projects", raw["projects"], records.project, problems)
    risks = _parse_all("risk_notes", raw["risk_notes"], records.risk, problems)
    claims = _parse_all("claims", raw["claims"], records.claim, problems)

    integrity.check_references(projects, corridors, risks, claims, integrity.ids(raw),
                               problems)
    if documents.boundaries is not None:
        integrity.check_in_country(projects, documents.boundaries, problems)
    usd = money.convert_amounts(projects, documents.fx, documents.fx_ok, problems)

    if any(p.level == "error" for p in problems):
        raise DatasetError(problems)

    project_gdf, investors = frames.project_frames(projects, usd)
    corridor_gdf, segments, nodes = frames.corridor_frames(corridors)
    return Atlas(
        projects=project_gdf,
        investors=investors,
        corridors=corridor_gdf,
        segments=segments,
        nodes=nodes,
        risks=frames.risk_frame(risks),
        claims=pd.DataFrame(claims, columns=CLAIM_FIELDS),
        fx=documents.fx,
        transit=documents.transit,
        summit=None,
        briefings=(),
        boundaries=documents.boundaries,
        places=documents.places,
        version=version,
        source_dir=source_dir,
        warnings=[p for p in problems if p.level == "warning"],
    )


def with_parts(core: Atlas, data_dir: files.Source) -> Atlas:
    """``core`` with its optional parts read from ``data_dir``: the summit ledger and the
    briefings, checked against the core's ids. A part whose file has errors is left out
    and listed in ``disabled`` (see :func:`~ca_atlas.atlas.disabled_parts`)."""
    ledger, summit_broken = summit.read(data_dir)
    briefs, broken = briefing.load(data_dir, briefing.references(core))
    disabled = tuple(([summit_broken] if summit_broken else []) + broken)
    return replace(core, summit=ledger, briefings=tuple(briefs), disabled=disabled)


def _parse_all(kind: str, found: list[Any] | None, parse, problems: list[Problem]
               ) -> list[dict]:
    name = FILES[kind]
    found = found or []
    check_unique_ids(name, found, problems)
    parsed = []
    for row, record in enumerate(found, start=1):
        checker = RecordChecker(name, row, record, problems)
        if not checker.ok:
            continue
        before = sum(p.level == "error" for p in problems)
        result = parse(checker)
        if result is not None and sum(p.level == "error" for p in problems) == before:
            result["_row"] = row
            parsed.append(result)
    return parsed
