"""The change log: writing it, querying it, and the changes since a date as a patch."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import writer
from .errors import StoreError
from .schema import changes, store_state

MAX_ROWS = 100_000
MAX_WHO = 200
MAX_WHY = 2000


@dataclass(frozen=True)
class Change:
    """One logged change. ``before``/``after`` are ``{"document", "retired", "reason"}``
    (None where the record did not exist); for a load's summary row (``record_id`` None)
    ``after`` says what the load did."""

    seq: int
    store_version: int
    kind: str | None
    record_id: str | None
    record_version: int | None
    action: str
    who: str
    at: dt.datetime
    why: str
    before: dict | None
    after: dict | None


def utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _change(row: Any) -> Change:
    return Change(row.seq, row.store_version, row.kind, row.record_id, row.record_version,
                  row.action, row.who, utc(row.at), row.why, row.before, row.after)


def entry(conn: sa.Connection, store_version: int, kind: str | None, record_id: str | None,
          record_version: int | None, action: str, who: str, at: dt.datetime, why: str,
          before: dict | None, after: dict | None) -> dict[str, Any]:
    """One row of the change log, to write with :func:`write` (many at once)."""
    return {"store_version": store_version, "kind": kind, "record_id": record_id,
            "record_version": record_version, "action": action, "who": who,
            "at": bind_time(conn, at), "why": why, "before": before, "after": after}


def write(conn: sa.Connection, entries: list[dict[str, Any]]) -> None:
    """Append ``entries`` to the change log, in their order, in one statement."""
    if entries:
        conn.execute(changes.insert(), entries)


def log(conn: sa.Connection, store_version: int, kind: str | None, record_id: str | None,
        record_version: int | None, action: str, who: str, at: dt.datetime, why: str,
        before: dict | None, after: dict | None) -> None:
    write(conn, [entry(conn, store_version, kind, record_id, record_version, action, who, at,
                       why, before, after)])


def check_who_why(who: Any, why: Any, what: str = "why") -> tuple[str, str]:
    if not isinstance(who, str) or not who.strip() or len(who) > MAX_WHO:
        raise StoreError(f"who made the change is required (at most {MAX_WHO} characters)")
    if not isinstance(why, str) or not why.strip():
        raise StoreError(f"a short {what} is required for every change")
    if len(why) > MAX_WHY:
        raise StoreError(f"the {what} is longer than {MAX_WHY} characters")
    return who.strip(), why.strip()


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def bump(conn: sa.Connection) -> int:
    """The store's next version, taken in this transaction (which then holds its lock)."""
    conn.execute(store_state.update().where(store_state.c.id == 1)
                 .values(version=store_state.c.version + 1))
    return conn.execute(sa.select(store_state.c.version).where(store_state.c.id == 1)).scalar_one()


def state(document: dict | None, retired: bool = False, reason: str | None = None) -> dict | None:
    """A record's state as the log keeps it (None: the record did not exist)."""
    if document is None:
        return None
    return {"document": document, "retired": retired, "reason": reason}


def state_of(row: Any) -> dict | None:
    """A record row's state as the log keeps it; None for no row."""
    if row is None:
        return None
    return state(row.document, bool(row.retired), row.retired_reason)


def bind_time(conn: sa.Connection, value: dt.datetime) -> dt.datetime:
    """UTC; naive on SQLite (which keeps no zone), so text comparisons order correctly."""
    value = utc(value)
    return value.replace(tzinfo=None) if conn.dialect.name == "sqlite" else value


def one(conn: sa.Connection, seq: int) -> Change | None:
    row = conn.execute(sa.select(changes).where(changes.c.seq == seq)).first()
    return _change(row) if row else None


def query(conn: sa.Connection, record_id: str | None = None, who: str | None = None,
          since: dt.datetime | None = None, kind: str | None = None) -> list[Change]:
    """Changes, oldest first, filtered by record, person and time (``since`` inclusive;
    a naive datetime is taken as UTC)."""
    q = sa.select(changes).order_by(changes.c.seq).limit(MAX_ROWS)
    if record_id is not None:
        q = q.where(changes.c.record_id == record_id)
    if kind is not None:
        q = q.where(changes.c.kind == kind)
    if who is not None:
        q = q.where(changes.c.who == who)
    if since is not None:
        q = q.where(changes.c.at >= bind_time(conn, since))
    return [_change(row) for row in conn.execute(q)]


def files_before(conn: sa.Connection, since: dt.datetime) -> dict[str, bytes]:
    """The dataset files as they were at ``since``: the current ones with every record
    change since then undone (newest first). Files other than the three record files are
    as they are now (the store keeps only their latest bytes)."""
    rows = writer.stored_rows(conn)
    stored = writer.stored_files(conn)
    by_key = {(r.kind, r.id): r for r in rows}
    for change in reversed(query(conn, since=since)):
        if change.record_id is None:
            continue
        key = (change.kind, change.record_id)
        if change.before is None:
            by_key.pop(key, None)
            continue
        old = by_key.get(key)
        by_key[key] = writer.Row(
            change.kind, change.record_id, change.before["document"],
            old.base if old else None, bool(change.before["retired"]),
            old.position if old else 10**9, old.lead if old else "\n",
            old.source_text if old else None)
    return writer.render_files(list(by_key.values()), stored)


def patch(conn: sa.Connection, since: dt.datetime) -> str:
    """A unified diff of the dataset files from their state at ``since`` to now (see
    :func:`files_before`)."""
    after = writer.render_files(writer.stored_rows(conn), writer.stored_files(conn))
    before = files_before(conn, since)
    out: list[str] = []
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name, b""), after.get(name, b"")
        if a == b:
            continue
        out.extend(difflib.unified_diff(
            a.decode("utf-8").splitlines(keepends=True), b.decode("utf-8").splitlines(keepends=True),
            fromfile=f"a/{name}", tofile=f"b/{name}"))
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in out)


def fields_changed(change: Change) -> list[str]:
    """The record's fields a change altered (``retired`` when it retired or restored it);
    empty for a load's summary row and for a record's first appearance (every field)."""
    if change.record_id is None or change.before is None:
        return []
    from .errors import differing_fields

    before, after = change.before or {}, change.after or {}
    out = differing_fields(before.get("document"), after.get("document"))
    if bool(before.get("retired")) != bool(after.get("retired")):
        out.append("retired")
    return out
