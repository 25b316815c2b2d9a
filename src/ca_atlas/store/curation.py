"""The store's write path for a person: every change checked against their role first, and
recorded under their name. Pages and the CLI write through this, never the store's own
methods, so a viewer's session that sends a save anyway is refused here."""

from __future__ import annotations

from pathlib import Path

from ..access import Person, require
from . import history, imports
from .store import Record, Store


class Curation:
    """``store``'s changes made by ``person``."""

    def __init__(self, store: Store, person: Person):
        self.store = store
        self.person = person

    def save(self, kind: str, document: dict, expected_version: int, why: str) -> Record:
        require(self.person, "edit")
        return self.store.save(kind, document, expected_version, self.person.name, why)

    def add(self, kind: str, document: dict, why: str) -> Record:
        require(self.person, "edit")
        return self.store.add(kind, document, self.person.name, why)

    def retire(self, kind: str, record_id: str, expected_version: int, reason: str) -> Record:
        require(self.person, "edit")
        return self.store.retire(kind, record_id, expected_version, self.person.name, reason)

    def restore(self, kind: str, record_id: str, expected_version: int, why: str) -> Record:
        require(self.person, "edit")
        return self.store.restore(kind, record_id, expected_version, self.person.name, why)

    def may_revert(self, change: history.Change) -> bool:
        own = change.who == self.person.name
        return self.person.may("revert_own" if own else "revert_others")

    def revert(self, seq: int, why: str) -> Record:
        """Undo change ``seq``: one's own needs an editor, someone else's an admin."""
        change = self.store.change(seq)
        if change is not None:  # an unknown number: the store says so
            require(self.person, "revert_own" if change.who == self.person.name
                    else "revert_others")
        else:
            require(self.person, "revert_own")
        return self.store.revert(seq, self.person.name, why)

    def import_batch(self, path: Path | str, why: str, update: bool = False,
                     dry_run: bool = False) -> imports.Preview:
        """Check a batch of projects (CSV, XLSX, GeoJSON) and, unless ``dry_run``, write it
        in one transaction; a dry run needs only the right to read."""
        require(self.person, "read" if dry_run else "import")
        return imports.run(self.store.engine, path, self.person.name, why or "dry run",
                           update=update, dry_run=dry_run)

    def load(self, directory: Path | str, why: str, on_conflict=None):
        require(self.person, "load_release")
        return self.store.load(directory, self.person.name, why, on_conflict)
