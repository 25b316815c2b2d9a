"""What changed between two dataset versions, by directory."""

from atlas_fixtures import write_dataset

from ca_atlas import catalog, changes


def test_added_changed_removed_and_totals(tmp_path, mini_records):
    old_dir = write_dataset(tmp_path / "old")
    projects = mini_records["projects"]
    projects[1]["status"] = "operating"                   # changed
    removed = projects.pop(2)                              # removed (the Naryn bridge)
    added = dict(projects[0], id="uz-copy-for-test", name="Second line")  # added
    projects.append(added)
    new_dir = write_dataset(tmp_path / "new", projects=projects)
    diff = changes.compare(changes.load_earlier(str(old_dir)), catalog.load(new_dir), "old")
    assert list(diff.added["id"]) == ["uz-copy-for-test"]
    assert list(diff.removed["id"]) == [removed["id"]]
    assert diff.changed[["id", "field", "before", "after"]].values.tolist() == [
        ["uz-tashkent-cogeneration", "status", "agreed", "operating"]]
    totals = diff.totals.set_index("measure")
    assert totals.loc["projects", "change"] == 0
    # + the copied Karshi-Termez loan, - the US$20m bridge grant
    assert totals.loc["US$ of known amounts (mixed kinds)", "change"] == 18_067e6 / 80 - 20e6


def test_an_unknown_revision_is_a_clear_error():
    import pytest

    with pytest.raises(ValueError, match="neither a dataset directory nor a git revision"):
        changes.load_earlier("no-such-revision-xyz")
