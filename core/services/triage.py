"""Triage decisions on findings: confirm, dismiss, escalate or reopen, each change audited.
Who may decide is the caller's check (staff); the rule and the record are here."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Finding, TriageState
from core.services.audit import record
from core.services.errors import Invalid

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
        if note is not None:
            finding.note = note
        record(session, actor_id, action, "finding", finding.id, before=before, after=state, note=note)
        changed += 1
    session.flush()
    return changed
