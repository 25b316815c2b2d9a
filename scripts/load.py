"""Load: N concurrent sessions speaking Streamlit's websocket protocol, no browsers.

Each session does what a person's browser does, with the installed Streamlit's own
protobuf classes (``BackMsg``, ``ForwardMsg``, ``ClientState``, ``WidgetStates``):

1. ``GET /_stcore/health`` for the XSRF cookie (and, behind nginx, the routing cookie);
2. opens ``/_stcore/stream`` with the cookies, a same-origin ``Origin`` and the XSRF token
   as the second websocket subprotocol, as Streamlit's frontend does;
3. asks for the map page (a rerun with no widget state) and waits for the
   script-finished message, collecting the widgets' ids from the deltas;
4. after a pause, turns on "Japanese participation only" (``flt_japan``); after another,
   picks a sector (``flt_sector``): each a rerun with the widget states and the page's
   current query string, timed until the script finished. A rerun counts as an error
   when it does not finish successfully in time, shows an exception, or the filter did
   not narrow the map's "Projects shown".

It prints p50/p95 of the time to a finished rerun, errors, and the growth of the server
processes' memory (RSS) per session, for each size against one replica directly and
against two behind nginx. Loopback only; the count, each rerun and each run are bounded.

    python scripts/load.py                      # N = 10, 50, 100; starts the topology
                                                # (make team-up) unless it is running
    python scripts/load.py --sizes 10           # quick
    python scripts/load.py --url http://127.0.0.1:8501 --pid 1234 --sizes 10
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookies
import random
import statistics
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

MAX_SESSIONS = 200
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
XSRF_COOKIE = "_streamlit_xsrf"


class LoadError(RuntimeError):
    pass


def check_local(url: str) -> str:
    host = urlparse(url).hostname or ""
    if host not in LOCAL_HOSTS:
        raise LoadError(f"the load client only talks to this machine, not {host!r}")
    return url.rstrip("/")


@dataclass
class Run:
    """What one rerun gave back."""

    ms: float
    status: str  # finished | failed | timeout | closed
    metrics: dict[str, str] = field(default_factory=dict)
    expanders: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "finished" and not self.exceptions

    def projects_shown(self) -> int | None:
        """The map's "Projects shown" metric, ``N of M`` -> N."""
        text = self.metrics.get("Projects shown", "")
        return int(text.split()[0]) if text[:1].isdigit() else None


class Session:
    """One visitor: cookies, a websocket, the widgets the page drew."""

    def __init__(self, base: str, timeout: float = 60.0) -> None:
        self.base = check_local(base)
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.widgets: dict[str, tuple[str, object]] = {}  # key -> (id, element proto)
        self.states: dict[str, WidgetState] = {}  # id -> the value every rerun sends
        self.query_string = ""
        self.page_hash = ""
        self.session_id = ""

    def _get(self, path: str) -> None:
        request = urllib.request.Request(self.base + path)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        with urllib.request.urlopen(request, timeout=self.timeout) as resp:
            for header in resp.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie()
                jar.load(header)
                self.cookies |= {k: m.value for k, m in jar.items()}

    async def open(self) -> None:
        await asyncio.to_thread(self._get, "/_stcore/health")
        xsrf = self.cookies.get(XSRF_COOKIE, "")
        ws_url = "ws" + self.base.removeprefix("http") + "/_stcore/stream"
        self.ws = await asyncio.wait_for(websockets.connect(
            ws_url, subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            additional_headers={"Origin": self.base, "Cookie": "; ".join(
                f"{k}={v}" for k, v in self.cookies.items())},
            max_size=2**27, open_timeout=self.timeout, ping_interval=None), self.timeout)

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 5)
            except (TimeoutError, websockets.WebSocketException, OSError):
                pass

    def set_widget(self, key: str, value) -> None:
        """Set the widget with user key ``key`` as a person would (the next rerun sends
        it): a toggle's bool, a multiselect's labels, a text input's text."""
        if key not in self.widgets:
            raise LoadError(f"the page drew no widget {key!r}")
        wid, _ = self.widgets[key]
        state = WidgetState(id=wid)
        if isinstance(value, bool):
            state.bool_value = value
        elif isinstance(value, str):
            state.string_value = value
        else:
            state.string_array_value.data.extend(value)
        self.states[wid] = state

    def options(self, key: str) -> list[str]:
        return list(getattr(self.widgets[key][1], "options", []))

    async def rerun(self) -> Run:
        """Send a rerun with the widget states and the page's query string; time it until
        the script-finished message."""
        msg = BackMsg()
        msg.rerun_script.query_string = self.query_string
        msg.rerun_script.page_script_hash = self.page_hash
        msg.rerun_script.widget_states.widgets.extend(self.states.values())
        started = time.perf_counter()
        run = Run(ms=0.0, status="timeout")
        try:
            await self.ws.send(msg.SerializeToString())
            await asyncio.wait_for(self._until_finished(run), self.timeout)
        except TimeoutError:
            run.status = "timeout"
        except (websockets.WebSocketException, OSError):
            run.status = "closed"
        run.ms = (time.perf_counter() - started) * 1000
        return run

    async def _until_finished(self, run: Run) -> None:
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "script_finished":
                run.status = ("finished" if fwd.script_finished in (
                    ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_EARLY_FOR_RERUN)
                    else "failed")
                return
            if kind == "new_session":
                self.page_hash = self.page_hash or fwd.new_session.page_script_hash
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
            elif kind == "page_info_changed":
                self.query_string = fwd.page_info_changed.query_string
            elif kind == "delta":
                self._read_delta(fwd.delta, run)

    def _read_delta(self, delta, run: Run) -> None:
        which = delta.WhichOneof("type")
        if which == "add_block":
            if delta.add_block.WhichOneof("type") == "expandable":
                run.expanders.append(delta.add_block.expandable.label)
            return
        if which != "new_element":
            return
        kind = delta.new_element.WhichOneof("type")
        element = getattr(delta.new_element, kind)
        if kind == "metric":
            run.metrics[element.label] = element.body
        elif kind == "exception":
            run.exceptions.append(f"{element.type}: {element.message}"[:200])
        wid = getattr(element, "id", "") if kind != "exception" else ""
        if isinstance(wid, str) and wid.startswith("$$ID-") and wid.count("-") >= 2:
            self.widgets[wid.split("-", 2)[2]] = (wid, element)
            self._keep_value(kind, wid, element)

    def _keep_value(self, kind: str, wid: str, element) -> None:
        """Hold the widget's value as the frontend does: the server's when it sets one,
        else the one the visitor chose, else the default. Every rerun sends them all
        (a widget missing from a rerun loses its state on the server)."""
        if wid in self.states and not getattr(element, "set_value", False):
            return
        state = WidgetState(id=wid)
        set_by_server = getattr(element, "set_value", False)
        if kind == "checkbox":
            state.bool_value = element.value if set_by_server else element.default
        elif kind == "text_input":
            state.string_value = element.value if set_by_server else element.default
        elif kind == "multiselect":
            state.string_array_value.data.extend(
                element.raw_values if set_by_server
                else [element.options[i] for i in element.default])
        elif kind == "selectbox":
            if set_by_server:
                state.string_value = element.raw_value
            elif element.HasField("default") and element.default < len(element.options):
                state.string_value = element.options[element.default]
            else:
                return
        else:
            return
        self.states[wid] = state


# -- one visitor -----------------------------------------------------------------------------

@dataclass
class Hold:
    """Visitors done with their reruns wait here, connected, until the run lets go."""

    event: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: int = 0


@dataclass
class Outcome:
    times_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def visitor(base: str, think_s: float, timeout: float, rng: random.Random,
                  hold: Hold | None = None) -> Outcome:
    """Open the map, turn on the Japan filter, pick a sector; stay connected until
    ``hold`` is set (so the server's memory is measured with every session open)."""
    out = Outcome()
    session = Session(base, timeout)
    try:
        await session.open()
        first = await session.rerun()
        _record(out, first, "open the map")
        if not first.ok:
            return out
        total = first.projects_shown()
        await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
        session.set_widget("flt_japan", True)
        japan = await session.rerun()
        _record(out, japan, "Japan filter")
        if japan.ok and not (japan.projects_shown() or 0) < (total or 0):
            out.errors.append(f"Japan filter: the map still shows {japan.projects_shown()} "
                              f"of {total} projects")
        await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
        sectors = session.options("flt_sector")
        session.set_widget("flt_sector", [rng.choice(sectors)])
        _record(out, await session.rerun(), "sector filter")
        if hold is not None:
            hold.arrived += 1
            await hold.event.wait()
    except (LoadError, OSError, websockets.WebSocketException, TimeoutError) as exc:
        out.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
    finally:
        await session.close()
    return out


def _record(out: Outcome, run: Run, what: str) -> None:
    out.times_ms.append(run.ms)
    if not run.ok:
        out.errors.append(f"{what}: {run.status} {'; '.join(run.exceptions)[:200]}".strip())


# -- a run of N --------------------------------------------------------------------------------

def rss_mb(pids: list[int]) -> float:
    """The processes' resident memory together (MB); 0 for one that is gone."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


@dataclass
class Result:
    n: int
    replicas: int
    times_ms: list[float]
    errors: list[str]
    rss_per_session_mb: float
    wall_s: float

    def percentile(self, q: float) -> float:
        if not self.times_ms:
            return float("nan")
        if len(self.times_ms) == 1:
            return self.times_ms[0]
        return statistics.quantiles(self.times_ms, n=100, method="inclusive")[int(q) - 1]

    def line(self) -> str:
        return (f"N={self.n} replicas={self.replicas} p50_ms={self.percentile(50):.0f} "
                f"p95_ms={self.percentile(95):.0f} errors={len(self.errors)} "
                f"rss_per_session_mb={self.rss_per_session_mb:.1f}")


async def run_size(base: str, n: int, pids: list[int], replicas: int, think_s: float = 2.0,
                   ramp_s: float = 2.0, timeout: float = 60.0, deadline_s: float = 240.0,
                   seed: int = 12) -> Result:
    """``n`` visitors arriving over ``ramp_s`` seconds; every one bounded by
    ``deadline_s`` (a visitor still busy then is an error)."""
    if not 1 <= n <= MAX_SESSIONS:
        raise LoadError(f"N must be 1 to {MAX_SESSIONS}")
    base = check_local(base)
    rng = random.Random(seed)
    hold = Hold()
    before = rss_mb(pids)
    peak = before
    started = time.perf_counter()

    async def one(i: int) -> Outcome:
        await asyncio.sleep(ramp_s * i / n)
        return await visitor(base, think_s, timeout, random.Random(rng.random()), hold)

    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    # every visitor done with its reruns (and holding its session open), or the deadline
    done_reruns = time.perf_counter() + deadline_s
    while time.perf_counter() < done_reruns:
        peak = max(peak, rss_mb(pids))
        if hold.arrived + sum(t.done() for t in tasks) >= n:
            break
        await asyncio.sleep(0.5)
    peak = max(peak, rss_mb(pids))
    hold.event.set()
    finished, pending = await asyncio.wait(tasks, timeout=30)
    for task in pending:
        task.cancel()
    outcomes = [t.result() for t in finished if not t.cancelled() and not t.exception()]
    times = [ms for o in outcomes for ms in o.times_ms]
    errors = [e for o in outcomes for e in o.errors]
    errors += ["still running at the deadline"] * (n - len(outcomes))
    return Result(n=n, replicas=replicas, times_ms=times, errors=errors,
                  rss_per_session_mb=max(peak - before, 0.0) / n,
                  wall_s=time.perf_counter() - started)


def warm(base: str, timeout: float = 120.0) -> None:
    """One visitor first, so the table measures sessions and not the first load."""
    out = asyncio.run(visitor(base, 0.0, timeout, random.Random(0)))
    if out.errors:
        raise LoadError(f"the warm-up session at {base} failed: {out.errors[0]}")


# -- the table ---------------------------------------------------------------------------------

def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,50,100", help="comma-separated N (1 to 200)")
    parser.add_argument("--url", help="a running atlas to load instead of the topology")
    parser.add_argument("--pid", type=int, action="append", default=[],
                        help="with --url: a server process whose memory is measured")
    parser.add_argument("--replicas", type=int, default=1, help="with --url: how many "
                        "replicas it is (for the table)")
    parser.add_argument("--think-s", type=float, default=2.0,
                        help="mean pause between a visitor's actions (default 2 s)")
    parser.add_argument("--ramp-s", type=float, default=2.0,
                        help="visitors arrive spread over this many seconds (default 2)")
    parser.add_argument("--timeout-s", type=float, default=60.0, help="per rerun (default 60)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or any(not 1 <= n <= MAX_SESSIONS for n in sizes):
        parser.error(f"--sizes: each N from 1 to {MAX_SESSIONS}")
    kwargs = {"think_s": args.think_s, "ramp_s": args.ramp_s, "timeout": args.timeout_s}

    targets: list[tuple[str, list[int], int]] = []
    team = started = None
    if args.url:
        targets = [(check_local(args.url), args.pid, args.replicas)]
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import team as team_module

        team = team_module.Team()
        started = not all(team.status().values())
        if started:
            print("load: starting the team topology (make team-up)...", flush=True)
            team.up()
        pids = [team.pid(f"app-{i + 1}") for i in range(2)]
        targets = [(team.app_url(0), pids[:1], 1), (team.proxy_url, pids, 2)]
    results = []
    try:
        for base, _, _ in targets:
            warm(base)
        print(f"load: {', '.join(map(str, sizes))} sessions; each opens the map, turns on "
              f"the Japan filter and picks a sector, {args.think_s:g} s apart on average",
              flush=True)
        for n in sizes:
            for base, pids, replicas in targets:
                result = asyncio.run(run_size(base, n, pids, replicas, **kwargs))
                results.append(result)
                print(f"  {result.line()} wall_s={result.wall_s:.0f} ({base})", flush=True)
                for error in sorted(set(result.errors))[:3]:
                    print(f"    error: {error} (x{result.errors.count(error)})", flush=True)
    finally:
        if started and team is not None:
            team.down()
    headline = next((r for r in results if r.n == 50 and r.replicas == 2), results[-1])
    print(headline.line())
    return 1 if any(r.errors for r in results) else 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except LoadError as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
