"""The dataset's files as documents, and its version (ca_atlas.dataset)."""

import os

from ca_atlas import dataset, files


def test_documents_hold_every_record_file(mini_dir):
    problems = []
    docs = dataset.read(mini_dir, problems)
    assert problems == []
    assert set(docs.records) == set(dataset.RECORD_FILES)
    assert [r["id"] for r in docs.records["projects"]][0] == "uz-karshi-termez-electrification"
    assert docs.fx_ok and docs.boundaries is not None


def test_an_unreadable_record_file_is_none_with_its_problem(mini_dir):
    (mini_dir / "claims.yaml").write_bytes(b"- id: \xff\n")
    problems = []
    docs = dataset.read(mini_dir, problems)
    assert docs.records["claims"] is None
    assert [p.file for p in problems] == ["claims.yaml"]


def test_the_version_hashes_bytes_only_when_a_file_changed(mini_dir, monkeypatch):
    calls = []
    real = files.digest
    monkeypatch.setattr(files, "digest", lambda *a: calls.append(1) or real(*a))
    first = dataset.fingerprint(mini_dir)
    assert dataset.fingerprint(mini_dir) == first
    assert len(calls) == 1  # the second call only asked stat

    path = mini_dir / "claims.yaml"
    info = os.stat(path)
    path.write_text(path.read_text().replace("id:", "id: ", 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert dataset.fingerprint(mini_dir) != first
    assert len(calls) == 2


def test_a_new_briefing_file_changes_the_version(mini_dir):
    before = dataset.fingerprint(mini_dir)
    (mini_dir / "briefings").mkdir(exist_ok=True)
    (mini_dir / "briefings" / "new.yaml").write_text("id: new\n")
    assert dataset.fingerprint(mini_dir) != before
