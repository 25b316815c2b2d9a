"""Saving, adding, retiring, restoring and reverting records, and the history they leave."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from atlas_fixtures import MINI_CORRIDORS, MINI_PROJECTS

from ca_atlas.store import Conflict, Invalid, Store, StoreError

A = MINI_PROJECTS[0]["id"]


def _with(document, **fields):
    out = copy.deepcopy(document)
    out.update(fields)
    return out


def test_a_stale_save_is_a_conflict_naming_both_versions_and_the_fields(loaded):
    read = loaded.get("project", A)
    ann = loaded.save("project", _with(read.document, status="cancelled", note="Ann's note"),
                      read.version, "ann", "cancelled in 2024")
    assert ann.version == read.version + 1
    with pytest.raises(Conflict) as caught:
        loaded.save("project", _with(read.document, name="Bob's name"), read.version, "bob",
                    "renamed")
    conflict = caught.value
    assert (conflict.expected, conflict.current) == (read.version, ann.version)
    assert conflict.theirs == ann.document
    assert conflict.mine["name"] == "Bob's name"
    assert conflict.fields == ["name", "status", "note"]
    assert conflict.their_fields == ["status", "note"]
    assert loaded.get("project", A).document == ann.document  # nothing overwritten


def test_a_save_is_validated_like_the_files_with_messages_naming_the_field(loaded):
    read = loaded.get("project", A)
    bad = _with(read.document, sector="spaceflight", lat=123.0, corridors=["nowhere"])
    with pytest.raises(Invalid) as caught:
        loaded.save("project", bad, read.version, "ann", "typo")
    fields = {p.field for p in caught.value.problems}
    assert {"sector", "lat", "corridors[0]"} <= fields
    assert all(p.file == "projects.yaml" and p.record_id == A for p in caught.value.problems)
    assert loaded.get("project", A).version == read.version


@pytest.mark.parametrize("who, why", [("ann", ""), ("ann", "   "), ("", "why"), ("ann", None)])
def test_every_change_needs_who_and_why(loaded, who, why):
    read = loaded.get("project", A)
    with pytest.raises(StoreError):
        loaded.save("project", _with(read.document, note="x"), read.version, who, why)


def test_add_refuses_an_id_already_used(loaded):
    with pytest.raises(Invalid, match="already used"):
        loaded.add("project", MINI_PROJECTS[1], "ann", "again")


def test_retire_restore_and_revert_are_changes_with_who_when_and_why(loaded):
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    read = loaded.get("project", A)
    changed = loaded.save("project", _with(read.document, status="cancelled"), read.version,
                          "ann", "cancelled per the ministry")
    retired = loaded.retire("project", A, changed.version, "bob", "a duplicate record")
    assert retired.retired and retired.retired_reason == "a duplicate record"
    assert A not in {d["id"] for d in loaded.documents().records["projects.yaml"]}
    restored = loaded.restore("project", A, retired.version, "cy", "not a duplicate after all")
    assert not restored.retired
    retire_seq = [c for c in loaded.history(A) if c.action == "retire"][0].seq
    with pytest.raises(Conflict):  # restored since: reverting the retirement would overwrite it
        loaded.revert(retire_seq, "dee", "undo the retirement")
    log = loaded.history(A)
    assert [(c.action, c.who, c.why) for c in log] == [
        ("load", "loader", "first release"),
        ("change", "ann", "cancelled per the ministry"),
        ("retire", "bob", "a duplicate record"),
        ("restore", "cy", "not a duplicate after all")]
    assert all(c.at >= start and c.at.tzinfo is not None for c in log[1:])
    assert restored.updated_at.tzinfo is not None and restored.updated_by == "cy"
    assert log[1].before["document"]["status"] == MINI_PROJECTS[0]["status"]
    assert log[1].after["document"]["status"] == "cancelled"
    assert log[2].after["retired"] is True

    read = loaded.get("project", A)
    again = loaded.save("project", _with(read.document, status="under_construction"),
                        read.version, "ann", "works began")
    reverted = loaded.revert(loaded.history(A)[-1].seq, "dee", "wrong record")
    assert reverted.document["status"] == "cancelled"
    assert reverted.version == again.version + 1
    last = loaded.history(A)[-1]
    assert (last.action, last.who, last.why) == ("revert", "dee", "wrong record")
    assert [c.who for c in loaded.history(who="dee")] == ["dee"]
    assert loaded.history(since=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == []


def test_reverting_an_addition_retires_the_record(loaded):
    new = _with(MINI_PROJECTS[1], id="uz-added")
    loaded.add("project", new, "ann", "new")
    record = loaded.revert(loaded.history("uz-added")[-1].seq, "bob", "added by mistake")
    assert record.retired


def test_a_record_still_named_by_others_cannot_be_retired(loaded):
    corridor = loaded.get("corridor", MINI_CORRIDORS[0]["id"])
    with pytest.raises(StoreError, match="still named by"):
        loaded.retire("corridor", corridor.id, corridor.version, "ann", "gone")


def test_each_commit_raises_the_store_version(loaded):
    before = loaded.version
    read = loaded.get("project", A)
    loaded.save("project", _with(read.document, note="one"), read.version, "ann", "one")
    assert loaded.version == before + 1
    assert loaded.documents().version == before + 1


def test_a_committed_edit_survives_closing_and_reopening(store_url, mini):
    first = Store.open(store_url)
    first.load(mini, "loader", "first")
    read = first.get("project", A)
    first.save("project", _with(read.document, note="kept"), read.version, "ann", "durable")
    first.close()
    second = Store.open(store_url)
    try:
        assert second.get("project", A).document["note"] == "kept"
        assert second.history(A)[-1].why == "durable"
    finally:
        second.close()


def test_changes_since_export_as_a_patch_of_the_files(loaded):
    since = dt.datetime.now(dt.UTC)
    read = loaded.get("project", A)
    loaded.save("project", _with(read.document, status="cancelled"), read.version, "ann", "why")
    assert [c.record_id for c in loaded.changes_since(since)] == [A]
    patch = loaded.patch_since(since)
    assert patch.startswith("--- a/projects.yaml\n+++ b/projects.yaml\n")
    assert "+  status: cancelled\n" in patch
    assert f"-  status: {MINI_PROJECTS[0]['status']}\n" in patch


def test_a_save_is_checked_against_the_country_and_the_rates_like_the_loader(loaded):
    read = loaded.get("project", A)
    almaty = _with(read.document, lat=43.24, lon=76.89)  # in Kazakhstan, the record says UZB
    with pytest.raises(Invalid, match="outside Uzbekistan"):
        loaded.save("project", almaty, read.version, "ann", "moved")
    euros = _with(read.document, amount={**read.document["amount"], "currency": "EUR"})
    with pytest.raises(Invalid, match="EUR' has no rates"):
        loaded.save("project", euros, read.version, "ann", "currency")


def test_a_record_a_claim_names_cannot_be_retired(store, tmp_path):
    from atlas_fixtures import MINI_CLAIMS, write_dataset

    claims = copy.deepcopy(MINI_CLAIMS)
    claims[0]["related"] = [A]
    store.load(write_dataset(tmp_path / "r", claims=claims), "loader", "first")
    read = store.get("project", A)
    with pytest.raises(StoreError, match=f"claim {claims[0]['id']}"):
        store.retire("project", A, read.version, "ann", "gone")
