"""Fixtures for the browser tests: the app on a free port, Chromium with the network cut.

These tests never skip: without Chromium, or when the dataset does not load, they fail
and say why. Every test has a hard timeout (pytest-timeout) so a hung server or browser
cannot hang CI; the servers are stopped in fixture teardown, on failure too.
"""

from __future__ import annotations

import os
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path

import atlas_browser as ab
import pytest
import yaml

ARTIFACTS = ab.ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LOGS = ARTIFACTS / "e2e"

from atlas_browser import HOSTILE  # noqa: E402  (shared with the tests)


def _data_dir() -> Path:
    return Path(os.environ.get("ATLAS_DATA_DIR") or ab.ROOT / "data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return _data_dir()


@pytest.fixture(scope="session")
def atlas(data_dir):
    """The dataset as the core loads it: the tests' source of expected values."""
    from ca_atlas import catalog
    from ca_atlas.model import DatasetError

    try:
        return catalog.load(data_dir)
    except DatasetError as exc:
        problems = "\n".join(str(p) for p in exc.problems if p.level == "error")
        pytest.fail(f"the dataset in {data_dir} does not load, so the app cannot be tested:\n"
                    f"{problems}", pytrace=False)


#: Servers started by this session, checked after every test.
_SERVERS: list[ab.Server] = []


@pytest.fixture(autouse=True)
def _servers_still_up():
    yield
    for server in _SERVERS:
        code = server.process.poll()
        if code is not None:
            pytest.fail(f"the app server {server.url} ({server.data_dir}) exited with code "
                        f"{code} during the test (killed from outside?); log "
                        f"{server.log_path}:\n{server.log_tail(20)}", pytrace=False)


@contextmanager
def _serve(data_dir: Path, name: str, **kwargs):
    try:
        with ab.streamlit_server(data_dir, LOGS / f"server-{name}.log", **kwargs) as server:
            _SERVERS.append(server)
            try:
                yield server
            finally:
                _SERVERS.remove(server)
    except ab.ServerError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def app_url(data_dir, atlas):
    """Base URL of the app serving the dataset under test; stopped after the session."""
    with _serve(data_dir, "main") as server:
        yield server.url


@pytest.fixture(scope="session")
def editing_app(data_dir, atlas):
    """A server of its own for the tests that edit: its own embedded store, so the other
    tests keep seeing the shipped dataset."""
    with _serve(data_dir, "editing") as server:
        yield server.url


@pytest.fixture(scope="session")
def provider():
    """An OpenID Connect provider on loopback with an editor and a viewer to sign in as."""
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub=sub, claims={"email": sub, "email_verified": True, "name": name})
             for sub, name in ((ab.OIDC_EDITOR, "Erin Editor"),
                               (ab.OIDC_VIEWER, "Victor Viewer"))]
    with run_server_in_thread(port=ab.free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def _auth_secrets(folder: Path, port: int, provider: str) -> Path:
    """A secrets.toml naming ``provider`` for an app on ``port``, with the test's editor."""
    path = folder / f"secrets-{port}.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(24)}"\n'
        'client_id = "atlas"\n'
        f'client_secret = "{secrets.token_hex(12)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n\n'
        "[atlas_roles]\n"
        f'editors = ["{ab.OIDC_EDITOR}"]\n', encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def signed_app(provider, data_dir, tmp_path_factory):
    """The app with sign-in (ATLAS_AUTH=optional) against ``provider``; its own store."""
    port = ab.free_port()
    env = {"ATLAS_AUTH": "optional", "STREAMLIT_SECRETS_FILES":
           str(_auth_secrets(tmp_path_factory.mktemp("auth"), port, provider))}
    with _serve(data_dir, "auth", extra_env=env, port=port) as server:
        yield server.url


@pytest.fixture(scope="session")
def two_replicas(provider, data_dir, tmp_path_factory):
    """Two app processes sharing one PostgreSQL + PostGIS store, with sign-in: the
    topology a team runs behind its proxy (each reached directly here)."""
    import store_pg

    missing = store_pg.available()
    if missing:
        pytest.fail(f"the replica tests need PostgreSQL 15 with PostGIS: {missing}")
    cluster = store_pg.Cluster()
    folder = tmp_path_factory.mktemp("replicas")
    try:
        cluster.init()
        cluster.start()
        url = cluster.create_db("atlas_replicas")
        ports = [ab.free_port(), ab.free_port()]
        envs = [{"ATLAS_AUTH": "optional", "ATLAS_DATABASE_URL": url,
                 "STREAMLIT_SECRETS_FILES": str(_auth_secrets(folder, p, provider))}
                for p in ports]
        with _serve(data_dir, "replica-a", extra_env=envs[0], port=ports[0]) as a, \
                _serve(data_dir, "replica-b", extra_env=envs[1], port=ports[1]) as b:
            yield a.url, b.url
    finally:
        cluster.stop()
        cluster.remove()


@pytest.fixture(scope="session")
def hostile_dataset(tmp_path_factory, data_dir) -> tuple[Path, str, str]:
    """A copy of the dataset whose first located project (name, description, place) and
    first risk note (title) carry hostile text; returns (directory, project id, risk id)."""
    out = tmp_path_factory.mktemp("hostile-data") / "data"
    shutil.copytree(data_dir, out)
    path = out / "projects.yaml"
    projects = yaml.safe_load(path.read_text(encoding="utf-8"))
    target = next(p for p in projects if p.get("lat") is not None)
    target["name"] = HOSTILE
    target["description"] = f"Description with {HOSTILE} inside."
    target["place"] = "Place <b>bold?</b> `x` ${1+1}"
    path.write_text(yaml.safe_dump(projects, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    # the same text in a risk note's title: its tooltip is drawn by another code path
    risks_path = out / "risk_notes.yaml"
    risks = yaml.safe_load(risks_path.read_text(encoding="utf-8"))
    risks[0]["title"] = HOSTILE
    risks_path.write_text(yaml.safe_dump(risks, sort_keys=False, allow_unicode=True),
                          encoding="utf-8")
    return out, target["id"], risks[0]["id"]


@pytest.fixture(scope="session")
def hostile_app(hostile_dataset):
    """A second server on the hostile copy: (base URL, hostile project id, risk note id)."""
    directory, project_id, risk_id = hostile_dataset
    with _serve(directory, "hostile") as server:
        yield server.url, project_id, risk_id


@pytest.fixture(scope="session")
def browser():
    problem = ab.check_chromium()
    if problem:
        pytest.fail(problem, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = ab.launch(p)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def guarded(browser, request):
    """A fresh context and page: off-host requests aborted and recorded, console watched.

    Tests call ``guarded.assert_clean()``; teardown checks again so none is forgotten
    (when the test failed already, the page's problems are printed with its report).
    """
    g = ab.guarded_page(browser)
    g.page.set_default_timeout(30_000)
    yield g
    problems = [] if g.checked else g.problems()
    g.context.close()
    call = getattr(request.node, "rep_call", None)
    if problems and call is not None and call.failed:
        print("the page was not clean either:\n" + "\n".join(problems))
        return
    assert not problems, "the page was not clean:\n" + "\n".join(problems)


@pytest.fixture
def page(guarded):
    return guarded.page


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
