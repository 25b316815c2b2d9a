"""The write path checks the role before the store is touched (ca_atlas.store.curation)."""

import pytest

from ca_atlas.access import NotAllowed, Person
from ca_atlas.store.curation import Curation

VIEWER = Person("Vera Viewer", "viewer", signed_in=True)
EDITOR = Person("Ed Editor", "editor", signed_in=True)
ADMIN = Person("Ada Admin", "admin", signed_in=True)


@pytest.fixture
def loaded(store, mini):
    store.load(mini, "setup", "the small dataset")
    return store


def _first_project(store):
    return store.records("project")[0]


def test_a_viewer_is_refused_every_write_and_nothing_changes(loaded, mini):
    record = _first_project(loaded)
    before = loaded.version
    viewer = Curation(loaded, VIEWER)
    with pytest.raises(NotAllowed):
        viewer.save("project", dict(record.document, confidence="low"), record.version, "x")
    with pytest.raises(NotAllowed):
        viewer.add("project", dict(record.document, id="new-one"), "x")
    with pytest.raises(NotAllowed):
        viewer.retire("project", record.id, record.version, "x")
    with pytest.raises(NotAllowed):
        viewer.load(mini, "x")
    assert loaded.version == before and _first_project(loaded).version == record.version


def test_an_editor_saves_under_their_name_and_reverts_only_their_own(loaded):
    record = _first_project(loaded)
    editor = Curation(loaded, EDITOR)
    saved = editor.save("project", dict(record.document, confidence="low"), record.version,
                        "a second source")
    assert saved.updated_by == "Ed Editor"
    mine = loaded.history(record.id)[-1]
    assert editor.may_revert(mine)

    admin = Curation(loaded, ADMIN)
    admin.save("project", dict(saved.document, confidence="high"), saved.version, "checked")
    theirs = loaded.history(record.id)[-1]
    assert not editor.may_revert(theirs)
    with pytest.raises(NotAllowed, match="revert other people's changes"):
        editor.revert(theirs.seq, "I disagree")
    admin.revert(theirs.seq, "back to low")  # an admin may
    assert _first_project(loaded).document["confidence"] == "low"


def test_loading_a_release_needs_an_admin(loaded, mini):
    with pytest.raises(NotAllowed, match="load releases"):
        Curation(loaded, EDITOR).load(mini, "new release")
    Curation(loaded, ADMIN).load(mini, "new release")


def test_a_database_out_of_reach_is_said_plainly_and_nothing_is_saved(loaded, monkeypatch):
    import sqlalchemy as sa

    from ca_atlas.store.errors import StoreError

    record = _first_project(loaded)

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("connect", {}, Exception("server closed the connection"))

    monkeypatch.setattr(loaded, "save", down)
    with pytest.raises(StoreError, match="cannot be reached, so nothing was saved"):
        Curation(loaded, EDITOR).save("project", dict(record.document, confidence="low"),
                                      record.version, "a second source")
