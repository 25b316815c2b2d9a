"""Shared fixtures: the shipped dataset, and the small hand-checked dataset."""

from __future__ import annotations

import copy

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
