"""API quotas as budgets. YouTube Data API units are counted per Pacific-time day (when Google resets
them) in a small file in the data home, shared by every crawl on this machine under a file lock."""

from __future__ import annotations

import fcntl
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from core.config import Settings

PACIFIC = ZoneInfo("America/Los_Angeles")


class QuotaBudget:
    """reserve(units) -> True and counts them, or False (nothing counted) when the day's budget would
    be exceeded."""

    def __init__(self, settings: Settings, api: str, daily_budget: int) -> None:
        self.path = settings.home / "quota" / f"{api}.json"
        self.daily_budget = daily_budget

    @staticmethod
    def today() -> str:
        return datetime.now(PACIFIC).date().isoformat()

    def _update(self, units: int) -> tuple[bool, int]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            try:
                data = json.loads(fh.read() or "{}")
            except ValueError:
                data = {}
            day = self.today()
            used = int(data.get(day, 0))
            if units and used + units > self.daily_budget:
                return False, used
            data = {day: used + units}  # older days are forgotten
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps(data))
            return True, used + units

    def reserve(self, units: int) -> bool:
        return self._update(units)[0]

    def used(self) -> int:
        return self._update(0)[1]
