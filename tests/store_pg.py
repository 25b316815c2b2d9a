"""A throwaway PostgreSQL 15 + PostGIS 3 cluster for the store tests.

``initdb`` and ``pg_ctl`` from Debian's packages (``/usr/lib/postgresql/15/bin``; stray
copies elsewhere on PATH are not used), run as the ``postgres`` user when the tests run
as root (initdb refuses root). The server listens on a Unix socket in a temporary
directory only (``listen_addresses=''``) and is stopped by the fixture that started it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
INSTALL_HINT = "make postgres (installs Debian's postgresql-15-postgis-3)"


def available() -> str | None:
    """None when PostgreSQL 15 with PostGIS is installed, else what is missing."""
    if not (PG_BIN / "initdb").is_file():
        return f"{PG_BIN / 'initdb'} is missing: {INSTALL_HINT}"
    if not list(Path("/usr/share/postgresql/15/extension").glob("postgis.control")):
        return f"PostGIS for PostgreSQL 15 is missing: {INSTALL_HINT}"
    return None


def _check_name(name: str) -> None:
    """Database names reach SQL text: lower-case letters, digits and '_' only."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name):
        raise ValueError(f"not a database name the tests use: {name!r}")


class Cluster:
    """One cluster in a temporary directory; ``url(db)`` reaches a database over the
    socket."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        self.as_postgres = os.geteuid() == 0
        self.user = "postgres"
        if self.as_postgres:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")
        else:
            import getpass
            self.user = getpass.getuser()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120,
                              cwd=self.root)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust",
                  "-E", "UTF8", "--no-locale", "--no-sync")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"\nlisten_addresses = ''\nunix_socket_directories = '{self.socket}'\n"
                       "max_connections = 60\nshared_buffers = 32MB\nlogging_collector = off\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60",
                  "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-m", "fast",
                  "-w", "-t", "60", "restart")

    def psql(self, sql: str, db: str = "postgres") -> str:
        return self._run("psql", "-h", str(self.socket), "-U", self.user, "-d", db, "-v",
                         "ON_ERROR_STOP=1", "-Atc", sql).stdout

    def create_db(self, name: str, template: str | None = None) -> str:
        """A new database with PostGIS (copied from ``template`` when given)."""
        _check_name(name)
        _check_name(template or "x")
        if template:
            self.psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            self.psql(f'CREATE DATABASE "{name}"')
            self.psql("CREATE EXTENSION postgis", db=name)
        return self.url(name)

    def drop_db(self, name: str) -> None:
        _check_name(name)
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, db: str) -> str:
        return f"postgresql://{self.user}@/{db}?host={self.socket}"

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
