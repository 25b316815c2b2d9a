"""Alembic's environment: always run programmatically with a connection passed in
``config.attributes["connection"]`` (see :func:`ca_atlas.store.engine.migrate`).
Imported outside a migration run (a test importing every module), it does nothing."""

from __future__ import annotations

from alembic import context

from ca_atlas.store.schema import metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("the store's migrations run through ca_atlas.store (ca-atlas db init)")
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # set only while Alembic runs this environment
    run()
