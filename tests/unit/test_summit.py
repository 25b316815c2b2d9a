"""The summit ledger: parsed with its sources checked; tracked projects summed by measure."""

import pytest

from ca_atlas import summit
from ca_atlas.model import Problem

SRC = [{"url": "https://www.nippon.com/en/news/yjj2025122000333/158-public-private-deals-made-between-japan-central-asia.html",
        "publisher": "Nippon.com", "date": "2025-12-20"}]


def test_shipped_ledger_has_the_target_and_counts(atlas):
    ledger = atlas.summit
    assert ledger.target()["value"] == 3_000_000_000_000
    assert ledger.count("deals-158-jiji")["value"] == 158
    assert {p["id"] for p in ledger.priorities} == {
        "green-resilience", "connectivity", "human-resource-development"}


def test_bad_ledger_rows_are_named_and_the_ledger_is_not_served():
    problems: list[Problem] = []
    ledger = summit.parse({"summit": {"name": "S", "place": "Tokyo", "sources": SRC},
                           "counts": [{"id": "x", "value": -1, "sources": SRC},
                                      {"id": "y", "value": 3, "sources": [{"url": "ftp://x"}]},
                                      {"id": "z", "value": "many", "sources": SRC}]},
                          problems)
    assert ledger is None
    messages = [str(p) for p in problems]
    assert any("record 1 (id x), field 'counts.value': -1 is below" in m for m in messages)
    assert any("record 2 (id y), field 'counts.sources[0].url'" in m for m in messages)
    assert any("record 3 (id z), field 'counts.value': expected a number, got 'many'" in m
               for m in messages)


def test_a_good_minimal_ledger_parses():
    problems: list[Problem] = []
    ledger = summit.parse({"summit": {"name": "S", "place": "Tokyo", "sources": SRC},
                           "targets": [{"id": "t", "value": 3e12, "currency": "JPY",
                                        "usd_reported": 19e9, "sources": SRC}]}, problems)
    assert problems == [] and ledger.target("t")["value"] == 3e12


def test_a_broken_ledger_file_is_a_disabled_part(tmp_path):
    (tmp_path / summit.FILE).write_text("summit: {name: S, place: [unclosed\n", encoding="utf-8")
    ledger, disabled = summit.read(tmp_path)
    assert ledger is None and disabled.part == "summit" and disabled.file == summit.FILE
    assert disabled.messages[0].startswith("summit_2025.yaml is not valid YAML at line 2")


def test_no_ledger_file_is_no_ledger_and_no_problem(tmp_path):
    assert summit.read(tmp_path) == (None, None)


def test_tracked_summit_projects(mini_atlas):
    t = summit.tracked(mini_atlas.projects)
    assert t["ids"] == ["kg-naryn-bridge"] and t["usd"] == pytest.approx(20_000_000)
    assert t["by_measure"] == {"grant": 20_000_000}
