"""Aggregations behind the charts and headline figures.

Amounts in the dataset measure different things (a loan, a grant, a total project cost,
an investor's share, a pledge). Every function here can be limited to chosen measures,
and :func:`measure_mix` says what a total is made of, so no chart adds unlike figures
without saying so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from . import memo, model


@dataclass(frozen=True)
class Headline:
    projects: int
    with_amount: int
    total_usd: float
    countries: int
    sectors: int
    japanese: int


def with_measures(projects: pd.DataFrame, measures: Iterable[str] | None) -> pd.DataFrame:
    """Projects whose amount measures one of ``measures`` (all projects when None)."""
    if measures is None:
        return projects
    return projects[projects["amount_measure"].isin(list(measures))]


def headline(projects: pd.DataFrame) -> Headline:
    usd = projects["amount_usd"]
    return Headline(
        projects=len(projects),
        with_amount=int(usd.notna().sum()),
        total_usd=float(usd.sum(skipna=True)),
        countries=projects["country"].nunique(),
        sectors=projects["sector"].nunique(),
        japanese=int(projects["japanese"].sum()) if len(projects) else 0,
    )


def measure_mix(projects: pd.DataFrame) -> pd.DataFrame:
    """How many projects and dollars each kind of figure contributes to a total."""
    usd = projects["amount_usd"]  # two columns, not a copy of every one
    known = usd.notna()
    mix = (usd[known].groupby(projects["amount_measure"][known], observed=True)
           .agg(projects="count", usd="sum").reset_index())
    mix["label"] = mix["amount_measure"].map(model.AMOUNT_MEASURES)
    return mix.sort_values("usd", ascending=False, ignore_index=True)


def measure_caption(projects: pd.DataFrame) -> str:
    """One sentence naming what a dollar total adds up (once per view's frame: the map
    page's headline asks on every rerun)."""
    return memo.per_view(projects, "measure caption", lambda: _measure_caption(projects))


def _measure_caption(projects: pd.DataFrame) -> str:
    mix = measure_mix(projects)
    unknown = int(projects["amount_usd"].isna().sum())
    if mix.empty:
        return "No project in this view has an amount in US dollars."
    parts = [f"{row.label.lower()} ({row.projects})" for row in mix.itertuples()]
    kinds = "a mix of figures: " if len(parts) > 1 else "only "
    tail = f" {unknown} project(s) without a known amount are left out." if unknown else ""
    return f"Sums {kinds}{', '.join(parts)}.{tail}"


def measure_subtitle(projects: pd.DataFrame) -> str:
    """A chart subtitle naming what the bars add up, e.g. 'Adds loans (19) + grants (13)'."""
    mix = measure_mix(projects)
    if mix.empty:
        return "No amounts in this view"
    parts = [f"{model.AMOUNT_MEASURES_SHORT[m]} ({n})"
             for m, n in zip(mix["amount_measure"], mix["projects"], strict=True)]
    prefix = "Adds unlike figures: " if len(parts) > 1 else "Adds "
    return prefix + " + ".join(parts)


def by_country_sector(projects: pd.DataFrame) -> pd.DataFrame:
    """USD and project counts per country and sector (projects without amount count 0 USD)."""
    frame = projects.assign(usd=projects["amount_usd"].fillna(0.0))
    out = (frame.groupby(["country", "sector"], observed=True)
           .agg(usd=("usd", "sum"), projects=("id", "count")).reset_index())
    out["country_name"] = out["country"].map(model.country_name)
    out["sector_name"] = out["sector"].map(model.SECTORS)
    return out.sort_values(["country", "sector"], ignore_index=True)


def top_investors(projects: pd.DataFrame, investors: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """Investors ranked by the value of the projects they take part in.

    A project counts in full for each of its investors, so the rows do not add up to the
    total: the chart says so.
    """
    known = projects[["id", "amount_usd"]].rename(columns={"id": "project_id"})
    joined = investors.merge(known, on="project_id", how="inner")
    joined = joined.drop_duplicates(["project_id", "name"])
    out = (joined.groupby(["name", "country"], observed=True)
           .agg(usd=("amount_usd", lambda s: float(s.sum(skipna=True))),
                projects=("project_id", "nunique")).reset_index())
    out["country_name"] = out["country"].map(model.country_name)
    return out.sort_values(["usd", "projects", "name"], ascending=[False, False, True],
                           ignore_index=True).head(n)


def by_year(projects: pd.DataFrame) -> pd.DataFrame:
    """USD and project count per year (signed, else announced), with running totals."""
    dated = projects[projects["year"].notna()]
    out = (dated.assign(usd=dated["amount_usd"].fillna(0.0), year=dated["year"].astype(int))
           .groupby("year").agg(usd=("usd", "sum"), projects=("id", "count")).reset_index()
           .sort_values("year", ignore_index=True))
    out["cumulative_usd"] = out["usd"].cumsum()
    out["cumulative_projects"] = out["projects"].cumsum()
    return out


def by_status(projects: pd.DataFrame) -> pd.DataFrame:
    counts = projects.groupby("status", observed=True)["id"].count()
    order = [s for s in model.PROJECT_STATUSES if s in counts.index]
    return pd.DataFrame({
        "status": order,
        "status_name": [model.PROJECT_STATUSES[s] for s in order],
        "projects": [int(counts[s]) for s in order],
    })


def japan_vs_others(projects: pd.DataFrame) -> pd.DataFrame:
    """Per country: USD and count of projects with Japanese participation, and of the rest."""
    frame = projects.assign(
        usd=projects["amount_usd"].fillna(0.0),
        group=projects["japanese"].map({True: "With Japanese participation",
                                        False: "Other investors only"}),
    )
    out = (frame.groupby(["country", "group"], observed=True)
           .agg(usd=("usd", "sum"), projects=("id", "count")).reset_index())
    out["country_name"] = out["country"].map(model.country_name)
    return out.sort_values(["country", "group"], ignore_index=True)
