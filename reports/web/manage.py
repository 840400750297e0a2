"""What the admin pages and the API share beyond the use cases: JSON shapes and the audit log view.
Holders, references and watchlists are core.services'."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import AuditEvent, User, Watchlist
from core.services.reference_videos import video_json

AUDIT_PAGE = 200


def reference_json(item: dict) -> dict:
    r, c, w, h = item["reference"], item["character"], item["work"], item["holder"]
    return {"id": r.id, "name": r.name, "sha256": r.sha256, "phash": r.phash, "dhash": r.dhash,
            "width": r.width, "height": r.height, "character": {"id": c.id, "name_en": c.name_en,
                                                                "name_ja": c.name_ja},
            "work": {"id": w.id, "name_en": w.name_en, "name_ja": w.name_ja},
            "rights_holder": {"id": h.id, "name": h.name}, "matches": item["matches"],
            "retired_at": r.retired_at.isoformat() if r.retired_at else None,
            "image_url": f"/references/{r.id}/image", "video": video_json(r)}


def watchlist_json(w: Watchlist, holder_name: str | None = None) -> dict:
    return {"id": w.id, "rights_holder_id": w.rights_holder_id, "rights_holder": holder_name,
            "platform": w.platform, "kind": w.kind, "value": w.value, "schedule_minutes": w.schedule_minutes,
            "max_duration_s": w.max_duration_s, "enabled": w.enabled,
            "last_run_at": w.last_run_at.isoformat() if w.last_run_at else None,
            "last_outcome": w.last_outcome}


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
