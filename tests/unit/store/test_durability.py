"""Concurrency and durability on both stores: concurrent conflicting saves lose nothing,
a writer killed mid-load leaves the store as it was, a commit survives a restart."""

from __future__ import annotations

import copy
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import store_workers
from atlas_fixtures import MINI_PROJECTS, write_dataset

from ca_atlas.store import Store

A = MINI_PROJECTS[0]["id"]
WORKERS = 4
SAVES_EACH = 50  # 200 saves in all


def test_concurrent_conflicting_saves_lose_no_update_and_losers_get_conflicts(loaded, store_url):
    start = loaded.get("project", A)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WORKERS) as pool:
        results = pool.starmap(store_workers.save_many,
                               [(store_url, A, SAVES_EACH, f"worker-{i}") for i in range(WORKERS)],
                               chunksize=1)
    saves = sum(r[0] for r in results)
    conflicts = sum(r[1] for r in results)
    assert [r[2] for r in results] == [[]] * WORKERS  # every loser got a Conflict, nothing else
    assert saves == WORKERS * SAVES_EACH
    assert conflicts > 0  # the saves did race
    end = loaded.get("project", A)
    assert store_workers.count_of(end.document) == saves  # no update lost
    assert end.version == start.version + saves
    changes = [c for c in loaded.history(A) if c.action == "change"]
    assert len(changes) == saves
    assert [c.record_version for c in changes] == list(range(start.version + 1, end.version + 1))
    assert sorted({c.who for c in changes}) == [f"worker-{i}" for i in range(WORKERS)]


def _snapshot(store: Store):
    return store.render(), store.version, store.history(), store.status()["records"]


def test_a_writer_killed_mid_load_leaves_the_store_exactly_as_before(loaded, store_url, tmp_path):
    read = loaded.get("project", A)
    loaded.save("project", {**read.document, "name": "Edited before the release"}, read.version,
                "ann", "an edit the killed load must not disturb")
    projects = copy.deepcopy(MINI_PROJECTS)
    for p in projects[1:]:
        p["note"] = "changed by the release"
    projects.append({**copy.deepcopy(MINI_PROJECTS[1]), "id": "uz-release-added"})
    release = write_dataset(tmp_path / "release2", projects=projects)
    before = _snapshot(loaded)
    _kill_mid_transaction("load", store_url, release, tmp_path)
    reopened = Store.open(store_url)
    try:
        assert _snapshot(reopened) == before
        # and the store still takes the release afterwards
        report = reopened.load(release, "loader", "the release, loaded properly")
        assert report.added == ["project uz-release-added"]
    finally:
        reopened.close()


def _kill_mid_transaction(job: str, store_url: str, path, tmp_path) -> None:
    """Run the job in another process, SIGKILL it once it is inside its transaction."""
    marker = tmp_path / f"inside-the-{job}"
    child = subprocess.Popen(
        [sys.executable, store_workers.__file__, job, store_url, str(path), str(marker), "3"],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the writer never reached its third record"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert int(Path(marker).read_text()) == child.pid


def test_a_writer_killed_mid_import_leaves_the_store_exactly_as_before(loaded, store_url, tmp_path):
    from ca_atlas.store.imports import COLUMNS, EXAMPLE

    rows = [",".join(COLUMNS)]
    for i in range(6):
        row = {**EXAMPLE, "id": f"uz-killed-{i}"}
        rows.append(",".join('"' + str(row.get(c, "")).replace('"', '""') + '"' for c in COLUMNS))
    batch = tmp_path / "batch.csv"
    batch.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = _snapshot(loaded)
    _kill_mid_transaction("import", store_url, batch, tmp_path)
    reopened = Store.open(store_url)
    try:
        assert _snapshot(reopened) == before
    finally:
        reopened.close()
