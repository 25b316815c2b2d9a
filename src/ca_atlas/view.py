"""The view state: everything that decides what a page shows, typed, and the URL it is.

Every URL parameter the atlas reads is declared once in :data:`PARAMS` with the field it
fills, what it may hold and how it is read; :func:`from_params` reads a link (bounded in
size, one consistent answer to a bad value: the rest of the link is kept and what was
ignored is said once, by :func:`notice`), :meth:`ViewState.to_params` writes one (only
what differs from the default) and :func:`query_string` is the one place a URL's query is
encoded. A link is a visitor's input: nothing read here reaches a path, a host or a
command; pages check ids against what the dataset has before using them.

A leaf module: it imports only the vocabularies.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from . import model

LAYERS = tuple(model.MAP_LAYERS)
BASEMAPS = tuple(model.BASEMAPS)
WEIGHTS = tuple(model.ROUTE_WEIGHTS)

#: Bounds on what a link may carry; past them the rest is ignored, with one notice.
MAX_PARAMS = 40        # distinct parameter names
MAX_VALUES = 100       # values of one parameter (repeated, or comma-separated)
MAX_VALUE_CHARS = 1000  # characters in one value (a comma-separated list of codes fits)
MAX_TEXT_CHARS = 200   # the search text, names and ids
MAX_WITHIN_KM = 500    # the Risks page's distance slider
MAX_STEP = 999


@dataclass(frozen=True)
class ViewState:
    """Everything that decides what the user sees. Empty means "no constraint"."""

    # the filters, shared by every page
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
    # the map
    project: str | None = None  # the selected project's id
    layers: tuple[str, ...] = LAYERS
    basemap: str = "offline"
    # the Investment page: which kinds of figure the money charts add up (None: all)
    measures: tuple[str, ...] | None = None
    # the Corridors page
    blocks: tuple[str, ...] = ()
    origin: str | None = None
    destination: str | None = None
    weight: str = "length_km"
    planned: bool = False
    # the Risks page
    within_km: int = 0
    # the Briefings page and presenter mode
    briefing: str | None = None
    step: int | None = None
    present: bool = False
    high_contrast: bool = False
    # the Edit page: which record (by kind and id) is open
    edit_kind: str = "project"
    record: str | None = None

    def with_(self, **changes) -> ViewState:
        return replace(self, **changes)

    def without_filters(self) -> ViewState:
        """The same view with every filter back at its default (nothing left out)."""
        return replace(self, **{PARAMS[k].field: _DEFAULTS[PARAMS[k].field] for k in FILTERS})

    def to_params(self) -> dict[str, str | list[str]]:
        """Query parameters for this view; only what differs from the default."""
        out: dict[str, str | list[str]] = {}
        for param in PARAMS.values():
            value = getattr(self, param.field)
            if value == _DEFAULTS[param.field]:
                continue
            written = param.write(value)
            if written is not None:
                out[param.key] = written
        return out


_DEFAULTS = {f.name: f.default for f in fields(ViewState)}


# -- how each kind of parameter is read and written ---------------------------------------

Notes = list[str]


def _shown(value: str) -> str:
    return repr(value if len(value) <= 30 else value[:30] + "…")


def _parts(values: list[str]) -> list[str]:
    """Repeated values, and comma-separated ones (older links), stripped, in order."""
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


def _codes(vocabulary: Callable[[], Mapping[str, str]], *, none_word: str | None = None):
    """Several codes from a closed vocabulary; ``none_word`` stands for "none at all"."""
    def read(values: list[str], notes: Notes, key: str = ""):
        if none_word is not None and values and values[-1] == none_word:
            return ()
        known = vocabulary()
        out: list[str] = []
        for part in _parts(values):
            if part in known:
                if part not in out:
                    out.append(part)
            else:
                notes.append(f"{key}={_shown(part)} is not a known value")
        return tuple(out)

    def write(value):
        if not value:
            return none_word
        return list(value) if none_word is None else ",".join(value)

    return read, write


def _names(values: list[str], notes: Notes, key: str = "") -> tuple[str, ...]:
    """Several free names (investors, what to block): repeated, never split on commas."""
    return tuple(dict.fromkeys(v.strip()[:MAX_TEXT_CHARS] for v in values if v.strip()))


def _names_write(value):
    return list(value) if len(value) > 1 else value[0]


def _text(values: list[str], notes: Notes, key: str = "") -> str:
    return values[-1].strip()[:MAX_TEXT_CHARS] if values else ""


def _one(values: list[str], notes: Notes, key: str = "") -> str | None:
    text = _text(values, notes, key)
    return text or None


def _year(values: list[str], notes: Notes, key: str = "") -> int | None:
    value = whole_number(values[-1], 0, 9999)
    if value is None:
        notes.append(f"{key}={_shown(values[-1])} is not a year")
    return value


def _usd(values: list[str], notes: Notes, key: str = "") -> float | None:
    raw = values[-1]
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < 0:
        notes.append(f"{key}={_shown(raw)} must be a number, zero or more")
        return None
    return value


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _flag(*words: str):
    def read(values: list[str], notes: Notes, key: str = "") -> bool:
        return values[-1] in words

    return read, (lambda value: words[0] if value else None)


def _choice(options: Iterable[str], default: str):
    options = tuple(options)

    def read(values: list[str], notes: Notes, key: str = "") -> str:
        if values[-1] in options:
            return values[-1]
        notes.append(f"{key}={_shown(values[-1])} is not one of: {', '.join(options)}")
        return default

    return read, (lambda value: value)


def _whole(lowest: int, highest: int, default):
    def read(values: list[str], notes: Notes, key: str = ""):
        value = whole_number(values[-1], lowest, highest)
        if value is None:
            notes.append(f"{key}={_shown(values[-1])} is not a whole number from {lowest} "
                         f"to {highest}")
            return default
        return value

    return read, (lambda value: str(value))


@dataclass(frozen=True)
class Param:
    """One URL parameter: its name in links, the field it fills, what it may hold."""

    key: str
    field: str
    holds: str
    reader: Callable
    writer: Callable

    def read(self, values: list[str], notes: Notes):
        return self.reader(values, notes, self.key)

    def write(self, value) -> str | list[str] | None:
        return self.writer(value)


def _param(key, field, holds, read_write) -> Param:
    return Param(key, field, holds, *read_write)


PARAMS: dict[str, Param] = {p.key: p for p in (
    _param("country", "countries", "ISO codes of the five countries",
           _codes(lambda: model.FOCUS_COUNTRIES)),
    _param("sector", "sectors", "sector codes", _codes(lambda: model.SECTORS)),
    _param("investor", "investors", "investor names as recorded (repeated, not split)",
           (_names, _names_write)),
    _param("inv_country", "investor_countries", "ISO codes of investor countries",
           _codes(lambda: model.COUNTRY_NAMES)),
    _param("status", "statuses", "project status codes", _codes(lambda: model.PROJECT_STATUSES)),
    _param("year_min", "year_min", "a year", (_year, str)),
    _param("year_max", "year_max", "a year", (_year, str)),
    _param("usd_min", "usd_min_m", "US$ millions, zero or more", (_usd, _number_text)),
    _param("usd_max", "usd_max_m", "US$ millions, zero or more", (_usd, _number_text)),
    _param("q", "search", f"free text, at most {MAX_TEXT_CHARS} characters, matched literally",
           (_text, lambda v: v)),
    _param("japan", "japan_only", "1: Japanese participation only", _flag("1", "true", "yes")),
    _param("project", "project", "a project id (shown only if the dataset has it)",
           (_one, lambda v: v)),
    _param("layers", "layers", "projects, corridors, risks (comma-separated) or none",
           _codes(lambda: model.MAP_LAYERS, none_word="none")),
    _param("basemap", "basemap", ", ".join(BASEMAPS), _choice(BASEMAPS, "offline")),
    _param("measures", "measures", "amount measures (comma-separated) or none",
           _codes(lambda: model.AMOUNT_MEASURES, none_word="none")),
    _param("block", "blocks", "corridor ids, 'corridor:seq' segments, place names or risk "
           "note ids (kept only if the network has them)", (_names, _names_write)),
    _param("from", "origin", "a place name in the corridor network", (_one, lambda v: v)),
    _param("to", "destination", "a place name in the corridor network", (_one, lambda v: v)),
    _param("by", "weight", ", ".join(WEIGHTS), _choice(WEIGHTS, "length_km")),
    _param("planned", "planned", "1: count planned corridors", _flag("1")),
    _param("within", "within_km", f"whole km from 0 to {MAX_WITHIN_KM}",
           _whole(0, MAX_WITHIN_KM, 0)),
    _param("briefing", "briefing", "a briefing id (shown only if it is loaded)",
           (_one, lambda v: v)),
    _param("step", "step", f"a step number from 1 to {MAX_STEP}", _whole(1, MAX_STEP, None)),
    _param("present", "present", "1: presenter mode", _flag("1")),
    _param("contrast", "high_contrast", "high: high-contrast presenter mode", _flag("high")),
    _param("kind", "edit_kind", ", ".join(model.EDIT_KINDS),
           _choice(model.EDIT_KINDS, "project")),
    _param("record", "record", "a record id (opened only if the store has it)",
           (_one, lambda v: v)),
)}

#: The filters: what follows the user from page to page (with presenter mode).
FILTERS = ("country", "sector", "investor", "inv_country", "status", "year_min", "year_max",
           "usd_min", "usd_max", "q", "japan")


# -- reading a link -----------------------------------------------------------------------

def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)]


def _clean(value: str) -> bool:
    """A value a link may carry: bounded, and no control characters (NUL, newlines ...)."""
    return len(value) <= MAX_VALUE_CHARS and value.isprintable()


def _bounded(params: Mapping[str, str | Iterable[str]], notes: Notes) -> dict[str, list[str]]:
    """The link's parameters the atlas knows, each within :data:`MAX_VALUES` values of at
    most :data:`MAX_VALUE_CHARS` printable characters; what is dropped is noted."""
    out: dict[str, list[str]] = {}
    for key in list(params)[:MAX_PARAMS]:
        if key not in PARAMS:
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
        if kept:
            out[key] = kept
    if len(params) > MAX_PARAMS:
        notes.append(f"{len(params) - MAX_PARAMS} parameter(s) past the first {MAX_PARAMS}")
    return out


def from_params(params: Mapping[str, str | Iterable[str]]) -> tuple[ViewState, list[str]]:
    """Read a view from query parameters. Returns the view and notes on what was ignored.

    ``params`` maps each name to a string or a list of strings (repeated parameters).
    Unknown codes and malformed numbers are dropped, never guessed; the rest is kept.
    """
    notes: Notes = []
    values = {}
    for key, raw in _bounded(params, notes).items():
        param = PARAMS[key]
        values[param.field] = param.read(raw, notes)
    return ViewState(**values), notes


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


def query_string(state: ViewState, keys: Iterable[str] | None = None) -> str:
    """The view (or only its parameters ``keys``) as a link's query string."""
    params = state.to_params()
    if keys is not None:
        wanted = set(keys)
        params = {k: v for k, v in params.items() if k in wanted}
    return urlencode(params, doseq=True)
