"""The audit log: who did what to which object, written in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.models import AuditEvent


def record(session: Session, user_id: int | None, action: str, object_type: str, object_id: int | None,
           **detail) -> AuditEvent:
    """Add one audit event (user_id None: the command line or the system)."""
    event = AuditEvent(user_id=user_id, action=action, object_type=object_type, object_id=object_id,
                       detail=detail or None)
    session.add(event)
    return event
