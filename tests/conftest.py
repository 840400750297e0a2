"""Shared fixtures: a fresh data home with a migrated SQLite database for each test that asks."""

from __future__ import annotations

import logging
import os
import re
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.config import get_settings, load_settings
from core.db import session_scope, upgrade

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))  # test helpers (artkit) importable from every test module
NETGUARD = Path(__file__).parent / "netguard"

from netguard.sitecustomize import loopback_only  # noqa: E402

from artkit import art_png  # noqa: E402

SHARED_FIXTURES = REPO.parent / "shared" / "fixtures" / "platforms"
# the S3 test server accepts any credentials; boto3 insists on having some
S3_TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "mamoru-test", "AWS_SECRET_ACCESS_KEY": "mamoru-test",
                       "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(autouse=True, scope="session")
def _no_internet():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", loopback_only(socket.socket.connect))
        mp.setattr(socket.socket, "connect_ex", loopback_only(socket.socket.connect_ex))
        # every Python process the tests start refuses them too (tests/netguard/sitecustomize.py)
        mp.setenv("MAMORU_TEST_LOOPBACK_ONLY", "1")
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(NETGUARD), os.environ.get("PYTHONPATH", "")])))
        yield


@pytest.fixture
def mamoru_env(tmp_path, monkeypatch):
    """Point MAMORU_HOME at a temporary folder and drop any cached settings."""
    home = tmp_path / "home"
    monkeypatch.setenv("MAMORU_HOME", str(home))
    monkeypatch.delenv("MAMORU_DATABASE_URL", raising=False)
    monkeypatch.delenv("MAMORU_STORAGE_URL", raising=False)
    monkeypatch.delenv("MAMORU_CONFIG", raising=False)
    monkeypatch.setenv("MAMORU_ALLOWED_HOSTS", "testserver")  # httpx's ASGI transport's default Host
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def settings(mamoru_env):
    """Settings for a fresh home whose SQLite database is migrated to head."""
    s = load_settings()
    upgrade(s)
    return s


@pytest.fixture
def session(settings):
    with session_scope(settings) as s:
        yield s


@pytest.fixture
def postgres_url():
    """A fresh, empty database on the PostgreSQL server named by MAMORU_TEST_POSTGRES_URL (skip if unset)."""
    import uuid

    from sqlalchemy import create_engine, text

    base = os.environ.get("MAMORU_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("MAMORU_TEST_POSTGRES_URL is not set (scripts/test.sh starts PostgreSQL and sets it)")
    name = f"mamoru_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'drop database "{name}" with (force)'))
    admin.dispose()


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible HTTP server on 127.0.0.1: moto's ThreadedMotoServer (moto[server], test extra)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_url(s3_endpoint, monkeypatch):
    """A fresh bucket on `s3_endpoint` as a MAMORU_STORAGE_URL, with credentials in the environment."""
    import uuid

    import boto3

    for name, value in S3_TEST_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"mamoru-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    return f"s3://{bucket}/data?endpoint_url={s3_endpoint}"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server on a free 127.0.0.1 port for the session (skip when it is not installed)."""
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh installs it)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
                             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def redis_url(redis_server):
    """The session's Redis, emptied for this test."""
    import redis

    redis.Redis.from_url(redis_server).flushdb()
    return redis_server


@pytest.fixture
def platform_fixtures() -> Path:
    """The recorded real platform documents in ../shared/fixtures/platforms (skip when absent)."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"recorded platform documents not found at {SHARED_FIXTURES} (../shared is absent)")
    return SHARED_FIXTURES


@pytest.fixture(autouse=True)
def _no_error_logs(caplog, request):
    """Fail a test that logs at ERROR unless it is marked `allow_error_logs` (as PySceneDetect does)."""
    yield
    if request.node.get_closest_marker("allow_error_logs"):
        return
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, "unexpected ERROR log lines: " + "; ".join(r.getMessage() for r in errors)


# --- the web app: sample data, users of each role, an in-process client (httpx ASGI transport) -------------
# (here, not in tests/web, because tests/security drives the same app with the same users)

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]*)"')


@pytest.fixture
def anyio_backend():
    return "asyncio"


@dataclass
class World:
    settings: object
    ids: object
    emails: dict


@pytest.fixture
def world(settings):
    """Two holders with findings in 2026-W47, and an admin, an analyst and a holder user for each holder."""
    from core.services.users import ensure_user
    from reports.sample import seed_sample

    with session_scope(settings) as s:
        ids = seed_sample(s, settings)
        ensure_user(s, "admin@mamoru.test", PASSWORD, "admin")
        ensure_user(s, "analyst@mamoru.test", PASSWORD, "analyst")
        ensure_user(s, "holder1@mamoru.test", PASSWORD, "rights_holder", ids.holders[0])
        ensure_user(s, "holder2@mamoru.test", PASSWORD, "rights_holder", ids.holders[1])
    return World(settings, ids, {"admin": "admin@mamoru.test", "analyst": "analyst@mamoru.test",
                                 "holder1": "holder1@mamoru.test", "holder2": "holder2@mamoru.test"})


@pytest.fixture
def app(world):
    from reports.web.app import create_app

    return create_app(world.settings)


class Browser:
    """An httpx client bound to the app that logs in through the log-in form like a person."""

    def __init__(self, app):
        import httpx

        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                                        follow_redirects=False)
        self.csrf = ""

    async def page(self, url: str, **kw):
        r = await self.client.get(url, **kw)
        m = CSRF_RE.search(r.text) if r.headers.get("content-type", "").startswith("text/html") else None
        if m and m.group(1):
            self.csrf = m.group(1)
        return r

    async def login(self, email: str, password: str = PASSWORD):
        await self.page("/login")
        r = await self.client.post("/login", data={"email": email, "password": password, "csrf_token": self.csrf,
                                                   "next": "/"})
        if r.status_code == 303:
            await self.page("/findings")  # pick up the new session's CSRF token
        return r

    async def post(self, url: str, data: dict | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf)
        return await self.client.post(url, data=data, **kw)

    async def api_post(self, url: str, json=None, **kw):
        return await self.client.post(url, json=json, headers={"X-CSRF-Token": self.csrf}, **kw)

    async def aclose(self):
        await self.client.aclose()


@pytest.fixture
async def browser_for(app):
    made = []

    async def make(role: str | None = None, world_emails=None) -> Browser:
        b = Browser(app)
        made.append(b)
        if role:
            r = await b.login(f"{role}@mamoru.test")
            assert r.status_code == 303, r.text
        return b

    yield make
    for b in made:
        await b.aclose()


# --- CI cannot pass by skipping ----------------------------------------------------------------------
# Under MAMORU_CI=1 (scripts/test.sh sets it) a test skipped because a part is missing fails instead: a
# green run must have exercised PostgreSQL, Redis, Chromium, ffmpeg and the recorded platform documents.
MISSING_PART_SKIP = re.compile(r"redis|postgres|chromium|playwright|ffmpeg|recorded platform documents|"
                               r"not installed|poppler|pdftotext", re.IGNORECASE)


def _missing_part(report) -> str | None:  # noqa: ANN001
    if os.environ.get("MAMORU_CI") != "1" or not report.skipped or not isinstance(report.longrepr, tuple):
        return None
    reason = str(report.longrepr[2])
    return reason if MISSING_PART_SKIP.search(reason) else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    reason = _missing_part(report)
    if reason:
        report.outcome = "failed"
        report.longrepr = f"skipped under MAMORU_CI=1, which forbids it: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    reason = _missing_part(report)
    if reason:
        report.outcome = "failed"
        report.longrepr = f"module skipped under MAMORU_CI=1, which forbids it: {reason}"


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_error_logs: the test expects ERROR log lines")
    os.environ.setdefault("MAMORU_TEST", "1")
    # `mamoru scan --refs FOLDER` caches indexes: never in the user's own cache folder
    import tempfile

    os.environ["MAMORU_CACHE_DIR"] = tempfile.mkdtemp(prefix="mamoru-test-cache-")


def pytest_unconfigure(config):
    import shutil

    shutil.rmtree(os.environ.get("MAMORU_CACHE_DIR", ""), ignore_errors=True)


@pytest.fixture
def art():
    """`art(seed)`: PNG bytes of generated reference art the matcher can index (see art_png)."""
    return art_png


@pytest.fixture
def redis_url(tmp_path, monkeypatch):
    """A real redis-server on a free loopback port, named by MAMORU_REDIS_URL (skip when not installed)."""
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh installs it)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv("MAMORU_REDIS_URL", url)
    get_settings.cache_clear()
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    get_settings.cache_clear()
