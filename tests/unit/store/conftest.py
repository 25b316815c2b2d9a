"""The store tests run on both stores: the embedded SQLite file and a real PostgreSQL 15 +
PostGIS 3 cluster started for the session on a Unix socket (see tests/store_pg.py)."""

from __future__ import annotations

import itertools
import os

import pytest
import store_pg
from atlas_fixtures import write_dataset

from ca_atlas.store import Store

_names = itertools.count()
TEMPLATE = "atlas_template"


@pytest.fixture(scope="session")
def pg_cluster():
    missing = store_pg.available()
    if missing:
        pytest.fail(f"the store tests need PostgreSQL 15 with PostGIS: {missing}")
    cluster = store_pg.Cluster()
    try:
        cluster.init()
        cluster.start()
        # A template with PostGIS and the schema: each test's database is a cheap copy.
        template = Store.open(cluster.create_db(TEMPLATE))
        template.close()
        yield cluster
    finally:
        cluster.stop()
        cluster.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state' / 'atlas.sqlite3'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = f"atlas_{os.getpid()}_{next(_names)}"
    yield cluster.create_db(name, template=TEMPLATE)
    cluster.drop_db(name)


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.close()


@pytest.fixture
def mini(tmp_path):
    """The small dataset as a release directory."""
    return write_dataset(tmp_path / "release")


@pytest.fixture
def loaded(store, mini):
    store.load(mini, "loader", "first release")
    return store
