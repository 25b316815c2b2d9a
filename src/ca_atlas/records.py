"""One dataset record of each kind, checked field by field into a plain dict.

Each parser takes a :class:`~ca_atlas.validation.RecordChecker` for one YAML mapping,
reports every problem through it (file, record and field) and returns what it could read;
:mod:`ca_atlas.catalog` keeps a record only when it raised no error.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import model
from .model import quote
from .validation import RecordChecker, dates_in_order, keys_text, number_problem, url_problem

#: The largest amount accepted, in units of its own currency: a US$10bn project in Uzbek
#: som is about 1.2e14, so 1e15 leaves room for every real figure and refuses typos and
#: overflow (1e308).
AMOUNT_MAX = 1e15

PROJECT_FIELDS = (
    "id name country place lat lon location_precision route sector description investors "
    "financing_type amount other_figures dates status status_as_of status_source "
    "status_history flags corridors sources confidence note last_verified"
).split()
CORRIDOR_FIELDS = (
    "id name kind status description nodes sources confidence note last_verified"
).split()
RISK_FIELDS = (
    "id title category severity severity_rationale status date_start date_end lat lon "
    "radius_km location_precision countries corridors projects description claim sources "
    "last_verified"
).split()
CLAIM_FIELDS = "id claim status finding sources related".split()


def project(c: RecordChecker) -> dict:
    c.unknown_fields(PROJECT_FIELDS)
    lat, lon = c.coordinates()
    precision = c.choice("location_precision", model.LOCATION_PRECISIONS)
    if lat is None and precision in ("site", "city", "region"):
        c.error("location_precision",
                f"is {quote(precision)} but lat/lon are empty; use 'country' or 'unknown'")
    if lat is not None and precision in ("country", "unknown"):
        c.error("location_precision", f"is {quote(precision)} but lat/lon are given")
    route = _route(c)
    dates = _dates(c)
    amount = _amount(c, dates)
    investors = _investors(c)
    return {
        "id": c.identifier(),
        "name": c.text("name"),
        "country": c.country("country", focus_only=True),
        "place": c.text("place", required=False),
        "lat": lat,
        "lon": lon,
        "location_precision": precision,
        "route": route,
        "sector": c.choice("sector", model.SECTORS),
        "description": c.text("description"),
        "investors": investors,
        "financing_type": c.choice("financing_type", model.FINANCING_TYPES),
        "amount": amount,
        "other_figures": _other_figures(c),
        "dates": dates,
        "status": c.choice("status", model.PROJECT_STATUSES),
        **_status_dating(c),
        "flags": c.choices("flags", model.PROJECT_FLAGS),
        "corridors": c.id_list("corridors"),
        "sources": c.sources(),
        "confidence": c.choice("confidence", model.CONFIDENCE),
        "note": c.text("note", required=False),
        "last_verified": c.date("last_verified", required=True),
    }


def _status_dating(c: RecordChecker) -> dict:
    """Since when the status is known, the source that states it, and the stages sources
    show (``status_history``, oldest first). A date needs its source and a source its
    date; the history may be left out."""
    as_of = c.date("status_as_of")
    raw = c.record.get("status_source")
    source = None
    if raw is not None:
        if not isinstance(raw, Mapping):
            c.error("status_source", f"expected {{url, publisher, date}}, got {quote(raw)}")
        else:
            found = c.sources("status_source", required=False, where={"status_source": [raw]})
            source = found[0] if found else None
    if as_of is not None and raw is None:
        c.error("status_source", "is required with status_as_of: the source that states "
                                 "the status {url, publisher, date}")
    if raw is not None and as_of is None and c.record.get("status_as_of") is None:
        c.error("status_as_of", "is required with status_source: the date the source gives "
                                "the status, like 2025-12-20, 2025-12 or 2025")
    history = []
    stages = c.record.get("status_history")
    if stages is not None and not isinstance(stages, list):
        c.error("status_history", f"expected a list of {{status, as_of, url}}, got {quote(stages)}")
        stages = []
    for i, stage in enumerate(stages or []):
        where = f"status_history[{i}]"
        if not isinstance(stage, Mapping) or set(stage) - {"status", "as_of", "url"}:
            c.error(where, f"expected {{status, as_of, url}}, got {quote(stage)}")
            continue
        status = c.choice("status", model.PROJECT_STATUSES, where=stage, label=f"{where}.status")
        when = c.date("as_of", required=True, where=stage, label=f"{where}.as_of")
        problem = url_problem(stage.get("url"))
        if problem:
            c.error(f"{where}.url", problem)
            continue
        if history and when and history[-1]["as_of"] and when < history[-1]["as_of"]:
            c.error(f"{where}.as_of", f"{when} comes before the stage above it "
                                      f"({history[-1]['as_of']}): list stages oldest first")
        history.append({"status": status, "as_of": when, "url": stage["url"].strip()})
    return {"status_as_of": as_of, "status_source": source, "status_history": history}


def _route(c: RecordChecker) -> list[tuple[float, float]] | None:
    value = c.record.get("route")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) < 2:
        c.error("route", "expected a list of at least two [lon, lat] points")
        return None
    points = []
    for i, pt in enumerate(value):
        ok = (isinstance(pt, list) and len(pt) == 2
              and number_problem(pt[0], -180, 180) is None
              and number_problem(pt[1], -90, 90) is None)
        if not ok:
            c.error(f"route[{i}]", f"expected [lon, lat] in degrees, got {quote(pt)}")
            return None
        points.append((float(pt[0]), float(pt[1])))
    return points


def _dates(c: RecordChecker) -> dict[str, str | None]:
    value = c.record.get("dates")
    if not isinstance(value, Mapping):
        c.error("dates", "is required: {announced, signed, start, completion}")
        return {k: None for k in ("announced", "signed", "start", "completion")}
    extra = set(value) - {"announced", "signed", "start", "completion"}
    if extra:
        c.error("dates", f"unknown keys {keys_text(extra)}")
    dates = {k: c.date(k, where=value, label=f"dates.{k}")
             for k in ("announced", "signed", "start", "completion")}
    for a, b in (("announced", "signed"), ("signed", "completion"), ("start", "completion"),
                 ("announced", "completion")):
        if dates[a] and dates[b] and not dates_in_order(dates[a], dates[b]):
            c.error(f"dates.{b}", f"{dates[b]} is before dates.{a} {dates[a]}")
    return dates


def _amount(c: RecordChecker, dates: dict[str, str | None]) -> dict | None:
    value = c.record.get("amount")
    if value is None:
        return None
    if not isinstance(value, Mapping):
        c.error("amount", "expected {value, currency, measure, year} or null")
        return None
    extra = set(value) - {"value", "currency", "measure", "year"}
    if extra:
        c.error("amount", f"unknown keys {keys_text(extra)}")
    number = c.number("value", required=True, low=0, high=AMOUNT_MAX, where=value,
                      label="amount.value")
    currency = c.currency("currency", where=value, label="amount.currency")
    measure = c.choice("measure", model.AMOUNT_MEASURES, where=value, label="amount.measure")
    year = value.get("year")
    if year is None:
        basis = dates.get("signed") or dates.get("announced")
        year = int(basis[:4]) if basis else None
    elif isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= 2100:
        c.error("amount.year", f"expected a year like 2025, got {quote(year)}")
        year = None
    if year is None:
        c.warn("amount.year", "no year to convert the amount at; USD value unknown")
    return {"value": number, "currency": currency, "measure": measure, "year": year}


#: The keys of one entry of ``other_figures``.
OTHER_FIGURE_KEYS = ("value", "currency", "measure", "year", "source", "note")


def _other_figures(c: RecordChecker) -> list[dict]:
    """Figures other sources give for the project beside ``amount``: each
    ``{value, currency, measure, year, source, note}`` with the URL of the source that
    states it. ``year`` and ``note`` may be left out; the rest is checked like ``amount``."""
    value = c.record.get("other_figures")
    if value is None:
        return []
    if not isinstance(value, list):
        c.error("other_figures", f"expected a list of {{{', '.join(OTHER_FIGURE_KEYS)}}}, "
                                 f"got {quote(value)}")
        return []
    out = []
    for i, item in enumerate(value):
        where = f"other_figures[{i}]"
        if not isinstance(item, Mapping):
            c.error(where, f"expected {{{', '.join(OTHER_FIGURE_KEYS)}}}, got {quote(item)}")
            continue
        extra = set(item) - set(OTHER_FIGURE_KEYS)
        if extra:
            c.error(where, f"unknown keys {keys_text(extra)}; an other figure has "
                           f"{', '.join(OTHER_FIGURE_KEYS)}")
        before = len(c.problems)
        number = c.number("value", required=True, low=0, high=AMOUNT_MAX, where=item,
                          label=f"{where}.value")
        currency = c.currency("currency", where=item, label=f"{where}.currency")
        measure = c.choice("measure", model.AMOUNT_MEASURES, where=item, label=f"{where}.measure")
        year = item.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)
                                 or not 1950 <= year <= 2100):
            c.error(f"{where}.year", f"expected a year like 2025, got {quote(year)}")
        problem = url_problem(item.get("source"))
        if problem:
            c.error(f"{where}.source", f"{problem}: the source that gives this figure")
        note = c.text("note", required=False, where=item, label=f"{where}.note")
        if len(c.problems) == before:
            out.append({"value": number, "currency": currency, "measure": measure,
                        "year": year, "source": item["source"].strip(), "note": note})
    return out


def _investors(c: RecordChecker) -> list[dict]:
    value = c.record.get("investors")
    if not isinstance(value, list) or not value:
        c.error("investors", "needs at least one {name, country, role}")
        return []
    out = []
    for i, item in enumerate(value):
        where = f"investors[{i}]"
        if not isinstance(item, Mapping):
            c.error(where, f"expected {{name, country, role}}, got {quote(item)}")
            continue
        extra = set(item) - {"name", "country", "role"}
        if extra:
            # A comma inside an unquoted flow mapping splits the name into a second key.
            c.error(where, f"unknown keys {keys_text(extra)}; an investor has name, country, "
                           "role (quote a name that holds a comma)")
        name = c.text("name", where=item, label=f"{where}.name")
        country = c.country("country", where=item, label=f"{where}.country")
        role = c.choice("role", model.INVESTOR_ROLES, where=item, label=f"{where}.role")
        out.append({"name": name, "country": country, "role": role})
    return out


def corridor(c: RecordChecker) -> dict:
    c.unknown_fields(CORRIDOR_FIELDS)
    kind = c.choice("kind", model.CORRIDOR_KINDS)
    nodes_raw = c.record.get("nodes")
    nodes: list[dict] = []
    if not isinstance(nodes_raw, list) or len(nodes_raw) < 2:
        c.error("nodes", "needs at least two nodes in order along the route")
    else:
        for i, node in enumerate(nodes_raw):
            where = f"nodes[{i}]"
            if not isinstance(node, Mapping):
                c.error(where, f"expected {{name, lat, lon, kind, country, precision}}, got {quote(node)}")
                continue
            nodes.append({
                "name": c.text("name", where=node, label=f"{where}.name") or "",
                "lat": c.number("lat", required=True, low=-90, high=90, where=node,
                                label=f"{where}.lat"),
                "lon": c.number("lon", required=True, low=-180, high=180, where=node,
                                label=f"{where}.lon"),
                "kind": c.choice("kind", model.NODE_KINDS, where=node, label=f"{where}.kind"),
                "country": c.country("country", where=node, label=f"{where}.country"),
                "precision": c.choice("precision", model.LOCATION_PRECISIONS, where=node,
                                      label=f"{where}.precision"),
                "mode_to_next": c.choice("mode_to_next", model.SEGMENT_MODES, required=False,
                                         where=node, label=f"{where}.mode_to_next") or kind,
            })
    return {
        "id": c.identifier(),
        "name": c.text("name"),
        "kind": kind,
        "status": c.choice("status", model.CORRIDOR_STATUSES),
        "description": c.text("description"),
        "nodes": nodes,
        "sources": c.sources(),
        "confidence": c.choice("confidence", model.CONFIDENCE),
        "note": c.text("note", required=False),
        "last_verified": c.date("last_verified", required=True),
    }


def risk(c: RecordChecker) -> dict:
    c.unknown_fields(RISK_FIELDS)
    lat, lon = c.coordinates(required=True)
    start = c.date("date_start", required=True)
    end = c.date("date_end")
    if start and end and not dates_in_order(start, end):
        c.error("date_end", f"{end} is before date_start {start}")
    countries = c.record.get("countries")
    if not isinstance(countries, list) or not countries:
        c.error("countries", "needs at least one alpha-3 country code")
        countries = []
    else:
        countries = [c.country(str(i), where={str(i): code}, label=f"countries[{i}]")
                     for i, code in enumerate(countries)]
    claim = c.record.get("claim")
    parsed_claim = None
    if not isinstance(claim, Mapping):
        c.error("claim", "is required: {text, status, sources_for, sources_against}")
    else:
        parsed_claim = {
            "text": c.text("text", where=claim) or "",
            "status": c.choice("status", model.CLAIM_STATUSES, where=claim, label="claim.status"),
            "sources_for": c.sources("sources_for", required=False, where=claim,
                                     label="claim.sources_for"),
            "sources_against": c.sources("sources_against", required=False, where=claim,
                                         label="claim.sources_against"),
        }
    return {
        "id": c.identifier(),
        "title": c.text("title"),
        "category": c.choice("category", model.RISK_CATEGORIES),
        "severity": c.choice("severity", model.RISK_SEVERITIES),
        "severity_rationale": c.text("severity_rationale"),
        "status": c.choice("status", model.RISK_STATUSES),
        "date_start": start,
        "date_end": end,
        "lat": lat,
        "lon": lon,
        "radius_km": c.number("radius_km", low=0, high=2000),
        "location_precision": c.choice("location_precision", model.LOCATION_PRECISIONS),
        "countries": countries,
        "corridors": c.id_list("corridors"),
        "projects": c.id_list("projects"),
        "description": c.text("description"),
        "claim": parsed_claim,
        "sources": c.sources(),
        "last_verified": c.date("last_verified", required=True),
    }


def claim(c: RecordChecker) -> dict:
    c.unknown_fields(CLAIM_FIELDS)
    return {
        "id": c.identifier(),
        "claim": c.text("claim"),
        "status": c.choice("status", model.CLAIM_STATUSES),
        "finding": c.text("finding"),
        "sources": c.sources(),
        "related": c.id_list("related"),
    }
