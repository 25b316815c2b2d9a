"""Field-level checks of dataset records, each failure located by file, record and field.

The checks are plain functions over the parsed YAML; ``catalog`` runs them and builds
the atlas only when no error is left.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlparse

from . import model, source_kinds
from .model import Problem, quote

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ALPHA3 = re.compile(r"^[A-Z]{3}$")
#: The years a date may fall in: the dataset's oldest event is from 1966.
YEARS = (1900, 2100)
_DATE_HINT = "expected a date like 2025-12-20, 2025-12 or 2025"


def normalise_date(value: Any) -> str | None:
    """A date field as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None when empty.

    YAML turns an unquoted ``2025-12-20`` into a date and ``2025`` into an int; both
    are accepted. Anything else raises ValueError with a readable reason.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        raise ValueError(f"{_DATE_HINT}, got {quote(value)}")
    if isinstance(value, int) and 0 <= value <= 9999:
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{_DATE_HINT}, got {quote(value)}")
    m = _DATE.match(value.strip())
    if not m:
        raise ValueError(f"{_DATE_HINT}, got {quote(value)}")
    year, month, day = m.groups()
    if not YEARS[0] <= int(year) <= YEARS[1]:
        raise ValueError(f"{quote(value)} is not between {YEARS[0]} and {YEARS[1]}")
    try:
        if day:
            dt.date(int(year), int(month), int(day))
        elif month and not 1 <= int(month) <= 12:
            raise ValueError
    except ValueError:
        raise ValueError(f"{quote(value)} is not a real calendar date") from None
    return value.strip()


def date_key(value: str) -> tuple[int, ...]:
    """A partial date as a tuple of its parts, for ordering on the common precision."""
    return tuple(int(p) for p in value.split("-"))


def dates_in_order(earlier: str, later: str) -> bool:
    """True when ``earlier`` is not after ``later``, compared at their common precision."""
    a, b = date_key(earlier), date_key(later)
    n = min(len(a), len(b))
    return a[:n] <= b[:n]


def url_problem(value: Any) -> str | None:
    """Why ``value`` is not a well-formed http(s) URL, or None when it is."""
    if not isinstance(value, str) or not value.strip():
        return "expected a URL"
    if len(value) > 2000:  # checked before the cache, so that it keeps no long text
        return f"URL {quote(value)} is longer than 2,000 characters"
    return _text_url_problem(value)


@functools.lru_cache(maxsize=16_384)
def _text_url_problem(value: str) -> str | None:
    """:func:`url_problem` of a text of at most 2,000 characters (answered once per text:
    many records of a dataset cite the same pages)."""
    if any(c.isspace() for c in value.strip()):
        return f"URL {quote(value)} contains white space"
    try:
        parsed = urlparse(value.strip())
    except ValueError as exc:  # e.g. an unbalanced '[' in the host
        return f"URL {quote(value)} cannot be parsed ({exc})"
    if parsed.scheme not in ("http", "https"):
        return f"URL {quote(value)} must start with http:// or https://"
    if not parsed.netloc or "." not in parsed.netloc:
        return f"URL {quote(value)} has no host name"
    return None


def number_problem(value: Any, low: float | None = None, high: float | None = None) -> str | None:
    """Why ``value`` is not a finite number in ``[low, high]``, or None when it is.
    Booleans are not numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"expected a number, got {quote(value)}"
    try:
        number = float(value)
    except OverflowError:
        return f"{quote(value)} is too large"
    if not math.isfinite(number):
        return f"expected a finite number, got {quote(value)}"
    if low is not None and number < low:
        return f"{quote(value)} is below the smallest allowed value {low:g}"
    if high is not None and number > high:
        return f"{quote(value)} is above the largest allowed value {high:g}"
    return None


def currency_problem(value: Any) -> str | None:
    """Why ``value`` is not an ISO 4217 currency code the atlas knows, or None."""
    if not isinstance(value, str) or not _ALPHA3.match(value):
        return f"expected an ISO 4217 currency code like 'USD' or 'JPY', got {quote(value)}"
    if value not in model.CURRENCIES:
        return f"{quote(value)} is not an ISO 4217 currency code"
    return None


def keys_text(keys: Iterable[Any]) -> str:
    """Unknown keys for a message: the first few, each cut short."""
    keys = sorted(quote(k, 40) for k in keys)
    more = f" and {len(keys) - 5} more" if len(keys) > 5 else ""
    return "[" + ", ".join(keys[:5]) + "]" + more


class RecordChecker:
    """Checks the fields of one record and collects the problems it finds."""

    def __init__(self, file: str, row: int, record: Any, problems: list[Problem]):
        self.file = file
        self.row = row
        self.problems = problems
        self.ok = isinstance(record, Mapping)
        self.record: Mapping[str, Any] = record if self.ok else {}
        rid = self.record.get("id") if self.ok else None
        self.record_id = rid if isinstance(rid, str) else None
        if not self.ok:
            self.error(None, f"expected a mapping of fields, got {type(record).__name__}")

    # -- reporting ---------------------------------------------------------------------
    def error(self, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, self.row, self.record_id, field, message))

    def warn(self, field: str | None, message: str) -> None:
        self.problems.append(
            Problem(self.file, self.row, self.record_id, field, message, level="warning")
        )

    # -- field checks ------------------------------------------------------------------
    def unknown_fields(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in self.record:
            if key not in allowed:
                self.error(quote(key, 60, bare=True), "is not a field of this file (see data/README.md)")

    def identifier(self, field: str = "id") -> str | None:
        value = self.record.get(field)
        if not isinstance(value, str) or not value:
            self.error(field, "is required: a lower-case identifier like 'uz-tashkent-airport'")
            return None
        if not _ID.match(value):
            self.error(field, f"{quote(value)} must be lower case letters, digits and hyphens")
        return value

    def text(self, field: str, required: bool = True, where: Mapping | None = None,
             label: str | None = None) -> str | None:
        source = self.record if where is None else where
        value = source.get(field)
        name = label or field
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(name, "is required and empty")
            return None
        if not isinstance(value, str):
            self.error(name, f"expected text, got {quote(value)}")
            return None
        return value.strip()

    def choice(
        self,
        field: str,
        vocabulary: Mapping[str, str],
        required: bool = True,
        where: Mapping | None = None,
        label: str | None = None,
    ) -> str | None:
        source = self.record if where is None else where
        value = source.get(field)
        name = label or field
        if value is None or value == "":
            if required:
                self.error(name, f"is required; one of: {', '.join(vocabulary)}")
            return None
        if not isinstance(value, str) or value not in vocabulary:
            self.error(name, f"{quote(value)} is not one of: {', '.join(vocabulary)}")
            return None
        return value

    def choices(self, field: str, vocabulary: Mapping[str, str]) -> list[str]:
        value = self.record.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(field, f"expected a list, got {quote(value)}")
            return []
        good = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or item not in vocabulary:
                self.error(f"{field}[{i}]", f"{quote(item)} is not one of: {', '.join(vocabulary)}")
            else:
                good.append(item)
        return good

    def country(
        self, field: str, focus_only: bool = False, where: Mapping | None = None, label=None
    ) -> str | None:
        source = self.record if where is None else where
        value = source.get(field)
        name = label or field
        if not isinstance(value, str) or not _ALPHA3.match(value):
            self.error(name, f"expected an ISO 3166-1 alpha-3 code like 'UZB', got {quote(value)}")
            return None
        if focus_only and value not in model.FOCUS_COUNTRIES:
            self.error(
                name, f"{quote(value)} is not one of the five: {', '.join(model.FOCUS_COUNTRIES)}"
            )
            return None
        return value

    def currency(self, field: str, required: bool = True, where: Mapping | None = None,
                 label: str | None = None) -> str | None:
        """An ISO 4217 currency code (one of :data:`model.CURRENCIES`)."""
        source = self.record if where is None else where
        value = source.get(field)
        name = label or field
        problem = currency_problem(value)
        if value is None and not required:
            return None
        if problem:
            self.error(name, problem)
            return None
        return value

    def number(
        self,
        field: str,
        required: bool = False,
        low: float | None = None,
        high: float | None = None,
        where: Mapping | None = None,
        label: str | None = None,
    ) -> float | None:
        source = self.record if where is None else where
        value = source.get(field)
        name = label or field
        if value is None:
            if required:
                self.error(name, "is required")
            return None
        problem = number_problem(value, low, high)
        if problem:
            self.error(name, problem)
            return None
        return float(value)

    def date(self, field: str, required: bool = False, where: Mapping | None = None,
             label: str | None = None) -> str | None:
        source = self.record if where is None else where
        name = label or field
        try:
            value = normalise_date(source.get(field))
        except ValueError as exc:
            self.error(name, str(exc))
            return None
        if value is None and required:
            self.error(name, "is required: a date like 2025-12-20, 2025-12 or 2025")
        return value

    def coordinates(self, required: bool = False) -> tuple[float | None, float | None]:
        lat = self.number("lat", required=required, low=-90, high=90)
        lon = self.number("lon", required=required, low=-180, high=180)
        has_lat = self.record.get("lat") is not None
        has_lon = self.record.get("lon") is not None
        if has_lat != has_lon:
            self.error("lat" if not has_lat else "lon", "lat and lon go together: give both or neither")
            return None, None
        return lat, lon

    def sources(self, field: str = "sources", required: bool = True,
                where: Mapping | None = None, label: str | None = None) -> list[dict]:
        source = self.record if where is None else where
        name = label or field
        value = source.get(field)
        if value is None or value == []:
            if required:
                self.error(name, "needs at least one source {url, publisher, date}")
            return []
        if not isinstance(value, list):
            self.error(name, f"expected a list of sources, got {quote(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            where_i = f"{name}[{i}]"
            if not isinstance(item, Mapping):
                self.error(where_i, f"expected {{url, publisher, date}}, got {quote(item)}")
                continue
            extra = set(item) - {"url", "publisher", "date", "title", "kind"}
            if extra:
                self.error(where_i, f"unknown keys {keys_text(extra)}; a source has url, "
                                    "publisher, date and optionally kind")
            problem = url_problem(item.get("url"))
            if problem:
                self.error(f"{where_i}.url", problem)
                continue
            publisher = item.get("publisher")
            if publisher is not None and not isinstance(publisher, str):
                self.error(f"{where_i}.publisher", f"expected text, got {quote(publisher)}")
                publisher = None
            date = self.date("date", where=item, label=f"{where_i}.date")
            found = {"url": item["url"].strip(), "publisher": publisher or "", "date": date}
            if item.get("kind") is not None:  # only when given: a source without it is
                # classed by its site (quality.source_kind)
                kind = self.choice("kind", source_kinds.SOURCE_KINDS, where=item, label=f"{where_i}.kind")
                if kind:
                    found["kind"] = kind
            out.append(found)
        return out

    def id_list(self, field: str) -> list[str]:
        value = self.record.get(field)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(field, f"expected a list of ids, got {quote(value)}")
            return []
        return list(value)


def check_unique_ids(file: str, records: list[Any], problems: list[Problem]) -> None:
    """Report every id that appears more than once in a file."""
    first_seen: dict[str, int] = {}
    for row, record in enumerate(records, start=1):
        if not isinstance(record, Mapping) or not isinstance(record.get("id"), str):
            continue
        rid = record["id"]
        if rid in first_seen:
            problems.append(
                Problem(file, row, rid, "id", f"duplicates the id of record {first_seen[rid]}")
            )
        else:
            first_seen[rid] = row
