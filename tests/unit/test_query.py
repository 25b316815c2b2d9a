"""View state <-> query parameters, and what each filter keeps."""

import pytest

from ca_atlas import query
from ca_atlas.query import ViewState


def ids(view):
    return sorted(view.projects["id"])


def test_default_state_has_no_params():
    assert ViewState().to_params() == {}
    assert query.from_params({}) == (ViewState(), [])


def test_round_trip_of_every_field():
    state = ViewState(countries=("UZB", "KGZ"), sectors=("power",), investors=("JICA", "A, B"),
                      investor_countries=("JPN",), statuses=("agreed",), year_min=2010,
                      year_max=2020, usd_min_m=10.0, usd_max_m=2500.5, search="Tashkent",
                      japan_only=True, project="uz-tashkent-cogeneration",
                      layers=("projects", "risks"), basemap="light", measures=("loan",),
                      blocks=("Aktau", "Dostyk"), origin="Almaty", destination="Baku (Alat)",
                      weight="time_h", planned=True, within_km=50, briefing="b", step=3,
                      present=True, high_contrast=True)
    params = state.to_params()
    assert params["measures"] == "loan" and params["block"] == ["Aktau", "Dostyk"]
    assert params["country"] == ["UZB", "KGZ"]
    assert params["investor"] == ["JICA", "A, B"]  # repeated, so commas in names survive
    assert params["usd_max"] == "2500.5" and params["usd_min"] == "10"
    back, notes = query.from_params(params)
    assert back == state and notes == []


def test_comma_lists_and_repeated_params_both_read():
    state, _ = query.from_params({"country": ["UZB,KAZ", "KGZ"]})
    assert state.countries == ("UZB", "KAZ", "KGZ")


def test_unknown_values_are_dropped_with_a_note():
    state, notes = query.from_params({"country": "UZB,XXX", "year_min": "soon",
                                      "usd_min": "-3", "basemap": "mars"})
    assert state.countries == ("UZB",) and state.year_min is None and state.usd_min_m is None
    assert state.basemap == "offline"
    assert len(notes) == 4 and any("XXX" in n for n in notes)


def test_no_layers_is_expressible():
    state = ViewState(layers=())
    assert state.to_params() == {"layers": "none"}
    assert query.from_params({"layers": "none"})[0].layers == ()


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
    state, notes = query.from_params(params)
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


def test_other_pages_parameters_are_typed_and_keep_every_value():
    state, _ = query.from_params({"block": ["ili-river-route", "Aktau"], "by": "time_h",
                                  "step": "4", "within": "50", "planned": "1"})
    assert state.blocks == ("ili-river-route", "Aktau") and state.weight == "time_h"
    assert (state.step, state.within_km, state.planned) == (4, 50, True)
    changed = state.with_(blocks=("Dostyk",), weight="length_km", step=None, within_km=0,
                          planned=False)
    assert changed.to_params() == {"block": "Dostyk"}
    assert query.from_params(changed.to_params())[0] == changed


def test_every_parameter_is_declared_once_with_a_field():
    from dataclasses import fields

    from ca_atlas import view

    names = {f.name for f in fields(view.ViewState)}
    assert {p.field for p in view.PARAMS.values()} == names
    assert all(p.holds for p in view.PARAMS.values())


def test_bad_values_of_other_pages_are_dropped_with_a_note():
    state, notes = query.from_params({"step": "²", "within": "9" * 5000, "by": "speed",
                                      "measures": "loan,zz", "layers": "none"})
    assert (state.step, state.within_km, state.weight) == (None, 0, "length_km")
    assert state.measures == ("loan",) and state.layers == ()
    assert len(notes) == 4


def test_a_link_is_bounded_and_summarised_in_one_notice():
    params = {"country": ",".join(["a"] * 200), "sector": "power,zz", "zzz": "1",
              "q": "x" * 100_000, "step": "\x00"}
    state, notes = query.from_params(params)
    assert state.countries == () and state.sectors == ("power",) and state.search == ""
    assert state.step is None and "zzz" not in state.to_params()
    text = query.notice(notes)
    assert text.startswith("Part of this link was ignored: country has more than 100 values")
    assert text.endswith("more.") and len(text) < 400
    assert query.notice([]) is None


def test_whole_numbers_are_ascii_and_in_range():
    assert query.whole_number("12", 1, 20) == 12
    for bad in ("²", "9" * 5000, "-1", "21", "", None, "1.5", "١"):
        assert query.whole_number(bad, 1, 20) is None, bad
