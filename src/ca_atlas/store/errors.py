"""What the store raises: every error carries a message meant for the person at hand."""

from __future__ import annotations

from typing import Any

from ..model import Problem


class StoreError(Exception):
    """Something the store refuses or cannot do; ``str()`` says what and why."""


class Invalid(StoreError):
    """A record (or a release) that fails the dataset's checks; ``problems`` name each
    file, record and field."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.level == "error"]
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} error(s): {shown}{more}")


class Conflict(StoreError):
    """A save over a version that is no longer the current one.

    ``expected`` is the version the caller edited, ``current`` the stored one; ``mine`` is
    the document the caller tried to save and ``theirs`` the stored document; ``fields``
    the top-level fields where the two differ, and ``their_fields`` those changed since
    ``expected`` (empty when that version is not known).
    """

    def __init__(self, kind: str, record_id: str, expected: int | None, current: int | None,
                 mine: Any, theirs: Any, fields: list[str], their_fields: list[str] | None = None,
                 reason: str | None = None):
        self.kind, self.record_id = kind, record_id
        self.expected, self.current = expected, current
        self.mine, self.theirs = mine, theirs
        self.fields = fields
        self.their_fields = their_fields or []
        why = reason or (f"was saved as version {current} since version {expected} was read")
        super().__init__(f"{kind} {record_id} {why}; fields that differ: "
                         f"{', '.join(fields) or 'none'}")


class ReleaseConflict(StoreError):
    """Loading a release over records changed on both sides; ``records`` lists
    ``(kind, id, fields)`` for each. Load again with ``on_conflict`` to choose."""

    def __init__(self, records: list[tuple[str, str, list[str]]]):
        self.records = records
        listed = "; ".join(f"{k} {i} ({', '.join(f)})" for k, i, f in records[:20])
        more = f" and {len(records) - 20} more" if len(records) > 20 else ""
        super().__init__(f"{len(records)} record(s) changed both in the store and in the "
                         f"release: {listed}{more}. Choose --theirs (the release), --ours (the "
                         "store) or per record")


def differing_fields(a: Any, b: Any) -> list[str]:
    """The top-level keys whose values differ between two documents (sorted by first
    appearance in ``a`` then ``b``)."""
    a = a if isinstance(a, dict) else {}
    b = b if isinstance(b, dict) else {}
    keys = list(dict.fromkeys([*a, *b]))
    return [k for k in keys if a.get(k, _MISSING) != b.get(k, _MISSING)]


_MISSING = object()
