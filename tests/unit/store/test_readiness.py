"""/_atlas/ready: 200 when the store answers, 503 with one line and no secret otherwise."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from atlas_fixtures import asgi_call, inner_app, run_async

from ca_atlas import readiness
from ca_atlas.store import Store

pytestmark = pytest.mark.timeout(60)

PASSWORD = "s3cret-Pw-4-readiness"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_store_that_answers_is_ready(store_url):
    Store.open(store_url).close()
    assert readiness.check(store_url, timeout=2) is None


def test_a_fresh_embedded_store_is_ready_before_its_first_start(tmp_path):
    assert readiness.check(f"sqlite:///{tmp_path / 'state' / 'atlas.sqlite3'}") is None
    assert not (tmp_path / "state").exists()  # the probe creates nothing


def test_a_damaged_embedded_store_is_not_ready(tmp_path):
    path = tmp_path / "atlas.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    reason = readiness.check(f"sqlite:///{path}")
    assert reason and reason.startswith("the embedded store cannot be read")


def test_a_database_that_is_down_gives_one_line_without_the_password():
    url = f"postgresql://atlas:{PASSWORD}@127.0.0.1:{_free_port()}/atlas"
    reason = readiness.check(url, timeout=2)
    assert reason and reason.startswith("the database does not answer")
    assert "\n" not in reason and len(reason) <= readiness.MAX_REASON
    assert PASSWORD not in reason and url not in reason


def test_a_wrong_password_is_not_ready_and_not_echoed(pg_cluster):
    url = pg_cluster.url("postgres").replace(f"{pg_cluster.user}@", f"nobody:{PASSWORD}@")
    reason = readiness.check(url, timeout=2)
    assert reason and PASSWORD not in reason


def test_a_bad_url_is_named_without_the_url():
    reason = readiness.check(f"mysql://atlas:{PASSWORD}@127.0.0.1/atlas")
    assert reason == "the store is not configured correctly (ATLAS_STORE or ATLAS_DATABASE_URL)"


@pytest.fixture
def silent_server():
    """A loopback port that accepts connections and never says a word (a hung server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


# -- the middleware -------------------------------------------------------------------------

def test_the_middleware_answers_ready(store_url):
    Store.open(store_url).close()
    status, headers, body = run_async(asgi_call(readiness.Readiness(inner_app, store_url),
                                              "/_atlas/ready"))
    assert (status, body) == (200, b"ok\n")
    assert headers["cache-control"] == "no-store"
    assert headers["x-frame-options"] == "SAMEORIGIN"


def test_the_middleware_answers_503_on_a_hung_database(silent_server, monkeypatch):
    monkeypatch.setenv("ATLAS_READY_TIMEOUT_S", "0.5")
    url = f"postgresql://atlas:{PASSWORD}@127.0.0.1:{silent_server}/atlas"
    started = time.monotonic()
    status, _, body = run_async(asgi_call(readiness.Readiness(inner_app, url), "/base/_atlas/ready"))
    assert time.monotonic() - started < 3
    assert status == 503
    assert body == b"store unavailable: the store did not answer within 0.5 s\n"


def test_the_middleware_answers_head_and_refuses_other_methods(tmp_path):
    url = f"sqlite:///{tmp_path / 'atlas.sqlite3'}"
    middleware = readiness.Readiness(inner_app, url)
    assert run_async(asgi_call(middleware, "/_atlas/ready", "HEAD"))[::2] == (200, b"")
    status, headers, _ = run_async(asgi_call(middleware, "/_atlas/ready", "POST"))
    assert (status, headers["allow"]) == (405, "GET, HEAD")


def test_other_paths_and_websockets_reach_the_app(tmp_path):
    middleware = readiness.Readiness(inner_app, f"sqlite:///{tmp_path / 'atlas.sqlite3'}")
    assert run_async(asgi_call(middleware, "/_stcore/health"))[2] == b"the app"
    assert run_async(asgi_call(middleware, "/_atlas/ready", kind="websocket"))[2] == b"the app"
    assert run_async(asgi_call(middleware, "/_atlas/ready/x"))[2] == b"the app"


def test_answers_are_reused_for_a_second(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(readiness, "check", lambda url, timeout: calls.append(url))
    middleware = readiness.Readiness(inner_app, "sqlite:///x.sqlite3")

    async def many():
        return await asyncio.gather(*[asgi_call(middleware, "/_atlas/ready") for _ in range(20)])

    assert {r[0] for r in run_async(many())} == {200}
    assert len(calls) == 1


def test_files_mode_is_ready_when_the_dataset_directory_is_there(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_STORE", "files")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    assert readiness.check() is None
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "gone"))
    assert readiness.check() == "the dataset directory is missing"


def test_the_timeout_comes_from_the_environment(monkeypatch):
    for value, expected in [("", 2.0), ("5", 5.0), ("0", 0.1), ("999", 30.0), ("x", 2.0),
                            ("nan", 2.0)]:
        monkeypatch.setenv("ATLAS_READY_TIMEOUT_S", value)
        assert readiness.timeout_s() == expected
