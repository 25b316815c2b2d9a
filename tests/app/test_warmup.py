"""What the server makes ready at start (ca_atlas.ui.warmup): the store filled and the
dataset loaded before anyone asks, the page then served from that; a failure only told."""

import pytest
from atlas_fixtures import write_dataset

from ca_atlas.store import serving
from ca_atlas.store.store import Store
from ca_atlas.ui import state, warmup


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("ATLAS_STORE", raising=False)
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    return tmp_path / "state"


def test_the_store_is_filled_and_the_dataset_loaded_before_a_page_asks(state_dir, mini_dir,
                                                                        monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(mini_dir))
    line = warmup.prepare()
    assert "projects (store-v1) ready in" in line, line
    assert not serving.is_empty(Store.open())
    assert list((state_dir / "snapshots").glob("atlas-*.pickle"))
    # a page's first run then finds the atlas in the process's cache: nothing is built
    monkeypatch.setattr(serving, "atlas_from", lambda _store: pytest.fail("built again"))
    loaded, error = state.atlas()
    assert error is None and loaded.version == "store-v1"


def test_a_dataset_that_fails_is_told_in_the_log_and_nothing_is_stored(state_dir, mini_dir,
                                                                        mini_records,
                                                                        monkeypatch):
    projects = mini_records["projects"]
    projects[0]["lat"] = 95.0
    broken = write_dataset(mini_dir.parent / "broken", projects=projects)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(broken))
    line = warmup.prepare()  # does not raise: the first page shows the problems
    assert line.startswith("no dataset to serve yet"), line
    assert "projects.yaml" in line and "lat" in line, line
    assert serving.is_empty(Store.open())
