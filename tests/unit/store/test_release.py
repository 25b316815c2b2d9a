"""Loading releases and dumping files: byte-identical round trips, three-way conflicts."""

from __future__ import annotations

import copy
import filecmp
import os

import pytest
from atlas_fixtures import DATA, MINI_PROJECTS, write_dataset

from ca_atlas import catalog, files
from ca_atlas.store import Invalid, ReleaseConflict


def _all_files(root):
    out = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        out += [os.path.relpath(os.path.join(folder, n), root) for n in names if not n.startswith(".")]
    return sorted(out)


def test_load_then_dump_gives_back_the_shipped_files_byte_for_byte(store, tmp_path):
    store.load(DATA, "loader", "the shipped release")
    out = tmp_path / "dumped"
    store.dump(out)
    names = _all_files(DATA)
    assert "briefings/japan-after-tokyo-summit.yaml" in names
    assert "boundaries/countries.geojson" in names
    assert _all_files(out) == names
    match, mismatch, errors = filecmp.cmpfiles(DATA, out, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert match == names


def test_documents_are_what_the_file_readers_give(store):
    store.load(DATA, "loader", "the shipped release")
    docs = store.documents()
    for name in ("projects.yaml", "corridors.yaml", "risk_notes.yaml"):
        assert docs.records[name] == files.read_yaml(DATA, name, list)
    assert docs.files["claims.yaml"] == (DATA / "claims.yaml").read_bytes()
    assert docs.files["boundaries/places.geojson"] == (DATA / "boundaries/places.geojson").read_bytes()
    assert set(docs.files) == set(_all_files(DATA)) - set(docs.records)
    assert docs.version == store.version
    assert files.parse_yaml("claims.yaml", docs.text("claims.yaml"), list) == \
        files.read_yaml(DATA, "claims.yaml", list)
    with pytest.raises(files.FileError, match="is missing"):
        docs.text("nothing.yaml")


def _edited(document, **fields):
    out = copy.deepcopy(document)
    out.update(fields)
    return out


HOSTILE = ['2025-01-01', 'null', 'yes', '- item', '# not a comment', 'a: b', '"quoted"', "it's",
           'line one\nline two\n', '  leading', 'trailing ', 'tab\there', '{flow}', '[x]', '*alias',
           '&anchor', '!tag', '%directive', '@at', '`tick`', 'ünïcödé – “quotes”', '0x1F', '1e3',
           'x' * 300, ('word ' * 60).strip()]


def test_a_dump_with_edits_reads_back_as_the_stored_documents(loaded, tmp_path, mini):
    first = loaded.get("project", MINI_PROJECTS[0]["id"])
    for i, text in enumerate(HOSTILE):
        record = loaded.get("project", first.id)
        loaded.save("project", _edited(record.document, note=text, place=HOSTILE[-i - 1]),
                    record.version, "editor", f"hostile text {i}")
    new = _edited(MINI_PROJECTS[1], id="uz-new-project", name="A project: added — with care")
    loaded.add("project", new, "editor", "a new project")
    second = loaded.get("project", MINI_PROJECTS[2]["id"])
    loaded.retire("project", second.id, second.version, "editor", "duplicate of another record")
    out = tmp_path / "dumped"
    loaded.dump(out)
    docs = loaded.documents()
    for name, records in docs.records.items():
        assert files.read_yaml(out, name, list) == records
    assert [d["id"] for d in docs.records["projects.yaml"]][-1] == "uz-new-project"
    assert second.id not in {d["id"] for d in docs.records["projects.yaml"]}
    catalog.load(out)  # the loader takes the dumped dataset as it is
    # records nobody edited keep their text
    untouched = (mini / "corridors.yaml").read_bytes()
    assert (out / "corridors.yaml").read_bytes() == untouched


def _release(tmp_path, name, projects):
    return write_dataset(tmp_path / name, projects=projects)


def test_a_release_over_edits_lists_records_changed_on_both_sides(loaded, tmp_path):
    a, b = MINI_PROJECTS[0]["id"], MINI_PROJECTS[1]["id"]
    record = loaded.get("project", a)
    loaded.save("project", _edited(record.document, status="under_construction"), record.version,
                "editor", "the works started")
    projects = copy.deepcopy(MINI_PROJECTS)
    projects[0]["status"] = "cancelled"       # a: changed on both sides, differently
    projects[1]["note"] = "A release note."   # b: changed in the release only
    release = _release(tmp_path, "r2", projects)
    version = loaded.version
    with pytest.raises(ReleaseConflict) as caught:
        loaded.load(release, "loader", "second release")
    assert caught.value.records == [("project", a, ["status"])]
    assert loaded.version == version  # nothing written
    assert loaded.get("project", b).document == MINI_PROJECTS[1]

    report = loaded.load(release, "loader", "second release", on_conflict="ours")
    assert loaded.get("project", a).document["status"] == "under_construction"
    assert loaded.get("project", b).document["note"] == "A release note."
    assert report.kept_ours == [f"project {a}"]
    assert report.changed == [f"project {b}"]
    # the same release again: nothing changed on its side since, so no conflict
    loaded.load(release, "loader", "again")
    # a third release changing a again: conflict again; per-record choice takes theirs
    projects[0]["status"] = "operating"
    third = _release(tmp_path, "r3", projects)
    with pytest.raises(ReleaseConflict):
        loaded.load(third, "loader", "third")
    loaded.load(third, "loader", "third", on_conflict={a: "theirs"})
    assert loaded.get("project", a).document["status"] == "operating"


def test_theirs_takes_the_release_and_a_record_left_out_is_retired(loaded, tmp_path):
    a = MINI_PROJECTS[0]["id"]
    record = loaded.get("project", a)
    loaded.save("project", _edited(record.document, status="cancelled"), record.version, "e", "w")
    projects = copy.deepcopy(MINI_PROJECTS)
    projects[0]["status"] = "under_construction"
    gone = projects.pop(3)
    loaded.load(_release(tmp_path, "r2", projects), "loader", "r2", on_conflict="theirs")
    assert loaded.get("project", a).document["status"] == "under_construction"
    retired = loaded.get("project", gone["id"])
    assert retired.retired and retired.retired_reason
    assert [c.action for c in loaded.history(gone["id"])] == ["load", "load"]


def test_an_invalid_release_is_refused_whole(loaded, tmp_path):
    projects = copy.deepcopy(MINI_PROJECTS)
    projects[1]["sector"] = "spaceflight"
    projects[2]["corridors"] = ["no-such-corridor"]
    version = loaded.version
    with pytest.raises(Invalid) as caught:
        loaded.load(_release(tmp_path, "bad", projects), "loader", "bad")
    fields = {(p.record_id, p.field) for p in caught.value.problems}
    assert (projects[1]["id"], "sector") in fields
    assert (projects[2]["id"], "corridors[0]") in fields
    assert loaded.version == version


def test_a_release_with_a_file_name_the_store_does_not_keep_is_refused(store, tmp_path):
    release = write_dataset(tmp_path / "odd")
    (release / "bad name;rm.yaml").write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(Exception, match="not a file name the store keeps"):
        store.load(release, "loader", "odd")


def test_only_if_empty_loads_a_release_into_a_new_store_only(store, mini):
    """What a first start uses: two processes starting together load the files once."""
    first = store.load(mini, "atlas", "first start", only_if_empty=True)
    assert len(first.added) == 6
    read = store.get("project", MINI_PROJECTS[0]["id"])
    store.save("project", _edited(read.document, note="edited"), read.version, "ann", "why")
    version = store.version
    again = store.load(mini, "atlas", "first start", only_if_empty=True)
    assert (again.added, again.store_version, store.version) == ([], version, version)
    assert store.get("project", read.id).document["note"] == "edited"
    assert [c.why for c in store.history() if c.record_id is None] == ["first start"]


def test_a_record_retired_in_the_store_and_changed_in_the_release_is_a_conflict(loaded, tmp_path):
    a = MINI_PROJECTS[3]["id"]
    record = loaded.get("project", a)
    loaded.retire("project", a, record.version, "ann", "merged into another record")
    projects = copy.deepcopy(MINI_PROJECTS)
    projects[3]["note"] = "updated in the release"
    with pytest.raises(ReleaseConflict) as caught:
        loaded.load(_release(tmp_path, "r2", projects), "loader", "r2")
    assert caught.value.records == [("project", a, ["retired in the store"])]
    assert "retired in the store" in str(caught.value)


def test_a_load_that_would_leave_a_kept_edit_dangling_is_refused(loaded, tmp_path):
    from atlas_fixtures import MINI_RISKS

    risk = loaded.get("risk_note", MINI_RISKS[0]["id"])
    referenced = risk.document["projects"][0]
    projects = [p for p in copy.deepcopy(MINI_PROJECTS) if p["id"] != referenced]
    risks = copy.deepcopy(MINI_RISKS)
    risks[0]["projects"] = []
    # the release drops a project and the risk's reference to it; the store keeps its own
    # edit of the risk note, which still names the project: refused as a whole
    loaded.save("risk_note", _edited(risk.document, description="Kept."), risk.version, "ann", "w")
    version = loaded.version
    with pytest.raises(Invalid, match=referenced):
        loaded.load(write_dataset(tmp_path / "r2", projects=projects, risks=risks), "loader", "r2",
                    on_conflict="ours")
    assert loaded.version == version


def test_a_first_fill_is_checked_once_and_later_loads_again_with_the_store_s_edits(
        store, mini, monkeypatch):
    """A new store holds the release alone, which reading it checked already; once the
    store has records, the dataset a load leaves (edits kept) is checked again."""
    from ca_atlas.store import release

    merged = []
    real = release._check_merged
    monkeypatch.setattr(release, "_check_merged", lambda *a: merged.append(1) or real(*a))
    store.load(mini, "atlas", "first start")
    assert merged == []
    store.load(mini, "atlas", "the same release again")
    assert merged == [1]


def test_a_load_reads_and_writes_with_the_cyclic_collector_off(store, mini, monkeypatch):
    """A release of 10,000 records is millions of objects: no full collector pass while
    they are made (ca_atlas.heap); the collector is back on afterwards."""
    import gc

    from ca_atlas.store import dataset, release

    seen = []
    read, load = dataset.read, release.load
    monkeypatch.setattr(dataset, "read", lambda *a: seen.append(gc.isenabled()) or read(*a))
    monkeypatch.setattr(release, "load", lambda *a: seen.append(gc.isenabled()) or load(*a))
    store.load(mini, "atlas", "first start")
    assert seen == [False, False] and gc.isenabled()
