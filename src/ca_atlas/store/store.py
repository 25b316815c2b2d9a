"""The store: the team's dataset in SQLite or PostgreSQL, every change kept.

``Store.open()`` reaches the database named by ``ATLAS_DATABASE_URL`` (else the embedded
SQLite file under ``ATLAS_STATE_DIR``) and brings its schema up to date. Records are
changed only through :meth:`Store.save`, :meth:`~Store.add`, :meth:`~Store.retire`,
:meth:`~Store.restore`, :meth:`~Store.revert` and :meth:`~Store.load`; each commits one
transaction that bumps the store's version and logs who, when (UTC), why, before and
after. A save names the version it edited: a newer stored version raises
:class:`~.errors.Conflict` and nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .. import heap
from ..model import Problem, quote
from . import dataset, engine, history, release, rules, writer
from .errors import Conflict, Invalid, StoreError, differing_fields
from .schema import records as R
from .schema import store_state


@dataclass(frozen=True)
class Record:
    kind: str
    id: str
    version: int
    document: dict
    retired: bool
    retired_reason: str | None
    updated_by: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class Documents:
    """The dataset as the file readers give it: ``records`` maps each record file
    (``projects.yaml``, ``corridors.yaml``, ``risk_notes.yaml``) to its records (plain
    mappings, in file order, retired ones left out); ``files`` maps every other file's
    name (``claims.yaml``, ``briefings/x.yaml``...) to its bytes; ``version`` is the store's
    version they were read at."""

    records: dict[str, list[dict]]
    files: dict[str, bytes]
    version: int

    def text(self, name: str) -> str:
        """A stored file's text, checked as the file reader checks it (UTF-8, no NUL);
        raises :class:`ca_atlas.files.FileError` naming the file."""
        from .. import files

        if name not in self.files:
            raise files.FileError(Problem(name, None, None, None, "is missing"), missing=True)
        return files.decode(name, self.files[name])










class Store:
    """One store; see the module's docstring. Thread-safe as far as its engine is."""

    def __init__(self, db: Engine):
        self.engine = db

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, init: bool = True) -> Store:
        """The store at ``url`` (default: :func:`engine.default_url`), its schema brought up
        to date unless ``init`` is False."""
        store = cls(engine.create(url or engine.default_url()))
        if init:
            store.init()
        return store

    def init(self) -> None:
        try:
            engine.migrate(self.engine)
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot reach the database: {quote(str(exc.orig), 300, bare=True)}"
                             ) from None

    def close(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _read(self) -> sa.Connection:
        """A connection for a consistent read (no write lock on SQLite; one snapshot on
        PostgreSQL)."""
        conn = self.engine.connect()
        if self.dialect == "postgresql":
            return conn.execution_options(isolation_level="REPEATABLE READ")
        return conn.execution_options(atlas_read=True)

    # -- reading -------------------------------------------------------------------------
    @property
    def version(self) -> int:
        with self._read() as conn:
            return conn.execute(sa.select(store_state.c.version)).scalar_one()

    def status(self) -> dict:
        """Counts, version, last load, schema revision and where the store is."""
        with self._read() as conn:
            st = conn.execute(sa.select(store_state)).one()
            counts = conn.execute(sa.select(R.c.kind, R.c.retired, sa.func.count())
                                  .group_by(R.c.kind, R.c.retired)).all()
            edited = sum(1 for d, b in conn.execute(sa.select(R.c.document, R.c.base)
                                                    .where(R.c.retired.is_(False))) if d != b)
        by_kind = {k: {"active": 0, "retired": 0} for k in dataset.KINDS}
        for kind, retired, n in counts:
            by_kind[kind]["retired" if retired else "active"] += n
        return {"url": self.engine.url.render_as_string(hide_password=True),
                "dialect": self.dialect, "schema": engine.schema_revision(self.engine),
                "version": st.version, "loaded_by": st.loaded_by,
                "loaded_at": history.utc(st.loaded_at) if st.loaded_at else None,
                "records": by_kind, "edited_since_load": edited}

    def get(self, kind: str, record_id: str) -> Record:
        dataset.check_kind(kind)
        with self._read() as conn:
            row = conn.execute(sa.select(R).where(R.c.kind == kind, R.c.id == record_id)).first()
        if row is None:
            raise StoreError(f"no {kind.replace('_', ' ')} has the id {quote(record_id)}")
        return _record(row)

    def records(self, kind: str | None = None, retired: bool = False) -> list[Record]:
        query = sa.select(R).order_by(R.c.kind, R.c.position, R.c.id)
        if kind is not None:
            query = query.where(R.c.kind == dataset.check_kind(kind))
        if not retired:
            query = query.where(R.c.retired.is_(False))
        with self._read() as conn:
            return [_record(row) for row in conn.execute(query)]

    def documents(self) -> Documents:
        """The current dataset, read in one snapshot (see :class:`Documents`)."""
        with self._read() as conn:
            version = conn.execute(sa.select(store_state.c.version)).scalar_one()
            rows = conn.execute(sa.select(R.c.kind, R.c.id, R.c.document)
                                .where(R.c.retired.is_(False))
                                .order_by(R.c.position, R.c.id)).all()
            stored = writer.stored_files(conn)
        by_file: dict[str, list[dict]] = {name: [] for name in dataset.RECORD_FILES}
        for kind, _id, document in rows:
            by_file[dataset.KIND_FILES[kind]].append(document)
        other = {name: content or b"" for name, kind, content, _t, _b in stored if kind is None}
        return Documents(by_file, other, version)

    def render(self) -> dict[str, bytes]:
        """Every dataset file's bytes as :meth:`dump` writes them."""
        with self._read() as conn:
            return writer.render_files(writer.stored_rows(conn), writer.stored_files(conn))

    def dump(self, directory: Path | str) -> list[str]:
        """Write the dataset files into ``directory``; returns the names written."""
        return writer.write(directory, self.render())

    # -- changing records ----------------------------------------------------------------
    def _validate(self, conn: sa.Connection, kind: str, document: Any, record_id: str | None
                  ) -> None:
        problems: list[Problem] = []
        ids: dict[str, set[str]] = {k: set() for k in dataset.KINDS}
        for k, i in conn.execute(sa.select(R.c.kind, R.c.id).where(R.c.retired.is_(False))):
            ids[k].add(i)
        # The row the record has (or will have) in its file, as the loader numbers them.
        position = conn.execute(sa.select(R.c.position).where(R.c.kind == kind, R.c.id == record_id)
                                ).scalar() if record_id is not None else None
        row = 1 + (position if position is not None else conn.execute(
            sa.select(sa.func.count()).where(R.c.kind == kind, R.c.retired.is_(False))).scalar_one())
        dataset.check_record(kind, document, row, problems)
        dataset.check_references(kind, document, row, ids, problems)
        if kind == "project":
            rules.check_project(_other_files(conn), document, dataset.KIND_FILES[kind], row,
                                problems)
        if any(p.level == "error" for p in problems):
            raise Invalid(problems)

    def _locked(self, conn: sa.Connection, kind: str, record_id: Any):
        """The record's row, locked for this transaction. Every writer takes the store's
        lock first (loads and imports too), so locks are always taken in one order and
        writers queue (on SQLite, BEGIN IMMEDIATE does the same)."""
        if self.dialect == "postgresql":
            conn.execute(sa.select(store_state.c.id).with_for_update())
        query = sa.select(R).where(R.c.kind == kind, R.c.id == record_id)
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return conn.execute(query).first()

    def _conflict(self, conn, row, expected: int | None, mine: Any, reason: str | None = None
                  ) -> Conflict:
        then = conn.execute(sa.select(history.changes.c.after).where(
            history.changes.c.kind == row.kind, history.changes.c.record_id == row.id,
            history.changes.c.record_version == expected)).first()
        theirs_since = differing_fields((then[0] or {}).get("document"), row.document) if then else []
        return Conflict(row.kind, row.id, expected, row.version, mine, row.document,
                        differing_fields(mine, row.document), theirs_since, reason)

    def _write(self, conn, row, who: str, why: str, action: str, document: dict,
               retired: bool, reason: str | None) -> Record:
        at = history.now_utc()
        version = history.bump(conn)
        result = conn.execute(
            R.update().where(R.c.kind == row.kind, R.c.id == row.id, R.c.version == row.version)
            .values(version=row.version + 1, document=document, retired=retired,
                    retired_reason=reason, geom=dataset.geometry(row.kind, document),
                    updated_by=who, updated_at=at))
        if result.rowcount != 1:  # the lock above makes this unreachable; never overwrite
            raise StoreError(f"{row.kind} {row.id} changed while it was being saved; try again")
        history.log(conn, version, row.kind, row.id, row.version + 1, action, who, at, why,
                    history.state_of(row), history.state(document, retired, reason))
        return self.get_in(conn, row.kind, row.id)

    @staticmethod
    def get_in(conn: sa.Connection, kind: str, record_id: str) -> Record:
        return _record(conn.execute(sa.select(R).where(R.c.kind == kind, R.c.id == record_id)).one())

    def save(self, kind: str, document: dict, expected_version: int, who: str, why: str) -> Record:
        """Replace the record ``document['id']`` edited from ``expected_version``."""
        dataset.check_kind(kind)
        who, why = history.check_who_why(who, why)
        document = dataset.plain(document)
        record_id = document.get("id") if isinstance(document, dict) else None
        if not isinstance(record_id, str):
            raise Invalid([Problem(dataset.KIND_FILES[kind], None, None, "id", "is required")])
        with self.engine.begin() as conn:
            row = self._locked(conn, kind, record_id)
            if row is None:
                raise StoreError(f"no {kind.replace('_', ' ')} has the id {quote(record_id)}; "
                                 "use add for a new record")
            if row.version != expected_version:
                raise self._conflict(conn, row, expected_version, document)
            if row.retired:
                raise StoreError(f"{kind} {record_id} is retired ({row.retired_reason}); "
                                 "restore it before editing")
            self._validate(conn, kind, document, record_id)
            if document == row.document:
                return _record(row)
            return self._write(conn, row, who, why, "change", document, False, None)

    def add(self, kind: str, document: dict, who: str, why: str) -> Record:
        """A new record, written at the end of its file."""
        dataset.check_kind(kind)
        who, why = history.check_who_why(who, why)
        document = dataset.plain(document)
        with self.engine.begin() as conn:
            record_id = document.get("id") if isinstance(document, dict) else None
            existing = self._locked(conn, kind, record_id)
            self._validate(conn, kind, document, None)
            if existing is not None:
                raise Invalid([Problem(dataset.KIND_FILES[kind], None, record_id, "id",
                                       "is already used by another record (retired ones too)")])
            at = history.now_utc()
            version = history.bump(conn)
            position = 1 + (conn.execute(sa.select(sa.func.max(R.c.position))
                                         .where(R.c.kind == kind)).scalar() or 0)
            conn.execute(R.insert().values(
                kind=kind, id=record_id, version=1, document=document, base=None, retired=False,
                retired_reason=None, position=position, lead="\n", source_text=None,
                geom=dataset.geometry(kind, document), updated_by=who, updated_at=at))
            history.log(conn, version, kind, record_id, 1, "add", who, at, why, None,
                        history.state(document))
            return self.get_in(conn, kind, record_id)

    def retire(self, kind: str, record_id: str, expected_version: int, who: str, reason: str
               ) -> Record:
        """Retire (soft-delete) a record, with the reason; refused while other active
        records refer to it."""
        dataset.check_kind(kind)
        who, reason = history.check_who_why(who, reason, "reason")
        with self.engine.begin() as conn:
            row = self._existing(conn, kind, record_id, expected_version)
            if row.retired:
                raise StoreError(f"{kind} {record_id} is already retired")
            active = conn.execute(sa.select(R.c.kind, R.c.document).where(R.c.retired.is_(False)))
            docs: dict[str, list[dict]] = {}
            for k, d in active:
                docs.setdefault(k, []).append(d)
            users = dataset.references_to(kind, record_id, docs)
            users += [f"claim {c}" for c in rules.claims_naming(_other_files(conn)).get(record_id, [])]
            if users:
                raise StoreError(f"{kind} {record_id} is still named by {', '.join(users[:10])}; "
                                 "change those first")
            return self._write(conn, row, who, reason, "retire", row.document, True, reason)

    def restore(self, kind: str, record_id: str, expected_version: int, who: str, why: str
                ) -> Record:
        dataset.check_kind(kind)
        who, why = history.check_who_why(who, why)
        with self.engine.begin() as conn:
            row = self._existing(conn, kind, record_id, expected_version)
            if not row.retired:
                raise StoreError(f"{kind} {record_id} is not retired")
            self._validate(conn, kind, row.document, record_id)
            return self._write(conn, row, who, why, "restore", row.document, False, None)

    def _existing(self, conn, kind: str, record_id: str, expected_version: int):
        row = self._locked(conn, kind, record_id)
        if row is None:
            raise StoreError(f"no {kind.replace('_', ' ')} has the id {quote(record_id)}")
        if row.version != expected_version:
            raise self._conflict(conn, row, expected_version, row.document)
        return row

    def revert(self, change_seq: int, who: str, why: str) -> Record:
        """Undo one change: the record goes back to its state before it, as a new change
        (``revert``). Refused when the record changed again since (revert those first)."""
        who, why = history.check_who_why(who, why)
        with self.engine.begin() as conn:
            change = history.one(conn, change_seq)
            if change is None or change.record_id is None:
                raise StoreError(f"no record change has the number {change_seq}")
            row = self._locked(conn, change.kind, change.record_id)
            if row is None:
                raise StoreError(f"{change.kind} {change.record_id} no longer exists")
            if history.state_of(row) != change.after:
                raise self._conflict(conn, row, change.record_version, (change.before or {})
                                     .get("document"), f"changed again after change {change_seq}")
            target = change.before or {"document": row.document, "retired": True,
                                       "reason": f"reverted the addition (change {change_seq})"}
            if not target["retired"]:
                self._validate(conn, change.kind, target["document"], change.record_id)
            return self._write(conn, row, who, why, "revert", target["document"],
                               target["retired"], target["reason"])

    # -- history and releases (see history.py and release.py) ----------------------------
    def history(self, record_id: str | None = None, who: str | None = None,
                since: dt.datetime | None = None, kind: str | None = None) -> list[history.Change]:
        with self._read() as conn:
            return history.query(conn, record_id=record_id, who=who, since=since, kind=kind)

    def change(self, seq: int) -> history.Change | None:
        """One logged change by its number, or None."""
        with self._read() as conn:
            return history.one(conn, seq)

    def changes_since(self, since: dt.datetime) -> list[history.Change]:
        return self.history(since=since)

    def files_as_of(self, when: dt.datetime) -> dict[str, bytes]:
        """Every dataset file's bytes as they were at ``when`` (record changes undone)."""
        with self._read() as conn:
            return history.files_before(conn, when)

    def patch_since(self, since: dt.datetime) -> str:
        """The changes since ``since`` as a unified diff of the dataset files."""
        with self._read() as conn:
            return history.patch(conn, since)

    def load(self, directory: Path | str, who: str, why: str,
             on_conflict: str | dict[str, str] | None = None, only_if_empty: bool = False
             ) -> release.LoadReport:
        """Load the release in ``directory`` (see :mod:`.release`): one transaction; raises
        :class:`~.errors.ReleaseConflict` listing records changed on both sides unless
        ``on_conflict`` settles them, :class:`~.errors.Invalid` for a release that fails
        the checks. ``only_if_empty``: do nothing if a release was ever loaded."""
        who, why = history.check_who_why(who, why)
        with heap.bulk_build():
            return self._load(directory, who, why, on_conflict, only_if_empty)

    def _load(self, directory: Path | str, who: str, why: str,
              on_conflict: str | dict[str, str] | None, only_if_empty: bool
              ) -> release.LoadReport:
        incoming = dataset.read(directory)
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.select(store_state.c.id).with_for_update())
            if only_if_empty and conn.execute(sa.select(store_state.c.loaded_at)).scalar():
                return release.LoadReport(store_version=conn.execute(
                    sa.select(store_state.c.version)).scalar_one())
            return release.load(conn, incoming, who, why, on_conflict)


def _other_files(conn: sa.Connection) -> dict[str, bytes]:
    """The stored files the record checks read (boundaries, rates, claims)."""
    from .schema import files as F

    names = (rules.BOUNDARIES, rules.FX, rules.CLAIMS)
    return {n: c for n, c in conn.execute(sa.select(F.c.name, F.c.content)
                                          .where(F.c.name.in_(names))) if c is not None}


def _record(row: Any) -> Record:
    return Record(row.kind, row.id, row.version, row.document, row.retired, row.retired_reason,
                  row.updated_by, history.utc(row.updated_at))
