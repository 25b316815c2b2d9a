"""ca-atlas validate: exit codes and the report's wording."""

from conftest import DATA, write_dataset

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
    directory = write_dataset(tmp_path / "warn", fx_rows=[])
    assert cli.main(["validate", str(directory)]) == 0
    out = capsys.readouterr().out
    assert "Warnings (2):" in out and "no JPY rate for 2012" in out


def test_validate_uses_the_environment_directory(tmp_path, monkeypatch, capsys):
    directory = write_dataset(tmp_path / "env")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(directory))
    assert cli.main(["validate"]) == 0
    assert str(directory) in capsys.readouterr().out
