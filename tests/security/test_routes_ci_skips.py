"""Under MAMORU_CI=1 (scripts/test.sh) a test skipped for a missing part fails, so a green CI run has
exercised PostgreSQL, Redis, Chromium, ffmpeg and the recorded documents."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SAMPLE = '''
import pytest

def test_needs_redis():
    pytest.skip("redis-server is not installed (scripts/setup.sh installs it)")

def test_optional_thing():
    pytest.skip("this platform has no such feature")

def test_fine():
    pass
'''
MODULE_SKIP = '''
import pytest
pytest.skip("Debian's chromium is not installed at /usr/bin/chromium", allow_module_level=True)
'''


def run_sample(tmp_path: Path, ci: bool, module_skip: bool = False) -> subprocess.CompletedProcess:
    shutil.copy(TESTS / "conftest.py", tmp_path / "conftest.py")
    shutil.copy(TESTS / "artkit.py", tmp_path / "artkit.py")  # the conftest's own helper module
    shutil.copytree(TESTS / "netguard", tmp_path / "netguard")  # ... and its loopback guard
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    if module_skip:
        (tmp_path / "test_module_skip.py").write_text(MODULE_SKIP)
    env = {k: v for k, v in os.environ.items() if k != "MAMORU_CI"}
    if ci:
        env["MAMORU_CI"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_missing_parts_fail_under_ci(tmp_path):
    proc = run_sample(tmp_path, ci=True)
    assert proc.returncode == 1 and "1 failed, 1 passed, 1 skipped" in proc.stdout, proc.stdout
    assert "redis-server is not installed" in proc.stdout


def test_a_module_skipped_for_a_missing_part_fails_under_ci(tmp_path):
    proc = run_sample(tmp_path, ci=True, module_skip=True)
    assert proc.returncode != 0 and "chromium is not installed" in proc.stdout, proc.stdout


def test_skips_stay_skips_outside_ci(tmp_path):
    proc = run_sample(tmp_path, ci=False, module_skip=True)
    assert proc.returncode == 0 and "1 passed, 3 skipped" in proc.stdout, proc.stdout


def test_the_test_script_sets_ci():
    script = (TESTS.parent / "scripts" / "test.sh").read_text()
    assert "export MAMORU_CI=1" in script
