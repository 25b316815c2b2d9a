"""docker-compose.yml and `make team-up` run the same topology from one proxy config
(deploy/nginx.conf); there is no container engine here, so the compose file is checked
as data."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _placeholders() -> set[str]:
    return set(re.findall(r"\$\{(ATLAS_[A-Z0-9_]+)\}", TEMPLATE))


def test_the_template_names_only_atlas_settings():
    # the nginx image substitutes every defined environment variable: only ${ATLAS_...}
    # are meant, nginx's own variables are written $name without braces
    assert set(re.findall(r"\$\{([^}]+)\}", TEMPLATE)) == _placeholders()
    assert _placeholders() == {"ATLAS_APP_1", "ATLAS_APP_2", "ATLAS_PROXY_LISTEN",
                               "ATLAS_PROXY_ACCESS_LOG"}


def test_compose_fills_every_placeholder_from_the_same_file():
    proxy = COMPOSE["services"]["proxy"]
    assert _placeholders() <= set(proxy["environment"])
    assert "./deploy/nginx.conf:/etc/nginx/templates/atlas.conf.template:ro" in proxy["volumes"]


def test_team_fills_every_placeholder(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import team
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    topology = team.Team(dir=tmp_path, proxy_port=18080, app_ports=[18681, 18682],
                         pg_port=15433)
    topology.logs.mkdir(parents=True)
    site = (topology.nginx_conf().parent / "atlas.conf").read_text()
    assert "${" not in site
    assert "server 127.0.0.1:18681" in site and "listen 127.0.0.1:18080;" in site
    main = topology.nginx_conf().read_text()
    assert f"pid {topology.run / 'nginx.pid'};" in main
    assert string.Template(TEMPLATE).safe_substitute() == TEMPLATE  # nothing else replaced


def test_sticky_sessions_and_the_websocket_are_proxied():
    assert "hash $atlas_route consistent;" in TEMPLATE
    stream = TEMPLATE.split("location ~ /_stcore/stream$ {", 1)[1].split("}", 1)[0]
    for line in ("proxy_set_header Upgrade $http_upgrade;",
                 "proxy_set_header Connection $atlas_connection;",
                 "proxy_set_header Host $http_host;", "proxy_read_timeout 86400s;"):
        assert line in stream
    # the access log leaves query strings out (st.login's callback carries a code there)
    log_format = TEMPLATE.split("log_format atlas", 1)[1].split(";", 1)[0]
    assert "$uri" in log_format and "$request " not in log_format and "$args" not in log_format


def test_every_service_is_checked_and_ordered():
    services = COMPOSE["services"]
    assert set(services) == {"db", "init", "app1", "app2", "proxy"}
    for name in ("db", "app1", "app2", "proxy"):
        merged = services[name].get("healthcheck") or COMPOSE["x-atlas"]["healthcheck"]
        assert merged.get("test"), name
    assert "/_atlas/ready" in " ".join(COMPOSE["x-atlas"]["healthcheck"]["test"])
    for app in ("app1", "app2"):
        assert services[app]["depends_on"] == {
            "init": {"condition": "service_completed_successfully"}}
    assert services["proxy"]["depends_on"] == {
        "app1": {"condition": "service_healthy"}, "app2": {"condition": "service_healthy"}}


def test_no_secret_in_the_compose_file():
    env = COMPOSE["x-atlas"]["environment"]
    assert "@db:" in env["ATLAS_DATABASE_URL"] and ":" not in env["ATLAS_DATABASE_URL"][13:].split("@")[0]
    text = (ROOT / "docker-compose.yml").read_text()
    assert "POSTGRES_PASSWORD:" not in text and "COOKIE_SECRET:" not in text
    assert COMPOSE["secrets"]["db_password"]["file"].endswith("/db_password")
    assert "/secrets/" in (ROOT / ".gitignore").read_text().split()
