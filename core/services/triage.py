"""Triage decisions on findings: confirm, dismiss, escalate or reopen, each change audited.
Who may decide is the caller's check (staff); the rule and the record are here."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import AuditEvent, Finding, TriageState
from core.services.audit import record
from core.services.errors import Conflict, Invalid, NotFoundError

DECISIONS = {"confirm": TriageState.confirmed.value, "dismiss": TriageState.dismissed.value,
             "escalate": TriageState.escalated.value, "reopen": TriageState.pending.value}
MAX_NOTE = 2000
MAX_BULK = 500


def check_action(action: str) -> str:
    if action not in DECISIONS:
        raise Invalid(f"action must be one of {', '.join(DECISIONS)}")
    return DECISIONS[action]


def decide(session: Session, actor_id: int | None, finding_ids: list[int], action: str, note: str | None) -> int:
    """Set the triage state of findings; how many were found and changed."""
    state = check_action(action)
    if len(finding_ids) > MAX_BULK:
        raise Invalid(f"at most {MAX_BULK} findings at once")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise Invalid(f"the note is longer than {MAX_NOTE} characters")
    changed = 0
    now = datetime.now(UTC)
    for finding in session.scalars(select(Finding).where(Finding.id.in_(finding_ids))):
        before = finding.state
        finding.state = state
        finding.analyst_id = actor_id
        finding.decided_at = None if state == TriageState.pending.value else now
        new_note = note if note is not None and note != finding.note else None  # the same note is not recorded again
        if new_note is not None:
            finding.note = new_note
        record(session, actor_id, action, "finding", finding.id, before=before, after=state, note=new_note)
        changed += 1
    session.flush()
    return changed


def last_decision(session: Session, finding_id: int) -> AuditEvent | None:
    """The latest decision (or undo) recorded on a finding."""
    return session.scalar(select(AuditEvent).where(AuditEvent.object_type == "finding",
                                                   AuditEvent.object_id == finding_id,
                                                   AuditEvent.action.in_([*DECISIONS, "undo"]))
                          .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))


def undo(session: Session, actor_id: int | None, finding_id: int) -> Finding:
    """Take back the latest decision on a finding: its state goes back to what it was before, audited as
    "undo". Refused when the latest record is already an undo, or the state moved on since."""
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFoundError(f"no finding {finding_id}")
    event = last_decision(session, finding_id)
    if event is None or event.action == "undo" or not event.detail:
        raise Conflict(f"finding {finding_id} has no decision to undo")
    before, after = event.detail.get("before"), event.detail.get("after")
    if finding.state != after or before not in DECISIONS.values():
        raise Conflict(f"finding {finding_id} changed since that decision; nothing was undone")
    finding.state = before
    finding.analyst_id = actor_id
    finding.decided_at = None if before == TriageState.pending.value else datetime.now(UTC)
    record(session, actor_id, "undo", "finding", finding.id, before=after, after=before, undid=event.action)
    session.flush()
    return finding
