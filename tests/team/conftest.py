"""The team's topology (scripts/team.py) brought up once for these tests, on free loopback
ports in a temporary state folder, and stopped after them, on failure too.

These tests never skip: without nginx or PostgreSQL + PostGIS they fail and say how to
install them (`make nginx`, `make postgres`)."""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import load  # noqa: E402  (scripts/load.py: the websocket client)
import team as team_module  # noqa: E402  (scripts/team.py: the topology)


def free_ports(n: int) -> list[int]:
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@pytest.fixture(scope="session")
def team():
    if not Path(team_module.NGINX).is_file():
        pytest.fail(f"nginx is missing ({team_module.NGINX}): run `make nginx`", pytrace=False)
    if not (team_module.PG_BIN / "initdb").is_file():
        pytest.fail("PostgreSQL 15 is missing: run `make postgres`", pytrace=False)
    proxy, app1, app2, pg = free_ports(4)
    # not under pytest's own folder (0700): the postgres user must reach the cluster
    state = Path(tempfile.mkdtemp(prefix="atlas-team-"))
    state.chmod(0o755)
    topology = team_module.Team(dir=state, proxy_port=proxy,
                                app_ports=[app1, app2], pg_port=pg,
                                data_dir=ROOT / "data")
    try:
        topology.up(timeout=150)
    except team_module.TeamError as exc:
        topology.down()
        pytest.fail(f"the topology did not come up: {exc}", pytrace=False)
    try:
        yield topology
    finally:
        topology.down()
        shutil.rmtree(topology.dir, ignore_errors=True)


__all__ = ["load", "team_module"]
