"""Prepared scenarios and the rules the Corridors page and the CLI share."""

import json

import pytest

from ca_atlas import cli, network, scenarios

CPC = "CPC marine terminal (Yuzhnaya Ozereyevka)"


def test_a_pair_between_pipeline_ends_travels_on_the_oil_network(atlas):
    assert scenarios.network_for(atlas, "Tengiz", CPC) == "oil"
    assert scenarios.network_for(atlas, "Almaty", "Baku (Alat)") == "freight"
    assert scenarios.custom_pair(atlas, "Tengiz", CPC) == ("Tengiz", CPC, "oil")
    assert scenarios.custom_pair(atlas, "Tengiz", "Tengiz") is None
    assert scenarios.custom_pair(atlas, None, CPC) is None


def test_the_cli_routes_tengiz_to_the_cpc_terminal(capsys):
    """It said "no route in the network" while the page routed the pair on the oil
    network; both now follow scenarios.network_for."""
    assert cli.main(["scenario", "--from", "Tengiz", "--to", CPC, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["pairs"]
    assert row["network"] == "oil" and row["result"] == "unaffected"
    assert row["baseline"]["length_km"] > 1000


@pytest.mark.parametrize("key", list(scenarios.PREPARED))
def test_every_prepared_scenario_names_what_the_network_has(atlas, key):
    prepared = scenarios.PREPARED[key]
    result = scenarios.run(atlas, prepared.blocks, include_planned=prepared.include_planned)
    assert result.unknown_ids == []
    assert len(result.pairs) == len(network.PRESETS)
    assert any(p.status in ("rerouted", "no route left") for p in result.pairs), key


def test_the_results_table_reads_a_scenario(atlas):
    result = scenarios.run(atlas, ["Aktau"])
    table = scenarios.results_table(result, atlas)
    assert list(table["From"]) == [p[0] for p in network.PRESETS]
    row = table[table["From"] == "Almaty"].iloc[0]
    pair = result.pairs[0]
    assert row["Result"] == pair.status == "rerouted"
    assert row["Extra km"] == round(pair.extra_km) > 0
    assert set(table["Network"]) == {"Freight", "Oil pipeline"}


# -- the shipped network's former gaps, closed from sources (issue "A record analysts can cite") --

def _route(atlas, origin, destination, include_planned=False):
    (pair,) = network.run_scenario(atlas, [], [(origin, destination)],
                                   include_planned=include_planned).pairs
    return pair.baseline


@pytest.mark.parametrize("key", ["aktau", "middle-corridor-kz"])
def test_routes_across_the_caspian_have_a_total_time(atlas, key):
    """The sea mode has a sourced speed, so the prepared Caspian scenarios give days
    for the pairs that cross it, before and after the blockage."""
    prepared = scenarios.PREPARED[key]
    result = scenarios.run(atlas, prepared.blocks, include_planned=prepared.include_planned)
    crossing = [p for p in result.pairs if (p.origin, p.destination) in
                {("Almaty", "Baku (Alat)"), ("Tashkent", "Kars")}]
    assert len(crossing) == 2
    for pair in crossing:
        assert pair.status == "rerouted"
        assert pair.baseline.days is not None and pair.alternative.days is not None
        assert pair.extra_days is not None and pair.extra_days > 0
        assert pair.baseline.untimed_legs == pair.alternative.untimed_legs == []


def test_termez_reaches_dushanbe_over_the_tursunzade_crossing(atlas):
    route = _route(atlas, "Termez", "Dushanbe")
    assert route.names[1:] == ["Tursunzade", "Dushanbe"]
    assert route.borders == 1 and route.length_km < 300


def test_termez_to_karachi_no_longer_detours_through_the_fergana_valley(atlas):
    """It went Termez > Bukhara > ... > Osh > Irkeshtam > Dushanbe, some 3,450 km, for
    want of a Termez–Dushanbe link; now it goes by Dushanbe and CAREC 5 via Peshawar."""
    route = _route(atlas, "Termez", "Karachi")
    assert "Osh" not in route.names and "Irkeshtam" not in route.names
    assert {"Tursunzade", "Dushanbe", "Torkham", "Peshawar"} <= set(route.names)
    assert route.length_km < 2500


def test_the_trans_afghan_railway_meets_carec_5_at_peshawar(atlas):
    route = _route(atlas, "Termez", "Karachi", include_planned=True)
    assert "Peshawar" in route.names
    assert {"trans-afghan-railway", "carec-5"} <= set(route.corridors)


def test_dostyk_is_one_place_with_alashankou_on_the_chinese_side(atlas):
    net = network.build(atlas)
    assert network.node_id(net, "Dostyk") == network.node_id(net, "Alashankou")
    route = _route(atlas, "Ürümqi", "Baku (Alat)")
    assert route.corridors[:2] == ["alashankou-dostyk", "middle-corridor-kz"]
    assert route.borders == 1 and route.days is not None
