"""Data quality: what the dataset covers, what it lacks, and where its sources disagree."""

from __future__ import annotations

import pandas as pd

from . import geo, model


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
    for p in projects.itertuples():
        missing = []
        if p.amount_value is None or p.amount_value != p.amount_value:
            missing.append("amount")
        elif p.amount_usd != p.amount_usd:
            missing.append("USD value (no exchange rate or year)")
        if p.lat is None or p.lat != p.lat:
            missing.append("location")
        if not any(getattr(p, f"date_{k}") for k in ("announced", "signed", "start")):
            missing.append("dates")
        if len(p.sources) < 2:
            missing.append("a second source")
        if missing:
            rows.append({"id": p.id, "project": p.name, "country": p.country_name,
                         "missing": ", ".join(missing), "confidence": p.confidence})
    return pd.DataFrame(rows, columns=["id", "project", "country", "missing", "confidence"])


#: How data/README.md asks a note to flag disagreeing sources: it says which figure the
#: record "follows", or names the conflict.
CONFLICT_WORDS = ("conflict", "disagree", "differ", "follows", "follow the", "contradict")


def conflicts(projects: pd.DataFrame) -> pd.DataFrame:
    """Records whose note says that sources disagree, with the note itself."""
    notes = projects[projects["note"].notna()]
    mask = notes["note"].str.casefold().map(lambda n: any(w in n for w in CONFLICT_WORDS))
    chosen = notes[mask.astype(bool)]  # an empty mask is object-typed: pandas would read
    # it as a list of column names
    return pd.DataFrame({"id": chosen["id"], "project": chosen["name"],
                         "confidence": chosen["confidence"], "note": chosen["note"]}
                        ).reset_index(drop=True)


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
    for p in projects.itertuples():
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
