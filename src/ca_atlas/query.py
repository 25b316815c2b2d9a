"""Applying a view state: :func:`apply` narrows an :class:`~ca_atlas.catalog.Atlas` to
what a :class:`~ca_atlas.view.ViewState` asks for (the state itself, and the URL it is,
live in :mod:`ca_atlas.view`)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from .view import ViewState

if TYPE_CHECKING:  # catalog imports briefing, which reads view states from here
    from .atlas import Atlas


@dataclass(frozen=True)
class View:
    """An atlas narrowed to a view state."""

    projects: gpd.GeoDataFrame
    corridors: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    risks: gpd.GeoDataFrame
    investors: pd.DataFrame


def project_mask(projects: pd.DataFrame, state: ViewState) -> pd.Series:
    """Which projects the view's filters keep."""
    mask = pd.Series(True, index=projects.index)
    if state.countries:
        mask &= projects["country"].isin(state.countries)
    if state.sectors:
        mask &= projects["sector"].isin(state.sectors)
    if state.statuses:
        mask &= projects["status"].isin(state.statuses)
    if state.investors:
        wanted = set(state.investors)
        mask &= projects["investors"].map(lambda inv: any(i["name"] in wanted for i in inv))
    if state.investor_countries:
        wanted = set(state.investor_countries)
        mask &= projects["investor_countries"].map(lambda cs: bool(wanted.intersection(cs)))
    if state.japan_only:
        mask &= projects["japanese"].astype(bool)
    years = projects["year"]
    if state.year_min is not None:
        mask &= years.notna() & (years.fillna(0) >= state.year_min)
    if state.year_max is not None:
        mask &= years.notna() & (years.fillna(0) <= state.year_max)
    usd = projects["amount_usd"]
    if state.usd_min_m is not None:
        mask &= usd.notna() & (usd.fillna(0) >= state.usd_min_m * 1e6)
    if state.usd_max_m is not None:
        mask &= usd.notna() & (usd.fillna(0) <= state.usd_max_m * 1e6)
    if state.search:
        needle = state.search.casefold()
        haystack = (projects["name"].fillna("") + " " + projects["description"].fillna("") + " "
                    + projects["place"].fillna("") + " " + projects["investor_names"].fillna("")
                    + " " + projects["country_name"].fillna("") + " " + projects["id"])
        mask &= haystack.str.casefold().str.contains(needle, regex=False)
    return mask


def _among(values: pd.Series, wanted: pd.Series) -> list[bool]:
    """Which of ``values`` are in ``wanted``: ``Series.isin`` on Arrow-backed strings
    converts every wanted value to a scalar first (26 ms for 10,000 project ids, each
    rerun); a set does it in 2."""
    keep = set(wanted.tolist())
    return [value in keep for value in values.tolist()]


#: The view state's fields that do not narrow the atlas (what is selected, drawn, asked of
#: the network, presented): views that differ only in these are the same view. Any other
#: field, including one added later, keeps views apart.
NOT_FILTERS = frozenset({
    "project", "layers", "basemap", "measures", "blocks", "origin", "destination",
    "weight", "planned", "within_km", "briefing", "step", "present", "high_contrast",
    "edit_kind", "record"})
FILTERS = tuple(f.name for f in fields(ViewState) if f.name not in NOT_FILTERS)
#: Views kept per process (shared by every session), of the last :data:`KEEP_ATLASES`
#: datasets (an edit makes a new one; older ones are not kept alive here): going back to
#: a view shown before, on any page, filters nothing again.
KEEP_VIEWS = 16
KEEP_ATLASES = 2
_VIEWS: OrderedDict[tuple, tuple[Atlas, View]] = OrderedDict()
_VIEWS_LOCK = threading.Lock()


def apply(atlas: Atlas, state: ViewState) -> View:
    """The projects, corridors and risk notes the view shows.

    Corridors and risk notes follow the country filter (those touching a chosen country);
    the project filters do not narrow them. The frames are shared (the last
    :data:`KEEP_VIEWS` views are kept): callers treat them as read-only.
    """
    key = (id(atlas), *(getattr(state, name) for name in FILTERS))
    with _VIEWS_LOCK:
        hit = _VIEWS.get(key)
        if hit is not None and hit[0] is atlas:
            _VIEWS.move_to_end(key)
            return hit[1]
    view = _narrow(atlas, state)
    with _VIEWS_LOCK:
        _VIEWS[key] = (atlas, view)  # the atlas kept alive with it: its id names no other
        _VIEWS.move_to_end(key)
        recent: list[int] = []
        for old_atlas, _ in reversed(_VIEWS.values()):
            if id(old_atlas) not in recent:
                recent.append(id(old_atlas))
        for old_key in [k for k, (a, _) in _VIEWS.items() if id(a) not in recent[:KEEP_ATLASES]]:
            del _VIEWS[old_key]
        while len(_VIEWS) > KEEP_VIEWS:
            _VIEWS.popitem(last=False)
    return view


def _narrow(atlas: Atlas, state: ViewState) -> View:
    keep = project_mask(atlas.projects, state)
    # every project (the first view, and any without filters): the frame itself, not a
    # copy of it (30 ms at 10,000 projects, every rerun)
    projects = atlas.projects if keep.all() else atlas.projects[keep]
    corridors, risks = atlas.corridors, atlas.risks
    if state.countries:
        wanted = set(state.countries)
        corridors = corridors[corridors["countries"].map(lambda cs: bool(wanted.intersection(cs)))]
        risks = risks[risks["countries"].map(lambda cs: bool(wanted.intersection(cs)))]
    segments = (atlas.segments if corridors is atlas.corridors else
                atlas.segments[_among(atlas.segments["corridor_id"], corridors["id"])])
    investors = (atlas.investors if projects is atlas.projects else
                 atlas.investors[_among(atlas.investors["project_id"], projects["id"])])
    return View(projects=projects, corridors=corridors, segments=segments, risks=risks,
                investors=investors)
