"""The team's topology on this machine, from Debian's packages: ``make team-up`` / ``team-down``.

    python scripts/team.py up       PostgreSQL 15 + PostGIS, two replicas, nginx; returns
                                    once each answers its health and readiness check
    python scripts/team.py down     stops whatever up started (pid files); idempotent
    python scripts/team.py status   what is running

Everything listens on 127.0.0.1 only and lives in a state folder (``$ATLAS_TEAM_DIR``,
default ``.team/``, git-ignored): the database cluster (kept between up and down, so
nothing committed is lost), each replica's state directory, pid files, logs, and the
secrets (mode 0600):

- the cookie secret shared by the replicas: ``$ATLAS_COOKIE_SECRET``, else generated once
  into ``secrets/cookie_secret``; it reaches Streamlit through its environment
  (``STREAMLIT_SERVER_COOKIE_SECRET``) and is never printed;
- the database password of the role ``atlas``: generated once into
  ``secrets/db_password``; the replicas read it from a libpq password file
  (``PGPASSFILE``), so it is in no URL, command line or log.

Ports: ``$ATLAS_TEAM_PORT`` (proxy, 8080), ``$ATLAS_TEAM_APP_PORTS`` (8681,8682),
``$ATLAS_TEAM_PG_PORT`` (55433). The proxy's configuration is deploy/nginx.conf, the file
docker-compose.yml uses too.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
DB_NAME = DB_USER = "atlas"
STARTUP_TIMEOUT_S = 120.0


class TeamError(RuntimeError):
    """A part did not start or answer; the message says which and where its log is."""


def _env_ports(name: str, default: str) -> list[int]:
    return [int(p) for p in os.environ.get(name, default).replace(" ", "").split(",") if p]


@dataclass
class Team:
    """The topology's settings and its state folder."""

    dir: Path = field(default_factory=lambda: Path(os.environ.get("ATLAS_TEAM_DIR")
                                                   or ROOT / ".team").resolve())
    proxy_port: int = field(default_factory=lambda: int(os.environ.get("ATLAS_TEAM_PORT",
                                                                       "8080")))
    app_ports: list[int] = field(default_factory=lambda: _env_ports("ATLAS_TEAM_APP_PORTS",
                                                                    "8681,8682"))
    pg_port: int = field(default_factory=lambda: int(os.environ.get("ATLAS_TEAM_PG_PORT",
                                                                    "55433")))
    data_dir: Path = field(default_factory=lambda: Path(os.environ.get("ATLAS_DATA_DIR")
                                                        or ROOT / "data"))

    #: The replicas this object started, by name: their exit is asked of the OS directly.
    _children: dict = field(default_factory=dict, repr=False, init=False)

    def __post_init__(self) -> None:
        if len(self.app_ports) != 2:
            raise TeamError("the topology has two replicas: ATLAS_TEAM_APP_PORTS=port1,port2")

    # -- places --------------------------------------------------------------------------

    @property
    def run(self) -> Path:
        return self.dir / "run"

    @property
    def logs(self) -> Path:
        return self.dir / "logs"

    @property
    def pg_root(self) -> Path:
        return self.dir / "pg"

    @property
    def pg_data(self) -> Path:
        return self.pg_root / "data"

    @property
    def pg_socket(self) -> Path:
        return self.pg_root / "socket"

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def app_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.app_ports[i]}"

    @property
    def database_url(self) -> str:
        """The replicas' store: no password here (it is in the libpq password file)."""
        return f"postgresql://{DB_USER}@127.0.0.1:{self.pg_port}/{DB_NAME}"

    # -- secrets -------------------------------------------------------------------------

    def _secret(self, name: str, env: str | None = None) -> str:
        if env and os.environ.get(env):
            return os.environ[env]
        path = self.dir / "secrets" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(path.parent, 0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
        return path.read_text().strip()

    def cookie_secret(self) -> str:
        return self._secret("cookie_secret", "ATLAS_COOKIE_SECRET")

    def db_password(self) -> str:
        return self._secret("db_password")

    def pgpass(self) -> Path:
        """A libpq password file for the role ``atlas`` (mode 0600)."""
        path = self.dir / "secrets" / "pgpass"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(f"127.0.0.1:{self.pg_port}:{DB_NAME}:{DB_USER}:{self.db_password()}\n")
        return path

    # -- PostgreSQL ----------------------------------------------------------------------

    @property
    def _as_postgres(self) -> bool:
        return os.geteuid() == 0

    @property
    def pg_superuser(self) -> str:
        import getpass
        return "postgres" if self._as_postgres else getpass.getuser()

    def _pg(self, *args: str, check: bool = True, input: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(PG_BIN / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                cwd=self.pg_root, input=input)
        if check and result.returncode:
            raise TeamError(f"{args[0]} failed ({result.returncode}): "
                            f"{(result.stderr or result.stdout).strip()[-800:]}; log "
                            f"{self.logs / 'postgres.log'}")
        return result

    def psql(self, sql: str, db: str = "postgres") -> str:
        """Run SQL given on stdin (never on the command line) as the superuser."""
        return self._pg("psql", "-h", str(self.pg_socket), "-p", str(self.pg_port),
                        "-U", self.pg_superuser, "-d", db, "-v", "ON_ERROR_STOP=1", "-qAt",
                        input=sql).stdout

    def _pg_init(self) -> None:
        if (self.pg_data / "PG_VERSION").exists():
            return
        if not (PG_BIN / "initdb").is_file():
            raise TeamError(f"{PG_BIN / 'initdb'} is missing: run `make postgres`")
        self.pg_socket.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            for path in (self.pg_root, self.pg_socket):
                shutil.chown(path, "postgres")
            shutil.chown(self.logs / "postgres.log", "postgres")
        self._pg("initdb", "-D", str(self.pg_data), "-U", self.pg_superuser,
                 "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                 "--no-locale")
        with open(self.pg_data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\n# atlas team topology (scripts/team.py)\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.pg_socket}'\n"
                "password_encryption = 'scram-sha-256'\n"
                "max_connections = 100\nshared_buffers = 64MB\nlogging_collector = off\n"
                # a failing statement is never copied into the log (it could hold a password)
                "log_min_error_statement = panic\n")

    def pg_running(self) -> bool:
        if not (self.pg_data / "PG_VERSION").exists():
            return False
        return self._pg("pg_ctl", "-D", str(self.pg_data), "status", check=False).returncode == 0

    def start_postgres(self) -> None:
        """Start the cluster (created on the first start) and wait until it accepts
        connections; create the role, database and PostGIS once."""
        self.logs.mkdir(parents=True, exist_ok=True)
        (self.logs / "postgres.log").touch()
        self._pg_init()
        if not self.pg_running():
            _check_free(self.pg_port, "postgres")
            self._pg("pg_ctl", "-D", str(self.pg_data), "-l", str(self.logs / "postgres.log"),
                     "-o", f"-p {self.pg_port}", "-w", "-t", "60", "start")
        if not self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{DB_USER}'").strip():
            # the password goes through stdin, and a failing statement is not logged
            self.psql(f"CREATE ROLE {DB_USER} LOGIN PASSWORD '{self.db_password()}'")
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'").strip():
            self.psql(f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}")
            self.psql("CREATE EXTENSION IF NOT EXISTS postgis", db=DB_NAME)

    def stop_postgres(self, mode: str = "fast") -> None:
        if self.pg_running():
            self._pg("pg_ctl", "-D", str(self.pg_data), "-m", mode, "-w", "-t", "60", "stop",
                     check=False)

    # -- the replicas --------------------------------------------------------------------

    def app_env(self, i: int) -> dict[str, str]:
        state = self.dir / f"app-{i + 1}" / "state"
        state.mkdir(parents=True, exist_ok=True)
        return {**os.environ,
                "ATLAS_STORE": "store",
                "ATLAS_DATABASE_URL": self.database_url,
                "PGPASSFILE": str(self.pgpass()),
                "ATLAS_STATE_DIR": str(state),
                "ATLAS_DATA_DIR": str(self.data_dir),
                "STREAMLIT_SERVER_COOKIE_SECRET": self.cookie_secret(),
                "STREAMLIT_SERVER_PORT": str(self.app_ports[i]),
                "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
                "STREAMLIT_SERVER_HEADLESS": "true",
                "PYTHONUNBUFFERED": "1"}

    def seed_store(self) -> None:
        """Create the schema and fill the store from the dataset once, before the
        replicas start (two first starts at once would both find it empty)."""
        code = ("import sys; from ca_atlas.store import serving; "
                "serving.open_seeded(sys.argv[1]).close()")
        result = subprocess.run([sys.executable, "-c", code, str(self.data_dir)], cwd=ROOT,
                                env=self.app_env(0), capture_output=True, text=True,
                                timeout=300)
        if result.returncode:
            raise TeamError(f"filling the store failed: {result.stderr.strip()[-800:]}")

    def start_replica(self, i: int) -> int:
        if self.alive(f"app-{i + 1}"):
            return self.pid(f"app-{i + 1}")
        _check_free(self.app_ports[i], f"app-{i + 1}")
        self.logs.mkdir(parents=True, exist_ok=True)
        with open(self.logs / f"app-{i + 1}.log", "a", encoding="utf-8") as log:
            proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py"],
                                    cwd=ROOT, env=self.app_env(i), stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        self._write_pid(f"app-{i + 1}", proc.pid)
        self._children[f"app-{i + 1}"] = proc
        return proc.pid

    def kill_replica(self, i: int, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to replica ``i`` (0 or 1) and its process group."""
        pid = self.pid(f"app-{i + 1}")
        if pid and self.alive(f"app-{i + 1}"):
            _signal_group(pid, sig)
            _wait_gone(pid, 15, self._children.get(f"app-{i + 1}"))

    # -- nginx ---------------------------------------------------------------------------

    def nginx_conf(self) -> Path:
        """deploy/nginx.conf filled in, inside a main config of this folder's own."""
        base = self.dir / "nginx"
        tmp = base / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        site = string.Template(NGINX_TEMPLATE.read_text(encoding="utf-8")).safe_substitute(
            ATLAS_APP_1=f"127.0.0.1:{self.app_ports[0]}",
            ATLAS_APP_2=f"127.0.0.1:{self.app_ports[1]}",
            ATLAS_PROXY_LISTEN=f"127.0.0.1:{self.proxy_port}",
            ATLAS_PROXY_ACCESS_LOG=str(self.logs / "nginx-access.log"))
        (base / "atlas.conf").write_text(site, encoding="utf-8")
        user = ""
        if os.geteuid() == 0:  # workers drop root; they write only the temporary files
            user = "user nobody nogroup;\n"
            shutil.chown(tmp, "nobody", "nogroup")
        temps = "".join(f"    {kind}_temp_path {tmp / kind};\n"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        main = (f"# written by scripts/team.py from deploy/nginx.conf; do not edit\n{user}"
                f"worker_processes 1;\npid {self.run / 'nginx.pid'};\n"
                f"error_log {self.logs / 'nginx-error.log'} warn;\n"
                "events { worker_connections 1024; }\n"
                f"http {{\n{temps}    include {base / 'atlas.conf'};\n}}\n")
        path = base / "nginx.conf"
        path.write_text(main, encoding="utf-8")
        return path

    def start_nginx(self) -> None:
        if self.alive("nginx"):
            return
        _check_free(self.proxy_port, "nginx")
        if not Path(NGINX).is_file():
            raise TeamError(f"nginx is missing ({NGINX}): run `make nginx`")
        conf = self.nginx_conf()
        args = [NGINX, "-p", str(self.dir / "nginx"), "-c", str(conf),
                "-e", str(self.logs / "nginx-error.log")]
        test = subprocess.run([*args, "-t", "-q"], capture_output=True, text=True, timeout=30)
        if test.returncode:
            raise TeamError(f"nginx refused its configuration: {test.stderr.strip()[-800:]}")
        subprocess.run(args, check=True, capture_output=True, timeout=30)  # daemonises

    # -- pid files -----------------------------------------------------------------------

    def _write_pid(self, name: str, pid: int) -> None:
        self.run.mkdir(parents=True, exist_ok=True)
        (self.run / f"{name}.pid").write_text(f"{pid}\n")

    def pid(self, name: str) -> int | None:
        try:
            return int((self.run / f"{name}.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def alive(self, name: str) -> bool:
        """The pid file's process is running and is what the file says (not a reused pid)."""
        pid = self.pid(name)
        if not pid:
            return False
        child = self._children.get(name)
        if child is not None and child.pid == pid:  # started here: ask the OS directly
            return child.poll() is None             # (argv is not in /proc at once)
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        expected = b"nginx" if name == "nginx" else b"streamlit run serve.py"
        return expected in cmdline and state != "Z"

    # -- the whole -----------------------------------------------------------------------

    def up(self, timeout: float = STARTUP_TIMEOUT_S) -> None:
        """Start every part not running, then wait for each one's checks."""
        for path in (self.dir, self.run, self.logs):
            path.mkdir(parents=True, exist_ok=True)
        gitignore = self.dir / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        self.cookie_secret()
        self.start_postgres()
        self.seed_store()
        for i in range(len(self.app_ports)):
            self.start_replica(i)
        self.start_nginx()
        deadline = time.monotonic() + timeout
        for i in range(len(self.app_ports)):
            self.wait_ready(self.app_url(i), deadline, f"app-{i + 1}")
        wait_for(f"{self.proxy_url}/_proxy/health", deadline, "nginx",
                 self.logs / "nginx-error.log")
        self.wait_ready(self.proxy_url, deadline, "nginx")

    def wait_ready(self, url: str, deadline: float, name: str) -> None:
        log = self.logs / (f"{name}.log" if name.startswith("app") else "nginx-error.log")
        wait_for(f"{url}/_stcore/health", deadline, name, log,
                 alive=(lambda: self.alive(name)) if name.startswith("app") else None)
        wait_for(f"{url}/_atlas/ready", deadline, name, log)

    def wait_routed(self, i: int, deadline: float) -> None:
        """Until the proxy sends requests to replica ``i`` again. nginx marks a replica
        that refused a connection as failed for ``fail_timeout`` (10 s) and keeps routing
        its visitors to the other one, even once it answers directly: a session opened in
        that window lives on the other replica, and its later requests hash back to this
        one. Requests without a routing cookie spread over both; one answered by replica
        ``i`` shows it is back."""
        log = self.logs / "nginx-access.log"
        upstream = re.compile(rf"\" 200 \d+ upstream=(?:[0-9.:]+, )*127\.0\.0\.1:"
                              rf"{self.app_ports[i]} route=")
        while True:
            start = log.stat().st_size if log.exists() else 0
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{self.proxy_url}/_stcore/health", timeout=5).close()
            with open(log, encoding="utf-8", errors="replace") as f:
                f.seek(start)
                if upstream.search(f.read()):
                    return
            if time.monotonic() > deadline:
                raise TeamError(f"the proxy did not route to app-{i + 1} again in time")
            time.sleep(0.2)

    def down(self) -> list[str]:
        """Stop what :meth:`up` started, proxy first; returns what was stopped."""
        stopped = []
        if self.alive("nginx"):
            pid = self.pid("nginx")
            os.kill(pid, signal.SIGQUIT)  # graceful: finish open requests
            if not _wait_gone(pid, 10):
                os.kill(pid, signal.SIGTERM)
                _wait_gone(pid, 5)
            stopped.append("nginx")
        for i in range(len(self.app_ports)):
            name = f"app-{i + 1}"
            pid = self.pid(name)
            if pid and self.alive(name):
                child = self._children.get(name)
                _signal_group(pid, signal.SIGTERM)
                if not _wait_gone(pid, 15, child):
                    _signal_group(pid, signal.SIGKILL)
                    _wait_gone(pid, 5, child)
                stopped.append(name)
            (self.run / f"{name}.pid").unlink(missing_ok=True)
        if self.pg_running():
            self.stop_postgres()
            stopped.append("postgres")
        (self.run / "nginx.pid").unlink(missing_ok=True)
        return stopped

    def status(self) -> dict[str, bool]:
        parts = {"postgres": self.pg_running(), "nginx": self.alive("nginx")}
        parts |= {f"app-{i + 1}": self.alive(f"app-{i + 1}") for i in range(len(self.app_ports))}
        return parts


def _check_free(port: int, name: str, wait: float = 10.0) -> None:
    """Refuse to start ``name`` on a port something else listens on (its checks would
    be answered by the other server); a port just released is waited for."""
    deadline = time.monotonic() + wait
    while True:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
                return
            except OSError:
                pass
        if time.monotonic() > deadline:
            raise TeamError(f"{name}: port {port} on 127.0.0.1 is taken by another program; "
                            "choose others with ATLAS_TEAM_PORT, ATLAS_TEAM_APP_PORTS, "
                            "ATLAS_TEAM_PG_PORT")
        time.sleep(0.25)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # started in a session of its own: the group is its own
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _wait_gone(pid: int, timeout: float, child: subprocess.Popen | None = None) -> bool:
    """True once ``pid`` has exited (reaped when it is our child ``child``: a killed
    multi-threaded process shows as a zombie before its last thread is gone)."""
    if child is not None and child.pid == pid:
        try:
            child.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)  # reap it when it is our child
        except ChildProcessError:
            pass
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


def wait_for(url: str, deadline: float, name: str, log: Path, alive=None) -> None:
    """Poll ``url`` until it answers 200 or the deadline passes (:class:`TeamError`)."""
    last = "no answer"
    while True:
        if alive is not None and not alive():
            raise TeamError(f"{name} exited before {url} answered; log {log}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = f"{exc.code} {exc.read()[:200].decode('utf-8', 'replace').strip()}"
        except OSError as exc:
            last = str(exc)[:200]
        if time.monotonic() > deadline:
            raise TeamError(f"{name}: {url} did not answer 200 in time (last: {last}); log "
                            f"{log}:\n{_tail(log)}")
        time.sleep(0.25)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down", "status"])
    args = parser.parse_args(argv)
    team = Team()
    if args.command == "up":
        try:
            team.up()
        except (TeamError, subprocess.SubprocessError) as exc:
            print(f"team up: {exc}", file=sys.stderr)
            print("team up: stopping what was started", file=sys.stderr)
            team.down()
            return 1
        print(f"team up: {team.proxy_url} (nginx, sticky) -> "
              + ", ".join(team.app_url(i) for i in range(len(team.app_ports)))
              + f"; PostgreSQL + PostGIS on 127.0.0.1:{team.pg_port}; state in {team.dir}")
        return 0
    if args.command == "down":
        stopped = team.down()
        print(f"team down: stopped {', '.join(stopped)}" if stopped
              else "team down: nothing was running")
        return 0
    for name, running in team.status().items():
        print(f"{name:10} {'running' if running else 'stopped'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
