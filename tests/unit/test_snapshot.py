"""The validated atlas kept on disk (ca_atlas.snapshot)."""

import pickle

import pytest

from ca_atlas import catalog, snapshot


@pytest.fixture
def builds(mini_dir):
    calls = []

    def build():
        calls.append(1)
        return catalog.load(mini_dir)

    return build, calls


def test_a_second_start_reads_the_snapshot_instead_of_building(tmp_path, builds, mini_atlas):
    build, calls = builds
    first = snapshot.load_or_build(tmp_path, "files-x", "v1", build)
    again = snapshot.load_or_build(tmp_path, "files-x", "v1", build)
    assert len(calls) == 1
    assert again.projects.drop(columns="geometry").equals(first.projects.drop(columns="geometry"))
    assert list(again.projects.geometry) == list(mini_atlas.projects.geometry)
    assert [b.id for b in again.briefings] == [b.id for b in first.briefings]


def test_a_new_version_or_new_loader_code_builds_again(tmp_path, builds, monkeypatch):
    build, calls = builds
    snapshot.load_or_build(tmp_path, "files-x", "v1", build)
    snapshot.load_or_build(tmp_path, "files-x", "v2", build)
    snapshot.load_or_build(tmp_path, "files-y", "v1", build)
    assert len(calls) == 3
    monkeypatch.setattr(snapshot, "_CODE", "another-deploy")
    snapshot.load_or_build(tmp_path, "files-x", "v1", build)
    assert len(calls) == 4


def test_a_broken_snapshot_is_ignored_and_replaced(tmp_path, builds):
    build, calls = builds
    snapshot.load_or_build(tmp_path, "files-x", "v1", build)
    (path,) = tmp_path.glob("atlas-*.pickle")
    path.write_bytes(b"not a pickle")
    snapshot.load_or_build(tmp_path, "files-x", "v1", build)
    path.write_bytes(pickle.dumps({"not": "an atlas"}))
    atlas = snapshot.load_or_build(tmp_path, "files-x", "v1", build)
    assert len(calls) == 3 and len(atlas.projects) == 4


def test_an_invalid_dataset_writes_no_snapshot(tmp_path):
    def build():
        raise ValueError("broken")

    with pytest.raises(ValueError):
        snapshot.load_or_build(tmp_path, "files-x", "v1", build)
    assert not list(tmp_path.glob("atlas-*"))


def test_only_the_newest_snapshots_are_kept_and_keys_are_plain(tmp_path, builds):
    build, _ = builds
    for n in range(snapshot.KEEP + 3):
        snapshot.load_or_build(tmp_path, "files-x", f"v{n}", build)
    assert len(list(tmp_path.glob("atlas-*.pickle"))) == snapshot.KEEP
    with pytest.raises(ValueError):
        snapshot.load_or_build(tmp_path, "../etc", "v1", build)
