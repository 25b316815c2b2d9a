"""The two tables beside the records: exchange rates (fx_rates.csv) and transit speeds
(transit.yaml), checked row by row and mode by mode; every number finite and in range."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from . import model
from .model import Problem, quote
from .validation import currency_problem, keys_text, number_problem, url_problem

FX_FILE = "fx_rates.csv"
TRANSIT_FILE = "transit.yaml"
FX_COLUMNS = ["currency", "year", "usd_per_unit", "source"]
#: An optional fifth column labels a rate, e.g. "average of January to June".
FX_NOTE = "note"
#: US dollars one unit of a currency may be worth: the dearest currency (the Kuwaiti
#: dinar) is about 3.3, so anything above 100 is a typo (a rate written the other way up).
USD_PER_UNIT_MAX = 100.0
#: Years an exchange rate or an amount may be for.
YEARS = (1950, 2100)
#: The fastest moving speed a corridor mode may have: faster than any freight train, lorry
#: or ship; the shipped speeds are about 42 km/h.
SPEED_MAX_KMH = 300.0
#: The longest average border delay accepted: 30 days.
DELAY_MAX_H = 720.0
#: The farthest apart two nodes may be and still be joined into one place.
JOIN_KM_MAX = 100.0

_YEAR = re.compile(r"^\d{4}$")


def fx(rows: list[tuple[int, list[str]]], problems: list[Problem]) -> pd.DataFrame:
    """The rates of ``fx_rates.csv`` (rows as :func:`ca_atlas.files.read_csv` gives them):
    columns currency, year, usd_per_unit, source, note (None when not given)."""
    columns = [*FX_COLUMNS, FX_NOTE]
    if not rows:
        return pd.DataFrame(columns=columns)
    line, header = rows[0]
    header = [h.strip() for h in header]
    if header not in (FX_COLUMNS, [*FX_COLUMNS, FX_NOTE]):
        problems.append(Problem(FX_FILE, line, None, None,
                                f"header must be {','.join(FX_COLUMNS)} (optionally ,{FX_NOTE}), "
                                f"got {quote(','.join(header), 80)}"))
        return pd.DataFrame(columns=columns)
    out: list[dict] = []
    seen: set[tuple[str, int]] = set()
    for line, fields in rows[1:]:
        def bad(field: str | None, message: str, line: int = line) -> None:
            problems.append(Problem(FX_FILE, line, None, field, message))

        if len(fields) != len(header):
            bad(None, f"has {len(fields)} fields; the header has {len(header)}")
            continue
        row = dict(zip(header, (f.strip() for f in fields), strict=True))
        cur = row["currency"]
        problem = currency_problem(cur)
        if problem is None and cur == "USD":
            problem = "USD is the unit of the table and takes no rate"
        if problem:
            bad("currency", problem)
            continue
        if not _YEAR.match(row["year"]) or not YEARS[0] <= int(row["year"]) <= YEARS[1]:
            bad("year", f"expected a year from {YEARS[0]} to {YEARS[1]}, got {quote(row['year'])}")
            continue
        year = int(row["year"])
        try:
            rate = float(row["usd_per_unit"])
        except ValueError:
            rate = None
        problem = (f"expected a number, got {quote(row['usd_per_unit'])}" if rate is None
                   else number_problem(rate, 0, USD_PER_UNIT_MAX))
        if problem is None and rate == 0:
            problem = "a rate must be more than zero"
        if problem:
            bad("usd_per_unit", f"{problem} (US dollars per unit, more than 0 and at most "
                                f"{USD_PER_UNIT_MAX:g})")
            continue
        bad_url = url_problem(row["source"])
        if bad_url:
            bad("source", bad_url)
        note = row.get(FX_NOTE) or None
        if note is not None and len(note) > 300:
            bad(FX_NOTE, f"is {len(note):,} characters long; a note has at most 300")
        if (cur, year) in seen:
            bad("year", f"{cur} {year} is listed twice")
        seen.add((cur, year))
        out.append({"currency": cur, "year": year, "usd_per_unit": rate,
                    "source": row["source"], FX_NOTE: note})
    frame = pd.DataFrame(out, columns=columns)
    # pandas would store a missing note as NaN (which is truthy): keep None
    frame[FX_NOTE] = frame[FX_NOTE].astype(object).where(frame[FX_NOTE].notna(), None)
    return frame


_MODE_KEYS = {"speed_kmh", "border_delay_h", "source"}
_TRANSIT_KEYS = {"modes", "join_km"}


def transit(content: Mapping[str, Any], problems: list[Problem]) -> dict:
    """Per-mode speeds and border delays: ``{"modes": {mode: {...}}, "join_km": float}``."""
    def bad(field: str | None, message: str) -> None:
        problems.append(Problem(TRANSIT_FILE, None, None, field, message))

    extra = set(content) - _TRANSIT_KEYS
    if extra:
        bad(None, f"has unknown keys {keys_text(extra)}; it has modes and join_km")
    modes_out: dict[str, dict] = {}
    modes = content.get("modes")
    if not isinstance(modes, Mapping):
        bad("modes", f"is required: a mapping of modes, got {quote(modes)}")
        modes = {}
    for mode, spec in modes.items():
        field_name = f"modes.{quote(mode, 40, bare=True)}"
        if not isinstance(mode, str) or mode not in model.SEGMENT_MODES:
            bad(field_name, f"{quote(mode)} is not one of: {', '.join(model.SEGMENT_MODES)}")
            continue
        if not isinstance(spec, Mapping):
            bad(field_name, f"expected {{speed_kmh, border_delay_h, source}}, got {quote(spec)}")
            continue
        unknown = set(spec) - _MODE_KEYS
        if unknown:
            bad(field_name, f"unknown keys {keys_text(unknown)}")
        checked: dict[str, Any] = {}
        for key, high in (("speed_kmh", SPEED_MAX_KMH), ("border_delay_h", DELAY_MAX_H)):
            value = spec.get(key)
            problem = None if value is None else number_problem(value, 0, high)
            if problem is None and key == "speed_kmh" and value == 0:
                problem = "a speed must be more than zero"
            if problem:
                bad(f"{field_name}.{key}", f"{problem} (a number from 0 to {high:g}, or null)")
                value = None
            checked[key] = None if value is None else float(value)
        source = spec.get("source")
        if source is not None and not isinstance(source, Mapping):
            bad(f"{field_name}.source", f"expected {{url, publisher, date}}, got {quote(source)}")
            source = None
        if checked["speed_kmh"] is not None and source is None:
            bad(f"{field_name}.source", "a speed needs its source {url, publisher, date}")
        elif source is not None:
            problem = url_problem(source.get("url"))
            if problem:
                bad(f"{field_name}.source.url", problem)
            publisher = source.get("publisher")
            if publisher is not None and not isinstance(publisher, str):
                bad(f"{field_name}.source.publisher", f"expected text, got {quote(publisher)}")
        checked["source"] = dict(source) if source is not None else None
        modes_out[mode] = checked
    join_km = content.get("join_km", 0)
    problem = number_problem(join_km, 0, JOIN_KM_MAX)
    if problem:
        bad("join_km", f"{problem} (a distance in km from 0 to {JOIN_KM_MAX:g})")
        join_km = 0
    return {"modes": modes_out, "join_km": float(join_km)}
