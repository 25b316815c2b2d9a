"""The team's dataset in a database: SQLite by default, PostgreSQL + PostGIS for teams.

Never imports streamlit. See :class:`Store`.
"""

from .errors import Conflict, Invalid, ReleaseConflict, StoreError
from .store import Documents, Record, Store

__all__ = ["Conflict", "Documents", "Invalid", "Record", "ReleaseConflict", "Store", "StoreError"]
