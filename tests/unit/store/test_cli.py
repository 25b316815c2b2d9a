"""``ca-atlas db ...``: the commands, their messages and exit codes (no tracebacks)."""

from __future__ import annotations

import copy
import filecmp

import pytest
from atlas_fixtures import MINI_PROJECTS, write_dataset

from ca_atlas.cli import main
from ca_atlas.store import Store


@pytest.fixture
def db(store_url):
    return ["db", "--database-url", store_url]


def test_init_load_dump_status_history(db, tmp_path, capsys):
    release = write_dataset(tmp_path / "release")
    assert main([*db, "init"]) == 0
    assert main([*db, "load", str(release), "--who", "ann", "--why", "first"]) == 0
    assert "6 added" in capsys.readouterr().out
    assert main([*db, "dump", str(tmp_path / "out")]) == 0
    names = ["projects.yaml", "corridors.yaml", "risk_notes.yaml", "claims.yaml", "fx_rates.csv"]
    assert filecmp.cmpfiles(release, tmp_path / "out", names, shallow=False)[0] == names
    assert main([*db, "status"]) == 0
    out = capsys.readouterr().out
    assert "projects    4 active, 0 retired" in out
    assert main([*db, "history", MINI_PROJECTS[0]["id"]]) == 0
    assert "ann: load project " + MINI_PROJECTS[0]["id"] in capsys.readouterr().out


def test_a_conflicting_release_exits_3_until_told_which_side(db, store_url, tmp_path, capsys):
    release = write_dataset(tmp_path / "r1")
    assert main([*db, "load", str(release)]) == 0
    store = Store.open(store_url)
    read = store.get("project", MINI_PROJECTS[0]["id"])
    store.save("project", {**read.document, "status": "cancelled"}, read.version, "ann", "why")
    store.close()
    projects = copy.deepcopy(MINI_PROJECTS)
    projects[0]["status"] = "under_construction"
    second = write_dataset(tmp_path / "r2", projects=projects)
    capsys.readouterr()
    assert main([*db, "load", str(second)]) == 3
    err = capsys.readouterr().err
    assert f"project {MINI_PROJECTS[0]['id']} (status)" in err and "--theirs" in err
    with pytest.raises(SystemExit):
        main([*db, "load", str(second), "--choose", "x=mine"])
    assert main([*db, "load", str(second), "--choose", f"{MINI_PROJECTS[0]['id']}=theirs"]) == 0
    store = Store.open(store_url)
    assert store.get("project", MINI_PROJECTS[0]["id"]).document["status"] == "under_construction"
    store.close()


@pytest.mark.parametrize("args, message", [
    (["load", "/nonexistent/dir"], "is not a directory"),
    (["history", "--since", "yesterday"], None),
])
def test_errors_are_messages_not_tracebacks(db, args, message, capsys):
    code = None
    try:
        code = main([*db, *args])
    except SystemExit as exc:  # argparse's usage error
        code = exc.code
    err = capsys.readouterr().err
    assert code in (1, 2)
    assert "Traceback" not in err
    if message:
        assert message in err


def test_a_bad_database_url_is_a_message(capsys):
    assert main(["db", "--database-url", "mysql://u@h/x", "status"]) == 1
    assert "must start with postgresql:// or sqlite:///" in capsys.readouterr().err
