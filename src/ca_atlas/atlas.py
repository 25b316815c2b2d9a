"""The :class:`Atlas`: the whole dataset, validated, as the frames the core works on.

A type with no I/O, so that naming it costs nothing: :mod:`ca_atlas.catalog` builds one
from the dataset's files (or the team's store), every other module only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import DisabledPart, Problem

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from .summit import Ledger


@dataclass(frozen=True)
class Atlas:
    """The whole dataset, validated, as frames the rest of the core works on."""

    projects: gpd.GeoDataFrame
    investors: pd.DataFrame
    corridors: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    nodes: pd.DataFrame
    risks: gpd.GeoDataFrame
    claims: pd.DataFrame
    fx: pd.DataFrame
    transit: dict
    summit: Ledger | None
    briefings: tuple
    boundaries: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    version: str
    source_dir: str
    warnings: list[Problem] = field(default_factory=list)
    #: Optional parts left out because their files have errors (see disabled_parts).
    disabled: tuple[DisabledPart, ...] = ()


def disabled_parts(atlas: Atlas) -> list[DisabledPart]:
    """The optional parts the atlas serves without because their files have errors: each a
    :class:`~ca_atlas.model.DisabledPart` with ``part`` ("briefing", "briefings" for an
    unreadable folder, "summit"), ``file``, ``title`` and its ``problems`` (``messages``
    gives them as text). Empty when everything loaded."""
    return list(atlas.disabled)
