"""The store's tables, one definition for SQLite and PostgreSQL.

- ``records``: projects, corridors and risk notes (``kind``), each a JSON document with a
  ``version`` for optimistic concurrency, ``retired`` and its reason, its place in its
  file (``position``, the text before it ``lead`` and its original text ``source_text``)
  and ``base``, the document as the last loaded release had it (None for a record added
  in the store). ``geom`` is a PostGIS geometry in SRID 4326 (points for projects and risk
  notes, linestrings for corridors) and EWKT text on SQLite.
- ``files``: every other file of the dataset as bytes, and for the record files the text
  after their last record (``tail``).
- ``changes``: the change log, one row per change with who, when (UTC), why, before and
  after.
- ``store_state``: one row; ``version`` grows with every commit.

The schema itself is created and upgraded by the Alembic migrations in ``migrations/``.
"""

from __future__ import annotations

import sqlalchemy as sa
from geoalchemy2 import Geometry

SRID = 4326

metadata = sa.MetaData()

#: PostGIS geometry on PostgreSQL; EWKT text elsewhere (SQLite has no geometry type
#: without SpatiaLite, which the embedded store does not need).
GEOMETRY = sa.Text().with_variant(Geometry(srid=SRID, spatial_index=False), "postgresql")

records = sa.Table(
    "records", metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("base", sa.JSON, nullable=True),
    sa.Column("retired", sa.Boolean, nullable=False, default=False),
    sa.Column("retired_reason", sa.Text, nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("lead", sa.Text, nullable=False, default=""),
    sa.Column("source_text", sa.Text, nullable=True),
    sa.Column("geom", GEOMETRY, nullable=True),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

files = sa.Table(
    "files", metadata,
    sa.Column("name", sa.String(300), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=True),  # the record kind, None for other files
    sa.Column("content", sa.LargeBinary, nullable=True),
    sa.Column("tail", sa.Text, nullable=True),
    sa.Column("bom", sa.Boolean, nullable=False, default=False),
)

changes = sa.Table(
    "changes", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("store_version", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=True),
    sa.Column("record_id", sa.String(200), nullable=True),
    sa.Column("record_version", sa.Integer, nullable=True),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("why", sa.Text, nullable=False),
    sa.Column("before", sa.JSON, nullable=True),
    sa.Column("after", sa.JSON, nullable=True),
    sa.Index("changes_record", "kind", "record_id"),
    sa.Index("changes_at", "at"),
)

store_state = sa.Table(
    "store_state", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("loaded_by", sa.String(200), nullable=True),
)

ACTIONS = ("add", "change", "retire", "restore", "revert", "load")
