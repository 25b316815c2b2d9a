"""Loading a release (a dataset directory) into the store, three ways.

Each record is compared in three states: ``base`` (as the last loaded release had it),
``ours`` (the store now; a retired record counts as absent) and ``theirs`` (the release).
Changed on one side only, that side wins; changed on both sides to different values is a
conflict: the load is refused with the list unless ``on_conflict`` says ``"theirs"``,
``"ours"`` or, per record id, ``{"id": "theirs" | "ours", "*": ...}`` (``"*"``: the
rest). Nothing is overwritten silently. A record kept as ours keeps its stored document
and takes the release as its new base. The layout (order, comments) and every other file
come from the release. Everything happens in the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from . import dataset, history
from .errors import Invalid, ReleaseConflict, StoreError, differing_fields
from .schema import files as F
from .schema import records as R
from .schema import store_state

CHOICES = ("theirs", "ours")


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    kept_ours: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)
    store_version: int = 0

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.changed)} changed, {len(self.retired)} "
                f"retired, {len(self.kept_ours)} kept as edited in the store, "
                f"{len(self.files_changed)} other file(s) changed; store version "
                f"{self.store_version}")


def _choice(on_conflict: str | dict[str, str] | None, record_id: str) -> str | None:
    if isinstance(on_conflict, dict):  # per record id; "*" for the others
        choice = on_conflict.get(record_id, on_conflict.get("*"))
    else:
        choice = on_conflict
    if choice is not None and choice not in CHOICES:
        raise StoreError(f"a conflict is resolved with 'theirs' or 'ours', not {choice!r}")
    return choice


def _apply_record(conn: sa.Connection, values: dict, exists: bool) -> None:
    """Write one record row (insert or update by kind and id)."""
    if exists:
        conn.execute(R.update().where(R.c.kind == values["kind"], R.c.id == values["id"])
                     .values(**{k: v for k, v in values.items() if k not in ("kind", "id")}))
    else:
        conn.execute(R.insert().values(**values))


def load(conn: sa.Connection, incoming: dataset.Release, who: str, why: str,
         on_conflict: str | dict[str, str] | None) -> LoadReport:
    if isinstance(on_conflict, str):
        _choice(on_conflict, "")
    rows = {(r.kind, r.id): r for r in conn.execute(sa.select(R))}
    theirs: dict[tuple[str, str], tuple[int, dict, Any]] = {}
    for name, items in incoming.records.items():
        kind = dataset.RECORD_FILES[name]
        for position, (document, block) in enumerate(items):
            theirs[(kind, document["id"])] = (position, document, block)

    conflicts, plan = [], []
    for key in [*theirs, *(k for k in rows if k not in theirs)]:
        row = rows.get(key)
        base = row.base if row is not None else None
        ours = row.document if row is not None and not row.retired else None
        mine = theirs[key][1] if key in theirs else None
        ours_changed, theirs_changed = ours != base, mine != base
        take = theirs_changed and not ours_changed
        if ours_changed and theirs_changed and ours != mine:
            choice = _choice(on_conflict, key[1])
            if choice is None:
                conflicts.append((key[0], key[1], ["retired in the store"] if ours is None else
                                  ["left out of the release"] if mine is None else
                                  differing_fields(ours, mine)))
                continue
            take = choice == "theirs"
        plan.append((key, row, take, theirs.get(key)))
    if conflicts:
        raise ReleaseConflict(conflicts)

    at = history.now_utc()
    version = history.bump(conn)
    report = LoadReport(store_version=version)
    after_release = len(theirs) + 1
    # new records and the log's entries are written together after the loop: one
    # statement each instead of two per record (a store filled with 10,000 projects)
    inserts: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for (kind, record_id), row, take, their in plan:
        values: dict[str, Any] = {"kind": kind, "id": record_id}
        if their is not None:
            position, document, block = their
            values.update(position=position, lead=block.lead, source_text=block.text,
                          base=document)
        else:
            values.update(base=None, source_text=None,
                          position=after_release + (row.position if row is not None else 0),
                          lead=row.lead if row is not None and row.base is None else "\n")
        mine = their[1] if their is not None else None
        if not take:
            if row is not None and (row.document if not row.retired else None) != mine:
                report.kept_ours.append(f"{kind} {record_id}")
            _apply_record(conn, values, True)
            continue
        if mine is not None:
            new = {"document": mine, "retired": False, "reason": None}
        elif row is not None:
            new = {"document": row.document, "retired": True,
                   "reason": "not in the release loaded"}
        else:
            continue
        before = history.state_of(row)
        if before == new:
            _apply_record(conn, values, True)
            continue
        new_version = (row.version + 1) if row is not None else 1
        values.update(document=new["document"], retired=new["retired"],
                      retired_reason=new["reason"], geom=dataset.geometry(kind, new["document"]),
                      version=new_version, updated_by=who, updated_at=at)
        listed = f"{kind} {record_id}"
        if new["retired"]:
            report.retired.append(listed)
        else:
            (report.changed if row is not None else report.added).append(listed)
        if row is None:
            inserts.append(values)
        else:
            _apply_record(conn, values, True)
        entries.append(history.entry(conn, version, kind, record_id, new_version, "load", who,
                                     at, why, before, new))
    if inserts:
        conn.execute(R.insert(), inserts)
    history.write(conn, entries)
    if rows:  # a store filled for the first time holds the release alone, checked by read
        _check_merged(conn, incoming)
    report.files_changed = _replace_files(conn, incoming)
    history.log(conn, version, None, None, None, "load", who, at, why, None,
                {"added": len(report.added), "changed": len(report.changed),
                 "retired": len(report.retired), "kept_ours": report.kept_ours,
                 "files_changed": report.files_changed})
    conn.execute(store_state.update().where(store_state.c.id == 1)
                 .values(loaded_at=history.bind_time(conn, at), loaded_by=who))
    return report


def _check_merged(conn: sa.Connection, incoming: dataset.Release) -> None:
    """The dataset the load leaves (the release with the edits kept from the store) must
    pass the checks too: a record kept may name one the release left out."""
    by_file: dict[str, list[Any]] = {name: [] for name in dataset.RECORD_FILES}
    query = (sa.select(R.c.kind, R.c.document).where(R.c.retired.is_(False))
             .order_by(R.c.position, R.c.id))
    for kind, document in conn.execute(query):
        by_file[dataset.KIND_FILES[kind]].append(document)
    problems: list = []
    dataset.check_all(by_file, problems, incoming.other)
    if any(p.level == "error" for p in problems):
        raise Invalid(problems)


def _replace_files(conn: sa.Connection, incoming: dataset.Release) -> list[str]:
    """The files table replaced by the release's; the names of other files that changed."""
    old = {name: content for name, kind, content in
           conn.execute(sa.select(F.c.name, F.c.kind, F.c.content)) if kind is None}
    changed = sorted(n for n in set(old) | set(incoming.other) if old.get(n) != incoming.other.get(n))
    conn.execute(F.delete())
    for name, data in incoming.other.items():
        conn.execute(F.insert().values(name=name, kind=None, content=data, tail=None, bom=False))
    for name, (tail, bom) in incoming.tails.items():
        conn.execute(F.insert().values(name=name, kind=dataset.RECORD_FILES[name], content=None,
                                       tail=tail, bom=bom))
    return changed
