"""Shared fixtures: a fresh data home with a migrated SQLite database for each test that asks."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

from core.config import get_settings, load_settings
from core.db import session_scope, upgrade

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))  # test helpers (artkit) importable from every test module

from artkit import art_png  # noqa: E402

SHARED_FIXTURES = REPO.parent / "shared" / "fixtures" / "platforms"


@pytest.fixture
def mamoru_env(tmp_path, monkeypatch):
    """Point MAMORU_HOME at a temporary folder and drop any cached settings."""
    home = tmp_path / "home"
    monkeypatch.setenv("MAMORU_HOME", str(home))
    monkeypatch.delenv("MAMORU_DATABASE_URL", raising=False)
    monkeypatch.delenv("MAMORU_CONFIG", raising=False)
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
