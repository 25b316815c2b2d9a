"""Every chart the atlas draws, declared once: its key (the name briefing files use), its
label, how it is built from a view, and what a selection of its bars narrows the view to.

The Investment page, the Briefings page, the exported briefing and the chart-selection
rule all go through :data:`KINDS`; the keys are the vocabulary ``model.CHART_KINDS``, which
briefing files are checked against (a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from . import charts, exposure, summaries, summit
from .atlas import Atlas
from .theme import NORMAL, Theme
from .view import ViewState


@dataclass(frozen=True)
class ChartInput:
    """What a chart is drawn from: the atlas, the projects in view, the kinds of figure the
    money charts add up (None: all of them) and the view's investors."""

    atlas: Atlas
    projects: pd.DataFrame
    investors: pd.DataFrame
    measures: tuple[str, ...] | None = None

    @property
    def money(self) -> pd.DataFrame:
        """The projects whose figure is of a chosen kind: what the money charts sum."""
        return summaries.with_measures(self.projects, self.measures)

    @property
    def subtitle(self) -> str:
        return summaries.measure_subtitle(self.money)


Points = list[dict]


def _codes(points: Points, index: int = 0) -> tuple:
    return tuple(dict.fromkeys(p["customdata"][index] for p in points))


@dataclass(frozen=True)
class ChartKind:
    key: str
    label: str
    build: Callable[[ChartInput, Theme], go.Figure | None]
    #: The view a selection of bars asks for; None when the chart's bars select nothing.
    narrow: Callable[[Points, ViewState], ViewState] | None = None
    #: Drawn on the Investment page (the others appear on their own pages or in briefings).
    investment_page: bool = True
    #: Takes a whole row of the page (a legend beside it, long labels); others pair up.
    wide: bool = False


def _summit(c: ChartInput, theme: Theme) -> go.Figure | None:
    if c.atlas.summit is None:
        return None
    target = c.atlas.summit.target()
    return charts.summit_chart(target.get("usd_reported") if target else None,
                               summit.tracked(c.atlas.projects)["by_measure"], theme)


def _exposure(c: ChartInput, theme: Theme) -> go.Figure:
    touching = exposure.pairs(c.atlas, 0, projects=c.projects)
    return charts.exposure_chart(exposure.totals(touching, "category"), "usd", "Risk category",
                                 theme)


def _years(points: Points, state: ViewState) -> ViewState:
    years = [int(y) for y in _codes(points)]
    return state.with_(year_min=min(years), year_max=max(years))


KINDS: dict[str, ChartKind] = {k.key: k for k in (
    ChartKind("country_sector", "Investment by country and sector",
              lambda c, t: charts.country_sector_chart(
                  summaries.by_country_sector(c.money), c.subtitle, t),
              lambda pts, s: s.with_(countries=_codes(pts, 0), sectors=_codes(pts, 1)),
              wide=True),
    ChartKind("japan_vs_others", "Japan beside the other investors",
              lambda c, t: charts.japan_vs_others_chart(
                  summaries.japan_vs_others(c.money), c.subtitle, t),
              lambda pts, s: s.with_(countries=_codes(pts))),
    # Counts of projects, not money: every project in view, whatever its figure measures.
    ChartKind("by_status", "Projects by status",
              lambda c, t: charts.by_status_chart(summaries.by_status(c.projects), t),
              lambda pts, s: s.with_(statuses=_codes(pts))),
    ChartKind("by_year", "Investment by year",
              lambda c, t: charts.by_year_chart(summaries.by_year(c.money), c.subtitle, t),
              _years, wide=True),
    # The last item of a bar's customdata is the investor's name as recorded, not escaped.
    ChartKind("top_investors", "The largest investors",
              lambda c, t: charts.top_investors_chart(
                  summaries.top_investors(c.money, c.investors), t),
              lambda pts, s: s.with_(investors=tuple(dict.fromkeys(
                  pt["customdata"][-1] for pt in pts))), wide=True),
    ChartKind("summit", "The Tokyo summit's target beside tracked projects", _summit,
              investment_page=False),
    ChartKind("exposure_category", "Investment exposed to risks, by category", _exposure,
              investment_page=False),
)}


def figure(key: str, chart_input: ChartInput, theme: Theme = NORMAL) -> go.Figure | None:
    """The chart ``key`` for this input, or None when it has nothing to draw from."""
    return KINDS[key].build(chart_input, theme)


def narrowed(key: str, points: Iterable[dict], state: ViewState) -> ViewState | None:
    """The view a selection of ``points`` on chart ``key`` asks for, or None."""
    chosen = [p for p in points if p.get("customdata") is not None]
    kind = KINDS.get(key)
    if not chosen or kind is None or kind.narrow is None:
        return None
    return kind.narrow(chosen, state)


def investment_page() -> list[str]:
    """The charts of the Investment page, in the order it shows them."""
    return [k for k, kind in KINDS.items() if kind.investment_page]


def investment_rows() -> list[list[str]]:
    """The Investment page's charts in rows: a wide chart alone, the others two by two."""
    rows: list[list[str]] = []
    for key in investment_page():
        if KINDS[key].wide or not rows or len(rows[-1]) == 2 or KINDS[rows[-1][0]].wide:
            rows.append([key])
        else:
            rows[-1].append(key)
    return rows
