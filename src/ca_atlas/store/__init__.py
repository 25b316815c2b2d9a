"""The team's dataset in a database: SQLite by default, PostgreSQL + PostGIS for teams.

Never imports streamlit. See :class:`Store`. The names below are loaded on first use, so
``ca_atlas.store.cli`` can add its commands to ``ca-atlas`` without loading SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {"Conflict": "errors", "Invalid": "errors", "ReleaseConflict": "errors",
            "StoreError": "errors", "Documents": "store", "Record": "store", "Store": "store"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
