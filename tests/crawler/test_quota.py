"""The YouTube quota is spent once for all machines: counted in Redis (one atomic script per reservation)
when MAMORU_REDIS_URL is set, in a file in the home otherwise."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

from crawler.quota import QuotaBudget

RESERVE_MANY = """
import sys
from core.config import load_settings
from crawler.quota import QuotaBudget
budget = QuotaBudget(load_settings(), "youtube", int(sys.argv[1]))
print(sum(budget.reserve(100) for _ in range(int(sys.argv[2]))))
"""


def test_machines_with_separate_homes_share_one_budget_in_redis(redis_url, tmp_path):
    """Four 'machines' (processes with homes of their own) each try 10 reservations of 100 units against a
    budget of 1,000 at once: exactly 10 are granted in all."""
    procs = []
    for n in range(4):
        env = {**os.environ, "MAMORU_HOME": str(tmp_path / f"machine-{n}"), "MAMORU_REDIS_URL": redis_url}
        procs.append(subprocess.Popen([sys.executable, "-c", RESERVE_MANY, "1000", "10"], env=env,
                                      stdout=subprocess.PIPE, text=True))
    granted = [int(p.communicate(timeout=60)[0]) for p in procs]
    assert sum(granted) == 10, granted
    assert not any((tmp_path / f"machine-{n}" / "quota").exists() for n in range(4))


def test_units_counted_in_the_home_before_redis_are_carried_over_once(settings, redis_url):
    QuotaBudget(settings, "youtube", 1000).reserve(300)  # one machine, no Redis yet: the file
    assert json.loads((settings.home / "quota" / "youtube.json").read_text()) == {QuotaBudget.today(): 300}
    shared = dataclasses.replace(settings, redis_url=redis_url)
    budget = QuotaBudget(shared, "youtube", 1000)
    assert budget.used() == 300
    assert budget.reserve(700) and not budget.reserve(1) and budget.used() == 1000


def test_without_redis_the_file_keeps_the_count(settings):
    budget = QuotaBudget(settings, "youtube", 150)
    assert budget.reserve(100) and not budget.reserve(100) and budget.used() == 100
