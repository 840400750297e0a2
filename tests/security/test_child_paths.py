"""Python children never import from the folder they are started in: run from a folder holding an empty
`reports/` package and a `workers/` (and `crawler/`) package that writes a marker file, Mamoru's children
(the embedded stack's worker and beat, `mamoru worker`, the crawler child) start and import nothing of it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.childproc import child_environ, python_module

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("core", "crawler", "matcher", "mamoru", "reports", "workers")
READY_S = 60


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """A current folder whose `reports`, `workers` and `crawler` shadow Mamoru's packages."""
    folder = tmp_path / "hostile"
    marker = tmp_path / "MARKER"
    (folder / "reports").mkdir(parents=True)
    (folder / "reports" / "__init__.py").write_text("")
    for name in ("workers", "crawler", "core", "mamoru"):
        (folder / name).mkdir()
        (folder / name / "__init__.py").write_text(f"open({str(marker)!r}, 'a').write({name!r} + ' imported\\n')\n")
    monkeypatch.chdir(folder)
    return folder, marker


def test_no_child_is_started_but_through_the_safe_path_helper():
    """Every `python` child of the product goes through core.childproc (bench and tests are not product)."""
    offenders = []
    for package in PRODUCT:
        for path in (REPO / package).rglob("*.py"):
            if path.name == "childproc.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"\[\s*sys\.executable|execv?p?e?\(\s*sys\.executable|workers\.celery:app", text):
                offenders.append(str(path.relative_to(REPO)))
    assert not offenders, f"start Python children with core.childproc.python_module: {offenders}"


def test_the_crawler_child_imports_nothing_from_its_folder(hostile):
    folder, marker = hostile
    proc = subprocess.run(python_module("crawler.run", "--help"), env=child_environ(), cwd=folder,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert not marker.exists(), marker.read_text()


def _wait_ready(log: Path, proc: subprocess.Popen) -> str:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        if " ready." in text:
            return text
        assert proc.poll() is None, f"exited {proc.returncode}: {text[-800:]}"
        time.sleep(0.3)
    raise AssertionError(f"not ready after {READY_S} s: {log.read_text(errors='replace')[-800:]}")


@pytest.mark.integration
def test_stack_and_cli_workers_import_nothing_from_their_folder(hostile, settings, tmp_path):
    from mamoru.up import EmbeddedStack

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh installs it)")
    folder, marker = hostile
    with EmbeddedStack(settings) as stack:
        stack.start_redis()
        worker = stack.start_worker(concurrency=1, queues="io")
        stack.start_beat()
        _wait_ready(worker.log_path, worker.proc)
        env = {**stack.child_env(), "PYTHONSAFEPATH": ""}  # `mamoru worker` sets the safe path itself
        log = tmp_path / "cli-worker.log"
        with log.open("wb") as out:
            mamoru = Path(sys.executable).parent / "mamoru"  # the console script, as an operator runs it
            cli = subprocess.Popen([str(mamoru), "worker", "-c", "1", "-Q", "io", "-n", "cli"], cwd=folder, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_ready(log, cli)
        finally:
            cli.terminate()
            cli.wait(timeout=30)
        stack.check_alive()
    assert not marker.exists(), marker.read_text()



def test_the_command_refuses_to_run_with_a_shadowed_package(tmp_path):
    """Another distribution's `reports`, `workers` or `core` earlier on sys.path (here PYTHONPATH) stops
    `mamoru` with one line naming them, before any of their code runs; without them the same command runs."""
    folder, marker = tmp_path / "site", tmp_path / "MARKER"
    (folder / "reports").mkdir(parents=True)
    (folder / "reports" / "__init__.py").write_text("")
    for name in ("workers", "core"):
        (folder / name).mkdir()
        (folder / name / "__init__.py").write_text(f"open({str(marker)!r}, 'a').write({name!r})\n")
    mamoru = Path(sys.executable).with_name("mamoru")
    plain = subprocess.run([str(mamoru), "--version"], env=child_environ(), capture_output=True, text=True,
                           timeout=60)
    assert plain.returncode == 0, plain.stderr[-500:]
    env = {**child_environ(), "PYTHONPATH": str(folder)}
    proc = subprocess.run([str(mamoru), "--version"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr[-500:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "refusing to run" in lines[0], lines
    for name in ("core", "workers", "reports"):
        assert f"{name} from {folder / name}" in lines[0], lines[0]
    assert not marker.exists(), marker.read_text()
