"""The loader's checks that look beyond one record, run on what the store holds: a
project's point inside its country, a currency with rates, and the claims that name a
record (``claims.yaml`` is kept as bytes, but its ``related`` ids must resolve).

Shapes are built once per boundaries file (keyed by its hash), so a save stays cheap.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from typing import Any

from .. import boundaries as geodata
from .. import files, integrity, memo
from ..model import Problem, quote

BOUNDARIES = geodata.COUNTRIES
FX = "fx_rates.csv"
CLAIMS = "claims.yaml"


@functools.lru_cache(maxsize=4)
def _shapes(digest: str, raw: bytes) -> Any:
    """The countries' shapes from a boundaries file's bytes, read by the loader's own reader
    (built once per file: a save stays cheap)."""
    frame = geodata.read({BOUNDARIES: raw}, BOUNDARIES, [])
    # a dict: a pandas lookup per project cost more than the point's test itself
    return dict(geodata.country_shapes(frame).items()) if frame is not None else None


def outside_country(stored: dict[str, bytes], lat: Any, lon: Any, country: Any) -> str | None:
    """Why the point lies outside its country by more than the loader's tolerance, or
    None: the loader's own check (ca_atlas.integrity)."""
    raw = stored.get(BOUNDARIES)
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon))
    if raw is None or not numbers or not isinstance(country, str):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN fails too; reported elsewhere
        return None
    # the file's hash once per bytes object (a check of every project hashed the megabyte
    # again for each: 2.6 s when a store is filled with 10,000)
    digest = memo.per_object(raw, "sha256", lambda: hashlib.sha256(raw).hexdigest())
    shapes = _shapes(digest, raw)
    if shapes is None or country not in shapes:
        return None
    km = integrity.km_outside(shapes[country], lat, lon)
    if km <= integrity.COUNTRY_TOLERANCE_KM:
        return None
    return integrity.outside_message(lat, lon, country, km)


def currencies(stored: dict[str, bytes]) -> frozenset[str] | None:
    """The currencies fx_rates.csv has rates for (and USD); None without the file. Read
    once per file's bytes (every project of a release is checked against it)."""
    raw = stored.get(FX)
    if raw is None:
        return None

    def read() -> frozenset[str]:
        rows = csv.reader(io.StringIO(raw.decode("utf-8", "replace")))
        return frozenset({row[0].strip() for row in rows if row} | {"USD"})
    return memo.per_object(raw, "currencies", read)


def check_project(stored: dict[str, bytes], document: Any, file: str, row: int,
                  problems: list[Problem]) -> None:
    """The country and currency checks of one project (others are left alone)."""
    if not isinstance(document, dict):
        return
    rid = document.get("id") if isinstance(document.get("id"), str) else None
    why = outside_country(stored, document.get("lat"), document.get("lon"), document.get("country"))
    if why:
        problems.append(Problem(file, row, rid, "lat", why))
    known = currencies(stored)
    amount = document.get("amount")
    currency = amount.get("currency") if isinstance(amount, dict) else None
    if known is not None and isinstance(currency, str) and currency not in known \
            and not any(p.field == "amount.currency" and p.record_id == rid for p in problems):
        problems.append(Problem(file, row, rid, "amount.currency",
                                f"{quote(currency)} has no rates in {FX}: add its rates there, "
                                "or give the amount in USD or a currency it has rates for"))


def claims_naming(stored: dict[str, bytes]) -> dict[str, list[str]]:
    """Record id -> the ids of the claims whose ``related`` names it."""
    raw = stored.get(CLAIMS)
    if raw is None:
        return {}
    try:
        claims = files.parse_yaml(CLAIMS, files.decode(CLAIMS, raw), list)
    except files.FileError:
        return {}
    out: dict[str, list[str]] = {}
    for claim in claims:
        if isinstance(claim, dict) and isinstance(claim.get("related"), list):
            for ref in claim["related"]:
                if isinstance(ref, str):
                    out.setdefault(ref, []).append(str(claim.get("id")))
    return out


def check_claims(stored: dict[str, bytes], ids: set[str], problems: list[Problem]) -> None:
    """Every id a claim names must be a record's."""
    for ref, claims in claims_naming(stored).items():
        if ref not in ids:
            problems.append(Problem(CLAIMS, None, claims[0], "related",
                                    f"no project, corridor or risk note has the id {quote(ref)}"))
