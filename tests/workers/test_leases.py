"""Clip leases, attempt caps, media dedupe and retry resets, on the database alone (no broker)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import session_scope
from core.models import Clip, Finding, Keyframe, Media, TriageState, utcnow
from workers import tasks
from workers.status import reset_for_retry


@pytest.fixture
def clip_id(settings, session):
    clip = Clip(platform="web", platform_id="x1", url="http://127.0.0.1/x1.mp4")
    session.add(clip)
    session.commit()
    return clip.id


def test_a_lease_is_held_against_other_tasks_and_taken_over_by_the_same_task(settings, clip_id):
    assert tasks.lease(clip_id, "fetching", "task-a worker@h") == (True, "fetching", 1)
    assert tasks.lease(clip_id, "fetching", "task-b worker@h") == (False, "fetching", 1)
    # a redelivered copy of the same message (same task id, any worker) takes over at once
    assert tasks.lease(clip_id, "fetching", "task-a other@h") == (True, "fetching", 2)
    with session_scope(settings) as session:
        session.get(Clip, clip_id).lease_until = utcnow() - timedelta(seconds=1)
    assert tasks.lease(clip_id, "fetching", "task-b worker@h") == (True, "fetching", 3)
    # a step that is not next does not lease: analysis waits for the fetch to finish
    assert tasks.lease(clip_id, "analyzing", "task-c worker@h")[0] is False


def test_a_clip_out_of_attempts_fails_with_one_reason(settings, clip_id):
    with session_scope(settings) as session:
        clip = session.get(Clip, clip_id)
        clip.attempts, clip.reason = tasks.MAX_ATTEMPTS, "taken back after a worker restart"
    assert tasks.lease(clip_id, "fetching", "task-z w@h") == (False, "failed", tasks.MAX_ATTEMPTS)
    with session_scope(settings) as session:
        clip = session.get(Clip, clip_id)
        assert clip.reason_code == "gave_up" and "6 attempts" in clip.reason and clip.lease_owner is None


def test_worker_restart_takes_back_its_clips_only(settings, session, clip_id, monkeypatch):
    other = Clip(platform="web", platform_id="x2", url="http://127.0.0.1/x2.mp4")
    session.add(other)
    session.commit()
    tasks.lease(clip_id, "fetching", "t1 worker@h")
    tasks.lease(other.id, "fetching", "t2 worker2@h")
    sent = []
    from workers.celery import app

    monkeypatch.setattr(app, "send_task", lambda name, args: sent.append((name, args)))
    assert tasks.recover_node("worker@h") == [clip_id]
    assert sent == [("fetch_clip", [clip_id])]
    assert tasks.lease(clip_id, "fetching", "t3 worker@h")[0] is True  # its lease was let go
    assert tasks.lease(other.id, "fetching", "t4 worker@h")[0] is False


def test_same_media_is_claimed_once_and_its_result_linked(settings, session, clip_id, reference_id):
    second = Clip(platform="web", platform_id="x2", url="http://127.0.0.1/x2.mp4", media_sha256="ab" * 32,
                  status="fetched")
    session.add(second)
    session.commit()
    assert tasks.claim_media("ab" * 32, clip_id, 10) == clip_id
    assert tasks.claim_media("ab" * 32, second.id, 10) == clip_id  # the first fetcher analyses for both
    with session_scope(settings) as s:
        owner = s.get(Clip, clip_id)
        owner.media_sha256, owner.status = "ab" * 32, "done"
        s.add(Keyframe(clip_id=clip_id, t=0.0, phash="0" * 16))
        s.add(Finding(clip_id=clip_id, reference_id=reference_id, score=0.9, method="phash", spans=[[0, 1]],
                      best_t=0.5))
        s.add(Finding(clip_id=second.id, reference_id=reference_id, score=0.1, method="old", spans=[], best_t=0,
                      state=TriageState.confirmed.value))
    assert tasks.link_duplicate(second.id, clip_id) == "done"
    assert tasks.link_duplicate(second.id, clip_id) == "done"  # twice: same rows
    with session_scope(settings) as s:
        s.get(Clip, clip_id).evidence = {"index_version": "v1"}
    assert tasks.claim_media("ab" * 32, second.id, 10, "v1") == clip_id
    # the references changed since the owner's analysis: the next clip with this media analyses it again
    assert tasks.claim_media("ab" * 32, second.id, 10, "v2") == second.id
    assert tasks.claim_media("ab" * 32, clip_id, 10, "v2") == second.id
    with session_scope(settings) as s:
        linked = s.query(Finding).filter_by(clip_id=second.id).one()
        assert (linked.score, linked.method, linked.state) == (0.9, "phash", "confirmed")  # decision kept
        assert s.query(Keyframe).filter_by(clip_id=second.id).count() == 1
        assert s.get(Clip, second.id).evidence["same_media_as"] == clip_id
        # an owner that failed hands the media to the next clip that fetches it
        s.get(Clip, second.id).status = "failed"
    assert tasks.claim_media("ab" * 32, clip_id, 10) == clip_id
    with session_scope(settings) as s:
        assert s.get(Media, "ab" * 32).clip_id == clip_id


@pytest.fixture
def reference_id(settings, session):
    from mamoru.demo.catalog import DEMO_HOLDER, REFERENCES
    from workers.catalog import add_reference

    ref = add_reference(session, settings, holder=DEMO_HOLDER, work=REFERENCES[0].work,
                        character=REFERENCES[0].character, image=REFERENCES[0].path)
    session.commit()
    return ref.id


def test_retry_resets_failed_clips_by_reason(settings, session):
    for i, (status, code) in enumerate([("failed", "corrupt"), ("failed", "gone"), ("skipped", "too_large"),
                                        ("done", None)]):
        session.add(Clip(platform="web", platform_id=f"r{i}", url=f"http://127.0.0.1/r{i}", status=status,
                         reason_code=code, reason=f"fetch: {code}", attempts=3))
    session.commit()
    assert reset_for_retry(settings, reason_code="gone") == [2]
    assert reset_for_retry(settings) == [1]
    assert reset_for_retry(settings, include_skipped=True) == [3]
    with session_scope(settings) as s:
        assert [(c.status, c.attempts, c.reason_code) for c in s.query(Clip).order_by(Clip.id)] == [
            ("new", 0, None), ("new", 0, None), ("new", 0, None), ("done", 3, None)]


def test_the_sweep_requeues_stalled_clips_and_leaves_live_ones(settings, session, monkeypatch):
    old = utcnow() - timedelta(hours=2)
    rows = {
        "waiting-new": Clip(status="new", status_changed_at=old),
        "waiting-fetched": Clip(status="fetched", status_changed_at=old),
        "fresh-new": Clip(status="new", status_changed_at=utcnow()),
        "dead-fetch": Clip(status="fetching", lease_owner="t1 w@h", lease_until=utcnow() - timedelta(seconds=1)),
        "live-analysis": Clip(status="analyzing", lease_owner="t2 w@h", lease_until=utcnow() + timedelta(hours=1)),
        "done": Clip(status="done", status_changed_at=old),
    }
    for name, clip in rows.items():
        clip.platform, clip.platform_id, clip.url = "web", name, f"http://127.0.0.1/{name}"
        session.add(clip)
    session.commit()
    queued = []
    monkeypatch.setattr(tasks.fetch_clip, "delay", lambda clip_id: queued.append(("fetch", clip_id)))
    monkeypatch.setattr(tasks.analyze_clip, "delay", lambda clip_id: queued.append(("analyze", clip_id)))
    tasks.requeue_stalled_clips(stall_after_s=600)
    assert sorted(queued) == sorted([("fetch", rows["waiting-new"].id), ("analyze", rows["waiting-fetched"].id),
                                     ("fetch", rows["dead-fetch"].id)])
    queued.clear()
    tasks.requeue_stalled_clips(stall_after_s=600)  # waiting clips were touched: not queued again at once
    assert queued == [("fetch", rows["dead-fetch"].id)]
