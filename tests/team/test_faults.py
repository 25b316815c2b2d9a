"""Faults under a small load, on the team's topology: a replica killed with SIGKILL, and
PostgreSQL stopped and started again. Nothing committed is lost in either."""

from __future__ import annotations

import asyncio
import copy
import re
import time
import urllib.error
import urllib.request

import load
import pytest
from atlas_fixtures import run_async

from ca_atlas.store import Store

pytestmark = pytest.mark.timeout(150)

UNAVAILABLE = "The team's store cannot be reached"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _replica_of(team, session: load.Session) -> int:
    """Which replica last answered this session (nginx's access log names the upstreams
    tried for each routing key, the one that answered last: "a:1, b:2")."""
    route = session.cookies["atlas_route"]
    tried = re.findall(rf"upstream=([0-9.:, ]+?) route={route}\b",
                       (team.logs / "nginx-access.log").read_text())
    assert tried, f"no request of route {route} in the access log"
    return team.app_ports.index(int(tried[-1].split(", ")[-1].rsplit(":", 1)[1]))


async def _open(base: str) -> tuple[load.Session, load.Run]:
    session = load.Session(base, timeout=90)
    await session.open()
    return session, await session.rerun()


def _store(team, monkeypatch) -> Store:
    monkeypatch.setenv("PGPASSFILE", str(team.pgpass()))
    return Store.open(team.database_url, init=False)


def _wait_status(url: str, status: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        got, body = _get(url)
        if got == status:
            return body
        assert time.monotonic() < deadline, f"{url} answered {got} {body!r}, not {status}"
        time.sleep(0.25)


def test_a_killed_replica_leaves_the_other_serving(team):
    async def scenario():
        sessions = []
        try:
            # ten visitors through nginx, spread over both replicas by their cookies
            while len(sessions) < 30:
                opened = await asyncio.gather(*[_open(team.proxy_url) for _ in range(
                    10 if not sessions else 2)])
                for session, run in opened:
                    assert run.ok, (run.status, run.exceptions)
                    sessions.append((session, run))
                on = {_replica_of(team, s) for s, _ in sessions}
                if on == {0, 1}:
                    break
            assert {_replica_of(team, s) for s, _ in sessions} == {0, 1}
            total = sessions[0][1].projects_shown()
            assert total and all(r.projects_shown() == total for _, r in sessions)

            team.kill_replica(0)  # SIGKILL
            assert not team.alive("app-1")

            for session, _ in sessions:
                session.set_widget("flt_japan", True)
            runs = await asyncio.gather(*[s.rerun() for s, _ in sessions])
            survivors = [(s, r) for (s, _), r in zip(sessions, runs, strict=True)
                         if _replica_of(team, s) == 1]
            killed = [s for (s, _), r in zip(sessions, runs, strict=True)
                      if _replica_of(team, s) == 0]
            # sessions on the other replica go on, filter and all
            for _, run in survivors:
                assert run.ok, (run.status, run.exceptions)
                assert run.projects_shown() < total
            # those on the killed one lost their websocket ...
            for session in killed:
                assert (await session.rerun()).status in ("closed", "timeout")
            # ... and reconnect (same routing cookie) to the survivor, seeing the same data
            for session in killed:
                again = load.Session(team.proxy_url, timeout=90)
                again.cookies = dict(session.cookies)
                await again.open()
                first = await again.rerun()
                assert first.ok and first.projects_shown() == total
                assert _replica_of(team, again) == 1
                await again.close()
            # a newcomer lands on the survivor too
            newcomer, first = await _open(team.proxy_url)
            assert first.ok and first.projects_shown() == total
            assert _replica_of(team, newcomer) == 1
            await newcomer.close()
        finally:
            await asyncio.gather(*[s.close() for s, _ in sessions])

    try:
        run_async(scenario())
    finally:  # the next test has both replicas again
        team.start_replica(0)
        team.wait_ready(team.app_url(0), time.monotonic() + 90, "app-1")
        team.wait_routed(0, time.monotonic() + 60)


def test_postgres_stopped_and_restarted(team, monkeypatch):
    # a record committed before the fault
    store = _store(team, monkeypatch)
    base = next(r for r in store.records("project") if r.document.get("lat") is not None)
    added = copy.deepcopy(base.document)
    added["id"] = f"{base.id}-fault-test"
    added["name"] = f"{added['name']} (committed before the database stopped)"
    store.add("project", added, who="fault test", why="must survive a database restart")
    live = len(store.records("project"))
    store.close()
    ready = f"{team.proxy_url}/_atlas/ready"
    _wait_status(ready, 200, 10)

    async def scenario():
        sessions = []
        try:
            opened = await asyncio.gather(*[_open(team.proxy_url) for _ in range(6)])
            sessions = [s for s, _ in opened]
            total = opened[0][1].projects_shown()
            assert total == live  # the record just added is on the map
            assert all(r.ok and r.projects_shown() == total for _, r in opened)
            assert not any(UNAVAILABLE in e for _, r in opened for e in r.expanders)

            team.stop_postgres()
            try:
                # the replicas say the store is unavailable ...
                for url in (ready, f"{team.app_url(0)}/_atlas/ready",
                            f"{team.app_url(1)}/_atlas/ready"):
                    body = _wait_status(url, 503, 10)
                    assert body.startswith("store unavailable: ")
                # ... and pages keep serving the data they last loaded, saying so
                for session in sessions:
                    session.set_widget("flt_japan", True)
                runs = await asyncio.gather(*[s.rerun() for s in sessions])
                for run in runs:
                    assert run.ok, (run.status, run.exceptions)
                    assert 0 < run.projects_shown() < total
                    assert any(UNAVAILABLE in e for e in run.expanders), run.expanders
            finally:
                team.start_postgres()
            # it recovers by itself
            _wait_status(ready, 200, 30)
            for url in (f"{team.app_url(0)}/_atlas/ready", f"{team.app_url(1)}/_atlas/ready"):
                _wait_status(url, 200, 30)
            for session in sessions:
                session.set_widget("flt_japan", False)
            runs = await asyncio.gather(*[s.rerun() for s in sessions])
            for run in runs:
                assert run.ok and run.projects_shown() == total
                assert not any(UNAVAILABLE in e for e in run.expanders)
        finally:
            await asyncio.gather(*[s.close() for s in sessions])

    run_async(scenario())
    # nothing committed was lost
    store = _store(team, monkeypatch)
    try:
        assert store.get("project", added["id"]).document["name"] == added["name"]
    finally:
        store.close()
