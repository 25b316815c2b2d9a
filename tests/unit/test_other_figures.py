"""Other figures as data: what sources give beside the amount a record follows, checked
like the amount, shown on the record panel and listed on the Data quality page; and the
strength of each record's sources (independent, primary)."""

import pytest

from ca_atlas import popups, quality, records, source_kinds
from ca_atlas.validation import RecordChecker

MOFA = "https://www.mofa.go.jp/mofaj/ic/cap2/pageit_000001_02658.html"
GOOD = {"value": 1.341e9, "currency": "JPY", "measure": "grant", "year": 2025,
        "source": MOFA, "note": "exchange of notes, 10 Dec 2025"}


def _parse(project: dict) -> tuple[dict, list[str]]:
    problems = []
    parsed = records.project(RecordChecker("projects.yaml", 2, project, problems))
    return parsed, [str(p) for p in problems if p.level == "error"]


def test_other_figures_are_read(mini_records):
    project = mini_records["projects"][1]
    project["other_figures"] = [GOOD, {"value": 2.5e9, "currency": "USD",
                                       "measure": "total_cost", "source": MOFA}]
    parsed, errors = _parse(project)
    assert errors == []
    assert parsed["other_figures"][0] == {**GOOD, "value": 1.341e9}
    assert parsed["other_figures"][1]["year"] is None and parsed["other_figures"][1]["note"] is None


def test_no_other_figures_is_an_empty_list(mini_records):
    parsed, errors = _parse(mini_records["projects"][0])
    assert errors == [] and parsed["other_figures"] == []


@pytest.mark.parametrize("figures, expected", [
    ("US$2.5bn", "field 'other_figures': expected a list of {value, currency, measure, year, "
                 "source, note}, got 'US$2.5bn'"),
    (["US$2.5bn"], "field 'other_figures[0]': expected {value, currency"),
    ([{**GOOD, "value": "2.5bn"}], "field 'other_figures[0].value': expected a number, got '2.5bn'"),
    ([{**GOOD, "value": -1}], "field 'other_figures[0].value': -1 is below the smallest"),
    ([{**GOOD, "value": float("inf")}], "field 'other_figures[0].value': expected a finite number"),
    ([{**GOOD, "currency": "YEN"}], "field 'other_figures[0].currency': 'YEN' is not an ISO 4217"),
    ([{**GOOD, "measure": "cost"}], "field 'other_figures[0].measure': 'cost' is not one of"),
    ([{**GOOD, "year": "2025"}], "field 'other_figures[0].year': expected a year like 2025"),
    ([{**GOOD, "year": True}], "field 'other_figures[0].year': expected a year like 2025"),
    ([{k: v for k, v in GOOD.items() if k != "source"}],
     "field 'other_figures[0].source': expected a URL: the source that gives this figure"),
    ([{**GOOD, "source": "javascript:alert(1)"}],
     "field 'other_figures[0].source': URL 'javascript:alert(1)' must start with http"),
    ([{**GOOD, "note": 5}], "field 'other_figures[0].note': expected text, got 5"),
    ([{**GOOD, "publisher": "MOFA"}], "field 'other_figures[0]': unknown keys ['publisher']"),
])
def test_bad_other_figures_are_named(mini_records, figures, expected):
    project = mini_records["projects"][1]
    project["other_figures"] = figures
    parsed, errors = _parse(project)
    assert any(expected in e and "record 2 (id uz-tashkent-cogeneration)" in e
               for e in errors), errors


def test_a_source_kind_must_be_known(mini_records):
    project = mini_records["projects"][1]
    project["sources"][0]["kind"] = "official"
    _, errors = _parse(project)
    assert any("field 'sources[0].kind': 'official' is not one of: primary, secondary, repost"
               in e for e in errors), errors
    project["sources"][0]["kind"] = "repost"
    parsed, errors = _parse(project)
    assert errors == [] and parsed["sources"][0]["kind"] == "repost"
    assert "kind" not in _parse(mini_records["projects"][0])[0]["sources"][0]


def _with_figures(atlas, figures_by_id: dict):
    projects = atlas.projects.copy()
    projects["other_figures"] = [figures_by_id.get(i, []) for i in projects["id"]]
    return projects


def test_the_record_panel_shows_other_figures_escaped(mini_atlas):
    hostile = {**GOOD, "note": "<script>alert(1)</script>`${x}`"}
    projects = _with_figures(mini_atlas, {"uz-tashkent-cogeneration": [hostile]})
    row = projects.set_index("id").loc["uz-tashkent-cogeneration"].to_dict()
    row["id"] = "uz-tashkent-cogeneration"
    html = popups.project_html(row)
    assert "<th>Other figures</th>" in html and "JPY 1.34bn" in html
    assert f'href="{MOFA}"' in html and ">mofa.go.jp</a>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "`" not in html
    plain = projects.set_index("id").loc["kg-naryn-bridge"].to_dict()
    assert "Other figures" not in popups.project_html(plain)


def test_conflicts_come_from_other_figures_not_from_notes(mini_atlas):
    projects = _with_figures(mini_atlas, {"tm-gas-to-gasoline": [
        {**GOOD, "value": 1.8e9, "currency": "USD", "measure": "contract", "year": None,
         "note": "a second report"}]})
    projects.loc[projects["id"] == "kg-naryn-bridge", "note"] = "Sources conflict; follows A."
    table = quality.conflicts(projects)
    assert list(table["id"]) == ["tm-gas-to-gasoline"]
    row = table.iloc[0]
    assert row["other figure"] == "USD 1.8bn (contract)" and row["source"] == MOFA
    assert row["note"] == "a second report" and row["recorded"]


def test_no_other_figures_no_conflicts(mini_atlas):
    columns = ["id", "project", "recorded", "other figure", "same measure", "source", "note",
               "confidence"]
    assert list(quality.conflicts(_with_figures(mini_atlas, {})).columns) == columns
    assert quality.conflicts(_with_figures(mini_atlas, {})).empty
    assert quality.conflicts(mini_atlas.projects).empty  # a frame without the column


# -- source strength ---------------------------------------------------------------------

@pytest.mark.parametrize("url, domain", [
    ("https://www.jica.go.jp/english/news/x.html", "jica.go.jp"),
    ("https://uz.emb-japan.go.jp/itpr_en/x.html", "emb-japan.go.jp"),
    ("https://en.trend.az/business/1", "trend.az"),
    ("https://trend.az/business/1", "trend.az"),
    ("https://adilet.zan.kz/kaz/docs/x", "adilet.zan.kz"),
    ("https://www.adb.org/projects/1", "adb.org"),
    ("https://WWW.EBRD.COM./news", "ebrd.com"),
])
def test_source_domain(url, domain):
    assert quality.source_domain(url) == domain


@pytest.mark.parametrize("source, kind", [
    ({"url": "https://www.jica.go.jp/english/x"}, "primary"),
    ({"url": "https://www.mofa.go.jp/mofaj/x"}, "primary"),
    ({"url": "https://invest.gov.uz/x"}, "primary"),
    ({"url": "https://www.adb.org/projects/1"}, "primary"),
    ({"url": "https://documents.worldbank.org/x"}, "primary"),
    ({"url": "https://www.sojitz.com/en/news/x"}, "primary"),
    ({"url": "https://en.trend.az/x"}, "secondary"),
    ({"url": "https://jica.go.jp.example.com/x"}, "secondary"),
    ({"url": "https://notjica.go.jp.evil.org/x"}, "secondary"),
    ({"url": "https://en.trend.az/x", "kind": "primary"}, "primary"),
    ({"url": "https://www.jica.go.jp/x", "kind": "repost"}, "repost"),
])
def test_source_kind(source, kind):
    assert quality.source_kind(source) == kind


def test_every_primary_domain_is_a_registrable_domain():
    for domain, kind in source_kinds.PRIMARY_DOMAINS.items():
        assert kind in ("lender", "multilateral", "government", "company"), domain
        assert domain == domain.casefold() and not domain.startswith("www."), domain


def _s(url, publisher, kind=None):
    return {"url": url, "publisher": publisher, "date": None, **({"kind": kind} if kind else {})}


@pytest.mark.parametrize("sources, independent, primary", [
    ([], 0, False),
    ([_s("https://www.jica.go.jp/a", "JICA")], 1, True),
    ([_s("https://www.jica.go.jp/a", "JICA"), _s("https://en.trend.az/b", "Trend")], 2, True),
    # one site twice (two sub-domains) is one publisher
    ([_s("https://en.trend.az/a", "Trend"), _s("https://trend.az/b", "Trend News Agency")], 1,
     False),
    # one publisher on two sites is one publisher
    ([_s("https://asiaplustj.info/a", "Asia-Plus"), _s("https://asiaplus.tj/b", "Asia-Plus")], 1,
     False),
    # a repost does not count as independent
    ([_s("https://www.mofa.go.jp/a", "MOFA"), _s("https://gov-base.info/b", "Gov-base", "repost")],
     1, True),
    # reposts only: one text
    ([_s("https://today.az/a", "Today.az (Trend)", "repost"),
      _s("https://menafn.com/b", "MENAFN (Trend)", "repost")], 1, False),
])
def test_independent_and_primary_sources(sources, independent, primary):
    assert quality.independent_sources(sources) == independent
    assert quality.has_primary(sources) is primary


def test_source_strength_shares(mini_atlas):
    projects = mini_atlas.projects.copy()
    projects["sources"] = [
        [_s("https://www.jica.go.jp/a", "JICA"), _s("https://en.trend.az/b", "Trend")],
        [_s("https://www.jica.go.jp/a", "JICA")],
        [_s("https://en.trend.az/a", "Trend"), _s("https://qazinform.com/b", "Kazinform")],
        [_s("https://en.trend.az/a", "Trend")],
    ]
    assert quality.source_strength(projects) == {"two_sources": 0.5, "primary": 0.5}
    weak = quality.weak_sources(projects)
    assert list(weak["id"]) == list(projects["id"][1:])
    assert list(weak["independent sources"]) == [1, 2, 1]
    assert quality.source_strength(projects.iloc[:0]) == {"two_sources": 1.0, "primary": 1.0}
