"""Aggregations checked against sums worked out by hand on the small dataset.

USD values (FX in tests/conftest.py: 80 yen to the dollar in 2012, 120 in 2015):
  Karshi–Termez  ¥18,067m / 80  = $225,837,500   UZB transport  loan      2012
  Tashkent CHP   ¥12,000m / 120 = $100,000,000   UZB power      loan      2015
  Naryn bridge   $20,000,000                     KGZ transport  grant     2025
  GTG plant      $1,700,000,000                  TKM petrochem  contract  2014
"""

import pytest

from ca_atlas import summaries

KT, TC, NB, GTG = 225_837_500, 100_000_000, 20_000_000, 1_700_000_000


def test_headline(mini_atlas):
    h = summaries.headline(mini_atlas.projects)
    assert (h.projects, h.with_amount, h.countries, h.sectors, h.japanese) == (4, 4, 3, 3, 4)
    assert h.total_usd == pytest.approx(KT + TC + NB + GTG)


def test_by_country_sector(mini_atlas):
    t = summaries.by_country_sector(mini_atlas.projects).set_index(["country", "sector"])
    assert t.loc[("UZB", "transport"), "usd"] == pytest.approx(KT)
    assert t.loc[("UZB", "power"), "usd"] == pytest.approx(TC)
    assert t.loc[("TKM", "petrochemicals"), "projects"] == 1
    assert t["usd"].sum() == pytest.approx(KT + TC + NB + GTG)


def test_measures_can_be_kept_apart(mini_atlas):
    loans = summaries.with_measures(mini_atlas.projects, ["loan"])
    assert summaries.headline(loans).total_usd == pytest.approx(KT + TC)
    mix = summaries.measure_mix(mini_atlas.projects).set_index("amount_measure")
    assert mix.loc["loan", "projects"] == 2 and mix.loc["contract", "usd"] == GTG
    caption = summaries.measure_caption(mini_atlas.projects)
    assert caption.startswith("Sums a mix of figures: contract value (1)")
    assert "loan amount (2)" in caption and "grant amount (1)" in caption


def test_top_investors_count_a_project_for_each_investor(mini_atlas):
    t = summaries.top_investors(mini_atlas.projects, mini_atlas.investors).set_index("name")
    assert t.loc["JICA", "usd"] == pytest.approx(KT + TC) and t.loc["JICA", "projects"] == 2
    assert t.loc["Rönesans", "usd"] == t.loc["Kawasaki Heavy Industries", "usd"] == GTG
    assert list(t.index[:2]) == ["Kawasaki Heavy Industries", "Rönesans"]  # ties by name


def test_by_year_with_running_total(mini_atlas):
    t = summaries.by_year(mini_atlas.projects)
    assert list(t["year"]) == [2012, 2014, 2015, 2025]
    assert list(t["cumulative_usd"]) == pytest.approx([KT, KT + GTG, KT + GTG + TC,
                                                       KT + GTG + TC + NB])


def test_by_status_in_vocabulary_order(mini_atlas):
    t = summaries.by_status(mini_atlas.projects)
    assert list(t["status"]) == ["agreed", "operating"] and list(t["projects"]) == [2, 2]


def test_japan_vs_others(mini_atlas):
    projects = mini_atlas.projects.copy()
    projects.loc[projects["id"] == "tm-gas-to-gasoline", "japanese"] = False
    t = summaries.japan_vs_others(projects).set_index(["country", "group"])
    assert t.loc[("TKM", "Other investors only"), "usd"] == GTG
    assert t.loc[("UZB", "With Japanese participation"), "usd"] == pytest.approx(KT + TC)


def test_empty_view(mini_atlas):
    empty = mini_atlas.projects.iloc[0:0]
    assert summaries.headline(empty).total_usd == 0
    assert summaries.by_year(empty).empty and summaries.by_country_sector(empty).empty
    assert summaries.measure_caption(empty).startswith("No project")


def test_measure_subtitle_says_when_figures_are_unlike(mini_atlas):
    assert summaries.measure_subtitle(mini_atlas.projects) == (
        "Adds unlike figures: contracts (1) + loans (2) + grants (1)")
    loans = summaries.with_measures(mini_atlas.projects, ["loan"])
    assert summaries.measure_subtitle(loans) == "Adds loans (2)"
