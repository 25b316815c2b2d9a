"""Readiness of a served atlas: ``/_atlas/ready`` answers whether the store answers.

``/_stcore/health`` stays Streamlit's (the process is up and its runtime runs). A replica
can be healthy and still of no use to a new visitor when its store is out of reach, so
a proxy or an orchestrator asks ``/_atlas/ready`` before sending people to it:

- ``200 ok`` when the configured store answers a trivial query (``SELECT 1`` on
  PostgreSQL, a read of the schema on the embedded SQLite file, the dataset directory in
  ``ATLAS_STORE=files``) within :data:`TIMEOUT_S` (``$ATLAS_READY_TIMEOUT_S``);
- ``503 store unavailable: <one line>`` otherwise. The line never carries the database
  URL or its password (they are removed from the driver's message, which is cut to one
  line), so it can be shown to whoever asks.

The check runs in a worker thread (the event loop that serves the websockets never
waits on the database), at most one at a time per process, and its answer is reused
for :data:`CACHE_S`, so a flood of probes costs the database one connection a second.
"""

from __future__ import annotations

import asyncio
import math
import os
import sqlite3
import time
from pathlib import Path

from . import dataset
from .server import HEADERS, ASGIApp, Message, Receive, Scope, Send
from .store import engine, serving
from .store.errors import StoreError

#: The path answered (after any base URL path).
PATH = "/_atlas/ready"
#: How long the store has to answer (seconds).
TIMEOUT_S = 2.0
#: How long an answer is reused (seconds).
CACHE_S = 1.0
#: The longest reason given.
MAX_REASON = 160


def timeout_s() -> float:
    """``$ATLAS_READY_TIMEOUT_S`` (0.1 to 30 s), else :data:`TIMEOUT_S`."""
    try:
        value = float(os.environ.get("ATLAS_READY_TIMEOUT_S", "") or TIMEOUT_S)
    except ValueError:
        return TIMEOUT_S
    return min(max(value, 0.1), 30.0) if math.isfinite(value) else TIMEOUT_S


def _one_line(text: str, *secrets: str | None) -> str:
    """The first line of ``text``, without ``secrets``, at most :data:`MAX_REASON` long."""
    line = (text.strip().splitlines() or [""])[0]
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    return line[:MAX_REASON] or "no detail"


def check(url: str | None = None, timeout: float | None = None) -> str | None:
    """None when the store (``url``, default the configured one) answers within
    ``timeout`` seconds, else why not, in one line with no secret. Blocks: call it from
    a thread (the middleware does)."""
    timeout = timeout_s() if timeout is None else timeout
    try:
        if url is None and serving.mode() == "files":
            directory = dataset.default_data_dir()
            return None if directory.is_dir() else "the dataset directory is missing"
        raw = url if url is not None else engine.default_url()
        parsed = engine.checked_url(raw)
    except StoreError:
        return "the store is not configured correctly (ATLAS_STORE or ATLAS_DATABASE_URL)"
    if parsed.get_backend_name() == "postgresql":
        return _check_postgresql(parsed, timeout, raw)
    return _check_sqlite(Path(parsed.database), timeout)


def _check_postgresql(parsed, timeout: float, raw: str) -> str | None:
    import psycopg

    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    secrets = (parsed.password, conninfo, raw)
    try:
        with psycopg.connect(conninfo, connect_timeout=max(2, math.ceil(timeout)),
                             application_name="atlas-readiness", autocommit=True) as conn:
            conn.execute(f"SET statement_timeout = {int(timeout * 1000)}")
            conn.execute("SELECT 1").fetchone()
    except psycopg.Error as exc:
        return _one_line(f"the database does not answer: {exc}", *secrets)
    except OSError as exc:
        return _one_line(f"the database cannot be reached: {exc.strerror or exc}", *secrets)
    return None


def _check_sqlite(path: Path, timeout: float) -> str | None:
    if not path.exists():
        # created by the app at its first start, in a directory it may create
        parent = next((p for p in (path.parent, *path.parents) if p.exists()), None)
        if parent is not None and os.access(parent, os.W_OK | os.X_OK):
            return None
        return "the embedded store's directory cannot be created"
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=timeout) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.close()
    except sqlite3.Error as exc:
        return _one_line(f"the embedded store cannot be read: {exc}")
    return None


class Readiness:
    """ASGI middleware: answer ``GET``/``HEAD`` :data:`PATH` (see the module); pass every
    other request, websockets and the lifespan to the app untouched."""

    def __init__(self, app: ASGIApp, url: str | None = None) -> None:
        self.app = app
        self.url = url
        self._lock: asyncio.Lock | None = None
        self._answer: tuple[float, str | None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PATH or path.endswith(PATH)):
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "GET")
        if method not in ("GET", "HEAD"):
            await _respond(send, 405, "method not allowed\n", method, [(b"allow", b"GET, HEAD")])
            return
        reason = await self.reason()
        if reason is None:
            await _respond(send, 200, "ok\n", method)
        else:
            await _respond(send, 503, f"store unavailable: {reason}\n", method)

    async def reason(self) -> str | None:
        """The cached or a fresh :func:`check`, bounded by the timeout."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            now = time.monotonic()
            if self._answer is not None and now - self._answer[0] < CACHE_S:
                return self._answer[1]
            timeout = timeout_s()
            try:
                reason = await asyncio.wait_for(asyncio.to_thread(check, self.url, timeout),
                                                timeout + 0.5)
            except TimeoutError:
                reason = f"the store did not answer within {timeout:g} s"
            self._answer = (time.monotonic(), reason)
            return reason


async def _respond(send: Send, status: int, text: str, method: str,
                   extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode("utf-8", "replace")
    headers = [(b"content-type", b"text/plain; charset=utf-8"),
               (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), *(extra or []),
               *[(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]]
    start: Message = {"type": "http.response.start", "status": status, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
