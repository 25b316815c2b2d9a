"""What each filter keeps (ca_atlas.query.apply)."""

import pytest

from ca_atlas import query
from ca_atlas import view as viewstate
from ca_atlas.view import ViewState


def ids(view):
    return sorted(view.projects["id"])


@pytest.mark.parametrize(("params", "expected"), [
    ({"country": "UZB"}, ["uz-karshi-termez-electrification", "uz-tashkent-cogeneration"]),
    ({"sector": "transport"}, ["kg-naryn-bridge", "uz-karshi-termez-electrification"]),
    ({"inv_country": "TUR"}, ["tm-gas-to-gasoline"]),
    ({"investor": "Government of Japan"}, ["kg-naryn-bridge"]),
    ({"status": "operating"}, ["tm-gas-to-gasoline", "uz-karshi-termez-electrification"]),
    ({"year_min": "2014", "year_max": "2015"}, ["tm-gas-to-gasoline", "uz-tashkent-cogeneration"]),
    # $100m is the Tashkent loan exactly (¥12bn at 120 yen to the dollar): bounds include it.
    ({"usd_min": "100", "usd_max": "230"},
     ["uz-karshi-termez-electrification", "uz-tashkent-cogeneration"]),
    ({"q": "ovadan"}, ["tm-gas-to-gasoline"]),
    ({"q": "rönesans"}, ["tm-gas-to-gasoline"]),
    ({"q": "kyrgyz"}, ["kg-naryn-bridge"]),  # matches the country name
    ({"japan": "1", "country": "TKM"}, ["tm-gas-to-gasoline"]),
])
def test_filters(mini_atlas, params, expected):
    state, notes = viewstate.from_params(params)
    assert notes == []
    assert ids(query.apply(mini_atlas, state)) == expected


def test_amount_bound_leaves_out_unknown_amounts(mini_atlas):
    atlas = mini_atlas
    atlas.projects.loc[atlas.projects["id"] == "kg-naryn-bridge", "amount_usd"] = float("nan")
    view = query.apply(atlas, ViewState(usd_min_m=0.5))
    assert "kg-naryn-bridge" not in ids(view)
    assert "kg-naryn-bridge" in ids(query.apply(atlas, ViewState()))


def test_country_filter_narrows_corridors_and_risks(mini_atlas):
    view = query.apply(mini_atlas, ViewState(countries=("KGZ",)))
    assert view.corridors.empty and view.risks.empty and view.segments.empty
    view = query.apply(mini_atlas, ViewState(countries=("UZB",)))
    assert list(view.corridors["id"]) == ["test-corridor"] and len(view.risks) == 1


def test_investors_follow_the_projects(mini_atlas):
    view = query.apply(mini_atlas, ViewState(countries=("TKM",)))
    assert sorted(view.investors["name"]) == ["Kawasaki Heavy Industries", "Rönesans"]




def test_a_view_shown_before_is_not_filtered_again(mini_atlas, monkeypatch):
    state = ViewState(sectors=("power",))
    first = query.apply(mini_atlas, state)
    # the same filters (the selection and layers do not filter): the same frames
    again = query.apply(mini_atlas, state.with_(project="kg-naryn-bridge", layers=("projects",)))
    assert again is first
    calls = []
    monkeypatch.setattr(query, "_narrow", lambda a, s: calls.append(s) or first)
    query.apply(mini_atlas, state)
    assert calls == []
    query.apply(mini_atlas, ViewState(sectors=("transport",)))
    assert len(calls) == 1


def test_views_of_old_datasets_are_let_go(mini_atlas):
    import dataclasses

    versions = [dataclasses.replace(mini_atlas) for _ in range(query.KEEP_ATLASES + 2)]
    for atlas in versions:
        query.apply(atlas, ViewState(sectors=("power",)))
    kept = {id(atlas) for atlas, _ in query._VIEWS.values()}
    assert kept == {id(a) for a in versions[-query.KEEP_ATLASES:]}


def test_what_does_not_filter_is_named_from_the_view_state():
    import dataclasses

    names = {f.name for f in dataclasses.fields(ViewState)}
    assert query.NOT_FILTERS <= names  # a renamed field would filter nothing here
    assert set(query.FILTERS) == names - query.NOT_FILTERS
