"""What the app serves from (ca_atlas.store.serving): the mode, the first start, the atlas of
a store version, and the store's earlier days to compare with."""

import datetime as dt

import pytest
import sqlalchemy as sa

from ca_atlas.store import serving
from ca_atlas.store.errors import StoreError
from ca_atlas.store.schema import changes


def test_the_mode_is_a_closed_set(monkeypatch):
    monkeypatch.delenv("ATLAS_STORE", raising=False)
    assert serving.mode() == "store"
    monkeypatch.setenv("ATLAS_STORE", "files")
    assert serving.mode() == "files"
    monkeypatch.setenv("ATLAS_STORE", "../etc")
    with pytest.raises(StoreError, match="not one of: store, files"):
        serving.mode()


def test_a_first_start_fills_an_empty_store_once(store_url, mini):
    store = serving.open_seeded(mini, store_url)
    assert not serving.is_empty(store)
    first = store.version
    again = serving.open_seeded(mini, store_url)  # a second start (or replica) loads nothing
    assert again.version == first
    assert [c.who for c in again.history()][0] == serving.SETUP_WHO


def test_the_store_s_atlas_equals_the_files(store_url, mini, mini_atlas):
    atlas = serving.atlas_from(serving.open_seeded(mini, store_url))
    assert atlas.version.startswith("store-v")
    assert list(atlas.projects["id"]) == list(mini_atlas.projects["id"])
    assert atlas.projects["amount_usd"].equals(mini_atlas.projects["amount_usd"])


def test_an_earlier_day_shows_the_store_before_that_day_s_changes(store_url, mini):
    store = serving.open_seeded(mini, store_url)
    with store.engine.begin() as conn:  # the first start happened three days ago
        conn.execute(sa.update(changes).values(
            at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=3)))
    record = store.records("project")[0]
    store.save("project", dict(record.document, confidence="low"), record.version, "Dana",
               "a second source")
    (today,) = serving.versions(store)  # the first day has nothing before it
    assert today.commit == f"store:{dt.datetime.now(dt.UTC).date().isoformat()}"
    before = serving.earlier(store, today.commit)
    now = serving.atlas_from(store)
    pick = lambda a: a.projects.set_index("id").loc[record.id, "confidence"]  # noqa: E731
    assert (pick(before), pick(now)) == (record.document["confidence"], "low")
    with pytest.raises(ValueError):
        serving.earlier(store, "store:1999-01-01")


def test_the_snapshot_key_follows_every_change_and_never_names_the_url(store_url, mini):
    store = serving.open_seeded(mini, store_url)
    source, first = serving.snapshot_key(store)
    assert "sqlite" not in source and "postgres" not in source and "/" not in source
    record = store.records("project")[0]
    store.save("project", dict(record.document, confidence="low"), record.version, "Dana",
               "a second source")
    assert serving.snapshot_key(store) == (source, serving.snapshot_key(store)[1])
    assert serving.snapshot_key(store)[1] != first
