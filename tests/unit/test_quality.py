"""Data-quality summaries on the small dataset."""

from ca_atlas import model, quality


def test_counts_list_every_vocabulary_value(mini_atlas):
    t = quality.counts(mini_atlas.projects, "confidence", model.CONFIDENCE).set_index("confidence")
    assert t["projects"].to_dict() == {"high": 2, "medium": 2, "low": 0}


def test_coverage_per_country(mini_atlas):
    t = quality.coverage(mini_atlas.projects).set_index("country")
    assert t.loc["Uzbekistan", "projects"] == 2 and t.loc["Kazakhstan", "projects"] == 0
    assert t.loc["Turkmenistan", "with Japanese participation"] == 1


def test_gaps_name_what_is_missing(mini_atlas):
    projects = mini_atlas.projects.copy()
    idx = projects.index[projects["id"] == "kg-naryn-bridge"][0]
    projects.at[idx, "amount_value"] = None
    projects.at[idx, "lat"] = None
    g = quality.gaps(projects).set_index("id")
    assert g.loc["kg-naryn-bridge", "missing"] == "amount, location, a second source"
    assert "uz-tashkent-cogeneration" in g.index  # one source only


def test_conflicts_come_from_notes_that_say_which_figure_they_follow(mini_atlas):
    projects = mini_atlas.projects.copy()
    projects.loc[projects["id"] == "tm-gas-to-gasoline", "note"] = (
        "One report gives US$1.7bn, another US$1.8bn; the amount follows the contract.")
    projects.loc[projects["id"] == "kg-naryn-bridge", "note"] = "Site inferred from km 315."
    assert list(quality.conflicts(projects)["id"]) == ["tm-gas-to-gasoline"]


def test_no_notes_no_conflicts(mini_atlas):
    projects = mini_atlas.projects.assign(note=None)
    assert list(quality.conflicts(projects).columns) == ["id", "project", "confidence", "note"]
    assert quality.conflicts(projects).empty
