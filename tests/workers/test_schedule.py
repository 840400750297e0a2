from datetime import UTC, datetime, timedelta

from core.models import Watchlist
from workers.schedule import is_due
from workers.tasks import previous_iso_week


def test_watchlist_due_on_its_own_schedule():
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    w = Watchlist(enabled=True, schedule_minutes=60, last_run_at=None)
    assert is_due(w, now)
    w.last_run_at = now - timedelta(minutes=59)
    assert not is_due(w, now)
    w.last_run_at = (now - timedelta(minutes=61)).replace(tzinfo=None)  # as SQLite returns it
    assert is_due(w, now)
    w.enabled = False
    assert not is_due(w, now)


def test_weekly_report_covers_the_past_iso_week():
    assert previous_iso_week(datetime(2026, 11, 23, 0, 0, tzinfo=UTC)) == "2026-W47"  # a Monday
    assert previous_iso_week(datetime(2027, 1, 4, 0, 0, tzinfo=UTC)) == "2026-W53"
