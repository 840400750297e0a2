"""Enforcement steps: the allowed transitions, their audit records, re-check visits and the figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.models import AuditEvent, EnforcementEvent, Finding
from core.services import enforcement as enf
from core.services.errors import Conflict, Invalid
from core.services.figures import figures
from reports.sample import seed_sample


@pytest.fixture
def sample(session, settings):
    ids = seed_sample(session, settings, images=False)
    session.flush()
    return ids


def confirmed(sample, n: int = 0) -> int:
    return sample.findings["confirmed"][n]


def test_a_notice_goes_from_sent_to_removed_with_audit(session, sample):
    fid = confirmed(sample)
    sent_at = datetime.now(UTC) - timedelta(hours=30)
    enf.record_step(session, None, fid, enf.SENT, at=sent_at, channel="webform", platform_ref="  TT-12  345 ")
    enf.record_step(session, None, fid, enf.ACKNOWLEDGED, at=sent_at + timedelta(hours=1))
    enf.record_step(session, None, fid, enf.REMOVED, at=sent_at + timedelta(hours=6))
    finding = session.get(Finding, fid)
    assert finding.enforcement_state == "removed"
    events = [(e.state, e.channel, e.platform_ref) for e, _ in enf.history(session, fid)]
    assert events == [("sent", "webform", "TT-12 345"), ("acknowledged", None, None), ("removed", None, None)]
    audit = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "finding",
                                                            AuditEvent.object_id == fid)).all()
    assert audit == ["enforcement_sent", "enforcement_acknowledged", "enforcement_removed"]


def test_transitions_outside_the_table_are_refused(session, sample):
    fid = confirmed(sample)
    with pytest.raises(Conflict, match="from there it can go to drafted, sent"):
        enf.record_step(session, None, fid, enf.REMOVED)
    with pytest.raises(Invalid, match="channel"):
        enf.record_step(session, None, fid, enf.SENT)
    with pytest.raises(Invalid, match="state must be one of"):
        enf.record_step(session, None, fid, "vanished")
    with pytest.raises(Invalid, match="future"):
        enf.record_step(session, None, fid, enf.SENT, channel="email", at=datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(Invalid, match="before the finding was detected"):
        enf.record_step(session, None, fid, enf.SENT, channel="email", at=datetime(2020, 1, 1, tzinfo=UTC))
    with pytest.raises(Invalid, match="only confirmed findings"):
        enf.record_step(session, None, sample.findings["pending"][0], enf.SENT, channel="email")
    enf.record_step(session, None, fid, enf.SENT, channel="email")
    with pytest.raises(Conflict, match="at sent; from there it can go to acknowledged, removed, rejected"):
        enf.record_step(session, None, fid, enf.SENT, channel="email")
    assert session.get(Finding, fid).enforcement_state == "sent"
    assert len(enf.history(session, fid)) == 1


def test_counter_notice_and_reinstatement(session, sample):
    fid = confirmed(sample)
    for state in (enf.SENT, enf.REMOVED, enf.COUNTER_NOTICE, enf.REINSTATED, enf.SENT):
        enf.record_step(session, None, fid, state, channel="email" if state == enf.SENT else None)
    assert [e.state for e, _ in enf.history(session, fid)] == ["sent", "removed", "counter_notice", "reinstated",
                                                                 "sent"]
    assert set(enf.TRANSITIONS) == {None, *enf.STATES}


def test_a_recheck_moves_every_finding_of_the_clip(session, sample):
    fid = confirmed(sample)
    clip_id = session.get(Finding, fid).clip_id
    enf.record_step(session, None, fid, enf.SENT, channel="email")
    up = enf.CheckOutcome(enf.UP, "HTTP 200", 200, "enforcement/1/a.json")
    assert enf.record_check(session, clip_id, up) == [(fid, "checked")]
    assert session.get(Finding, fid).enforcement_state == "sent"
    gone = enf.CheckOutcome(enf.GONE, "HTTP 410", 410, "enforcement/1/b.json")
    assert enf.record_check(session, clip_id, gone) == [(fid, "removed")]
    assert enf.record_check(session, clip_id, gone) == [(fid, "checked")]  # still gone: nothing moves
    assert enf.record_check(session, clip_id, up) == [(fid, "reinstated")]
    removed = session.scalars(select(EnforcementEvent).where(EnforcementEvent.finding_id == fid,
                                                             EnforcementEvent.state == "removed")).one()
    assert removed.evidence_key == "enforcement/1/b.json" and removed.user_id is None
    assert removed.detail["status"] == 410


def test_due_clips_are_those_not_visited_lately(session, sample):
    fid = confirmed(sample)
    clip_id = session.get(Finding, fid).clip_id
    assert enf.due_clip_ids(session) == []
    enf.record_step(session, None, fid, enf.SENT, channel="email")
    assert enf.due_clip_ids(session) == []
    assert enf.due_clip_ids(session, now=datetime.now(UTC) + timedelta(hours=7)) == [clip_id]


def test_figures_per_week_and_platform(session, sample):
    ids = sample.findings["confirmed"][:3]
    holder = sample.holders[0]
    before = figures(session, "week", holder_id=holder)["total"]
    assert before["noticed"] == 0 and before["removal_rate"] is None
    start = datetime.now(UTC) - timedelta(hours=48)
    for fid in ids:
        enf.record_step(session, None, fid, enf.SENT, channel="webform", at=start)
    enf.record_step(session, None, ids[0], enf.REMOVED, at=start + timedelta(hours=10))
    enf.record_step(session, None, ids[1], enf.REMOVED, at=start + timedelta(hours=30))
    after = figures(session, "week", holder_id=holder)  # the sample's first three confirmed are holder 1's
    total = after["total"]
    assert total["detected"] == before["detected"] and total["confirmed"] == before["confirmed"]
    assert (total["noticed"], total["removed"]) == (3, 2)
    week = next(r for r in after["rows"] if r["key"] == "2026-W47")
    assert (week["noticed"], week["removed"], week["removal_rate"]) == (3, 2, round(2 / 3, 4))
    assert figures(session, "week", holder_id=sample.holders[1])["total"]["noticed"] == 0
    everyone = figures(session, "platform")["total"]
    assert (everyone["noticed"], everyone["removed"]) == (3, 2)
    assert everyone["removal_rate"] == round(2 / 3, 4)
    assert everyone["median_hours_to_removal"] == 20.0  # the median of 10 h and 30 h
    assert sum(r["detected"] for r in figures(session, "holder")["rows"]) == everyone["detected"]
    with pytest.raises(Invalid):
        figures(session, "uploader")


@pytest.mark.integration
def test_steps_figures_and_due_clips_on_postgresql(tmp_path, postgres_url):
    from core.config import load_settings
    from core.db import session_scope, upgrade

    settings = load_settings({"MAMORU_HOME": str(tmp_path / "home"), "MAMORU_DATABASE_URL": postgres_url})
    upgrade(settings)
    with session_scope(settings) as s:
        ids = seed_sample(s, settings, images=False)
        fid = ids.findings["confirmed"][0]
        start = datetime.now(UTC) - timedelta(hours=20)
        enf.record_step(s, None, fid, enf.SENT, at=start, channel="post")
        enf.record_step(s, None, fid, enf.REMOVED, at=start + timedelta(hours=5))
    with session_scope(settings) as s:
        total = figures(s, "character", holder_id=ids.holders[0])["total"]
        assert (total["noticed"], total["removed"], total["median_hours_to_removal"]) == (1, 1, 5.0)
        assert enf.due_clip_ids(s) == []
        assert enf.due_clip_ids(s, now=datetime.now(UTC) + timedelta(hours=7)) == [s.get(Finding, fid).clip_id]
