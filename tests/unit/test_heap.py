"""The cyclic collector off during a bulk build, and back as it was after."""

from __future__ import annotations

import gc
import threading

import pytest
from atlas_fixtures import DATA

from ca_atlas import catalog, heap


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_on_after():
    with heap.bulk_build():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_comes_back_on_when_the_build_raises():
    with pytest.raises(ValueError), heap.bulk_build():
        raise ValueError("a broken dataset")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with heap.bulk_build():
        pass
    assert not gc.isenabled()


def test_overlapping_builds_in_two_threads_turn_it_on_once_the_last_ends():
    first_in, second_done, seen = threading.Event(), threading.Event(), []

    def first():
        with heap.bulk_build():
            first_in.set()
            second_done.wait(10)
            seen.append(gc.isenabled())  # the other build ended: still off while this runs

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    with heap.bulk_build():
        pass
    second_done.set()
    thread.join(10)
    assert seen == [False] and gc.isenabled()


def test_a_dataset_load_builds_with_the_collector_off(monkeypatch):
    seen = []
    real = catalog.build
    monkeypatch.setattr(catalog, "build",
                        lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    catalog.load(DATA)
    assert seen == [False] and gc.isenabled()
