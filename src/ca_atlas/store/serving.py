"""What the app serves from: the team's store (the default), or the dataset files read-only.

``ATLAS_STORE`` chooses:

- ``store`` (default): the store :mod:`.engine` names (``ATLAS_DATABASE_URL``, else the
  embedded SQLite file under ``ATLAS_STATE_DIR``). On first start an empty store is filled
  from the dataset directory (``ATLAS_DATA_DIR``, else ``data/``), so a fresh machine
  needs no server; afterwards the store is the record and edits are made in the app.
- ``files``: the dataset directory itself, read-only, re-read when a file changes (for
  reviewing a release, or a deployment that serves files curated elsewhere).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import sqlalchemy as sa

from .. import catalog
from ..atlas import Atlas
from ..changes import Version
from ..model import quote
from .errors import StoreError
from .schema import store_state
from .store import Store

MODES = ("store", "files")
#: Who a first start's load is recorded as.
SETUP_WHO = "atlas (first start)"


def mode() -> str:
    """``$ATLAS_STORE``: ``store`` (the default) or ``files``; anything else is refused."""
    value = os.environ.get("ATLAS_STORE", "").strip().lower() or "store"
    if value not in MODES:
        raise StoreError(f"ATLAS_STORE={value[:40]!r} is not one of: {', '.join(MODES)}")
    return value


def is_empty(store: Store) -> bool:
    """True for a store that holds no record at all, retired ones included."""
    counts = store.status()["records"]
    return not any(n for by_state in counts.values() for n in by_state.values())


def open_seeded(data_dir: Path | str, url: str | None = None) -> Store:
    """The store at ``url`` (default: the configured one), filled from ``data_dir`` when it
    is empty (first start)."""
    store = Store.open(url)
    if is_empty(store):  # two replicas starting together: the store's lock lets one load
        store.load(data_dir, who=SETUP_WHO, only_if_empty=True,
                   why=f"store created from the dataset files in {Path(data_dir).name}/")
    return store


def current_version(store: Store) -> int:
    """The store's version: one small query, asked on every rerun. Raises
    :class:`StoreError` when the database cannot be reached."""
    try:
        return store.version
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"the database cannot be reached: "
                         f"{quote(str(exc.orig), 200, bare=True)}") from None


def atlas_from(store: Store) -> Atlas:
    """The atlas of the store's current version (validated like the files; a
    :class:`~ca_atlas.model.DatasetError` names what is wrong)."""
    try:
        docs = store.documents()
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"the database cannot be reached: "
                         f"{quote(str(exc.orig), 200, bare=True)}") from None
    return catalog.load_stored(docs.files, docs.records, version=version_label(docs.version),
                               label="the team store")


def snapshot_key(store: Store) -> tuple[str, str]:
    """(source, version) naming the store's current content for :mod:`ca_atlas.snapshot`:
    the database (hashed, so no URL or password reaches a file name) and its version with
    the time of its latest change (a store created anew starts again at version 1)."""
    from .schema import changes

    try:
        with store.engine.connect() as conn:
            latest = conn.execute(sa.select(changes.c.seq, changes.c.at)
                                  .order_by(changes.c.seq.desc()).limit(1)).first()
            version = conn.execute(sa.select(store_state.c.version)).scalar_one()
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"the database cannot be reached: "
                         f"{quote(str(exc.orig), 200, bare=True)}") from None
    source = hashlib.sha256(store.engine.url.render_as_string(hide_password=False)
                            .encode()).hexdigest()[:16]
    stamp = f"{latest.seq}-{latest.at:%Y%m%dT%H%M%S.%f}" if latest else "0"
    return f"store-{source}", f"v{version}-{stamp}"


def versions(store: Store, limit: int = 30) -> list[Version]:
    """The store's earlier states to compare with: the start (00:00 UTC) of each of the
    last ``limit`` days on which records changed, newest first. The day the store was
    filled has nothing before it and is left out."""
    days = sorted({c.at.date() for c in store.history() if c.record_id}, reverse=True)
    days = days[:-1][:limit]  # the last is the first day: the store was empty before it
    return [Version(commit=f"store:{day.isoformat()}",
                    label=f"the store at the start of {day.isoformat()} (UTC), before that "
                          "day's changes", date=day.isoformat()) for day in days]


def earlier(store: Store, key: str) -> Atlas:
    """The atlas at one of :func:`versions` (``key`` must be one of them)."""
    if key not in {v.commit for v in versions(store)}:
        raise ValueError("not one of the store's recorded days")
    when = dt.datetime.combine(dt.date.fromisoformat(key.removeprefix("store:")), dt.time(),
                               tzinfo=dt.UTC)
    return catalog.load_stored(store.files_as_of(when), {}, version=key,
                               label=f"the team store on {when:%Y-%m-%d}")


def version_label(version: int) -> str:
    """The dataset version a citation gives for a store version."""
    return f"store-v{version}"
