"""The first schema: records, files, changes, store_state; on PostGIS, the layer views.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: One view per layer with a typed geometry column, so QGIS and ogr2ogr list projects,
#: corridors and risk notes as three layers (retired records left out).
LAYERS = {
    "project_layer": ("project", "Point"),
    "corridor_layer": ("corridor", "LineString"),
    "risk_note_layer": ("risk_note", "Point"),
}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    geometry = Geometry(srid=4326, spatial_index=False) if postgres else sa.Text()
    op.create_table(
        "records",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("base", sa.JSON, nullable=True),
        sa.Column("retired", sa.Boolean, nullable=False),
        sa.Column("retired_reason", sa.Text, nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("lead", sa.Text, nullable=False),
        sa.Column("source_text", sa.Text, nullable=True),
        sa.Column("geom", geometry, nullable=True),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('project', 'corridor', 'risk_note')", name="records_kind"),
    )
    op.create_table(
        "files",
        sa.Column("name", sa.String(300), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("content", sa.LargeBinary, nullable=True),
        sa.Column("tail", sa.Text, nullable=True),
        sa.Column("bom", sa.Boolean, nullable=False),
    )
    op.create_table(
        "changes",
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
        sa.CheckConstraint("action IN ('add', 'change', 'retire', 'restore', 'revert', 'load')",
                           name="changes_action"),
    )
    op.create_index("changes_record", "changes", ["kind", "record_id"])
    op.create_index("changes_at", "changes", ["at"])
    op.create_table(
        "store_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("loaded_by", sa.String(200), nullable=True),
    )
    op.execute("INSERT INTO store_state (id, version) VALUES (1, 0)")
    if postgres:
        op.execute("CREATE INDEX records_geom ON records USING GIST (geom)")
        for view, (kind, shape) in LAYERS.items():
            op.execute(
                f"CREATE VIEW {view} AS SELECT id, version, document::text AS document, "
                f"geom::geometry({shape}, 4326) AS geom FROM records "
                f"WHERE kind = '{kind}' AND NOT retired AND geom IS NOT NULL"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for view in LAYERS:
            op.execute(f"DROP VIEW IF EXISTS {view}")
    for table in ("store_state", "changes", "files", "records"):
        op.drop_table(table)
