"""PostgreSQL only: the PostGIS layers GIS tools read, and an edit surviving a restart of
the database server."""

from __future__ import annotations

import copy
import re

import pytest
import sqlalchemy as sa
from atlas_fixtures import MINI_CORRIDORS, MINI_PROJECTS, MINI_RISKS, write_dataset

from ca_atlas.store import Store


@pytest.fixture
def pg_store(pg_cluster, tmp_path, request):
    name = "atlas_pg_" + re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:40]
    url = pg_cluster.create_db(name, template="atlas_template")
    store = Store.open(url)
    store.load(write_dataset(tmp_path / "release"), "loader", "first")
    yield store, url
    store.close()
    pg_cluster.drop_db(name)


def test_layers_are_postgis_geometries_in_srid_4326(pg_store):
    store, _ = pg_store
    project, corridor, risk = MINI_PROJECTS[0], MINI_CORRIDORS[0], MINI_RISKS[0]
    with store.engine.connect() as conn:
        point = conn.execute(sa.text(
            "SELECT ST_AsText(geom), ST_SRID(geom), GeometryType(geom) FROM project_layer "
            "WHERE id = :id"), {"id": project["id"]}).one()
        line = conn.execute(sa.text(
            "SELECT ST_AsText(geom), ST_SRID(geom), ST_NPoints(geom) FROM corridor_layer "
            "WHERE id = :id"), {"id": corridor["id"]}).one()
        risk_point = conn.execute(sa.text(
            "SELECT ST_AsText(geom), ST_SRID(geom) FROM risk_note_layer WHERE id = :id"),
            {"id": risk["id"]}).one()
        registered = conn.execute(sa.text(
            "SELECT f_table_name, type, srid FROM geometry_columns "
            "WHERE f_table_name LIKE '%_layer' ORDER BY 1")).all()
    assert point == (f"POINT({project['lon']} {project['lat']})", 4326, "POINT")
    nodes = corridor["nodes"]
    assert line[0] == "LINESTRING(" + ",".join(f"{n['lon']} {n['lat']}" for n in nodes) + ")"
    assert line[1:] == (4326, len(nodes))
    assert risk_point == (f"POINT({risk['lon']} {risk['lat']})", 4326)
    assert registered == [("corridor_layer", "LINESTRING", 4326), ("project_layer", "POINT", 4326),
                          ("risk_note_layer", "POINT", 4326)]


def test_an_edit_moves_the_geometry(pg_store):
    store, _ = pg_store
    read = store.get("project", MINI_PROJECTS[0]["id"])
    store.save("project", {**read.document, "lat": 38.5, "lon": 67.5}, read.version, "ann", "moved")
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT ST_AsText(geom) FROM project_layer WHERE id = :id"),
                            {"id": read.id}).scalar_one() == "POINT(67.5 38.5)"


def test_a_committed_edit_survives_a_database_restart(pg_store, pg_cluster):
    store, url = pg_store
    read = store.get("project", MINI_PROJECTS[0]["id"])
    document = copy.deepcopy(read.document)
    document["note"] = "survives a restart"
    store.save("project", document, read.version, "ann", "durable")
    store.close()
    pg_cluster.restart()
    again = Store.open(url)
    try:
        assert again.get("project", read.id).document["note"] == "survives a restart"
        assert again.history(read.id)[-1].who == "ann"
    finally:
        again.close()
