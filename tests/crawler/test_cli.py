"""`mamoru discover` and `mamoru watch`, as a user runs them (child processes, demo-shaped site)."""

from __future__ import annotations

import json
import subprocess
import sys

from crawler_sites import demo_site
from crawler_testkit import REPO, crawl_env


def mamoru(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mamoru.cli.main", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_discover_json_lines(server, tmp_path):
    demo_site(server)
    proc = mamoru(crawl_env(tmp_path / "home"), "discover", f"{server.base}/feed.rss", "--json",
                  "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false")
    assert proc.returncode == 0, proc.stderr
    items = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [i["title"] for i in items] == ["炭治郎 & 禰豆子 dance #鬼滅の刃", "ルフィ ギア5 #ワンピース"]
    assert "2 clips, 0 errors" in proc.stderr
    assert not (tmp_path / "home" / "core.db").exists()  # discover stores nothing


def test_discover_usage_errors(tmp_path):
    env = crawl_env(tmp_path / "home")
    assert mamoru(env, "discover").returncode == 2
    proc = mamoru(env, "discover", "--hashtag", "鬼滅の刃")
    assert proc.returncode == 2 and "--platform" in proc.stderr
    proc = mamoru(env, "discover", "--platform", "web", "--search", "ワンピース")
    assert proc.returncode == 1 and "web search" in proc.stderr


def test_watch_add_list_run_pause_remove(server, tmp_path):
    demo_site(server)
    env = crawl_env(tmp_path / "home")
    proc = mamoru(env, "watch", "add", "--holder", "集英社", "--platform", "web", "--kind", "feed",
                  "--max-duration", "300", f"{server.base}/feed.rss")
    assert proc.returncode == 0 and "watchlist 1:" in proc.stdout, proc.stderr
    assert mamoru(env, "watch", "add", "--holder", "集英社", "--platform", "web", "--kind", "feed",
                  f"{server.base}/feed.rss").returncode == 1  # already watched
    [row] = [json.loads(line) for line in mamoru(env, "watch", "list", "--json").stdout.splitlines()]
    assert (row["holder"], row["platform"], row["kind"], row["enabled"], row["last_run_at"]) == (
        "集英社", "web", "feed", True, None)
    proc = mamoru(env, "watch", "run", "1")
    assert proc.returncode == 0, proc.stderr
    outcome = json.loads(proc.stdout.splitlines()[-1])
    assert outcome["new"] == 2 and outcome["items"] == 2
    [row] = [json.loads(line) for line in mamoru(env, "watch", "list", "--json").stdout.splitlines()]
    assert row["last_outcome"]["new"] == 2 and row["last_run_at"]
    assert "1 " in mamoru(env, "watch", "list").stdout
    assert mamoru(env, "watch", "pause", "1").returncode == 0
    [row] = [json.loads(line) for line in mamoru(env, "watch", "list", "--json").stdout.splitlines()]
    assert row["enabled"] is False
    assert mamoru(env, "watch", "remove", "1").returncode == 0
    assert mamoru(env, "watch", "list", "--json").stdout.strip() == ""
    assert mamoru(env, "watch", "remove", "1").returncode == 1
