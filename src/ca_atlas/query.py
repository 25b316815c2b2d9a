"""View state (filters, selection, layers) <-> URL query parameters, and applying it.

The whole view lives in the URL so that any view is a link: :meth:`ViewState.to_params`
writes it, :func:`from_params` reads it back (ignoring values it does not know, and
saying which), and :func:`apply` narrows an :class:`~ca_atlas.catalog.Atlas` to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd

from . import model

if TYPE_CHECKING:  # catalog imports briefing, which reads view states from here
    from .catalog import Atlas

LAYERS = ("projects", "corridors", "risks")
BASEMAPS = ("offline", "light", "osm", "satellite")


@dataclass(frozen=True)
class ViewState:
    """Everything that decides what the user sees. Empty means "no constraint"."""

    countries: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    investors: tuple[str, ...] = ()
    investor_countries: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    usd_min_m: float | None = None  # millions of US dollars
    usd_max_m: float | None = None
    search: str = ""
    japan_only: bool = False
    project: str | None = None  # the selected project's id
    layers: tuple[str, ...] = LAYERS
    basemap: str = "offline"
    #: Other pages' parameters (a scenario's blocks, chosen measures ...), all values kept.
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def with_(self, **changes) -> ViewState:
        return replace(self, **changes)

    def param(self, key: str) -> str | None:
        """The last value of another page's parameter, or None."""
        values = self.extra.get(key) or ()
        return values[-1] if values else None

    def params(self, key: str) -> tuple[str, ...]:
        return tuple(self.extra.get(key) or ())

    def with_params(self, **values: str | Iterable[str] | None) -> ViewState:
        """A copy with other pages' parameters set (None or empty removes one)."""
        extra = dict(self.extra)
        for key, value in values.items():
            if value is None or value == "" or (not isinstance(value, str) and not list(value)):
                extra.pop(key, None)
            else:
                extra[key] = (value,) if isinstance(value, str) else tuple(value)
        return replace(self, extra=extra)

    def to_params(self) -> dict[str, str | list[str]]:
        """Query parameters for this view; only what differs from the default."""
        params: dict[str, str | list[str]] = {}
        for key, values in (("country", self.countries), ("sector", self.sectors),
                            ("investor", self.investors), ("inv_country", self.investor_countries),
                            ("status", self.statuses)):
            if values:
                params[key] = list(values)
        if self.year_min is not None:
            params["year_min"] = str(self.year_min)
        if self.year_max is not None:
            params["year_max"] = str(self.year_max)
        if self.usd_min_m is not None:
            params["usd_min"] = _number_text(self.usd_min_m)
        if self.usd_max_m is not None:
            params["usd_max"] = _number_text(self.usd_max_m)
        if self.search:
            params["q"] = self.search
        if self.japan_only:
            params["japan"] = "1"
        if self.project:
            params["project"] = self.project
        if tuple(self.layers) != LAYERS:
            params["layers"] = ",".join(self.layers) if self.layers else "none"
        if self.basemap != "offline":
            params["basemap"] = self.basemap
        for key, values in self.extra.items():
            if values:
                params[key] = values[0] if len(values) == 1 else list(values)
        return params


def query_string(state: ViewState) -> str:
    """The view as a link's query string (repeated parameters for several values)."""
    return urlencode(state.to_params(), doseq=True)


#: Query parameter names owned by the view state; anything else is kept in ``extra``.
OWN_PARAMS = {"country", "sector", "investor", "inv_country", "status", "year_min",
              "year_max", "usd_min", "usd_max", "q", "japan", "project", "layers", "basemap"}

#: The other pages' parameters, and what each may hold. A link is read here, bounded in
#: size; each page then checks the value against its closed set before using it:
EXTRA_PARAMS = {
    "block": "corridor ids, 'corridor:seq' segments, place names or risk note ids "
             "(Corridors page: kept only if the network has them)",
    "from": "a place name in the corridor network (Corridors page)",
    "to": "a place name in the corridor network (Corridors page)",
    "by": "length_km or time_h (Corridors page)",
    "planned": "1: count planned corridors (Corridors page)",
    "measures": "amount measures, comma-separated, or 'none' (Investment page)",
    "within": "a whole number of km, 0 to 500 (Risks page)",
    "briefing": "a briefing id among the loaded briefings (Briefings page)",
    "step": "a step number of that briefing (Briefings page)",
    "present": "1: presenter mode (every page)",
    "contrast": "high: high-contrast presenter mode (every page)",
}

#: Bounds on what a link may carry; past them the rest is ignored, with one notice.
MAX_PARAMS = 40        # distinct parameter names
MAX_VALUES = 100       # values of one parameter (repeated, or comma-separated)
MAX_VALUE_CHARS = 1000  # characters in one value (a comma-separated list of codes fits)


def _clean(value: str) -> bool:
    """A value a link may carry: short, and no control characters (NUL, newlines ...)."""
    return len(value) <= MAX_VALUE_CHARS and value.isprintable()


def whole_number(text: str | None, lowest: int, highest: int) -> int | None:
    """``text`` as a whole number from ``lowest`` to ``highest``, else None.

    Only ASCII digits count: ``str.isdigit`` also accepts '²', which ``int`` refuses, and
    a 5,000-digit value never reaches ``int``."""
    if text is None or not (0 < len(text) <= 9) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if lowest <= value <= highest else None


def notice(notes: list[str]) -> str | None:
    """One sentence for everything a link had that was ignored (one notice, not one each)."""
    if not notes:
        return None
    head = "; ".join(notes[:3])
    more = f"; and {len(notes) - 3:,} more" if len(notes) > 3 else ""
    return f"Part of this link was ignored: {head}{more}."


def _shown(value: str) -> str:
    return repr(value if len(value) <= 30 else value[:30] + "…")


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)]


def from_params(params: Mapping[str, str | Iterable[str]]) -> tuple[ViewState, list[str]]:
    """Read a view from query parameters. Returns the view and notes on what was ignored.

    ``params`` maps each name to a string or a list of strings (repeated parameters).
    Unknown codes and malformed numbers are dropped, never guessed.
    """
    notes: list[str] = []
    params = _bounded(params, notes)

    def pick(key: str, vocabulary: Mapping[str, str]) -> tuple[str, ...]:
        out = []
        for value in _as_list(params.get(key)):
            for part in value.split(","):
                part = part.strip()
                if not part:
                    continue
                if part in vocabulary:
                    if part not in out:
                        out.append(part)
                else:
                    notes.append(f"{key}={_shown(part)} is not a known value")
        return tuple(out)

    def last(key: str) -> str | None:
        values = _as_list(params.get(key))
        return values[-1] if values else None

    def integer(key: str) -> int | None:
        raw = last(key)
        if raw is None:
            return None
        value = whole_number(raw, 0, 9999)
        if value is None:
            notes.append(f"{key}={_shown(raw)} is not a year")
        return value

    def number(key: str) -> float | None:
        raw = last(key)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            notes.append(f"{key}={_shown(raw)} is not a number")
            return None
        if not math.isfinite(value) or value < 0:
            notes.append(f"{key}={_shown(raw)} must be a number, zero or more")
            return None
        return value

    layers_raw = last("layers")
    if layers_raw is None:
        layers = LAYERS
    elif layers_raw == "none":
        layers = ()
    else:
        layers = pick("layers", {name: name for name in LAYERS})
    basemap = last("basemap") or "offline"
    if basemap not in BASEMAPS:
        notes.append(f"basemap={_shown(basemap)} is not a known basemap")
        basemap = "offline"
    investors = tuple(dict.fromkeys(v.strip() for v in _as_list(params.get("investor"))
                                    if v.strip()))
    state = ViewState(
        countries=pick("country", model.FOCUS_COUNTRIES),
        sectors=pick("sector", model.SECTORS),
        investors=investors,
        investor_countries=pick("inv_country", model.COUNTRY_NAMES),
        statuses=pick("status", model.PROJECT_STATUSES),
        year_min=integer("year_min"),
        year_max=integer("year_max"),
        usd_min_m=number("usd_min"),
        usd_max_m=number("usd_max"),
        search=(last("q") or "").strip()[:200],
        japan_only=last("japan") in ("1", "true", "yes"),
        project=last("project") or None,
        layers=layers,
        basemap=basemap,
        extra={k: tuple(_as_list(params[k])) for k in params
               if k not in OWN_PARAMS and _as_list(params[k])},
    )
    return state, notes


def _bounded(params: Mapping[str, str | Iterable[str]], notes: list[str]
             ) -> dict[str, list[str]]:
    """The link's parameters the atlas knows, each within :data:`MAX_VALUES` values of at
    most :data:`MAX_VALUE_CHARS` printable characters; what is dropped is noted."""
    out: dict[str, list[str]] = {}
    for key in list(params)[:MAX_PARAMS]:
        if key not in OWN_PARAMS and key not in EXTRA_PARAMS:
            notes.append(f"{_shown(str(key))} is not a parameter of the atlas")
            continue
        values = _as_list(params[key])
        kept = [v for v in values if _clean(v)]
        if len(kept) < len(values):
            dropped = len(values) - len(kept)
            notes.append(f"{key}: {dropped} value{'s' if dropped > 1 else ''} longer than "
                         f"{MAX_VALUE_CHARS:,} characters or with control characters")
        if sum(v.count(",") + 1 for v in kept) > MAX_VALUES:
            notes.append(f"{key} has more than {MAX_VALUES} values; it was ignored")
            continue
        out[key] = kept
    if len(params) > MAX_PARAMS:
        notes.append(f"{len(params) - MAX_PARAMS} parameter(s) past the first {MAX_PARAMS}")
    return out


@dataclass(frozen=True)
class View:
    """An atlas narrowed to a view state."""

    projects: gpd.GeoDataFrame
    corridors: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    risks: gpd.GeoDataFrame
    investors: pd.DataFrame


def project_mask(projects: pd.DataFrame, state: ViewState) -> pd.Series:
    """Which projects the view's filters keep."""
    mask = pd.Series(True, index=projects.index)
    if state.countries:
        mask &= projects["country"].isin(state.countries)
    if state.sectors:
        mask &= projects["sector"].isin(state.sectors)
    if state.statuses:
        mask &= projects["status"].isin(state.statuses)
    if state.investors:
        wanted = set(state.investors)
        mask &= projects["investors"].map(lambda inv: any(i["name"] in wanted for i in inv))
    if state.investor_countries:
        wanted = set(state.investor_countries)
        mask &= projects["investor_countries"].map(lambda cs: bool(wanted.intersection(cs)))
    if state.japan_only:
        mask &= projects["japanese"].astype(bool)
    years = projects["year"]
    if state.year_min is not None:
        mask &= years.notna() & (years.fillna(0) >= state.year_min)
    if state.year_max is not None:
        mask &= years.notna() & (years.fillna(0) <= state.year_max)
    usd = projects["amount_usd"]
    if state.usd_min_m is not None:
        mask &= usd.notna() & (usd.fillna(0) >= state.usd_min_m * 1e6)
    if state.usd_max_m is not None:
        mask &= usd.notna() & (usd.fillna(0) <= state.usd_max_m * 1e6)
    if state.search:
        needle = state.search.casefold()
        haystack = (projects["name"].fillna("") + " " + projects["description"].fillna("") + " "
                    + projects["place"].fillna("") + " " + projects["investor_names"].fillna("")
                    + " " + projects["country_name"].fillna("") + " " + projects["id"])
        mask &= haystack.str.casefold().str.contains(needle, regex=False)
    return mask


def apply(atlas: Atlas, state: ViewState) -> View:
    """The projects, corridors and risk notes the view shows.

    Corridors and risk notes follow the country filter (those touching a chosen country);
    the project filters do not narrow them.
    """
    projects = atlas.projects[project_mask(atlas.projects, state)]
    corridors, risks = atlas.corridors, atlas.risks
    if state.countries:
        wanted = set(state.countries)
        corridors = corridors[corridors["countries"].map(lambda cs: bool(wanted.intersection(cs)))]
        risks = risks[risks["countries"].map(lambda cs: bool(wanted.intersection(cs)))]
    segments = atlas.segments[atlas.segments["corridor_id"].isin(corridors["id"])]
    investors = atlas.investors[atlas.investors["project_id"].isin(projects["id"])]
    return View(projects=projects, corridors=corridors, segments=segments, risks=risks,
                investors=investors)
