"""The store's write path for a person: every change checked against their role first, and
recorded under their name. Pages and the CLI write through this, never the store's own
methods, so a viewer's session that sends a save anyway is refused here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

from ..access import Person, require
from ..model import quote
from . import history, imports
from .errors import StoreError
from .store import Record, Store

T = TypeVar("T")


def _reached(write: Callable[[], T]) -> T:
    """``write()``, with a database out of reach said plainly: nothing was written (the
    transaction never committed)."""
    try:
        return write()
    except sa.exc.DBAPIError as exc:
        raise StoreError("the team's store cannot be reached, so nothing was saved "
                         f"({quote(str(exc.orig), 160, bare=True)}); try again when it is "
                         "back") from None


class Curation:
    """``store``'s changes made by ``person``."""

    def __init__(self, store: Store, person: Person):
        self.store = store
        self.person = person

    def save(self, kind: str, document: dict, expected_version: int, why: str) -> Record:
        require(self.person, "edit")
        return _reached(lambda: self.store.save(kind, document, expected_version,
                                                self.person.name, why))

    def add(self, kind: str, document: dict, why: str) -> Record:
        require(self.person, "edit")
        return _reached(lambda: self.store.add(kind, document, self.person.name, why))

    def retire(self, kind: str, record_id: str, expected_version: int, reason: str) -> Record:
        require(self.person, "edit")
        return _reached(lambda: self.store.retire(kind, record_id, expected_version,
                                                  self.person.name, reason))

    def restore(self, kind: str, record_id: str, expected_version: int, why: str) -> Record:
        require(self.person, "edit")
        return _reached(lambda: self.store.restore(kind, record_id, expected_version,
                                                   self.person.name, why))

    def may_revert(self, change: history.Change) -> bool:
        own = change.who == self.person.name
        return self.person.may("revert_own" if own else "revert_others")

    def revert(self, seq: int, why: str) -> Record:
        """Undo change ``seq``: one's own needs an editor, someone else's an admin."""
        change = _reached(lambda: self.store.change(seq))
        if change is not None:  # an unknown number: the store says so
            require(self.person, "revert_own" if change.who == self.person.name
                    else "revert_others")
        else:
            require(self.person, "revert_own")
        return _reached(lambda: self.store.revert(seq, self.person.name, why))

    def import_batch(self, path: Path | str, why: str, update: bool = False,
                     dry_run: bool = False) -> imports.Preview:
        """Check a batch of projects (CSV, XLSX, GeoJSON) and, unless ``dry_run``, write it
        in one transaction; a dry run needs only the right to read."""
        require(self.person, "read" if dry_run else "import")
        return _reached(lambda: imports.run(self.store.engine, path, self.person.name,
                                            why or "dry run", update=update, dry_run=dry_run))

    def load(self, directory: Path | str, why: str, on_conflict=None):
        require(self.person, "load_release")
        return _reached(lambda: self.store.load(directory, self.person.name, why, on_conflict))
