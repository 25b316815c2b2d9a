"""Where the store lives: URLs checked, the state directory, migrations idempotent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ca_atlas.store import StoreError, engine


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite://", "sqlite:///:memory:", "not a url",
                                 "postgresql+asyncpg://u@h/db", "file:///etc/passwd"])
def test_other_urls_are_refused_with_a_message(url):
    with pytest.raises(StoreError):
        engine.checked_url(url)


def test_postgresql_urls_use_psycopg():
    assert engine.checked_url("postgresql://u@h/db").drivername == "postgresql+psycopg"


def test_the_default_is_a_sqlite_file_in_the_state_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    monkeypatch.setenv("ATLAS_STATE_DIR", str(tmp_path / "state"))
    assert engine.default_url() == f"sqlite:///{tmp_path / 'state' / 'atlas.sqlite3'}"
    monkeypatch.setenv("ATLAS_DATABASE_URL", "postgresql://u@h/db")
    assert engine.default_url() == "postgresql://u@h/db"


def test_sqlite_runs_in_wal_mode_and_migrations_are_idempotent(tmp_path):
    db = engine.create(f"sqlite:///{tmp_path / 'a' / 'atlas.sqlite3'}")
    engine.migrate(db)
    engine.migrate(db)
    with db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        tables = set(sa.inspect(conn).get_table_names())
    assert {"records", "files", "changes", "store_state", "alembic_version"} <= tables
    assert engine.schema_revision(db) == "0001"
