"""Where the store lives and how to reach it: the URL, the engine, the migrations.

- ``ATLAS_DATABASE_URL=postgresql://user@host/db`` (or ``postgresql+psycopg://...``): a
  PostgreSQL 15 + PostGIS 3 database, through psycopg 3.
- otherwise the embedded SQLite file ``atlas.sqlite3`` in ``$ATLAS_STATE_DIR`` (default
  ``.atlas/`` in the repository root), in WAL mode.

Every other scheme is refused with a message: the URL comes from the environment or the
command line and reaches nothing else unchecked.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine, make_url

from .errors import StoreError

STATE_FILE = "atlas.sqlite3"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: How long a writer waits for another's lock on SQLite before giving up (ms).
BUSY_TIMEOUT_MS = 60_000


def state_dir() -> Path:
    """``$ATLAS_STATE_DIR``, or ``.atlas/`` in the repository root."""
    env = os.environ.get("ATLAS_STATE_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[3] / ".atlas"


def default_url() -> str:
    """``$ATLAS_DATABASE_URL``, or the embedded SQLite file under :func:`state_dir`."""
    env = os.environ.get("ATLAS_DATABASE_URL", "").strip()
    if env:
        return env
    return f"sqlite:///{state_dir() / STATE_FILE}"


def checked_url(url: str) -> sa.URL:
    """``url`` parsed, if it names PostgreSQL (psycopg 3 is used whatever driver it
    names) or an SQLite file; anything else raises :class:`StoreError`."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - SQLAlchemy raises several types for a bad URL
        raise StoreError("the database URL is not a URL like postgresql://user@host/atlas "
                         "or sqlite:///path/atlas.sqlite3") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "psycopg2", "") and "+" in parsed.drivername:
            raise StoreError(f"the PostgreSQL driver {parsed.get_driver_name()!r} is not used; "
                             "write postgresql://...")
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        if not parsed.database or parsed.database == ":memory:":
            raise StoreError("the SQLite store needs a file: sqlite:///path/atlas.sqlite3")
        return parsed.set(drivername="sqlite+pysqlite")
    raise StoreError(f"the database URL must start with postgresql:// or sqlite:///, not "
                     f"{parsed.drivername}://")


def create(url: str) -> Engine:
    """An engine for ``url`` (see :func:`checked_url`). On SQLite: WAL journal, foreign
    keys, a busy timeout, and ``BEGIN IMMEDIATE`` so a transaction holds the write lock
    from its start (two writers then queue instead of failing to upgrade a read lock)."""
    parsed = checked_url(url)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True, pool_size=2, max_overflow=3)
    path = Path(parsed.database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the state directory {path.parent}: "
                         f"{exc.strerror or exc}") from None
    engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
                              poolclass=sa.pool.NullPool)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        read = connection.get_execution_options().get("atlas_read")
        connection.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

    return engine


def _config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Create the schema or bring it up to the newest migration (idempotent). On
    PostgreSQL, the PostGIS extension must be there or creatable by this user."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4104787)")
            has = connection.exec_driver_sql(
                "SELECT 1 FROM pg_extension WHERE extname = 'postgis'").first()
            if not has:
                try:
                    with connection.begin_nested():
                        connection.exec_driver_sql("CREATE EXTENSION postgis")
                except sa.exc.DBAPIError:
                    raise StoreError("the database has no PostGIS extension and this user "
                                     "cannot create it: run CREATE EXTENSION postgis as its "
                                     "owner") from None
        command.upgrade(_config(connection), "head")


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at; None before ``init``."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
