"""A shared server's hardening, checked on the running topology: XSRF, the upload limit,
websockets from other sites, and no secret in logs, URLs or command lines."""

from __future__ import annotations

import asyncio
import http.client
import subprocess
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import load
import pytest
import websockets
from atlas_fixtures import run_async

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def _put(base: str, path: str, length: int, headers: dict[str, str]) -> tuple[int, str]:
    """A PUT announcing ``length`` bytes and sending none: a limit must answer from the
    headers alone."""
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    try:
        conn.putrequest("PUT", path)
        conn.putheader("Content-Length", str(length))
        conn.putheader("Content-Type", "multipart/form-data; boundary=x")
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read(2000).decode("utf-8", "replace")
    finally:
        conn.close()


def test_uploads_need_the_xsrf_token_and_stay_under_the_limit(team):
    async def scenario():
        session = load.Session(team.proxy_url, timeout=90)
        await session.open()
        try:
            assert (await session.rerun()).ok
            return await asyncio.to_thread(_uploads, team, session)
        finally:
            await session.close()

    run_async(scenario())


def _uploads(team, session: load.Session) -> None:
    cookies = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    path = f"/_stcore/upload_file/{session.session_id}/file-1"
    # without the XSRF token: refused before anything else
    status, _ = _put(team.proxy_url, path, 1000, {"Cookie": cookies})
    assert status == 403
    token = {"Cookie": cookies, "X-Xsrftoken": session.cookies[load.XSRF_COOKIE]}
    # with it, sticky routing reaches the session's replica, which refuses > 50 MB ...
    status, body = _put(team.proxy_url, path, 50 * MB + 4096, token)
    assert (status, body) == (413, "File too large")
    # ... and the proxy refuses what no replica would take, before reading it
    status, body = _put(team.proxy_url, path, 60 * MB, token)
    assert status == 413 and "Request Entity Too Large" in body


def test_a_websocket_from_another_site_is_refused(team):
    async def attempt():
        async with websockets.connect(
                f"ws://127.0.0.1:{team.proxy_port}/_stcore/stream",
                subprotocols=["streamlit"], open_timeout=20,
                additional_headers={"Origin": "http://attacker.example"}) as ws:
            await asyncio.wait_for(ws.recv(), 20)

    # Streamlit closes it before accepting (policy violation): HTTP 403 to the handshake
    with pytest.raises(websockets.InvalidStatus) as refused:
        run_async(attempt())
    assert refused.value.response.status_code == 403


def test_no_secret_in_logs_urls_or_command_lines(team):
    # a URL with a one-time code in its query string, as st.login's callback has
    with urllib.request.urlopen(f"{team.proxy_url}/?code=one-time-code-4711", timeout=30):
        pass
    cookie_secret, db_password = team.cookie_secret(), team.db_password()
    assert len(cookie_secret) >= 32 and len(db_password) >= 32
    logs = {p.name: p.read_text(errors="replace") for p in team.logs.iterdir()}
    assert {"app-1.log", "app-2.log", "nginx-access.log", "postgres.log"} <= set(logs)
    assert "/_stcore/stream" in logs["nginx-access.log"]
    for name, text in logs.items():
        assert cookie_secret not in text, name
        assert db_password not in text, name
        assert "one-time-code-4711" not in text, name
    # the replicas' store URL names no password; no process carries a secret in argv
    assert urlparse(team.database_url).password is None
    for name in ("app-1", "app-2", "nginx"):
        argv = Path(f"/proc/{team.pid(name)}/cmdline").read_bytes().decode(errors="replace")
        assert cookie_secret not in argv and db_password not in argv
    # the secrets are the owner's only, and git ignores the state folder
    for secret in ("cookie_secret", "db_password", "pgpass"):
        assert (team.dir / "secrets" / secret).stat().st_mode & 0o077 == 0
    ignored = subprocess.run(["git", "check-ignore", "-q", ".team/secrets/cookie_secret"],
                             cwd=ROOT, check=False)
    assert ignored.returncode == 0


def test_xsrf_protection_and_the_upload_limit_are_configured():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 50
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "client_max_body_size 51m;" in nginx
