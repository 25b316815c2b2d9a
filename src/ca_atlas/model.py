"""The atlas's vocabulary: countries, sectors, statuses and the other controlled values.

Every value the dataset may hold for a controlled field is listed here once, with the
label the app shows for it. data/README.md documents the same vocabularies for people.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

#: The five countries the atlas is about, ISO 3166-1 alpha-3 -> English name.
FOCUS_COUNTRIES: dict[str, str] = {
    "KAZ": "Kazakhstan",
    "KGZ": "Kyrgyzstan",
    "TJK": "Tajikistan",
    "TKM": "Turkmenistan",
    "UZB": "Uzbekistan",
}

#: Names for the other countries that appear as investors, corridor nodes or risk areas.
OTHER_COUNTRIES: dict[str, str] = {
    "AFG": "Afghanistan",
    "ARE": "United Arab Emirates",
    "ARM": "Armenia",
    "AZE": "Azerbaijan",
    "BGR": "Bulgaria",
    "CHE": "Switzerland",
    "CHN": "China",
    "DEU": "Germany",
    "FRA": "France",
    "GBR": "United Kingdom",
    "GEO": "Georgia",
    "IND": "India",
    "IRN": "Iran",
    "ITA": "Italy",
    "JPN": "Japan",
    "KOR": "South Korea",
    "KWT": "Kuwait",
    "MNG": "Mongolia",
    "NLD": "Netherlands",
    "PAK": "Pakistan",
    "QAT": "Qatar",
    "ROU": "Romania",
    "RUS": "Russia",
    "SAU": "Saudi Arabia",
    "SGP": "Singapore",
    "TUR": "Türkiye",
    "UKR": "Ukraine",
    "USA": "United States",
    "MUL": "Multilateral",
    "EUU": "European Union",
}

COUNTRY_NAMES: dict[str, str] = {**FOCUS_COUNTRIES, **OTHER_COUNTRIES}


def country_name(code: str | None) -> str:
    """The English name of an alpha-3 code, or the code itself when it has none here."""
    if not code:
        return "Unknown"
    return COUNTRY_NAMES.get(code, code)


SECTORS: dict[str, str] = {
    "transport": "Transport",
    "power": "Power",
    "renewables": "Renewables",
    "oil_gas": "Oil & gas",
    "petrochemicals": "Petrochemicals & fertiliser",
    "mining": "Mining & critical minerals",
    "water": "Water & irrigation",
    "agriculture": "Agriculture",
    "health": "Health",
    "education": "Education",
    "digital": "Digital & AI",
    "industry": "Industry",
    "trade_facilitation": "Trade facilitation",
    "finance": "Budget & finance",
}

#: Sector colours: a qualitative palette legible on a projector (Okabe-Ito + extensions).
SECTOR_COLORS: dict[str, str] = {
    "transport": "#0072B2",
    "power": "#D55E00",
    "renewables": "#009E73",
    "oil_gas": "#3B3B3B",
    "petrochemicals": "#8C564B",
    "mining": "#CC79A7",
    "water": "#56B4E9",
    "agriculture": "#9ACD32",
    "health": "#E41A1C",
    "education": "#F0E442",
    "digital": "#6A3D9A",
    "industry": "#E69F00",
    "trade_facilitation": "#17BECF",
    "finance": "#7F7F7F",
}

LOCATION_PRECISIONS: dict[str, str] = {
    "site": "Site (within ~1 km)",
    "city": "City or town (~10–30 km)",
    "region": "Region (~50–150 km)",
    "country": "Country only",
    "unknown": "Unknown",
}

INVESTOR_ROLES: dict[str, str] = {
    "lead": "Lead",
    "co_investor": "Co-investor",
    "lender": "Lender",
    "insurer": "Insurer",
    "contractor": "Contractor",
    "donor": "Donor",
}

FINANCING_TYPES: dict[str, str] = {
    "oda_loan": "ODA loan",
    "grant": "Grant",
    "export_credit": "Export credit",
    "project_finance": "Project finance",
    "equity": "Equity",
    "agreement": "MoU or agreement",
    "unknown": "Unknown",
}

AMOUNT_MEASURES: dict[str, str] = {
    "total_cost": "Total project cost",
    "investor_share": "Investor's share",
    "loan": "Loan amount",
    "grant": "Grant amount",
    "pledge": "Pledge or stated intention",
    "contract": "Contract value",
}

#: Short plural names for chart subtitles.
AMOUNT_MEASURES_SHORT: dict[str, str] = {
    "total_cost": "total costs",
    "investor_share": "investor shares",
    "loan": "loans",
    "grant": "grants",
    "pledge": "pledges",
    "contract": "contracts",
}

PROJECT_STATUSES: dict[str, str] = {
    "announced": "Announced",
    "agreed": "Agreed or financed",
    "under_construction": "Under construction",
    "operating": "Operating or completed",
    "suspended": "Suspended",
    "cancelled": "Cancelled",
}

PROJECT_FLAGS: dict[str, str] = {
    "summit_2025": "Outcome of the 2025 Tokyo summit",
    "green": "Green",
    "middle_corridor": "Middle Corridor",
    "critical_minerals": "Critical minerals",
    "digital_ai": "Digital & AI",
}

CONFIDENCE: dict[str, str] = {"high": "High", "medium": "Medium", "low": "Low"}

CORRIDOR_KINDS: dict[str, str] = {
    "rail": "Rail",
    "road": "Road",
    "multimodal": "Multimodal",
    "pipeline": "Pipeline",
    "waterway": "Waterway",
    "power": "Power line",
}

#: Modes a single segment may have: the corridor kinds plus a sea (ferry) leg.
SEGMENT_MODES: dict[str, str] = {**CORRIDOR_KINDS, "sea": "Sea (ferry)"}

CORRIDOR_KIND_COLORS: dict[str, str] = {
    "rail": "#1B1B1B",
    "road": "#B8860B",
    "multimodal": "#7B2CBF",
    "pipeline": "#8B4513",
    "waterway": "#1E90FF",
    "power": "#FF8C00",
    "sea": "#0B3C8C",
}

CORRIDOR_STATUSES: dict[str, str] = {
    "operating": "Operating",
    "under_construction": "Under construction",
    "planned": "Planned",
}

#: Leaflet dash patterns: operating solid, under construction dashed, planned dotted.
CORRIDOR_STATUS_DASH: dict[str, str | None] = {
    "operating": None,
    "under_construction": "10 8",
    "planned": "2 8",
}

NODE_KINDS: dict[str, str] = {
    "city": "City",
    "port": "Port",
    "border": "Border crossing",
    "junction": "Junction",
    "terminal": "Terminal",
    "field": "Field",
}

RISK_CATEGORIES: dict[str, str] = {
    "conflict": "Conflict & security",
    "energy_supply": "Energy supply",
    "water": "Water",
    "climate": "Climate & floods",
    "seismic": "Earthquakes",
    "border": "Borders",
    "sanctions": "Sanctions",
    "logistics": "Logistics bottlenecks",
    "political": "Political",
}

RISK_SEVERITIES: dict[str, str] = {
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "critical": "Critical",
}

#: Weights for the severity-weighted views (shown apart from raw totals).
RISK_SEVERITY_WEIGHTS: dict[str, float] = {"low": 0.25, "medium": 0.5, "high": 0.75, "critical": 1.0}

RISK_SEVERITY_COLORS: dict[str, str] = {
    "low": "#F2C94C",
    "medium": "#F2994A",
    "high": "#EB5757",
    "critical": "#9B1C1C",
}

RISK_STATUSES: dict[str, str] = {
    "active": "Active",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
}

CLAIM_STATUSES: dict[str, str] = {
    "confirmed": "Confirmed",
    "contested": "Contested",
    "unverified": "Unverified",
    "refuted": "Refuted",
}

#: ISO 4217 currency codes an amount may be given in: the active national and regional
#: currencies of the standard's list one, plus the IMF's special drawing right (XDR), in
#: which multilateral loans are often stated. The codes of precious metals, funds,
#: bond-market units and testing (XAU, CLF, XBA, XTS, XXX...) are not currencies of an
#: amount and are left out. A closed list: a typo such as "ZZZ" or "YEN" is an error.
CURRENCIES: frozenset[str] = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XDR XOF XPF
YER ZAR ZMW ZWG
""".split())

#: The investor country the Japan-only switch keeps.
JAPAN = "JPN"

#: The map's layers, with the names the layer control and the sidebar show.
MAP_LAYERS: dict[str, str] = {"projects": "Investment projects",
                              "corridors": "Trade corridors",
                              "risks": "Risk notes"}

#: The basemaps, as the sidebar offers them (only the first needs no network).
BASEMAPS: dict[str, str] = {"offline": "Boundaries (works offline)",
                            "light": "Light tiles (needs internet)",
                            "osm": "OpenStreetMap (needs internet)",
                            "satellite": "Satellite (needs internet)"}

#: The record kinds the Edit page edits.
EDIT_KINDS: dict[str, str] = {"project": "Project", "risk_note": "Risk note"}

#: What a scenario's "best route" minimises, with its label.
ROUTE_WEIGHTS: dict[str, str] = {"length_km": "Shortest distance",
                                 "time_h": "Shortest time (where timed)"}

#: The charts a briefing step may name (``chart: by_year``); ca_atlas.chart_kinds declares
#: how each is drawn, and a test keeps the two lists equal.
CHART_KINDS = ("country_sector", "japan_vs_others", "by_year", "by_status", "top_investors",
               "summit", "exposure_category")


def quote(value: Any, limit: int = 60, bare: bool = False) -> str:
    """A short rendering of any value for a message, at most about ``limit`` characters.

    Text is quoted (``'abc'``; ``bare`` leaves the quotes off) and cut with the length
    given; a list or mapping is summarised, never walked in full, so a huge or recursive
    structure cannot blow a message up. Null and booleans are written as in YAML.
    """
    if isinstance(value, str):
        head = value if len(value) <= limit else value[:limit]
        shown = head if bare else repr(head)
        return shown if head is value else f"{shown}… ({len(value):,} characters)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) < 10**15:
            return str(value)
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        if len(value) <= 4 and all(v is None or isinstance(v, (str, int, float))
                                   for v in value):
            return "[" + ", ".join(quote(v, max(8, limit // 4)) for v in value) + "]"
        return f"a list of {len(value):,} items"
    if isinstance(value, dict):
        return f"a mapping of {len(value):,} fields"
    if isinstance(value, (bytes, bytearray)):
        return f"binary data ({len(value):,} bytes)"
    return f"a {type(value).__name__}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the dataset, located by file, record and field."""

    file: str
    row: int | None
    record_id: str | None
    field: str | None
    message: str
    level: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        """``file, record 3 (id x), field 'f': message``, or ``file message`` for a problem
        with the whole file ("projects.yaml is empty"). Every part is cut to a bounded
        length, so no problem prints megabytes."""
        where = _clip(str(self.file), 200)
        if self.row is None and not self.record_id and not self.field:
            return f"{where} {_clip(str(self.message), 1000)}"
        if self.row is not None:
            where += f", record {self.row}"
        if self.record_id:
            where += f" (id {_clip(str(self.record_id), 80)})"
        if self.field:
            where += f", field '{_clip(str(self.field), 120)}'"
        return f"{where}: {_clip(str(self.message), 1000)}"


class DatasetError(Exception):
    """The dataset failed validation; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.level == "error"]
        first = str(errors[0]) if errors else "unknown problem"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)


@dataclass(frozen=True)
class DisabledPart:
    """An optional part of the atlas (a briefing, the summit ledger) that is left out
    because its file has errors, while the rest of the atlas serves."""

    part: str  # "briefing", "briefings" (the folder) or "summit"
    file: str  # the file (or folder) in the data directory, e.g. "briefings/x.yaml"
    title: str  # what the app calls it: the briefing's title, "The Tokyo summit ledger"
    problems: tuple[Problem, ...]

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


#: What a git revision of the dataset may look like before git is asked about it: a tag,
#: a branch, a commit id, with ``~N`` / ``^N`` suffixes. Never starts with ``-`` (git would
#: read an option), no spaces, no ``..`` ranges, no ``:`` paths, no ``@{...}`` look-ups.
REVISION = re.compile(r"(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,99}(?:[~^][0-9]{0,4}){0,8}")
