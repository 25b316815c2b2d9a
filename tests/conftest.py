"""Shared fixtures: the shipped dataset, and the small hand-checked dataset."""

from __future__ import annotations

import copy
import os
import shutil
import tempfile

import pytest
from atlas_fixtures import (
    DATA,
    MINI_CLAIMS,
    MINI_CORRIDORS,
    MINI_PROJECTS,
    MINI_RISKS,
    write_dataset,
)

from ca_atlas import catalog


def pytest_configure(config):
    """The app's embedded store goes to a throwaway state directory, never the repository's
    .atlas/ (the app, AppTest and browser servers started by the tests create it there)."""
    if "ATLAS_STATE_DIR" not in os.environ:
        state = tempfile.mkdtemp(prefix="atlas-test-state-")
        os.environ["ATLAS_STATE_DIR"] = state
        config._atlas_state_dir = state


def pytest_unconfigure(config):
    state = getattr(config, "_atlas_state_dir", None)
    if state:
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture
def mini_records():
    """Deep copies of the small dataset's records, to break in a test."""
    return {"projects": copy.deepcopy(MINI_PROJECTS), "corridors": copy.deepcopy(MINI_CORRIDORS),
            "risks": copy.deepcopy(MINI_RISKS), "claims": copy.deepcopy(MINI_CLAIMS)}


@pytest.fixture
def mini_dir(tmp_path):
    return write_dataset(tmp_path / "mini")


@pytest.fixture
def mini_atlas(mini_dir):
    return catalog.load(mini_dir)


@pytest.fixture(scope="session")
def atlas():
    """The shipped dataset."""
    return catalog.load(DATA)
