"""The one chart registry: every kind is drawn, named in data only if registered, and its
selection narrows the view as the Investment page promises."""

import plotly.graph_objects as go
import pytest

from ca_atlas import briefing, chart_kinds, model, theme
from ca_atlas.view import ViewState


def _input(atlas, measures=None):
    return chart_kinds.ChartInput(atlas, atlas.projects, atlas.investors, measures)


def test_the_registry_is_the_vocabulary_briefings_are_checked_against():
    assert set(chart_kinds.KINDS) == set(model.CHART_KINDS) == set(briefing.CHARTS)
    assert all(k.label for k in chart_kinds.KINDS.values())


def test_every_chart_named_in_the_shipped_briefings_is_registered(atlas):
    named = {s.chart for b in atlas.briefings for s in b.steps if s.chart}
    assert named and named <= set(chart_kinds.KINDS)


@pytest.mark.parametrize("key", list(chart_kinds.KINDS))
def test_every_chart_draws_the_shipped_dataset(atlas, key):
    fig = chart_kinds.figure(key, _input(atlas))
    assert isinstance(fig, go.Figure) and fig.data
    title = fig.layout.title.text
    assert title and "<br><sup>" in title  # every title says what its figures measure
    presented = chart_kinds.figure(key, _input(atlas), theme.PRESENTER)
    assert presented.layout.font.size > fig.layout.font.size


@pytest.mark.parametrize("key", chart_kinds.investment_page())
def test_every_chart_says_so_when_the_view_is_empty(atlas, key):
    empty = chart_kinds.ChartInput(atlas, atlas.projects.iloc[0:0], atlas.investors.iloc[0:0])
    fig = chart_kinds.figure(key, empty)
    assert any("No projects in this view" in a.text for a in fig.layout.annotations)


def test_money_charts_add_up_only_the_chosen_kinds_of_figure(atlas):
    loans = chart_kinds.ChartInput(atlas, atlas.projects, atlas.investors, ("loan",))
    assert set(loans.money["amount_measure"]) == {"loan"}
    assert loans.subtitle.startswith("Adds loans")
    fig = chart_kinds.figure("by_year", loans)
    total = sum(sum(v for v in t.y if v == v) for t in fig.data if t.type == "bar")
    dated = loans.money[loans.money["year"].notna()]  # a project with no year has no bar
    assert total == pytest.approx(dated["amount_usd"].sum(skipna=True), rel=1e-9)


def test_the_status_chart_counts_every_project_in_view(atlas):
    fig = chart_kinds.figure("by_status", _input(atlas, ("loan",)))
    assert sum(sum(t.x if t.orientation == "h" else t.y) for t in fig.data) == len(atlas.projects)


@pytest.mark.parametrize("key, points, expected", [
    ("country_sector", [{"customdata": ["UZB", "power"]}, {"customdata": ["KAZ", "power"]}],
     {"countries": ("UZB", "KAZ"), "sectors": ("power",)}),
    ("japan_vs_others", [{"customdata": ["TJK", "x"]}], {"countries": ("TJK",)}),
    ("by_year", [{"customdata": [2019]}, {"customdata": [2016]}],
     {"year_min": 2016, "year_max": 2019}),
    ("by_status", [{"customdata": ["operating"]}], {"statuses": ("operating",)}),
    # the name as recorded (the last item), not its escaped label
    ("top_investors", [{"customdata": ["A &amp; B &lt;Ltd&gt;", "Japan", 2, "A & B <Ltd>"]}],
     {"investors": ("A & B <Ltd>",)}),
])
def test_a_selection_narrows_the_view(key, points, expected):
    state = chart_kinds.narrowed(key, points, ViewState())
    assert {field: getattr(state, field) for field in expected} == expected


def test_a_selection_with_nothing_behind_it_changes_nothing():
    assert chart_kinds.narrowed("by_year", [{"x": 1}], ViewState()) is None
    assert chart_kinds.narrowed("summit", [{"customdata": ["x"]}], ViewState()) is None
    assert chart_kinds.narrowed("no-such-chart", [{"customdata": ["x"]}], ViewState()) is None


def test_the_investment_page_gives_wide_charts_a_row_and_pairs_the_others():
    rows = chart_kinds.investment_rows()
    assert [k for row in rows for k in row] == chart_kinds.investment_page()
    for row in rows:
        wide = [chart_kinds.KINDS[k].wide for k in row]
        assert (len(row) == 1) if any(wide) else (len(row) <= 2)
    assert ["japan_vs_others", "by_status"] in rows


def test_long_subtitles_are_wrapped_not_cut(atlas):
    fig = chart_kinds.figure("country_sector", _input(atlas))
    subtitle = fig.layout.title.text.split("<sup>", 1)[1]
    assert all(len(line) <= 80 for line in subtitle.removesuffix("</sup>").split("<br>"))


def test_the_theme_decides_the_sizes_not_a_flag():
    assert theme.for_view(False) is theme.NORMAL
    assert theme.for_view(True) is theme.PRESENTER
    assert theme.for_view(True, high_contrast=True) is theme.HIGH_CONTRAST
    assert theme.PRESENTER.chart_font_px > theme.NORMAL.chart_font_px


@pytest.mark.parametrize("key", list(chart_kinds.KINDS))
def test_a_chart_fits_a_briefing_column_with_its_subtitle_beneath(atlas, key):
    from ca_atlas import charts

    fig = chart_kinds.figure(key, _input(atlas), theme.PRESENTER)
    full_title = fig.layout.title.text
    fig, subtitle = charts.in_column(fig)
    entries = sum(1 for t in fig.data if t.name and t.showlegend is not False)
    assert fig.layout.height == 310 + 22 * entries  # the legend under the plot, a line each
    assert fig.layout.legend.y < 0 and fig.layout.legend.yanchor == "top"
    assert "<sup>" not in fig.layout.title.text and full_title.startswith(fig.layout.title.text)
    assert subtitle and "<br>" not in subtitle and "</sup>" not in subtitle
