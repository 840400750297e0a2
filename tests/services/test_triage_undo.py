"""Triage: a decision can be taken back (undo), a note typed again is not recorded twice; roles can be edited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditEvent, Finding
from core.services import users
from core.services.errors import Conflict
from core.services.triage import decide, undo
from reports.sample import seed_sample


def _events(session, finding_id):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.object_type == "finding",
                                                         AuditEvent.object_id == finding_id)
                                .order_by(AuditEvent.id)))


def test_undo_restores_the_state_before_and_is_audited(settings, session):
    seed_sample(session, settings)
    finding = session.scalars(select(Finding).where(Finding.state == "pending")).first()
    decide(session, None, [finding.id], "confirm", "clear copy")
    assert finding.state == "confirmed" and finding.decided_at is not None
    undo(session, None, finding.id)
    assert finding.state == "pending" and finding.decided_at is None
    last = _events(session, finding.id)[-1]
    assert (last.action, last.detail["before"], last.detail["after"], last.detail["undid"]) == (
        "undo", "confirmed", "pending", "confirm")
    with pytest.raises(Conflict, match="no decision to undo"):
        undo(session, None, finding.id)  # an undo is not undone by another undo


def test_undo_refuses_when_the_state_moved_on(settings, session):
    seed_sample(session, settings)
    finding = session.scalars(select(Finding).where(Finding.state == "pending")).first()
    decide(session, None, [finding.id], "escalate", None)
    finding.state = "dismissed"  # changed since, by a path that did not record a decision
    with pytest.raises(Conflict, match="changed since"):
        undo(session, None, finding.id)
    assert finding.state == "dismissed"


def test_the_same_note_is_not_recorded_again(settings, session):
    seed_sample(session, settings)
    finding = session.scalars(select(Finding).where(Finding.state == "pending")).first()
    decide(session, None, [finding.id], "escalate", "ask legal")
    decide(session, None, [finding.id], "confirm", "ask legal")
    notes = [e.detail["note"] for e in _events(session, finding.id)]
    assert notes == ["ask legal", None] and finding.note == "ask legal"


def test_roles_are_edited_and_the_last_admin_stays(settings, session):
    ids = seed_sample(session, settings, images=False)
    admin = users.create_user(session, "boss@mamoru.test", "correct horse battery", "admin")
    analyst = users.create_user(session, "a@mamoru.test", "correct horse battery", "analyst")
    users.set_role(session, analyst.id, "rights_holder", ids.holders[0], actor_id=admin.id)
    assert (analyst.role, analyst.rights_holder_id) == ("rights_holder", ids.holders[0])
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user_role_changed"))
    assert (event.detail["before"], event.detail["after"]) == ("analyst", "rights_holder")
    with pytest.raises(Conflict, match="last enabled admin"):
        users.set_role(session, admin.id, "analyst", actor_id=admin.id)
    assert admin.role == "admin"
