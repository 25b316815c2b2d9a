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
