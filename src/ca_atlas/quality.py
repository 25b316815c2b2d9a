"""Data quality: what the dataset covers, what it lacks, and where its sources disagree."""

from __future__ import annotations

import functools
from urllib.parse import urlparse

import pandas as pd

from . import geo, memo, model, source_kinds


def counts(projects: pd.DataFrame, column: str, labels: dict[str, str] | None = None
           ) -> pd.DataFrame:
    """Projects per value of ``column`` (every vocabulary value listed, zeros included)."""
    found = projects[column].value_counts()
    keys = list(labels) if labels else sorted(found.index)
    return pd.DataFrame({
        column: keys,
        "label": [(labels or {}).get(k, k) for k in keys],
        "projects": [int(found.get(k, 0)) for k in keys],
    })


def coverage(projects: pd.DataFrame) -> pd.DataFrame:
    """Per country: projects, Japanese share, known amounts, mapped locations."""
    rows = []
    for code, name in model.FOCUS_COUNTRIES.items():
        part = projects[projects["country"] == code]
        rows.append({
            "country": name,
            "projects": len(part),
            "with Japanese participation": int(part["japanese"].sum()),
            "with a USD amount": int(part["amount_usd"].notna().sum()),
            "mapped": int(part["lat"].notna().sum()),
            "high confidence": int((part["confidence"] == "high").sum()),
        })
    return pd.DataFrame(rows)


def gaps(projects: pd.DataFrame) -> pd.DataFrame:
    """Records missing something an analyst would want: amount, USD value, location, dates."""
    rows = []
    columns = ["id", "name", "country_name", "confidence", "amount_value", "amount_usd", "lat",
               "date_announced", "date_signed", "date_start"]
    counts = source_counts(projects)[0]
    for p, independent in zip(projects[columns].itertuples(), counts, strict=True):
        missing = []  # (the columns read, not every one)
        if p.amount_value is None or p.amount_value != p.amount_value:
            missing.append("amount")
        elif p.amount_usd != p.amount_usd:
            missing.append("USD value (no exchange rate or year)")
        if p.lat is None or p.lat != p.lat:
            missing.append("location")
        if not any(getattr(p, f"date_{k}") for k in ("announced", "signed", "start")):
            missing.append("dates")
        if independent < 2:
            missing.append("a second source")
        if missing:
            rows.append({"id": p.id, "project": p.name, "country": p.country_name,
                         "missing": ", ".join(missing), "confidence": p.confidence})
    return pd.DataFrame(rows, columns=["id", "project", "country", "missing", "confidence"])


def _figure_text(value, currency, measure, year) -> str:
    """'JPY 22,953m (loan, 2025)': a figure as its source gives it, for a table cell."""
    if value is None or value != value:
        return ""
    scale = ((1e9, "bn"), (1e6, "m"))
    shown = next((f"{value / s:,.6g}{unit}" for s, unit in scale if value >= s), f"{value:,.0f}")
    what = model.AMOUNT_MEASURES_SHORT.get(measure or "", measure or "").rstrip("s")
    when = "" if year is None or year != year else f", {int(year)}"
    return f"{currency} {shown} ({what}{when})"


def conflicts(projects: pd.DataFrame) -> pd.DataFrame:
    """Records whose sources give other figures than the one they follow: one row per
    entry of ``other_figures``, beside the record's own amount. ``same measure`` is True
    where the two figures measure the same thing (two sources disagreeing on a loan, a
    cost...) and False where they measure different things (a total cost and one
    investor's share)."""
    columns = ["id", "project", "recorded", "other figure", "same measure", "source", "note",
               "confidence"]
    if "other_figures" not in projects.columns:
        return pd.DataFrame(columns=columns)
    rows = []
    having = projects[[isinstance(f, list) and bool(f) for f in projects["other_figures"]]]
    for p in having.itertuples():  # the few records that have any
        for f in p.other_figures:
            rows.append({
                "id": p.id, "project": p.name,
                "recorded": _figure_text(p.amount_value, p.amount_currency, p.amount_measure,
                                         p.amount_year) or "unknown",
                "other figure": _figure_text(f["value"], f["currency"], f["measure"],
                                             f.get("year")),
                "same measure": f["measure"] == p.amount_measure,
                "source": f["source"], "note": f.get("note") or "",
                "confidence": p.confidence,
            })
    return pd.DataFrame(rows, columns=columns)


# -- source strength ---------------------------------------------------------------------

#: Second-level labels under a country code that are not the owner's name
#: (``jica.go.jp``, ``gov.uz``, ``co.uk``): the registrable domain takes one label more.
_SECOND_LEVEL = {"go", "gov", "co", "com", "org", "or", "ne", "net", "ac", "edu", "zan"}


@functools.lru_cache(maxsize=65_536)
def _host(url: str) -> str:
    return (urlparse(url).hostname or "").rstrip(".").casefold()


@functools.lru_cache(maxsize=65_536)
def source_domain(url: str) -> str:
    """The registrable domain of a source's URL, which stands for its publisher:
    'https://www.jica.go.jp/english/...' -> 'jica.go.jp', 'https://en.trend.az/x' ->
    'trend.az'. (Worked out once per URL: the Data quality page asks for every source of
    every project several times.)"""
    labels = _host(url).split(".")
    keep = 3 if (len(labels) >= 3 and len(labels[-1]) == 2
                 and labels[-2] in _SECOND_LEVEL) else 2
    return ".".join(labels[-keep:])


@functools.lru_cache(maxsize=65_536)
def _site_is_primary(url: str) -> bool:
    host, domain = _host(url), source_domain(url)
    return (domain in source_kinds.PRIMARY_DOMAINS or host in source_kinds.PRIMARY_DOMAINS
            or any(host.endswith(s) for s in source_kinds.PRIMARY_SUFFIXES))


def source_kind(source: dict) -> str:
    """'primary', 'secondary' or 'repost': the source's own ``kind`` where the record
    gives one, else primary when its site is a lender's, multilateral bank's,
    government's or company's (:data:`source_kinds.PRIMARY_DOMAINS`,
    :data:`source_kinds.PRIMARY_SUFFIXES`), else secondary."""
    if source.get("kind"):
        return source["kind"]
    return "primary" if _site_is_primary(source.get("url") or "") else "secondary"


def independent_sources(sources: list[dict] | None) -> int:
    """How many independent publishers a record's sources come from: reposts left out
    (a record with reposts only counts one), and sources on one domain, or naming one
    publisher, counted once."""
    kept = [s for s in sources or [] if source_kind(s) != "repost"]
    domains = {source_domain(s["url"]) for s in kept}
    publishers = {(s.get("publisher") or source_domain(s["url"])).casefold().strip()
                  for s in kept}
    # reposts only: they stand for one text, whose publisher is not named apart
    return min(len(domains), len(publishers)) or (1 if sources else 0)


def has_primary(sources: list[dict] | None) -> bool:
    """Whether at least one source is primary (see :func:`source_kind`)."""
    return any(source_kind(s) == "primary" for s in sources or [])


def source_counts(projects: pd.DataFrame) -> tuple[list[int], list[bool]]:
    """Per project, in order: its independent sources and whether one is primary. Worked
    out once per frame (:mod:`ca_atlas.memo`; the loaded dataset's is shared and
    read-only): the shares, the weak records and the gaps all read them."""
    def count() -> tuple[list[int], list[bool]]:
        sources = projects["sources"].tolist()
        return [independent_sources(s) for s in sources], [has_primary(s) for s in sources]

    return memo.per_object(projects, "quality.source_counts", count)


def source_strength(projects: pd.DataFrame) -> dict[str, float]:
    """The shares of projects with at least two independent sources (``two_sources``) and
    with at least one primary source (``primary``); 1.0 each for no projects."""
    if not len(projects):
        return {"two_sources": 1.0, "primary": 1.0}
    independent, primary = source_counts(projects)
    return {"two_sources": sum(n >= 2 for n in independent) / len(independent),
            "primary": sum(primary) / len(primary)}


def weak_sources(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects with fewer than two independent sources or no primary source."""
    rows = []
    counts = zip(*source_counts(projects), strict=True)
    for p, (independent, primary) in zip(projects[["id", "name", "confidence"]].itertuples(),
                                         counts, strict=True):
        if independent < 2 or not primary:
            rows.append({"id": p.id, "project": p.name, "independent sources": independent,
                         "primary source": primary, "confidence": p.confidence})
    return pd.DataFrame(rows, columns=["id", "project", "independent sources",
                                       "primary source", "confidence"])


def verification_ages(projects: pd.DataFrame, today: str) -> pd.DataFrame:
    """How many records were last verified in each month, newest first."""
    months = projects["last_verified"].str[:7]
    out = months.value_counts().sort_index(ascending=False).rename_axis("month")
    frame = out.reset_index(name="projects")
    frame["as of"] = today
    return frame


#: A status whose source is older than this many years is flagged as unconfirmed.
STATUS_STALE_YEARS = 2


def _period_end(as_of: str) -> str:
    """The last day a partial date can mean: '2019' -> '2019-12-31', '2019-06' -> '2019-06-31'
    (compared as text, which is all a cut-off needs)."""
    return as_of + "-12-31"[len(as_of) - 4:] if len(as_of) < 10 else as_of  # YYYY(-MM)


def status_flag(as_of: str | None, today: str) -> str | None:
    """'status not dated', 'status unconfirmed since YEAR' when the source that states the
    status is more than :data:`STATUS_STALE_YEARS` years old, else None."""
    if geo.missing(as_of) or not as_of:
        return "status not dated"
    cutoff = f"{int(today[:4]) - STATUS_STALE_YEARS}{today[4:]}"
    if _period_end(as_of) < cutoff:
        return f"status unconfirmed since {as_of[:4]}"
    return None


def status_dating(projects: pd.DataFrame, today: str) -> pd.DataFrame:
    """Projects whose status is not dated or not confirmed for two years, oldest first."""
    rows = []
    for p in projects[["id", "name", "status", "status_as_of"]].itertuples():
        flag = status_flag(p.status_as_of, today)
        if flag:
            as_of = "" if geo.missing(p.status_as_of) else p.status_as_of
            rows.append({"id": p.id, "flag": flag, "as of": as_of,
                         "status": model.PROJECT_STATUSES[p.status], "project": p.name})
    frame = pd.DataFrame(rows, columns=["id", "flag", "as of", "status", "project"])
    return frame.sort_values(["as of", "id"], kind="stable").reset_index(drop=True)


def dated_share(projects: pd.DataFrame) -> float:
    """The share of projects whose status carries the date a source gives it."""
    if not len(projects):
        return 1.0
    return float(projects["status_as_of"].notna().mean())


def usd_coverage(projects: pd.DataFrame) -> tuple[int, int]:
    """(projects with a reported amount, of them those with a value in US dollars): every
    reported figure converts once the rates table has its currency and year."""
    reported = projects["amount_value"].notna()
    return int(reported.sum()), int((reported & projects["amount_usd"].notna()).sum())
