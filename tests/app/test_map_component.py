"""The map page's component arguments: a base prepared once, and per view exactly what
``st_folium`` would send for the same maps."""

import pytest
import streamlit_folium

from ca_atlas import maps, query, theme
from ca_atlas.query import ViewState
from ca_atlas.ui import map_component
from ca_atlas.ui import state as ui_state

STATES = [ViewState(), ViewState(sectors=("power",)), ViewState(countries=("UZB",)),
          ViewState(layers=("projects",)), ViewState(layers=("corridors", "risks")),
          ViewState(project="kg-naryn-bridge"), ViewState(basemap="osm")]


def _st_folium_args(atlas, state, look, monkeypatch) -> dict:
    captured = {}
    monkeypatch.setattr(streamlit_folium, "_component_func",
                        lambda **kw: captured.update(kw) or kw.get("default"))
    view = query.apply(atlas, state)
    streamlit_folium.st_folium(
        maps.base_map(atlas, theme=look, height=680, basemap=state.basemap, reference=True,
                      layers_from=ui_state.layer_files_path()),
        key="atlas-map", height=680, returned_objects=["last_active_drawing"],
        feature_group_to_add=maps.view_layers(atlas, view, state, theme=look, reference=True),
        layer_control=maps.layer_control(), use_container_width=True)
    captured.pop("on_change")
    return captured


def _arguments(atlas, state, look) -> dict:
    base = map_component.atlas_base(atlas, theme=look, height=680, basemap=state.basemap)
    groups = maps.view_layers(atlas, query.apply(atlas, state), state, theme=look,
                              reference=True)
    return map_component.arguments(base, groups, maps.layer_control(), key="atlas-map",
                                   height=680, returned_objects=["last_active_drawing"])


@pytest.mark.parametrize("look", [theme.NORMAL, theme.for_view(True, True)],
                         ids=["normal", "presenter"])
def test_the_arguments_are_those_st_folium_sends(mini_atlas, look, monkeypatch):
    for state in STATES:
        assert _arguments(mini_atlas, state, look) == _st_folium_args(
            mini_atlas, state, look, monkeypatch), state


def test_the_same_on_the_shipped_dataset(atlas, monkeypatch):
    for state in (ViewState(), ViewState(sectors=("power",), japan_only=True)):
        assert _arguments(atlas, state, theme.NORMAL) == _st_folium_args(
            atlas, state, theme.NORMAL, monkeypatch), state


def test_the_base_is_prepared_once_and_left_as_it_was(mini_atlas):
    first = map_component.atlas_base(mini_atlas, theme=theme.NORMAL, height=680,
                                     basemap="offline")
    layers = list(first.map._children)
    before = _arguments(mini_atlas, ViewState(), theme.NORMAL)
    for state in STATES:
        _arguments(mini_atlas, state, theme.NORMAL)
    again = map_component.atlas_base(mini_atlas, theme=theme.NORMAL, height=680,
                                     basemap="offline")
    assert again is first
    assert list(first.map._children) == layers  # no view's group stayed in the base
    assert _arguments(mini_atlas, ViewState(), theme.NORMAL) == before
    taller = map_component.atlas_base(mini_atlas, theme=theme.NORMAL, height=520,
                                      basemap="offline")
    assert taller is not first and taller.header != first.header
    tiles = map_component.atlas_base(mini_atlas, theme=theme.NORMAL, height=680, basemap="osm")
    assert tiles.script != first.script


def test_bounds_and_zoom_are_refused(mini_atlas):
    base = map_component.atlas_base(mini_atlas, theme=theme.NORMAL, height=680,
                                    basemap="offline")
    with pytest.raises(ValueError, match="bounds"):
        map_component.arguments(base, [], maps.layer_control(), key="k", height=680,
                                returned_objects=["bounds"])
