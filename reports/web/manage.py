"""Management actions shared by the admin pages and the API (each one audited)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import PLATFORMS
from core.models import (
    AuditEvent,
    Character,
    Finding,
    Reference,
    RightsHolder,
    User,
    Watchlist,
    WatchKind,
    Work,
)
from core.services.errors import Conflict
from reports.web.queries import CurrentUser, NotFound, record

AUDIT_PAGE = 200


def create_holder(db: Session, actor: CurrentUser, name: str, contact_email: str | None) -> RightsHolder:
    name = (name or "").strip()[:200]
    if not name:
        raise ValueError("a name is required")
    if db.scalar(select(RightsHolder).where(RightsHolder.name == name)):
        raise Conflict("a rights holder with that name exists")
    holder = RightsHolder(name=name, contact_email=(contact_email or "").strip()[:320] or None)
    db.add(holder)
    db.flush()
    record(db, actor.id, "holder_created", "rights_holder", holder.id, name=name)
    return holder


def list_references(db: Session) -> list[dict]:
    counts: dict[int, dict] = {}
    for ref_id, state, n in db.execute(select(Finding.reference_id, Finding.state, func.count())
                                       .group_by(Finding.reference_id, Finding.state)):
        counts.setdefault(ref_id, {})[state] = n
    rows = db.execute(select(Reference, Character, Work, RightsHolder)
                      .join(Character, Reference.character_id == Character.id)
                      .join(Work, Character.work_id == Work.id)
                      .join(RightsHolder, Work.rights_holder_id == RightsHolder.id)
                      .order_by(RightsHolder.name, Work.name_en, Character.name_en, Reference.name)).all()
    return [{"reference": r, "character": c, "work": w, "holder": h, "matches": counts.get(r.id, {})}
            for r, c, w, h in rows]


def reference_json(item: dict) -> dict:
    r, c, w, h = item["reference"], item["character"], item["work"], item["holder"]
    return {"id": r.id, "name": r.name, "sha256": r.sha256, "phash": r.phash, "dhash": r.dhash,
            "width": r.width, "height": r.height, "character": {"id": c.id, "name_en": c.name_en,
                                                                "name_ja": c.name_ja},
            "work": {"id": w.id, "name_en": w.name_en, "name_ja": w.name_ja},
            "rights_holder": {"id": h.id, "name": h.name}, "matches": item["matches"],
            "image_url": f"/references/{r.id}/image"}


def add_watchlist(db: Session, actor: CurrentUser, *, rights_holder_id: int, platform: str, kind: str, value: str,
                  schedule_minutes: int = 360) -> Watchlist:
    if db.get(RightsHolder, rights_holder_id) is None:
        raise ValueError("unknown rights holder")
    if platform not in PLATFORMS:
        raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}")
    if kind not in {k.value for k in WatchKind}:
        raise ValueError(f"kind must be one of {', '.join(k.value for k in WatchKind)}")
    value = (value or "").strip()
    if not value or len(value) > 2000:
        raise ValueError("a value (search term, hashtag, account or URL) is required")
    if not 5 <= int(schedule_minutes) <= 7 * 24 * 60:
        raise ValueError("schedule must be between 5 minutes and a week")
    if db.scalar(select(Watchlist.id).where(Watchlist.rights_holder_id == rights_holder_id,
                                            Watchlist.platform == platform, Watchlist.kind == kind,
                                            Watchlist.value == value)):
        raise Conflict("that watchlist exists already")
    watch = Watchlist(rights_holder_id=rights_holder_id, platform=platform, kind=kind, value=value,
                      schedule_minutes=int(schedule_minutes), enabled=True)
    db.add(watch)
    db.flush()
    record(db, actor.id, "watchlist_added", "watchlist", watch.id, platform=platform, kind=kind, value=value)
    return watch


def set_watchlist_enabled(db: Session, actor: CurrentUser, watch_id: int, enabled: bool) -> Watchlist:
    watch = db.get(Watchlist, watch_id)
    if watch is None:
        raise NotFound
    watch.enabled = enabled
    record(db, actor.id, "watchlist_resumed" if enabled else "watchlist_paused", "watchlist", watch.id)
    return watch


def run_watchlist_now(db: Session, actor: CurrentUser, watch_id: int, hook=None) -> str:
    """Start a crawl now through the hook, else mark the watchlist due so the next beat tick runs it."""
    watch = db.get(Watchlist, watch_id)
    if watch is None:
        raise NotFound
    if hook is not None:
        db.commit()  # the worker reads the row from its own session
        task_id = hook(watch.id)
        outcome = f"crawl queued (task {task_id})"
    else:
        watch.last_run_at = None
        outcome = "marked due: the scheduler runs it on its next tick"
    record(db, actor.id, "watchlist_run", "watchlist", watch.id, outcome=outcome)
    return outcome


def watchlist_json(w: Watchlist, holder_name: str | None = None) -> dict:
    return {"id": w.id, "rights_holder_id": w.rights_holder_id, "rights_holder": holder_name,
            "platform": w.platform, "kind": w.kind, "value": w.value, "schedule_minutes": w.schedule_minutes,
            "enabled": w.enabled, "last_run_at": w.last_run_at.isoformat() if w.last_run_at else None,
            "last_outcome": w.last_outcome}


def list_watchlists(db: Session) -> list[tuple]:
    return [tuple(r) for r in db.execute(select(Watchlist, RightsHolder.name).join(RightsHolder)
                                         .order_by(RightsHolder.name, Watchlist.platform, Watchlist.id))]


def list_audit(db: Session, *, action: str | None = None, object_type: str | None = None,
               object_id: int | None = None, limit: int = AUDIT_PAGE, offset: int = 0) -> list[tuple]:
    stmt = select(AuditEvent, User.email).outerjoin(User, AuditEvent.user_id == User.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    return [tuple(r) for r in db.execute(stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                         .limit(min(limit, 1000)).offset(max(offset, 0)))]


def audit_json(event: AuditEvent, email: str | None) -> dict:
    return {"id": event.id, "at": event.at.isoformat() if event.at else None, "user": email,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "detail": event.detail}
