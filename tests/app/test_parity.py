"""The Corridors page and `ca-atlas scenario` give the same figures: every prepared
scenario, and a pair on the oil network."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ca_atlas import cli, scenarios

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CPC = "CPC marine terminal (Yuzhnaya Ozereyevka)"


def _page_table(params):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("app_pages/corridors.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at.dataframe[0].value


def _cli_rows(argv, capsys):
    cli.main(["scenario", *argv, "--json"])
    return json.loads(capsys.readouterr().out)["pairs"]


def _figures_from_page(table):
    def number(value):
        return None if value is None or value != value else int(value)

    return [(r["From"], r["To"], r["Result"], number(r["Baseline km"]), number(r["Extra km"]))
            for _, r in table.iterrows()]


def _figures_from_cli(rows):
    return [(r["from"], r["to"], r["result"],
             None if r["baseline"] is None else r["baseline"]["length_km"],
             r["extra_km"]) for r in rows]


def _same(page, cli_rows):
    """The page shows whole km, the CLI one decimal: equal within that rounding."""
    assert len(page) == len(cli_rows)
    for shown, printed in zip(page, cli_rows, strict=True):
        assert shown[:3] == printed[:3]
        for whole, tenth in zip(shown[3:], printed[3:], strict=True):
            assert (whole is None) == (tenth is None), (shown, printed)
            assert whole is None or abs(whole - tenth) <= 0.55, (shown, printed)


@pytest.mark.parametrize("key", list(scenarios.PREPARED))
def test_prepared_scenarios_agree(key, capsys):
    prepared = scenarios.PREPARED[key]
    params = {"block": list(prepared.blocks)}
    if prepared.include_planned:
        params["planned"] = "1"
    page = _figures_from_page(_page_table(params))
    _same(page, _figures_from_cli(_cli_rows(["--scenario", key], capsys)))


def test_a_pipeline_pair_agrees(capsys):
    page = _figures_from_page(_page_table({"from": "Tengiz", "to": CPC}))
    cli_rows = _figures_from_cli(_cli_rows(["--from", "Tengiz", "--to", CPC], capsys))
    _same(page[-1:], cli_rows)
    assert cli_rows[0][2] == "unaffected" and cli_rows[0][3] > 1000
