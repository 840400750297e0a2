"""`mamoru health`: exit 0 with one 'ok' line per check when the database, Redis and the blob store answer;
exit 1 naming what fails, including a worker that does not answer a ping over the broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def health(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")}
    return subprocess.run([sys.executable, "-m", "mamoru.cli.main", "health", *args], env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_healthy_machine_exits_0(settings, redis_url):
    result = health({"MAMORU_HOME": str(settings.home), "MAMORU_REDIS_URL": redis_url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["database: ok", "redis: ok", "storage: ok"]


def test_unreachable_redis_and_silent_worker_exit_1(settings, redis_url):
    down = health({"MAMORU_HOME": str(settings.home), "MAMORU_REDIS_URL": "redis://127.0.0.1:1/0"}, "--json")
    assert down.returncode == 1
    checks = json.loads(down.stdout)["checks"]
    assert checks["database"] is None and checks["storage"] is None and "ConnectionError" in checks["redis"]
    silent = health({"MAMORU_HOME": str(settings.home), "MAMORU_REDIS_URL": redis_url}, "--worker", "cpu@nowhere")
    assert silent.returncode == 1 and "worker cpu@nowhere: no answer" in silent.stdout
