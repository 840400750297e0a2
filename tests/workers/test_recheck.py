"""Re-checks of clips under notice: a real visit of the demo platform on 127.0.0.1 through the guarded
stack, the evidence kept in the blob store, and a real Celery worker moving a finding to removed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import time
import urllib.request

import pytest
from sqlalchemy import select

from core.blobstore import open_store
from core.db import session_scope
from core.models import Character, Clip, EnforcementEvent, Finding, Reference, RightsHolder, Work, utcnow
from core.services import enforcement as enf
from mamoru.demo.catalog import CLIPS
from mamoru.demo.server import DemoServer
from workers.recheck import keep_evidence, recheck, visit_page

CLIP = CLIPS[0].id


@pytest.fixture
def site(tmp_path):
    with DemoServer(tmp_path / "media") as server:
        yield server


@pytest.fixture
def loopback_settings(settings):
    return dataclasses.replace(settings, allowed_private_hosts=("127.0.0.1",))


def take_down(site, clip_id: str = CLIP) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{site.base_url}/admin/takedown/{clip_id}", method="POST"))


def notice_sent(settings, url: str) -> tuple[int, int]:
    """A clip at URL with a confirmed finding whose notice was sent: (clip id, finding id)."""
    with session_scope(settings) as s:
        holder = RightsHolder(name="Recheck Holder")
        s.add(holder)
        s.flush()
        work = Work(rights_holder_id=holder.id, name_en="W")
        s.add(work)
        s.flush()
        character = Character(work_id=work.id, name_en="C")
        s.add(character)
        s.flush()
        ref = Reference(character_id=character.id, name="ref-recheck", path="references/x.png", sha256="ab" * 32)
        clip = Clip(platform="web", platform_id=url.split("://", 1)[1], url=url, page_url=url, status="done")
        s.add_all([ref, clip])
        s.flush()
        finding = Finding(clip_id=clip.id, reference_id=ref.id, score=0.9, method="phash", best_t=1.0,
                          state="confirmed", created_at=utcnow())
        s.add(finding)
        s.flush()
        enf.record_step(s, None, finding.id, enf.SENT, channel="webform", platform_ref="DT-1")
        return clip.id, finding.id


def test_a_page_up_then_gone(site, loopback_settings):
    url = f"{site.base_url}/v/{CLIP}"
    visit, outcome = visit_page(url, loopback_settings)
    assert (outcome.verdict, visit.status) == (enf.UP, 200) and b"og:video" in visit.body
    take_down(site)
    visit, outcome = visit_page(url, loopback_settings)
    assert (outcome.verdict, outcome.status) == (enf.GONE, 410) and "HTTP 410" in outcome.reason
    assert b"Video unavailable" in visit.body
    key = keep_evidence(loopback_settings, 7, visit, outcome)
    record = json.loads(open_store(loopback_settings).get(key))
    assert record["status"] == 410 and record["verdict"] == "gone" and record["url"] == url
    assert dict(record["headers"])["Server"].startswith("DemoTube/")
    body = open_store(loopback_settings).get(record["body_key"])
    assert hashlib.sha256(body).hexdigest() == record["body_sha256"]


def test_the_address_rule_holds_for_rechecks(site, settings):
    visit, outcome = visit_page(f"{site.base_url}/v/{CLIP}", settings)  # 127.0.0.1 not allowlisted
    assert outcome.verdict == enf.UNKNOWN and visit.status is None
    assert "non-public address" in outcome.reason and "\n" not in outcome.reason


def test_an_unreachable_site_changes_nothing(loopback_settings):
    with DemoServer(loopback_settings.home) as gone_site:
        url = f"{gone_site.base_url}/v/{CLIP}"
    clip_id, finding_id = notice_sent(loopback_settings, url)  # nothing listens there any more
    result = recheck(loopback_settings, clip_id)
    assert result["verdict"] == enf.UNKNOWN and result["findings"] == [(finding_id, enf.CHECKED)]
    with session_scope(loopback_settings) as s:
        assert s.get(Finding, finding_id).enforcement_state == enf.SENT


@pytest.mark.integration
def test_a_worker_rechecks_and_records_the_removal(tmp_path, site):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/setup.sh installs it)")
    from bench.harness import Pipeline

    with Pipeline(tmp_path / "home") as p:
        p.start(workers=[("worker", "io", 1)])
        clip_id, finding_id = notice_sent(p.settings, f"{site.base_url}/v/{CLIP}")
        first = p.send("recheck_clip", clip_id).get(timeout=120)
        assert first["verdict"] == "up" and first["findings"] == [[finding_id, "checked"]]
        take_down(site)
        second = p.send("recheck_clip", clip_id).get(timeout=120)
        assert second["verdict"] == "gone" and second["findings"] == [[finding_id, "removed"]]
        with session_scope(p.settings) as s:
            finding = s.get(Finding, finding_id)
            assert finding.enforcement_state == "removed"
            removed = s.scalars(select(EnforcementEvent).where(EnforcementEvent.finding_id == finding_id,
                                                               EnforcementEvent.state == "removed")).one()
            assert removed.evidence_key == second["evidence_key"] and removed.detail["status"] == 410
        assert json.loads((p.home / second["evidence_key"]).read_text())["status"] == 410
        # beat's sweep: a removed clip is visited again (a reinstatement would show), once it is due
        assert p.send("recheck_due_clips").get(timeout=60) == []
        assert p.send("recheck_due_clips", 0).get(timeout=60) == [clip_id]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(history(p.settings, finding_id)) < 4:
            time.sleep(0.2)
        assert history(p.settings, finding_id) == ["sent", "checked", "removed", "checked"]


def history(settings, finding_id: int) -> list[str]:  # noqa: ANN001
    with session_scope(settings) as s:
        return [e.state for e, _ in enf.history(s, finding_id)]
