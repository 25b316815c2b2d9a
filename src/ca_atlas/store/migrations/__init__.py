"""Alembic migrations of the store's schema, run by :func:`ca_atlas.store.engine.migrate`."""
