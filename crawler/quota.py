"""API quotas as budgets. YouTube Data API units are counted per Pacific-time day (when Google resets
them), once for every machine: in Redis when `MAMORU_REDIS_URL` is set (one atomic script per
reservation), else in a small file in the data home under a file lock (one machine, no Redis)."""

from __future__ import annotations

import fcntl
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from core.config import Settings
from core.coordination import KEY_PREFIX, redis_client

PACIFIC = ZoneInfo("America/Los_Angeles")
KEY_TTL_S = 3 * 24 * 3600  # a day's counter outlives its day, then goes

# KEYS[1] the day's counter; ARGV: units, budget, ttl, units already counted in the file (seeded once)
_RESERVE_LUA = """
redis.call('SET', KEYS[1], ARGV[4], 'NX', 'EX', ARGV[3])
local used = tonumber(redis.call('GET', KEYS[1]))
local units = tonumber(ARGV[1])
if units > 0 and used + units > tonumber(ARGV[2]) then return {0, used} end
if units > 0 then used = redis.call('INCRBY', KEYS[1], units) end
return {1, used}
"""


class QuotaBudget:
    """reserve(units) -> True and counts them, or False (nothing counted) when the day's budget would
    be exceeded."""

    def __init__(self, settings: Settings, api: str, daily_budget: int) -> None:
        self.api = api
        self.path = settings.home / "quota" / f"{api}.json"
        self.daily_budget = daily_budget
        self.redis = redis_client(settings)

    @staticmethod
    def today() -> str:
        return datetime.now(PACIFIC).date().isoformat()

    def _update(self, units: int) -> tuple[bool, int]:
        if self.redis is None:
            return _update_file(self.path, self.today(), units, self.daily_budget)
        day = self.today()
        # what this home's file counted today (before Redis was in use) is carried over once
        seed = _update_file(self.path, day, 0, self.daily_budget)[1] if self.path.exists() else 0
        ok, used = self.redis.eval(_RESERVE_LUA, 1, f"{KEY_PREFIX}quota:{self.api}:{day}", units,
                                   self.daily_budget, KEY_TTL_S, seed)
        return bool(ok), int(used)

    def reserve(self, units: int) -> bool:
        return self._update(units)[0]

    def used(self) -> int:
        return self._update(0)[1]


def _update_file(path: Path, day: str, units: int, budget: int) -> tuple[bool, int]:
    """The one-machine counter: a JSON file {day: units} changed under an exclusive file lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        try:
            data = json.loads(fh.read() or "{}")
        except ValueError:
            data = {}
        used = int(data.get(day, 0))
        if units and used + units > budget:
            return False, used
        data = {day: used + units}  # older days are forgotten
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(data))
        return True, used + units
