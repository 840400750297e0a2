"""Fixtures of the crawler tests; helpers live in crawler_testkit (importable thanks to the path below)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from crawler_testkit import FAST, FixtureServer, crawl_env, run_module  # noqa: E402


@pytest.fixture
def server():
    srv = FixtureServer()
    srv.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def discover(tmp_path):
    """discover(value, platform=None, kind=None, env=None, fast=True) -> CrawlResult, in a child process."""

    def _discover(value: str, platform: str | None = None, kind: str | None = None, env: dict | None = None,
                  extra: list[str] | None = None, fast: bool = True) -> CrawlResult:
        args = [f"--discover={value}"]
        if platform:
            args.append(f"--platform={platform}")
        if kind:
            args.append(f"--kind={kind}")
        args += (FAST if fast else []) + (extra or [])
        return run_module(args, crawl_env(tmp_path / "home", **(env or {})))

    return _discover
