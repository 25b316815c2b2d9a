"""Small datasets for the tests, written to a temp directory.

The small dataset is four real projects from data/ sources (see their URLs), cut down so
that sums can be worked out by hand in the tests. A module of its own (not conftest.py)
so that test files can import it whichever conftest pytest loaded last.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

FED = "https://www.federalreserve.gov/releases/g5a/current/default.htm"
#: JPY per USD 2012 and 2015 as the unit value of one yen in dollars (test figures).
FX_ROWS = [("JPY", 2012, 1 / 80.0, FED), ("JPY", 2015, 1 / 120.0, FED)]

MINI_PROJECTS = [
    {
        "id": "uz-karshi-termez-electrification",
        "name": "Karshi–Termez railway electrification",
        "country": "UZB", "place": "Karshi to Termez line", "lat": 38.2, "lon": 67.2,
        "location_precision": "region", "sector": "transport",
        "description": "Electrification of a 325 km line in southern Uzbekistan.",
        "investors": [{"name": "JICA", "country": "JPN", "role": "lender"}],
        "financing_type": "oda_loan",
        "amount": {"value": 18_067_000_000, "currency": "JPY", "measure": "loan", "year": 2012},
        "dates": {"announced": None, "signed": "2012-02-27", "start": None, "completion": None},
        "status": "operating", "flags": [], "corridors": ["test-corridor"],
        "sources": [{"url": "https://www.jica.go.jp/english/news/press/2011/120227_02.html",
                     "publisher": "JICA", "date": "2012-02-27"}],
        "confidence": "high", "last_verified": "2026-11-29",
    },
    {
        "id": "uz-tashkent-cogeneration",
        "name": "Tashkent thermal power cogeneration plant",
        "country": "UZB", "place": "Tashkent", "lat": 41.30, "lon": 69.24,
        "location_precision": "city", "sector": "power",
        "description": "A gas-fired combined heat and power plant in the capital.",
        "investors": [{"name": "JICA", "country": "JPN", "role": "lender"}],
        "financing_type": "oda_loan",
        "amount": {"value": 12_000_000_000, "currency": "JPY", "measure": "loan"},
        "dates": {"announced": None, "signed": "2015-10-25", "start": None, "completion": None},
        "status": "agreed", "flags": [], "corridors": [],
        "sources": [{"url": "https://www.jica.go.jp/english/news/press/2015/151026_02.html",
                     "publisher": "JICA", "date": "2015-10-26"}],
        "confidence": "high", "last_verified": "2026-11-29",
    },
    {
        "id": "kg-naryn-bridge",
        "name": "Naryn River bridge on the Bishkek–Osh road",
        "country": "KGZ", "place": "Bishkek–Osh road km 315", "lat": 41.85, "lon": 72.95,
        "location_precision": "region", "sector": "transport",
        "description": "Replacement of a 1974 bridge on the main north–south road.",
        "investors": [{"name": "Government of Japan", "country": "JPN", "role": "donor"}],
        "financing_type": "grant",
        "amount": {"value": 20_000_000, "currency": "USD", "measure": "grant", "year": 2025},
        "dates": {"announced": "2025-12", "signed": None, "start": None, "completion": None},
        "status": "agreed", "flags": ["summit_2025", "middle_corridor"], "corridors": [],
        "sources": [{"url": "https://qazinform.com/news/japan-provides-44-million-grant-aid-to-kyrgyzstan-d65a5b",
                     "publisher": "Kazinform", "date": "2025-12-24"}],
        "confidence": "medium", "last_verified": "2026-11-29",
    },
    {
        "id": "tm-gas-to-gasoline",
        "name": "Gas-to-gasoline plant at Ovadan-Depe",
        "country": "TKM", "place": "Ovadan-Depe, Ahal", "lat": 38.15, "lon": 58.35,
        "location_precision": "city", "sector": "petrochemicals",
        "description": "A plant making gasoline from natural gas near Ashgabat.",
        "investors": [{"name": "Kawasaki Heavy Industries", "country": "JPN", "role": "contractor"},
                      {"name": "Rönesans", "country": "TUR", "role": "contractor"}],
        "financing_type": "export_credit",
        "amount": {"value": 1_700_000_000, "currency": "USD", "measure": "contract"},
        "dates": {"announced": None, "signed": "2014-08", "start": None, "completion": "2019"},
        "status": "operating", "flags": [], "corridors": [],
        "sources": [{"url": "https://worldenergynews.com/news/turkey-japan-ink-bln-turkmenistan-gas-liquids-611205",
                     "publisher": "World Energy News", "date": None}],
        "confidence": "medium", "last_verified": "2026-11-29",
    },
]

MINI_CORRIDORS = [
    {
        "id": "test-corridor", "name": "Termez to Tashkent by rail", "kind": "rail",
        "status": "operating", "description": "Part of the Uzbek rail spine.",
        "nodes": [
            {"name": "Termez", "lat": 37.22, "lon": 67.28, "kind": "city", "country": "UZB",
             "precision": "city"},
            {"name": "Tashkent", "lat": 41.30, "lon": 69.24, "kind": "city", "country": "UZB",
             "precision": "city"},
        ],
        "sources": [{"url": "https://ccirom-tkm.ro/2018/05/03/the-carec-programme-corridor-6/",
                     "publisher": "CCIROM-TKM", "date": "2018-05-03"}],
        "confidence": "medium", "last_verified": "2026-11-29",
    },
]

MINI_RISKS = [
    {
        "id": "tashkent-earthquake", "title": "Earthquake risk in Tashkent", "category": "seismic",
        "severity": "medium", "severity_rationale": "A shallow quake destroyed much of the city in 1966.",
        "status": "monitoring", "date_start": "1966-04-26", "date_end": None,
        "lat": 41.3, "lon": 69.24, "radius_km": 50, "location_precision": "city",
        "countries": ["UZB"], "corridors": [], "projects": ["uz-tashkent-cogeneration"],
        "description": "The capital lies on active faults.",
        "claim": {"text": "Tashkent is exposed to damaging earthquakes", "status": "confirmed",
                  "sources_for": [{"url": "http://earthquake.usgs.gov/earthquakes/world/events/1966_04_25.php",
                                   "publisher": "USGS", "date": None}],
                  "sources_against": []},
        "sources": [{"url": "http://earthquake.usgs.gov/earthquakes/world/events/1966_04_25.php",
                     "publisher": "USGS", "date": None}],
        "last_verified": "2026-11-29",
    },
]

MINI_CLAIMS = [
    {"id": "over-100-projects", "claim": "Japan will invest in over 100 projects",
     "status": "unverified", "finding": "No source gives a count of 100 projects.",
     "sources": [{"url": "https://en.fergana.ru/photos/144207", "publisher": "Fergana",
                  "date": "2025-12-20"}], "related": []},
]


class NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Writes a record shared between tests in full each time: the dataset files refuse
    YAML anchors and aliases, which PyYAML would otherwise emit for a repeated object."""

    def ignore_aliases(self, data):
        return True


def dump(records) -> str:
    return yaml.dump(records, Dumper=NoAliasDumper, allow_unicode=True, sort_keys=False)


def write_dataset(directory: Path, projects=None, corridors=None, risks=None, claims=None,
                  fx_rows=None) -> Path:
    """Write a dataset directory (boundaries copied from data/) and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, records in (("projects.yaml", projects if projects is not None else MINI_PROJECTS),
                          ("corridors.yaml", corridors if corridors is not None else MINI_CORRIDORS),
                          ("risk_notes.yaml", risks if risks is not None else MINI_RISKS),
                          ("claims.yaml", claims if claims is not None else MINI_CLAIMS)):
        (directory / name).write_text(dump(records), encoding="utf-8")
    rows = fx_rows if fx_rows is not None else FX_ROWS
    lines = ["currency,year,usd_per_unit,source"] + [f"{c},{y},{r!r},{s}" for c, y, r, s in rows]
    (directory / "fx_rates.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copytree(DATA / "boundaries", directory / "boundaries", dirs_exist_ok=True)
    shutil.copy(DATA / "transit.yaml", directory / "transit.yaml")
    return directory


def run_async(coroutine):
    """``asyncio.run(coroutine)`` in a thread of its own. In a whole-suite run the browser
    tests' Playwright (sync API) keeps an event loop running in the main thread until the
    session ends, and asyncio.run refuses to start inside a running loop."""
    import asyncio
    import threading

    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="run-async")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


async def inner_app(scope, receive, send):
    """An ASGI app behind a middleware under test: answers "the app" to anything."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"the app"})


async def asgi_call(middleware, path, method="GET", kind="http"):
    """One request through an ASGI ``middleware``: (status, headers, body)."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    await middleware({"type": kind, "path": path, "method": method}, receive, send)
    status = sent[0].get("status")
    headers = {k.decode(): v.decode() for k, v in sent[0].get("headers", [])}
    return status, headers, b"".join(m.get("body", b"") for m in sent[1:])


NOBODY = 65534


def run_as_nobody(call) -> tuple[int, str]:
    """``call()`` (returns an exit code; prints what it reports) in a forked child that
    runs as the unprivileged user ``nobody`` when this process is root: root reads
    whatever a file's mode says, so a chmod 000 file is only unreadable to someone else.

    Forked rather than started afresh: the child has the project's modules loaded
    already, so it need not reach the checkout (which may sit in a private directory,
    ``mktemp -d``). Returns the exit code and everything the child printed. The test's
    own timeout bounds it.
    """
    import io

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 70
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            out = io.StringIO()
            sys.stdout = sys.stderr = out
            try:
                code = int(call() or 0)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                import traceback
                out.write("".join(traceback.format_exception(exc)))
                code = 71
            os.write(write_end, out.getvalue().encode("utf-8", "replace"))
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        printed = pipe.read().decode("utf-8")
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), printed
