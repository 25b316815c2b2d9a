"""ca-atlas validate: exit codes and the report's wording."""

from atlas_fixtures import DATA, write_dataset

from ca_atlas import cli


def test_validate_shipped_dataset_passes(capsys):
    assert cli.main(["validate", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert ": valid (version " in out and "projects:" in out and "risk notes:" in out


def test_validate_reports_errors_and_exits_1(tmp_path, mini_records, capsys):
    mini_records["risks"][0]["severity"] = "apocalyptic"
    directory = write_dataset(tmp_path / "bad", risks=mini_records["risks"])
    assert cli.main(["validate", str(directory)]) == 1
    out = capsys.readouterr().out
    assert "1 error(s)" in out
    assert ("risk_notes.yaml, record 1 (id tashkent-earthquake), field 'severity': "
            "'apocalyptic' is not one of") in out


def test_validate_lists_warnings_apart(tmp_path, capsys):
    # JPY is known to the rates table, but not for 2012 or 2015: two warnings
    fed = "https://www.federalreserve.gov/releases/g5a/current/default.htm"
    directory = write_dataset(tmp_path / "warn", fx_rows=[("JPY", 1999, 0.0088, fed)])
    assert cli.main(["validate", str(directory)]) == 0
    out = capsys.readouterr().out
    assert "Warnings (2):" in out and "no JPY rate for 2012" in out


def test_validate_uses_the_environment_directory(tmp_path, monkeypatch, capsys):
    directory = write_dataset(tmp_path / "env")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(directory))
    assert cli.main(["validate"]) == 0
    assert str(directory) in capsys.readouterr().out


def test_scenario_json_gives_the_core_s_figures(capsys):
    import json

    from ca_atlas import catalog, network

    assert cli.main(["scenario", "--block", "Aktau", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = network.run_scenario(catalog.load(DATA), ["Aktau"])
    assert [p["result"] for p in out["pairs"]] == [p.status for p in expected.pairs]
    almaty = next(p for p in out["pairs"] if p["from"] == "Almaty")
    core = next(p for p in expected.pairs if p.origin == "Almaty")
    assert almaty["extra_km"] == round(core.extra_km, 1)
    assert [p["id"] for p in out["affected_projects"]] == list(expected.projects["id"])


def test_scenario_unknown_block_exits_1(capsys):
    assert cli.main(["scenario", "--block", "atlantis", "--json"]) == 1
    assert "atlantis" in capsys.readouterr().err


def test_exposure_json_gives_the_core_s_figures(capsys):
    import json

    from ca_atlas import catalog, exposure

    assert cli.main(["exposure", "--within-km", "50", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    head = exposure.headline(exposure.pairs(catalog.load(DATA), 50))
    assert out["projects"] == head["projects"] and out["usd"] == head["usd"]


def test_export_refuses_a_directory_or_an_empty_out(tmp_path, capsys):
    for out in (str(tmp_path), "", str(tmp_path / "missing-folder" / "b.html")):
        assert cli.main(["briefing", "export", "japan-after-tokyo-summit", "--out", out]) == 2
        assert "give the path of an HTML file to write" in capsys.readouterr().err


def test_within_km_must_be_a_finite_distance(capsys):
    import pytest

    for bad in ("nan", "inf", "-5", "5001", "far"):
        with pytest.raises(SystemExit) as info:
            cli.main(["exposure", "--within-km", bad])
        assert info.value.code == 2
        assert "--within-km" in capsys.readouterr().err


def test_changes_since_an_option_is_refused_without_a_traceback(capsys):
    for bad in ("--list", "--output=/tmp/atlas-pwned", "-o"):
        assert cli.main(["changes", f"--since={bad}"]) == 1
        err = capsys.readouterr().err
        assert "is not a revision" in err
