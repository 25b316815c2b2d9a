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


# Conflicts come from other_figures now: see test_other_figures.py.


def test_usd_coverage_counts_reported_amounts_that_convert(mini_atlas):
    from ca_atlas import quality

    projects = mini_atlas.projects.copy()
    reported, in_usd = quality.usd_coverage(projects)
    assert reported == projects["amount_value"].notna().sum() and in_usd == reported
    projects.loc[projects.index[0], "amount_usd"] = float("nan")
    assert quality.usd_coverage(projects) == (reported, reported - 1)


def test_source_counts_are_worked_out_once_per_frame(mini_atlas, monkeypatch):
    projects = mini_atlas.projects
    first = quality.source_counts(projects)
    assert first == ([quality.independent_sources(s) for s in projects["sources"]],
                     [quality.has_primary(s) for s in projects["sources"]])
    monkeypatch.setattr(quality, "independent_sources", lambda s: 1 / 0)
    assert quality.source_counts(projects) is first  # the shares, weak records and gaps
    quality.gaps(projects)
    quality.weak_sources(projects)
