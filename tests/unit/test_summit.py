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


def test_bad_ledger_rows_are_named():
    problems: list[Problem] = []
    ledger = summit.parse({"summit": {"sources": SRC},
                           "counts": [{"id": "x", "value": -1, "sources": SRC},
                                      {"id": "y", "value": 3, "sources": [{"url": "ftp://x"}]}]},
                          problems)
    assert ledger is not None
    messages = [str(p) for p in problems]
    assert any("record 1 (id x), field 'counts.value'" in m for m in messages)
    assert any("record 2 (id y), field 'counts.sources[0].url'" in m for m in messages)


def test_tracked_summit_projects(mini_atlas):
    t = summit.tracked(mini_atlas.projects)
    assert t["ids"] == ["kg-naryn-bridge"] and t["usd"] == pytest.approx(20_000_000)
    assert t["by_measure"] == {"grant": 20_000_000}
