"""Watchlists: what to look for, where and how often, for which holder. The same rule accepts or refuses a
watchlist whoever adds it (CLI, admin page, API): core.targets for platform and kind, core.urlsafety for
every URL (the rule the crawler applies to each request)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import RightsHolder, Watchlist
from core.services.audit import record
from core.services.errors import Conflict, Invalid, NotFoundError
from core.targets import URL_KINDS, check_target, is_url, limit_note
from core.urlsafety import UnsafeURLError, check_url

DEFAULT_EVERY_MINUTES = 360
MIN_EVERY_MINUTES = 5
MAX_EVERY_MINUTES = 7 * 24 * 60
DEFAULT_MAX_DURATION_S = 180  # the short filter: clips longer than this are dropped (0: no limit)
MAX_MAX_DURATION_S = 24 * 3600

__all__ = ["add_watchlist", "get_watchlist", "limit_note", "list_watchlists", "remove_watchlist", "set_enabled"]


def add_watchlist(session: Session, settings: Settings, actor_id: int | None, *, holder: RightsHolder, platform: str,
                  kind: str, value: str, every_minutes: int = DEFAULT_EVERY_MINUTES,
                  max_duration_s: int = DEFAULT_MAX_DURATION_S) -> Watchlist:
    """A new enabled watchlist, or Invalid/Conflict with one line (nothing stored)."""
    value = check_target(platform, kind, value)
    if kind in URL_KINDS or is_url(value):
        try:
            check_url(value, settings)
        except UnsafeURLError as exc:
            raise Invalid(str(exc)) from None
    every_minutes, max_duration_s = int(every_minutes), int(max_duration_s)
    if not MIN_EVERY_MINUTES <= every_minutes <= MAX_EVERY_MINUTES:
        raise Invalid(f"the schedule must be between {MIN_EVERY_MINUTES} minutes and a week "
                      f"({MAX_EVERY_MINUTES} minutes), not {every_minutes}")
    if not 0 <= max_duration_s <= MAX_MAX_DURATION_S:
        raise Invalid(f"the longest clip kept must be between 0 (no limit) and {MAX_MAX_DURATION_S} seconds")
    existing = session.scalar(select(Watchlist).where(
        Watchlist.rights_holder_id == holder.id, Watchlist.platform == platform, Watchlist.kind == kind,
        Watchlist.value == value))
    if existing is not None:
        raise Conflict(f"watchlist {existing.id} already watches {platform} {kind} {value[:200]!r}")
    watch = Watchlist(rights_holder_id=holder.id, platform=platform, kind=kind, value=value,
                      schedule_minutes=every_minutes, max_duration_s=max_duration_s, enabled=True)
    session.add(watch)
    session.flush()
    record(session, actor_id, "watchlist_added", "watchlist", watch.id, platform=platform, kind=kind, value=value,
           holder_id=holder.id)
    return watch


def get_watchlist(session: Session, watchlist_id: int) -> Watchlist:
    watch = session.get(Watchlist, watchlist_id)
    if watch is None:
        raise NotFoundError(f"no watchlist {watchlist_id}")
    return watch


def set_enabled(session: Session, actor_id: int | None, watchlist_id: int, enabled: bool) -> Watchlist:
    """Pause (False) or resume (True) a watchlist's schedule."""
    watch = get_watchlist(session, watchlist_id)
    watch.enabled = enabled
    record(session, actor_id, "watchlist_resumed" if enabled else "watchlist_paused", "watchlist", watch.id)
    return watch


def remove_watchlist(session: Session, actor_id: int | None, watchlist_id: int) -> None:
    """Delete a watchlist; its clips stay and lose the link to it."""
    watch = get_watchlist(session, watchlist_id)
    record(session, actor_id, "watchlist_removed", "watchlist", watch.id, platform=watch.platform, kind=watch.kind,
           value=watch.value)
    session.delete(watch)
    session.flush()


def list_watchlists(session: Session) -> list[tuple[Watchlist, str]]:
    """(watchlist, holder name) rows by holder, platform and id."""
    return [tuple(r) for r in session.execute(select(Watchlist, RightsHolder.name).join(RightsHolder)
                                              .order_by(RightsHolder.name, Watchlist.platform, Watchlist.id))]
