"""A corpus of one-defect copies of every shipped data file.

Each case copies data/ (hard links, so a copy costs nothing), breaks one file in one way
and loads it. A defect in the core (projects, corridors, risk notes, claims, rates,
transit, boundaries) raises DatasetError; a defect in an optional part (the summit ledger,
a briefing) leaves the atlas loading with that part disabled and its problem listed. Either
way the message names the file (and record and field where there is one), and nothing
but DatasetError is ever raised. A few cases run through the real ``ca-atlas validate``.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from atlas_fixtures import DATA, dump, run_as_nobody

from ca_atlas import catalog, formats
from ca_atlas.model import DatasetError

ROOT = Path(__file__).resolve().parents[2]
BRIEF = "briefings/japan-after-tokyo-summit.yaml"
ALIAS_BOMB = ("- id: bomb\n  name: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
              + "".join(f"  n{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n"
                        for i in range(1, 9)))


# -- building one-defect copies ------------------------------------------------------------

def _replace(path: Path) -> Path:
    """Make ``path`` a fresh file: the copies share the originals' bytes by hard links."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    return path


def write(d: Path, name: str, content: str | bytes) -> None:
    path = _replace(d / name)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace the first ``old`` in the shipped file with ``new``."""
    def apply(d: Path) -> None:
        original = text(name)
        assert old in original, f"{old!r} is not in {name}"
        write(d, name, original.replace(old, new, 1))
    return apply


@functools.cache
def _parsed(name: str):
    top = list if name in (P, C, R, CL) else dict
    return formats.parse_yaml(name, text(name), top)


def _splice(name: str, before: list, after: list) -> str | None:
    """The shipped text with only the changed top-level records written anew (dumping a
    whole file for every case would cost more than loading it); None when the list itself
    changed length."""
    if len(before) != len(after):
        return None
    original = text(name)
    starts = [m.start() for m in re.finditer(r"^- ", original, flags=re.MULTILINE)]
    assert len(starts) == len(before), name
    ends = starts[1:] + [len(original)]
    out, done = [], 0
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        if old != new:
            out += [original[done:starts[i]], dump([new]), "\n"]
            done = ends[i]
    return "".join(out) + original[done:]


def records(name: str, change: Callable[[list | dict], None]) -> Callable[[Path], None]:
    """The shipped YAML file with ``change`` made to its parsed content."""
    def apply(d: Path) -> None:
        before = _parsed(name)
        after = copy.deepcopy(before)
        change(after)
        spliced = _splice(name, before, after) if isinstance(before, list) else None
        write(d, name, spliced if spliced is not None else dump(after))
    return apply


def set_in(index: int, path: str, value) -> Callable[[list], None]:
    """Set ``a.b`` of record ``index`` (0-based); a value of DELETE removes the key."""
    def change(content: list) -> None:
        target = content[index]
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return change


DELETE = object()


def geojson(name: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(d: Path) -> None:
        doc = json.loads(text(name))
        change(doc)
        write(d, name, json.dumps(doc))
    return apply


def feature(index: int, change: Callable[[dict], None]) -> Callable[[dict], None]:
    return lambda doc: change(doc["features"][index])


def content(name: str, value: str | bytes) -> Callable[[Path], None]:
    return lambda d: write(d, name, value)


def latin1(name: str, old: str, new: str) -> Callable[[Path], None]:
    """Write the file with one non-UTF-8 byte (``new`` encoded as Latin-1)."""
    def apply(d: Path) -> None:
        original = text(name)
        assert old in original
        head, tail = original.split(old, 1)
        write(d, name, head.encode() + new.encode("latin-1") + tail.encode())
    return apply


def directory(name: str) -> Callable[[Path], None]:
    return lambda d: _replace(d / name).mkdir()


def fifo(name: str) -> Callable[[Path], None]:
    return lambda d: os.mkfifo(_replace(d / name))


def link_outside(name: str) -> Callable[[Path], None]:
    def apply(d: Path) -> None:
        outside = d.parent / f"outside-{d.name}-{Path(name).name}"
        shutil.copy(DATA / name, outside)
        _replace(d / name).symlink_to(outside)
    return apply


def truncated(name: str) -> Callable[[Path], None]:
    """Cut the file about half-way through, in the middle of a line: inside the quoted URL
    of a source where there is one (so that what is left is never a shorter valid file)."""
    def apply(d: Path) -> None:
        original = text(name)
        source = original.find('{url: "', len(original) // 2)
        write(d, name, original[: source + 15 if source > 0 else len(original) // 2])
    return apply


# -- the corpus -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    file: str
    defect: str
    make: Callable[[Path], None]
    #: Every one of these must appear in one error message.
    expect: tuple[str, ...]
    #: For an optional part: load the whole dataset again (the defect is made through a
    #: core file, or the case checks the path through catalog.load itself); otherwise the
    #: part is read beside one shared, already loaded core.
    full_load: bool = False

    @property
    def optional(self) -> bool:
        return self.file in ("summit_2025.yaml", BRIEF)


P, C, R, CL = "projects.yaml", "corridors.yaml", "risk_notes.yaml", "claims.yaml"
FX, T, S = "fx_rates.csv", "transit.yaml", "summit_2025.yaml"
CO, PL = "boundaries/countries.geojson", "boundaries/places.geojson"
P1 = "projects.yaml, record 1 (id uz-tashkent-new-airport)"


def common(name: str, top: str, every: bool = False) -> list[Case]:
    """The defects any file can have: the reader's (see test_files.py for each in detail)
    as they reach the loader. ``every`` adds the ones that take the same path in every
    file (white space only, comments only, links, NUL characters, tags); projects.yaml
    has them all."""
    yaml_file = top in ("list", "dict")
    cases = [
        Case(name, "empty", content(name, ""), (f"{name} is empty",)),
        Case(name, "not UTF-8", content(name, text(name)[:40].encode() + b"\xff\xfe" +
                                        text(name)[40:].encode()),
             (f"{name} is not UTF-8 text: byte 0xff at line",)),
        Case(name, "a directory", directory(name), (f"{name} is a directory, not a regular file",)),
        Case(name, "a FIFO", fifo(name), (f"{name} is a FIFO (named pipe), not a regular file",),
             full_load=True),
    ]
    if top != "csv":
        cases.append(Case(name, "truncated mid-line", truncated(name), (name,)))
    if yaml_file:
        cases += [
            Case(name, "wrong top-level type", content(name, "[1, 2]\n" if top == "dict" else "a: 1\n"),
                 (f"{name} must be a YAML {'mapping' if top == 'dict' else 'list'}",)),
            Case(name, "an alias bomb", content(name, ALIAS_BOMB if top == "list" else
                                                "x:\n  " + ALIAS_BOMB.replace("\n", "\n  ")),
                 (f"{name} uses a YAML anchor at line",)),
            Case(name, "a syntax error", content(name, text(name) + "\n  - {unclosed: [\n"),
                 (f"{name} is not valid YAML at line",)),
        ]
    if every:
        cases += [
            Case(name, "whitespace only", content(name, "\n   \n\t\n"), (f"{name} is empty",)),
            Case(name, "a link leaving the data directory", link_outside(name),
                 (f"{name} is a symbolic link that leads outside the data directory",)),
            Case(name, "a NUL character", content(name, text(name)[:30] + "\0" + text(name)[30:]),
                 (f"{name} contains a NUL character at line",)),
        ]
        if yaml_file:
            cases += [
                Case(name, "comments only", content(name, "# nothing here\n\n# yet\n"),
                     (f"{name} is empty",)),
                Case(name, "an unknown tag", content(name, "!!python/object/apply:os.system [echo]\n"),
                     (f"{name} uses the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'",)),
            ]
    return cases


CASES: list[Case] = [
    *common(P, "list", every=True),
    Case(P, "duplicate id", records(P, set_in(1, "id", "uz-tashkent-new-airport")),
         ("projects.yaml, record 2 (id uz-tashkent-new-airport), field 'id': duplicates the id of record 1",)),
    Case(P, "missing required field", records(P, set_in(0, "name", DELETE)),
         (P1, "field 'name': is required and empty")),
    Case(P, "unknown country", records(P, set_in(0, "country", "AFG")),
         (P1, "field 'country': 'AFG' is not one of the five")),
    Case(P, "unknown sector", records(P, set_in(0, "sector", "railways")),
         (P1, "field 'sector': 'railways' is not one of")),
    Case(P, "unknown currency ZZZ", records(P, set_in(0, "amount.currency", "ZZZ")),
         (P1, "field 'amount.currency': 'ZZZ' is not an ISO 4217 currency code")),
    Case(P, "a currency with no rates", records(P, set_in(0, "amount.currency", "EUR")),
         (P1, "field 'amount.currency': EUR has no rates in fx_rates.csv (it has rates for ")),
    Case(P, "amount inf", records(P, set_in(0, "amount.value", float("inf"))),
         (P1, "field 'amount.value': expected a finite number, got inf")),
    Case(P, "amount 1e308", records(P, set_in(0, "amount.value", 1e308)),
         (P1, "field 'amount.value': 1e+308 is above the largest allowed value 1e+15")),
    Case(P, "amount negative", records(P, set_in(0, "amount.value", -5)),
         (P1, "field 'amount.value': -5 is below the smallest allowed value 0")),
    Case(P, "amount text", records(P, set_in(0, "amount.value", "about 200m")),
         (P1, "field 'amount.value': expected a number, got 'about 200m'")),
    Case(P, "amount boolean", records(P, set_in(0, "amount.value", True)),
         (P1, "field 'amount.value': expected a number, got true")),
    Case(P, "amount beyond a trillion dollars", records(P, set_in(0, "amount.value", 9e14)),
         (P1, "field 'amount.value'", "more than the US$1,000,000,000,000 any project may be")),
    Case(P, "lat out of range", records(P, set_in(0, "lat", 95.0)),
         (P1, "field 'lat': 95.0 is above the largest allowed value 90")),
    Case(P, "NaN coordinate", records(P, set_in(0, "lon", float("nan"))),
         (P1, "field 'lon': expected a finite number, got nan")),
    Case(P, "point outside its country", records(P, set_in(0, "lat", 35.68)),
         (P1, "field 'lat': point (35.68, 69.25) lies", "km outside Uzbekistan")),
    Case(P, "bad date", records(P, set_in(0, "dates.start", "2025-02-30")),
         (P1, "field 'dates.start': '2025-02-30' is not a real calendar date")),
    Case(P, "date out of range", records(P, set_in(0, "dates.start", "1066")),
         (P1, "field 'dates.start': '1066' is not between 1900 and 2100")),
    Case(P, "unquoted impossible date", edit(P, 'last_verified: "2026-11-29"', "last_verified: 2026-13-45"),
         ("projects.yaml is not valid YAML at line", "'2026-13-45' cannot be read as timestamp")),
    Case(P, "javascript: URL", records(P, set_in(0, "sources", [{"url": "javascript:alert(1)",
                                                              "publisher": "x", "date": None}])),
         (P1, "field 'sources[0].url': URL 'javascript:alert(1)' must start with http")),
    Case(P, "bad status", records(P, set_in(0, "status", "finished")),
         (P1, "field 'status': 'finished' is not one of")),
    Case(P, "not a mapping", records(P, lambda c: c.__setitem__(0, "a project")),
         ("projects.yaml, record 1: expected a mapping of fields, got str",)),
    Case(P, "unknown field", records(P, set_in(0, "colour", "red")),
         (P1, "field 'colour': is not a field of this file")),
    Case(P, "dangling corridor reference", records(P, set_in(0, "corridors", ["no-such-line"])),
         (P1, "field 'corridors[0]': no corridor has the id 'no-such-line'")),
    Case(P, "a key twice", edit(P, "  sector: transport\n", "  sector: transport\n  sector: power\n"),
         ("projects.yaml has the key 'sector' twice in one mapping (again at line",)),
    Case(P, "an integer of 5,000 digits", edit(P, "value: 200000000,", "value: " + "9" * 5000 + ","),
         ("projects.yaml is not valid YAML at line", "cannot be read as int")),
    Case(P, "other figure not a number", records(P, set_in(0, "other_figures", [
        {"value": "2.5bn", "currency": "USD", "measure": "total_cost",
         "source": "https://www.sojitz.com/en/news/"}])),
         (P1, "field 'other_figures[0].value': expected a number, got '2.5bn'")),
    Case(P, "other figure without its source", records(P, set_in(0, "other_figures", [
        {"value": 2.5e9, "currency": "USD", "measure": "total_cost"}])),
         (P1, "field 'other_figures[0].source': expected a URL: the source that gives")),
    Case(P, "unknown source kind", records(P, set_in(0, "sources", [
        {"url": "https://www.jica.go.jp/", "publisher": "JICA", "date": None,
         "kind": "official"}])),
         (P1, "field 'sources[0].kind': 'official' is not one of: primary, secondary, repost")),
    Case(P, "route point out of range", records(P, set_in(0, "route", [[69.0, 41.0], [269.0, 41.0]])),
         (P1, "field 'route[1]': expected [lon, lat] in degrees, got [269.0, 41.0]")),

    *common(C, "list"),
    Case(C, "node lat text", records(C, lambda c: c[0]["nodes"][1].__setitem__("lat", "north")),
         ("corridors.yaml, record 1 (id middle-corridor-kz), field 'nodes[1].lat': expected a number, got 'north'",)),
    Case(C, "node lon inf", records(C, lambda c: c[0]["nodes"][1].__setitem__("lon", float("inf"))),
         ("corridors.yaml, record 1 (id middle-corridor-kz), field 'nodes[1].lon': expected a finite number",)),
    Case(C, "one node only", records(C, lambda c: c[0].__setitem__("nodes", c[0]["nodes"][:1])),
         ("corridors.yaml, record 1 (id middle-corridor-kz), field 'nodes': needs at least two nodes",)),
    Case(C, "unknown kind", records(C, set_in(0, "kind", "teleport")),
         ("corridors.yaml, record 1 (id middle-corridor-kz), field 'kind': 'teleport' is not one of",)),
    Case(C, "unknown mode_to_next", records(C, lambda c: c[0]["nodes"][0].__setitem__("mode_to_next", "camel")),
         ("field 'nodes[0].mode_to_next': 'camel' is not one of",)),
    Case(C, "duplicate id", records(C, set_in(1, "id", "middle-corridor-kz")),
         ("corridors.yaml, record 2 (id middle-corridor-kz), field 'id': duplicates the id of record 1",)),

    *common(R, "list"),
    Case(R, "radius inf", records(R, set_in(0, "radius_km", float("inf"))),
         ("risk_notes.yaml, record 1 (id cpc-terminal-strike-2025), field 'radius_km': expected a finite number",)),
    Case(R, "radius negative", records(R, set_in(0, "radius_km", -1)),
         ("field 'radius_km': -1 is below the smallest allowed value 0",)),
    Case(R, "unknown severity", records(R, set_in(0, "severity", "apocalyptic")),
         ("risk_notes.yaml, record 1 (id cpc-terminal-strike-2025), field 'severity': 'apocalyptic' is not one of",)),
    Case(R, "dangling project reference", records(R, set_in(0, "projects", ["no-such-project"])),
         ("field 'projects[0]': no project has the id 'no-such-project'",)),
    Case(R, "claim status unknown", records(R, set_in(0, "claim.status", "maybe")),
         ("field 'claim.status': 'maybe' is not one of",)),
    Case(R, "lat NaN", records(R, set_in(0, "lat", float("nan"))),
         ("risk_notes.yaml, record 1 (id cpc-terminal-strike-2025), field 'lat': expected a finite number, got nan",)),
    Case(R, "end before start", records(R, set_in(0, "date_end", "1990")),
         ("field 'date_end': 1990 is before date_start",)),

    *common(CL, "list"),
    Case(CL, "unknown status", records(CL, set_in(0, "status", "true-ish")),
         ("claims.yaml, record 1 (id claim-summit-date), field 'status': 'true-ish' is not one of",)),
    Case(CL, "dangling related id", records(CL, set_in(0, "related", ["nothing-like-it"])),
         ("claims.yaml, record 1 (id claim-summit-date), field 'related[0]': no project, corridor or risk note has the id 'nothing-like-it'",)),
    Case(CL, "no sources", records(CL, set_in(0, "sources", [])),
         ("claims.yaml, record 1 (id claim-summit-date), field 'sources': needs at least one source",)),

    *common(FX, "csv"),
    Case(FX, "wrong header", edit(FX, "currency,year,usd_per_unit,source", "cur,yr,rate,src"),
         ("fx_rates.csv, record 1: header must be currency,year,usd_per_unit,source",)),
    Case(FX, "rate inf", edit(FX, "0.0092790201", "inf"),
         ("fx_rates.csv, record 2, field 'usd_per_unit': expected a finite number, got inf",)),
    Case(FX, "rate nan", edit(FX, "0.0092790201", "nan"),
         ("fx_rates.csv, record 2, field 'usd_per_unit': expected a finite number, got nan",)),
    Case(FX, "rate zero", edit(FX, "0.0092790201", "0"),
         ("fx_rates.csv, record 2, field 'usd_per_unit': a rate must be more than zero",)),
    Case(FX, "rate negative", edit(FX, "0.0092790201", "-0.0092790201"),
         ("fx_rates.csv, record 2, field 'usd_per_unit': -0.0092790201 is below",)),
    Case(FX, "rate text", edit(FX, "0.0092790201", "about 0.009"),
         ("fx_rates.csv, record 2, field 'usd_per_unit': expected a number, got 'about 0.009'",)),
    Case(FX, "rate upside down", edit(FX, "0.0092790201", "107.77"),
         ("fx_rates.csv, record 2, field 'usd_per_unit': 107.77 is above the largest allowed value 100",)),
    Case(FX, "currency ZZZ", edit(FX, "JPY,2000", "ZZZ,2000"),
         ("fx_rates.csv, record 2, field 'currency': 'ZZZ' is not an ISO 4217 currency code",)),
    Case(FX, "currency lower case", edit(FX, "JPY,2000", "jpy,2000"),
         ("fx_rates.csv, record 2, field 'currency': expected an ISO 4217 currency code",)),
    Case(FX, "a USD row", edit(FX, "JPY,2000", "USD,2000"),
         ("fx_rates.csv, record 2, field 'currency': USD is the unit of the table",)),
    Case(FX, "year text", edit(FX, "JPY,2000", "JPY,two thousand"),
         ("fx_rates.csv, record 2, field 'year': expected a year from 1950 to 2100, got 'two thousand'",)),
    Case(FX, "year out of range", edit(FX, "JPY,2000", "JPY,1800"),
         ("fx_rates.csv, record 2, field 'year': expected a year from 1950 to 2100, got '1800'",)),
    Case(FX, "a row twice", edit(FX, "JPY,2003", "JPY,2000"),
         ("fx_rates.csv, record 3, field 'year': JPY 2000 is listed twice",)),
    Case(FX, "javascript: source", edit(FX, "https://www.indexmundi.com/facts/japan/indicator/PA.NUS.FCRF",
                                        "javascript:alert(1)"),
         ("fx_rates.csv, record 2, field 'source': URL 'javascript:alert(1)' must start with http",)),
    Case(FX, "a field too many", edit(FX, "JPY,2000,0.0092790201,", "JPY,2000,0.0092790201,extra,"),
         ("fx_rates.csv, record 2: has 5 fields; the header has 4",)),
    Case(FX, "an unclosed quote", edit(FX, "JPY,2000,", 'JPY,"2000,'),
         ("fx_rates.csv is not valid CSV at line",)),

    *common(T, "dict"),
    Case(T, "speed inf", edit(T, "speed_kmh: 42.9", "speed_kmh: .inf"),
         ("transit.yaml, field 'modes.road.speed_kmh': expected a finite number, got inf",)),
    Case(T, "speed beyond any train", edit(T, "speed_kmh: 42.9", "speed_kmh: 4290"),
         ("transit.yaml, field 'modes.road.speed_kmh': 4290 is above the largest allowed value 300",)),
    Case(T, "speed zero", edit(T, "speed_kmh: 42.9", "speed_kmh: 0"),
         ("transit.yaml, field 'modes.road.speed_kmh': a speed must be more than zero",)),
    Case(T, "speed text", edit(T, "speed_kmh: 42.9", "speed_kmh: fast"),
         ("transit.yaml, field 'modes.road.speed_kmh': expected a number, got 'fast'",)),
    Case(T, "delay NaN", edit(T, "border_delay_h: 15.1", "border_delay_h: .nan"),
         ("transit.yaml, field 'modes.road.border_delay_h': expected a finite number, got nan",)),
    Case(T, "delay negative", edit(T, "border_delay_h: 15.1", "border_delay_h: -2"),
         ("transit.yaml, field 'modes.road.border_delay_h': -2 is below the smallest allowed value 0",)),
    Case(T, "join_km huge", edit(T, "join_km: 15", "join_km: 1e400"),
         ("transit.yaml, field 'join_km': expected a number, got '1e400'",)),
    Case(T, "join_km inf", edit(T, "join_km: 15", "join_km: .inf"),
         ("transit.yaml, field 'join_km': expected a finite number, got inf",)),
    Case(T, "unknown mode", edit(T, "  road:\n", "  hovercraft:\n"),
         ("transit.yaml, field 'modes.hovercraft': 'hovercraft' is not one of",)),
    Case(T, "speed without a source", records(T, lambda c: c["modes"]["road"].__setitem__("source", None)),
         ("transit.yaml, field 'modes.road.source': a speed needs its source",)),
    Case(T, "modes not a mapping", records(T, lambda c: c.__setitem__("modes", ["road", "rail"])),
         ("transit.yaml, field 'modes': is required: a mapping of modes, got ['road', 'rail']",)),

    *common(S, "dict"),
    Case(S, "a count in words", edit(S, "value: 158", "value: a hundred and fifty-eight"),
         ("summit_2025.yaml, record 2 (id deals-158-jiji), field 'counts.value': expected a number, got 'a hundred and fifty-eight'",)),
    Case(S, "a target of inf", edit(S, "value: 3000000000000", "value: .inf"),
         ("summit_2025.yaml, record 1 (id business-target-3tn-yen), field 'targets.value': expected a finite number",)),
    Case(S, "usd_reported negative", edit(S, "usd_reported: 19000000000", "usd_reported: -19000000000"),
         ("field 'targets.usd_reported': -19000000000 is below the smallest allowed value 0",)),
    Case(S, "currency ZZZ", edit(S, "currency: EUR", "currency: ZZZ"),
         ("summit_2025.yaml, record 4 (id kaz-documents-40), field 'counts.amount.currency': 'ZZZ' is not an ISO 4217 currency code",)),
    Case(S, "unknown qualifier", edit(S, 'qualifier: "more than"', "qualifier: roughly"),
         ("field 'counts.qualifier': 'roughly' is not one of: more than, exact",)),
    Case(S, "no summit mapping", records(S, lambda c: c.pop("summit")),
         ("summit_2025.yaml, field 'summit': is required: a mapping",)),

    *common(CO, "json"),
    Case(CO, "null geometry", geojson(CO, feature(20, lambda f: f.__setitem__("geometry", None))),
         ("boundaries/countries.geojson, record 21 (id Kazakhstan), field 'geometry': is null",)),
    Case(CO, "no name", geojson(CO, feature(21, lambda f: f["properties"].pop("name"))),
         ("boundaries/countries.geojson, record 22, field 'name': is required text, got null",)),
    Case(CO, "no focus", geojson(CO, feature(21, lambda f: f["properties"].pop("focus"))),
         ("boundaries/countries.geojson, record 22 (id Kyrgyzstan), field 'focus': expected true or false, got null",)),
    Case(CO, "focus as text", geojson(CO, feature(0, lambda f: f["properties"].__setitem__("focus", "no"))),
         ("boundaries/countries.geojson, record 1 (id Afghanistan), field 'focus': expected true or false, got 'no'",)),
    Case(CO, "focus on a neighbour", geojson(CO, feature(0, lambda f: f["properties"].__setitem__("focus", True))),
         ("record 1 (id Afghanistan), field 'focus': is true, but it is true for exactly the five",)),
    Case(CO, "no iso_a3", geojson(CO, feature(0, lambda f: f["properties"].pop("iso_a3"))),
         ("boundaries/countries.geojson, record 1 (id Afghanistan), field 'iso_a3': expected an ISO 3166-1 alpha-3 code",)),
    Case(CO, "a focus country missing", geojson(CO, lambda d: d["features"].pop(20)),
         ("boundaries/countries.geojson, field 'iso_a3': has no feature for Kazakhstan (KAZ)",)),
    Case(CO, "iso_a3 twice", geojson(CO, feature(1, lambda f: f["properties"].__setitem__("iso_a3", "AFG"))),
         ("boundaries/countries.geojson, record 2 (id United Arab Emirates), field 'iso_a3': 'AFG' is also feature 1",)),
    Case(CO, "a Point for a country", geojson(CO, feature(0, lambda f: f.__setitem__(
        "geometry", {"type": "Point", "coordinates": [66.0, 34.0]}))),
         ("record 1 (id Afghanistan), field 'geometry': is a 'Point'; this file holds Polygon or MultiPolygon",)),
    Case(CO, "a position out of range", geojson(CO, feature(0, lambda f: f["geometry"]["coordinates"][0].__setitem__(1, [567.8, 37.0]))),
         ("record 1 (id Afghanistan), field 'geometry': Polygon: position [567.8, 37.0] is outside",)),
    Case(CO, "a NaN position", content(CO, text(CO).replace("[67.7653,37.1407]", "[NaN,37.1407]", 1)),
         ("boundaries/countries.geojson is not valid GeoJSON: NaN is not a number JSON allows",)),
    Case(CO, "a self-intersecting ring", geojson(CO, feature(0, lambda f: f.__setitem__("geometry", {
        "type": "Polygon", "coordinates": [[[60, 30], [70, 40], [70, 30], [60, 40], [60, 30]]]}))),
         ("record 1 (id Afghanistan), field 'geometry': is not a valid Polygon: Self-intersection",)),
    Case(CO, "not a FeatureCollection", content(CO, '{"type": "Topology", "objects": {}}'),
         ("boundaries/countries.geojson must be a GeoJSON FeatureCollection, got 'Topology'",)),
    Case(CO, "invalid JSON", content(CO, text(CO)[:500]),
         ("boundaries/countries.geojson is not valid JSON at line 1, column",)),

    *common(PL, "json"),
    Case(PL, "null geometry", geojson(PL, feature(0, lambda f: f.__setitem__("geometry", None))),
         ("boundaries/places.geojson, record 1 (id Astana), field 'geometry': is null",)),
    Case(PL, "unknown kind", geojson(PL, feature(0, lambda f: f["properties"].__setitem__("kind", "village"))),
         ("boundaries/places.geojson, record 1 (id Astana), field 'kind': 'village' is not one of: capital, sea, lake",)),
    Case(PL, "no kind", geojson(PL, feature(0, lambda f: f["properties"].pop("kind"))),
         ("boundaries/places.geojson, record 1 (id Astana), field 'kind': null is not one of",)),
    Case(PL, "no name", geojson(PL, feature(14, lambda f: f["properties"].pop("name"))),
         ("boundaries/places.geojson, record 15, field 'name': is required text, got null",)),
    Case(PL, "a capital drawn as a sea", geojson(PL, feature(14, lambda f: f["properties"].__setitem__("kind", "capital"))),
         ("boundaries/places.geojson, record 15 (id Caspian Sea), field 'geometry': is a 'Polygon'; this file holds Point",)),
    Case(PL, "no features", content(PL, '{"type": "FeatureCollection", "features": []}'),
         ("boundaries/places.geojson has no features",)),

    *common(BRIEF, "dict"),
    Case(BRIEF, "a place no longer in the network", lambda d: write(d, C, text(C).replace("name: Aktau,", "name: Aktau port,")),
         ("briefings/japan-after-tokyo-summit.yaml, record 7 (id aktau-closed), field 'scenario.block[0]': nothing in the network is called 'Aktau'",),
         full_load=True),
    Case(BRIEF, "a project no longer there", lambda d: write(d, P, text(P).replace("id: kg-naryn-river-bridge", "id: kg-naryn-bridge-2026")),
         ("briefings/japan-after-tokyo-summit.yaml, record 1 (id target), field 'highlight.projects[0]': no project has the id 'kg-naryn-river-bridge'",),
         full_load=True),
    Case(BRIEF, "a step that is text", records(BRIEF, lambda c: c["steps"].insert(0, "a step")),
         ("briefings/japan-after-tokyo-summit.yaml, record 1: a step must be a mapping, got 'a step'",)),
    Case(BRIEF, "a NaN centre", edit(BRIEF, "center: [41.1, 69.3]", "center: [.nan, 69.3]"),
         ("briefings/japan-after-tokyo-summit.yaml, record 3 (id tashkent-airport), field 'view.center[0]': expected a finite number, got nan",)),
    Case(BRIEF, "a zoom in words", edit(BRIEF, "zoom: 8}", "zoom: close}"),
         ("record 3 (id tashkent-airport), field 'view.zoom': expected a number, got 'close'",)),
    Case(BRIEF, "highlight as a list", edit(BRIEF, "highlight: {projects: [uz-tashkent-new-airport]}",
                                            "highlight: [uz-tashkent-new-airport]"),
         ("record 3 (id tashkent-airport), field 'highlight': expected {projects, corridors, risks}",)),
    Case(BRIEF, "steps empty", records(BRIEF, lambda c: c.__setitem__("steps", [])),
         ("briefings/japan-after-tokyo-summit.yaml, field 'steps': is required: a list of at least one step, got []",)),
    Case(BRIEF, "id not the file name", edit(BRIEF, "id: japan-after-tokyo-summit", "id: other"),
         ("briefings/japan-after-tokyo-summit.yaml, field 'id': must match the file name",)),
]


def _ids(cases):
    return [f"{c.file}: {c.defect}" for c in cases]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """One copy of the shipped dataset that every case links its unchanged files to."""
    root = tmp_path_factory.mktemp("defects")
    shutil.copytree(DATA, root / "base")
    return root / "base"


def one_defect(base: Path, where: Path, case: Case) -> Path:
    """A copy of ``base`` (hard links) with ``case``'s defect made in it."""
    d = where / "data"
    shutil.copytree(base, d, copy_function=os.link)
    case.make(d)
    return d


def matches(messages: list[str], expect: tuple[str, ...]) -> bool:
    return any(all(part in m for part in expect) for m in messages)


def test_the_corpus_covers_every_file_and_23_projects_defects():
    counts = {f: sum(c.file == f for c in CASES) for f in (P, C, R, CL, FX, T, S, CO, PL, BRIEF)}
    assert counts[P] >= 23, counts
    assert all(n >= 10 for n in counts.values()), counts
    assert len(set(_ids(CASES))) == len(CASES)


@pytest.fixture(scope="module")
def core(base):
    """The shipped dataset loaded once, for the cases that break only an optional part."""
    return catalog.load(base)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_one_defect(base, core, tmp_path, case):
    d = one_defect(base, tmp_path, case)
    assert len(catalog.fingerprint(d)) == 12  # never blocks, never raises
    if case.optional:
        # an optional part never stops the atlas
        atlas = catalog.load(d) if case.full_load else catalog.with_parts(core, d)
        (part,) = catalog.disabled_parts(atlas)
        assert part.file == case.file
        messages = part.messages
        assert not any(w.file == case.file for w in atlas.warnings)  # listed once, as disabled
        if case.file == S:
            assert atlas.summit is None and atlas.briefings
        else:
            assert atlas.briefings == () and atlas.summit is not None
        assert len(atlas.projects) > 100
    else:
        with pytest.raises(DatasetError) as info:
            catalog.load(d)
        messages = [str(p) for p in info.value.problems if p.level == "error"]
    assert matches(messages, case.expect), f"expected {case.expect} in:\n" + "\n".join(messages)
    assert all(m.startswith(case.file) or case.optional for m in messages[:1])
    assert not any("could not be loaded: unexpected" in m for m in messages), messages
    assert all(len(m) < 1500 for m in messages)


def test_the_shipped_dataset_has_no_disabled_part(atlas):
    assert catalog.disabled_parts(atlas) == []
    assert {b.id for b in atlas.briefings} == {"japan-after-tokyo-summit"}


def test_a_broken_briefing_leaves_the_other_briefings_serving(base, tmp_path):
    d = one_defect(base, tmp_path, Case(BRIEF, "second", lambda d: None, ()))
    write(d, "briefings/broken.yaml", "id: broken\ntitle: [unclosed\n")
    atlas = catalog.load(d)
    assert [b.id for b in atlas.briefings] == ["japan-after-tokyo-summit"]
    (part,) = catalog.disabled_parts(atlas)
    assert (part.part, part.file, part.title) == ("briefing", "briefings/broken.yaml", "broken")
    assert part.messages[0].startswith("briefings/broken.yaml is not valid YAML at line 3, column 1")


def test_an_fx_note_column_is_accepted(base, tmp_path):
    d = one_defect(base, tmp_path, Case(FX, "note", lambda d: None, ()))
    lines = text(FX).splitlines()
    rows = [lines[0] + ",note"] + [line + "," for line in lines[1:]]
    rows[-1] = rows[-1] + '"average of January to June"'
    write(d, FX, "\n".join(rows) + "\n")
    atlas = catalog.load(d)
    assert atlas.fx["note"].iloc[-1] == "average of January to June"
    assert atlas.fx["note"].iloc[0] is None


# -- through the real command ------------------------------------------------------------------

def _validate(d: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "ca-atlas"), "validate", str(d)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


CLI_CASES = [c for c in CASES if (c.file, c.defect) in {
    (P, "empty"), (P, "a FIFO"), (P, "an alias bomb"), (FX, "not UTF-8"), (CO, "null geometry")}]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", CLI_CASES, ids=_ids(CLI_CASES))
def test_validate_names_the_defect_and_exits_1(base, tmp_path, case):
    done = _validate(one_defect(base, tmp_path, case))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert re.search(r": 1 error\(s\)", done.stdout), done.stdout
    assert any(all(p in line for p in case.expect) for line in done.stdout.splitlines())


@pytest.mark.timeout(120)
def test_validate_lists_a_broken_briefing_without_a_traceback(base, tmp_path):
    case = next(c for c in CASES if c.file == BRIEF and c.defect == "not UTF-8")
    done = _validate(one_defect(base, tmp_path, case))
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert done.returncode == 1  # the app serves without it; the reviewer must still fix it
    assert "1 error(s) in 1 optional part(s), which the app leaves out: " \
           "briefings/japan-after-tokyo-summit.yaml" in done.stdout
    assert "  briefings/japan-after-tokyo-summit.yaml is not UTF-8 text: byte 0xff at line 1, " \
           "column 41" in done.stdout


@pytest.mark.timeout(120)
def test_validate_as_a_user_who_cannot_read_a_file_or_the_briefings():
    """Root reads whatever the mode says, so the command runs as nobody (a forked child:
    it need not reach the checkout, which may be private)."""
    import tempfile

    from ca_atlas import cli

    root = Path(tempfile.mkdtemp(prefix="atlas-defects-"))
    try:
        root.chmod(0o755)
        d = root / "data"
        shutil.copytree(DATA, d)
        for p in [d, *d.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        validate = lambda: cli.main(["validate", str(d)])  # noqa: E731
        (d / P).chmod(0o000)
        file_code, unreadable_file = run_as_nobody(validate)
        (d / P).chmod(0o644)
        (d / "briefings").chmod(0o000)
        folder_code, unreadable_folder = run_as_nobody(validate)
    finally:
        (root / "data" / "briefings").chmod(0o755)
        shutil.rmtree(root)
    assert file_code == 1, unreadable_file
    assert "Traceback" not in unreadable_file
    assert "  projects.yaml cannot be read: permission denied" in unreadable_file.splitlines()
    # the atlas serves without its briefings and says why, instead of showing none silently
    assert "Traceback" not in unreadable_folder
    assert folder_code == 1
    assert "  briefings/ cannot be read: permission denied" in unreadable_folder.splitlines()
