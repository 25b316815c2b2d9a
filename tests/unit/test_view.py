"""The view state: every URL parameter typed and read in one place (ca_atlas.view)."""


from ca_atlas import view as viewstate
from ca_atlas.view import ViewState


def test_default_state_has_no_params():
    assert ViewState().to_params() == {}
    assert viewstate.from_params({}) == (ViewState(), [])


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
    back, notes = viewstate.from_params(params)
    assert back == state and notes == []


def test_comma_lists_and_repeated_params_both_read():
    state, _ = viewstate.from_params({"country": ["UZB,KAZ", "KGZ"]})
    assert state.countries == ("UZB", "KAZ", "KGZ")


def test_unknown_values_are_dropped_with_a_note():
    state, notes = viewstate.from_params({"country": "UZB,XXX", "year_min": "soon",
                                      "usd_min": "-3", "basemap": "mars"})
    assert state.countries == ("UZB",) and state.year_min is None and state.usd_min_m is None
    assert state.basemap == "offline"
    assert len(notes) == 4 and any("XXX" in n for n in notes)


def test_no_layers_is_expressible():
    state = ViewState(layers=())
    assert state.to_params() == {"layers": "none"}
    assert viewstate.from_params({"layers": "none"})[0].layers == ()


def test_other_pages_parameters_are_typed_and_keep_every_value():
    state, _ = viewstate.from_params({"block": ["ili-river-route", "Aktau"], "by": "time_h",
                                  "step": "4", "within": "50", "planned": "1"})
    assert state.blocks == ("ili-river-route", "Aktau") and state.weight == "time_h"
    assert (state.step, state.within_km, state.planned) == (4, 50, True)
    changed = state.with_(blocks=("Dostyk",), weight="length_km", step=None, within_km=0,
                          planned=False)
    assert changed.to_params() == {"block": "Dostyk"}
    assert viewstate.from_params(changed.to_params())[0] == changed


def test_every_parameter_is_declared_once_with_a_field():
    from dataclasses import fields

    from ca_atlas import view

    names = {f.name for f in fields(view.ViewState)}
    assert {p.field for p in view.PARAMS.values()} == names
    assert all(p.holds for p in view.PARAMS.values())


def test_bad_values_of_other_pages_are_dropped_with_a_note():
    state, notes = viewstate.from_params({"step": "²", "within": "9" * 5000, "by": "speed",
                                      "measures": "loan,zz", "layers": "none"})
    assert (state.step, state.within_km, state.weight) == (None, 0, "length_km")
    assert state.measures == ("loan",) and state.layers == ()
    assert len(notes) == 4


def test_a_link_is_bounded_and_summarised_in_one_notice():
    params = {"country": ",".join(["a"] * 200), "sector": "power,zz", "zzz": "1",
              "q": "x" * 100_000, "step": "\x00"}
    state, notes = viewstate.from_params(params)
    assert state.countries == () and state.sectors == ("power",) and state.search == ""
    assert state.step is None and "zzz" not in state.to_params()
    text = viewstate.notice(notes)
    assert text.startswith("Part of this link was ignored: country has more than 100 values")
    assert text.endswith("more.") and len(text) < 400
    assert viewstate.notice([]) is None


def test_whole_numbers_are_ascii_and_in_range():
    assert viewstate.whole_number("12", 1, 20) == 12
    for bad in ("²", "9" * 5000, "-1", "21", "", None, "1.5", "١"):
        assert viewstate.whole_number(bad, 1, 20) is None, bad
