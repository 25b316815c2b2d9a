"""Plotly figures from the summaries. Geography stays in folium; these are charts only.

Every figure carries the codes behind its bars in ``customdata`` so that a selection in
the app can narrow the filters, and every title says what its figures measure.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from . import model, safe
from .theme import NORMAL, Theme

FONT = dict(family="system-ui, -apple-system, Segoe UI, sans-serif", size=14, color="#1b1b1b")
#: Axis ticks and titles. Streamlit's chart theme draws them in #808495,
#: 3.7:1 on white (WCAG AA wants 4.5:1 for text this small); this grey is 7.5:1.
AXIS_TEXT = "#555555"


def _legible_axes(fig: go.Figure) -> go.Figure:
    """Every axis the figure has so far gets ticks and a title in :data:`AXIS_TEXT`."""
    axis = dict(tickfont=dict(color=AXIS_TEXT), title=dict(font=dict(color=AXIS_TEXT)))
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    return fig


def _wrapped(subtitle: str, width: int = 72) -> tuple[str, int]:
    """The subtitle broken into lines Plotly can show (it cuts one long line at the edge),
    and how many lines that makes."""
    lines = textwrap.wrap(subtitle, width) or [""]
    return "<br>".join(lines), len(lines)


def _layout(fig: go.Figure, title: str, subtitle: str, theme: Theme = NORMAL) -> go.Figure:
    size = theme.chart_font_px
    text, lines = _wrapped(subtitle)
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>{text}</sup>", x=0, xanchor="left",
                   font=dict(size=size + 4)),
        font={**FONT, "size": size},
        template="plotly_white",
        margin=dict(l=10, r=10, t=70 + 16 * lines, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0),
        # No drag mode: Streamlit then lets a click select a bar (with a select drag mode
        # only a box drawn with the toolbar's tool would); the toolbar still offers box select.
        clickmode="event+select",
        dragmode=False,
        height=440,
    )
    return _legible_axes(fig)


def in_column(fig: go.Figure) -> tuple[go.Figure, str]:
    """``fig`` laid out for a narrow column beside a briefing step's map on a shared screen:
    shorter, the legend under the plot (above it, a legend that wraps to several lines in
    a narrow column ran over the title), taller by a line per legend entry, and the
    subtitle returned as plain text to show under the chart."""
    title, _, subtitle = (fig.layout.title.text or "").partition("<br><sup>")
    entries = sum(1 for trace in fig.data if trace.name and trace.showlegend is not False)
    fig.update_layout(height=310 + 22 * entries, margin=dict(l=5, r=5, t=60, b=5),
                      legend=dict(orientation="h", yanchor="top", y=-0.3, x=0,
                                  xanchor="left", font=dict(size=13)),
                      title=dict(text=title, font=dict(size=17)))
    fig.update_xaxes(tickangle=-20, tickfont=dict(size=13))
    fig.update_yaxes(tickfont=dict(size=13))
    return fig, subtitle.removesuffix("</sup>").replace("<br>", " ")


def _empty(title: str, theme: Theme = NORMAL) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text="No projects in this view", showarrow=False, font=dict(size=16))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, "Change the filters to see figures", theme)


def country_sector_chart(data: pd.DataFrame, caption: str, theme: Theme = NORMAL) -> go.Figure:
    title = "Investment by country and sector (US$)"
    if data.empty:
        return _empty(title, theme)
    fig = go.Figure()
    for sector in [s for s in model.SECTORS if s in set(data["sector"])]:
        part = data[data["sector"] == sector]
        # Horizontal bars: country names read in full (upright ones were cut to "Kazakh...").
        fig.add_bar(
            y=part["country_name"], x=part["usd"], name=model.SECTORS[sector], orientation="h",
            marker_color=model.SECTOR_COLORS[sector],
            customdata=list(zip(part["country"], part["sector"], part["projects"], strict=True)),
            hovertemplate="%{y} · " + model.SECTORS[sector]
            + "<br>US$ %{x:,.0f}<br>%{customdata[2]} project(s)<extra></extra>",
        )
    fig.update_layout(barmode="stack", xaxis_title="US$", yaxis_title=None)
    fig = _layout(fig, title, caption, theme)
    # The sectors' legend beside the plot, not over it (a wide chart: the page gives it a row).
    fig.update_layout(legend=dict(orientation="v", yanchor="top", y=1, x=1.01, xanchor="left"),
                      yaxis=dict(categoryorder="category descending"))
    return fig


def top_investors_chart(data: pd.DataFrame, theme: Theme = NORMAL) -> go.Figure:
    title = "Top investors by value of the projects they take part in (US$)"
    if data.empty:
        return _empty(title, theme)
    data = data.iloc[::-1]
    colors = ["#BC002D" if c == model.JAPAN else "#5B7083" for c in data["country"]]
    # Plotly reads labels as a little HTML: investor names from the data are escaped.
    names = [safe.text(n) for n in data["name"]]
    fig = go.Figure(go.Bar(
        x=data["usd"], y=names, orientation="h", marker_color=colors,
        # customdata: [shown name, country, projects, the name as recorded (for filtering)]
        customdata=list(zip(names, data["country_name"], data["projects"], data["name"],
                            strict=True)),
        hovertemplate="%{customdata[0]} (%{customdata[1]})<br>US$ %{x:,.0f}"
                      "<br>%{customdata[2]} project(s)<extra></extra>",
    ))
    fig.update_layout(xaxis_title="US$", yaxis_title=None, height=max(440, 28 * len(data) + 120))
    return _layout(fig, title, "A project counts in full for each investor, so bars do not add "
                   "up to the total. Red: Japanese investors.", theme)


def by_year_chart(data: pd.DataFrame, caption: str, theme: Theme = NORMAL) -> go.Figure:
    title = "Investment by year signed (US$) and cumulative"
    if data.empty:
        return _empty(title, theme)
    fig = go.Figure()
    fig.add_bar(x=data["year"], y=data["usd"], name="In the year", marker_color="#0072B2",
                customdata=list(zip(data["year"], data["projects"], strict=True)),
                hovertemplate="%{x}: US$ %{y:,.0f}<br>%{customdata[1]} project(s)<extra></extra>")
    fig.add_scatter(x=data["year"], y=data["cumulative_usd"], name="Cumulative", yaxis="y2",
                    mode="lines+markers", line=dict(color="#D55E00", width=3),
                    hovertemplate="By %{x}: US$ %{y:,.0f}<extra></extra>")
    fig = _layout(fig, title, caption, theme)
    fig.update_layout(yaxis=dict(title="US$ in the year", rangemode="tozero"),
                      yaxis2=dict(title="Cumulative US$", overlaying="y", side="right",
                                  rangemode="tozero", showgrid=False),
                      xaxis=dict(title=None, dtick=5),
                      legend=dict(orientation="v", yanchor="top", y=0.98, x=0.02,
                                  xanchor="left", bgcolor="rgba(255,255,255,0.8)"))
    return _legible_axes(fig)  # again: the cumulative axis is new


def by_status_chart(data: pd.DataFrame, theme: Theme = NORMAL) -> go.Figure:
    title = "Projects by status (count)"
    if data.empty:
        return _empty(title, theme)
    fig = go.Figure(go.Bar(
        x=data["status_name"], y=data["projects"], marker_color="#009E73",
        customdata=list(zip(data["status"], strict=True)),
        hovertemplate="%{x}: %{y} project(s)<extra></extra>",
    ))
    fig.update_layout(yaxis_title="Projects", xaxis_title=None)
    return _layout(fig, title, "Counts of projects, not money", theme)


def japan_vs_others_chart(data: pd.DataFrame, caption: str, theme: Theme = NORMAL) -> go.Figure:
    title = "Japan beside other investors (US$)"
    if data.empty:
        return _empty(title, theme)
    fig = go.Figure()
    for group, color in (("With Japanese participation", "#BC002D"),
                         ("Other investors only", "#5B7083")):
        part = data[data["group"] == group]
        fig.add_bar(y=part["country_name"], x=part["usd"], name=group, marker_color=color,
                    orientation="h",
                    customdata=list(zip(part["country"], part["projects"], strict=True)),
                    hovertemplate="%{y}<br>US$ %{x:,.0f}<br>%{customdata[1]} project(s)"
                                  "<extra></extra>")
    fig.update_layout(barmode="group", xaxis_title="US$", yaxis_title=None)
    fig = _layout(fig, title, caption, theme)
    # The two-item legend in the plot's lower right corner, clear of the axis title.
    fig.update_layout(yaxis=dict(categoryorder="category descending"),
                      legend=dict(orientation="v", x=0.99, xanchor="right", y=0.02,
                                  yanchor="bottom", bgcolor="rgba(255,255,255,0.85)"))
    return fig




def exposure_chart(data: pd.DataFrame, column: str, by_label: str,
                   theme: Theme = NORMAL) -> go.Figure:
    """Exposed US$ by one dimension; ``column`` is 'usd' or 'weighted_usd' (never both)."""
    weighted = column == "weighted_usd"
    title = (f"Severity-weighted exposure by {by_label.lower()}" if weighted
             else f"US$ exposed by {by_label.lower()}")
    subtitle = ("Amount × weight of the most severe risk touching it: an index, not money"
                if weighted else "Each project counted once per group, at its recorded amount")
    if data.empty:
        return _empty(title, theme)
    data = data.iloc[::-1]
    fig = go.Figure(go.Bar(
        x=data[column], y=data["label"], orientation="h",
        marker_color="#B2182B" if weighted else "#2166AC",
        customdata=list(zip(data["projects"], strict=True)),
        hovertemplate="%{y}: %{x:,.0f}<br>%{customdata[0]} project(s)<extra></extra>",
    ))
    fig.update_layout(xaxis_title="US$ (weighted)" if weighted else "US$", yaxis_title=None,
                      height=max(300, 40 * len(data) + 140))
    return _layout(fig, title, subtitle, theme)


def summit_chart(target_usd: float | None, tracked_by_measure: dict[str, float],
                 theme: Theme = NORMAL) -> go.Figure:
    """The ¥3tn target (as the press converted it) beside the tracked summit projects'
    known amounts, stacked by what each amount measures."""
    title = "Tracked summit projects beside the ¥3 trillion target (US$)"
    fig = go.Figure()
    if target_usd:
        fig.add_bar(y=["Target (5 years)"], x=[target_usd], orientation="h", name="Target",
                    marker_color="#BDBDBD",
                    hovertemplate="Target as reported: US$ %{x:,.0f}<extra></extra>")
    for measure, usd in tracked_by_measure.items():
        fig.add_bar(y=["Tracked projects"], x=[usd], orientation="h",
                    name=model.AMOUNT_MEASURES.get(measure, measure),
                    hovertemplate=f"{model.AMOUNT_MEASURES.get(measure, measure)}: "
                                  "US$ %{x:,.0f}<extra></extra>")
    fig.update_layout(barmode="stack", height=260, xaxis_title="US$", yaxis_title=None)
    fig = _layout(fig, title, "Different kinds of figure: the gap is not progress", theme)
    # The legend under the axis: above the plot it ran into the subtitle.
    fig.update_layout(height=330, dragmode=False, clickmode="none",
                      legend=dict(orientation="h", yanchor="top", y=-0.45, x=0,
                                  xanchor="left"))
    return fig
