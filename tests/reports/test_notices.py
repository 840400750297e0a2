"""Notices a legal team can send: the holder profile (who may read and change it), the English DMCA notice
with its six elements, the Japanese 侵害情報の通知書 兼 送信防止措置依頼書 with the form's items, evidence
attached to the PDF, and kept drafts that are versions, never overwrites."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.blobstore import open_store
from core.db import session_scope
from core.models import AuditEvent, Clip, EnforcementEvent, Finding, NoticeDraft, TriageState
from core.services.errors import Forbidden, Invalid, NotFoundError
from core.services.holder_profiles import get_profile, missing_fields, profile_dict, update_profile
from reports.build import build_weekly_report
from reports.notices import datetime_ja, draft_notices, spans_ja
from reports.recipients import load_recipients, recipient_for
from reports.notices import render_notices
from reports.sample import seed_sample

WEEK = "2026-W47"
FULL_PROFILE = {
    "legal_name": "Kumo Studio Co., Ltd.", "legal_name_ja": "株式会社雲スタジオ",
    "representative": "代表取締役 山田 太郎", "representative_title": "Representative Director",
    "address": "1-2-3 Example-cho, Chiyoda-ku, Tokyo 100-0001, Japan",
    "address_ja": "〒100-0001 東京都千代田区例町1-2-3", "telephone": "+81 3-1234-5678",
    "email": "legal@kumo.example", "agent_name": "Example Law Office", "agent_email": "ip@law.example",
    "authority_proof": "委任状（2026年4月1日付）", "disclose_name": True,
}
PLACEHOLDER = re.compile(r"\[[A-Z][A-Z _:]+\]|［[^］]*(住所|氏名|電話番号|未設定|e-mail)[^］]*］|MISSING|未設定")
DMCA_ELEMENTS = (
    "Identification of the copyrighted works claimed to have been infringed",
    "Identification of the infringing material and information sufficient to locate it",
    "Contact information of the complaining party",
    "I have a good faith belief that use of the material in the manner complained of is not authorized\n"
    "   by the copyright owner, its agent, or the law.",
    "The information in this notification is accurate, and under penalty of perjury, I am authorized to\n"
    "   act on behalf of the owner of an exclusive right that is allegedly infringed.",
    "Signature",
)
JA_SECTIONS = ("御中", "［権利者等］", "住所", "名称", "代表者", "連絡先（電話番号）", "侵害情報の通知書 兼 送信防止措置依頼書",
               "記", "掲載されている場所", "掲載されている情報", "侵害情報等", "侵害されたとする権利",
               "権利が侵害されたとする理由（被害の状況など）", "証拠資料", "事実に相違なく", "発信者への名称の開示", "以上")


@dataclass
class Actor:
    id: int | None
    role: str
    rights_holder_id: int | None = None


@pytest.fixture
def sample(settings):
    with session_scope(settings) as s:
        return seed_sample(s, settings, week=WEEK)


def test_profile_permissions(settings, sample):
    h1, h2 = sample.holders[:2]
    admin, analyst = Actor(None, "admin"), Actor(None, "analyst")
    own, other = Actor(None, "rights_holder", h1), Actor(None, "rights_holder", h2)
    with session_scope(settings) as s:
        assert missing_fields(get_profile(s, own, h1)) == ["legal_name", "representative", "address", "telephone",
                                                           "email"]
        update_profile(s, own, h1, {"legal_name": "Kumo Studio Co., Ltd.", "telephone": "+81 3-1234-5678"})
        update_profile(s, admin, h1, {"email": "legal@kumo.example"})
        with pytest.raises(Forbidden):
            update_profile(s, analyst, h1, {"legal_name": "x"})
        with pytest.raises(NotFoundError):  # another holder's profile does not exist for a holder user
            get_profile(s, other, h1)
        with pytest.raises(NotFoundError):
            update_profile(s, other, h1, {"legal_name": "x"})
        assert get_profile(s, analyst, h1).legal_name == "Kumo Studio Co., Ltd."
        with pytest.raises(Invalid, match="telephone"):
            update_profile(s, admin, h1, {"telephone": "call me"})
        with pytest.raises(Invalid, match="unknown profile field"):
            update_profile(s, admin, h1, {"shoe_size": "42"})
        with pytest.raises(Invalid, match="longer than"):
            update_profile(s, admin, h1, {"legal_name": "x" * 201})
        profile = profile_dict(get_profile(s, own, h1))
        assert profile["legal_name"] == "Kumo Studio Co., Ltd." and profile["email"] == "legal@kumo.example"
        assert profile["missing"] == ["representative", "address"] and not profile["complete"]
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "holder_profile_updated")).all()
        assert [e.detail["fields"] for e in events] == [["legal_name", "telephone"], ["email"]]


def test_recipients_cover_every_platform():
    data = load_recipients()
    for platform in ("youtube", "tiktok", "instagram", "x", "niconico", "bilibili"):
        entry = data["platforms"][platform]
        assert entry["name_en"] and entry["name_ja"] and entry["fields"] and "verified" in entry, platform
        assert entry.get("webform") or entry.get("email"), platform
    assert recipient_for("web", "http://127.0.0.1:8123/v/1")["name_ja"] == "127.0.0.1:8123 運営者"


def test_japanese_times_and_spans():
    assert datetime_ja("2026-12-06T05:05:00Z") == "2026年12月6日 14時05分（日本時間）"
    assert spans_ja([{"start": 0.0, "end": 4.0}, {"start": 62.0, "end": 65.5}]) == \
        "0.0秒から4.0秒まで、1分2.0秒から1分5.5秒まで"


def _complete(settings, holder_id):
    with session_scope(settings) as s:
        update_profile(s, None, holder_id, FULL_PROFILE)


def test_notices_are_complete_with_a_full_profile(settings, sample):
    h1 = sample.holders[0]
    _complete(settings, h1)
    with session_scope(settings) as s:
        report = build_weekly_report(s, h1, WEEK)
        from reports.notices import notice_inputs

        notices = render_notices(report, None, *notice_inputs(s, h1, report))
    assert notices
    for n in notices:
        assert not PLACEHOLDER.search(n["text"]), (n["filename"], PLACEHOLDER.search(n["text"]))
        assert "web 御中" not in n["text"] and "太枠" not in n["text"] and "左欄" not in n["text"]
    for n in (n for n in notices if n["lang"] == "en"):
        for element in DMCA_ELEMENTS:
            assert element in n["text"], element
        assert "Kumo Studio Co., Ltd." in n["text"] and "+81 3-1234-5678" in n["text"]
        assert "1-2-3 Example-cho" in n["text"] and "/代表取締役 山田 太郎/" in n["text"]
        assert "Designated copyright agent, web" not in n["text"]
    for n in (n for n in notices if n["lang"] == "ja"):
        positions = [n["text"].index(section) for section in JA_SECTIONS]
        assert positions == sorted(positions), "the form's items are in the form's order"
        text = n["text"]
        assert "株式会社雲スタジオ" in text and "代表取締役 山田 太郎" in text and "〒100-0001" in text
        assert "私" not in text and "当社" in text  # one voice: the company
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text) and not re.search(r"\d{4}-\d{2}-\d{2}", text)
        assert re.search(r"\d+\.\d秒から\d+\.\d秒まで", text) and not re.search(r"\d\.\d-\d+\.\d s", text)
        assert "作品「" in text and "キャラクター「" in text  # the work described
        assert "代理人" in text and "委任状（2026年4月1日付）" in text


def test_an_incomplete_profile_is_marked_not_invented(settings, sample):
    with session_scope(settings) as s:
        report = build_weekly_report(s, sample.holders[0], WEEK)
    notices = render_notices(report)
    en = next(n for n in notices if n["lang"] == "en")["text"]
    ja = next(n for n in notices if n["lang"] == "ja")["text"]
    assert "[MISSING: address]" in en and "［未設定: 住所］" in ja


def test_kept_drafts_are_versions_with_evidence_attached(settings, sample):
    h1 = sample.holders[0]
    _complete(settings, h1)
    store = open_store(settings)
    with session_scope(settings) as s:
        confirmed = s.scalars(select(Finding).where(Finding.state == TriageState.confirmed.value)).first()
        clip = s.get(Clip, confirmed.clip_id)
        # a page capture kept for the clip (workers.capture makes them at fetch time; tested in tests/workers)
        from core.services.captures import record_capture

        warc = b"WARC/1.0\r\n(a stand-in record for the attachment test)\r\n"
        key = store.put(f"captures/{clip.id}/test.warc.gz", warc)
        record_capture(s, clip.id, url=clip.url, status=200, warc_key=key,
                       warc_sha256=hashlib.sha256(warc).hexdigest(), body_sha256="0" * 64, size=10)
    with session_scope(settings) as s:
        first = draft_notices(s, settings, h1, finding_ids=[confirmed.id], now=datetime(2026, 12, 6, 5, 5, tzinfo=UTC))
        first_ids = [(d.id, d.lang, d.version, d.text_key, d.pdf_key) for d in first]
    with session_scope(settings) as s:
        second = draft_notices(s, settings, h1, finding_ids=[confirmed.id])
        second_ids = [(d.id, d.lang, d.version, d.text_key, d.pdf_key) for d in second]
    assert [v for _, _, v, _, _ in first_ids] == [1, 1] and [v for _, _, v, _, _ in second_ids] == [2, 2]
    for (_, _, _, text1, pdf1), (_, _, _, text2, pdf2) in zip(first_ids, second_ids, strict=True):
        assert text1 != text2 and pdf1 != pdf2 and store.exists(text1) and store.exists(pdf1)
    with session_scope(settings) as s:
        ja = s.scalar(select(NoticeDraft).where(NoticeDraft.lang == "ja", NoticeDraft.version == 1))
        text = store.get(ja.text_key).decode()
        assert hashlib.sha256(text.encode()).hexdigest() == ja.text_sha256
        assert "2026年12月6日" in text and hashlib.sha256(warc).hexdigest() in text
        assert ja.capture_ids and ja.finding_ids == [confirmed.id]
        # the first draft put the finding's enforcement at "drafted" (once: later drafts leave it there)
        steps = s.scalars(select(EnforcementEvent).where(EnforcementEvent.finding_id == confirmed.id)).all()
        assert [e.state for e in steps] == ["drafted"] and steps[0].detail["draft_id"] == first_ids[0][0]
        assert s.get(Finding, confirmed.id).enforcement_state == "drafted"
        pdf = store.get(ja.pdf_key)
        assert hashlib.sha256(pdf).hexdigest() == ja.pdf_sha256 and pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None or shutil.which("pdfdetach") is None:
        pytest.skip("poppler-utils (pdftotext, pdfdetach) not installed")
    path = settings.home / "notice.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "侵害情報の通知書 兼 送信防止措置依頼書" in out and "証拠資料" in out and "株式会社雲スタジオ" in out
    attached = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert ".ja.txt" in attached and f"page-capture-clip{clip.id}-" in attached and ".warc.gz" in attached
    folder = settings.home / "attached"
    folder.mkdir()
    subprocess.run(["pdfdetach", "-saveall", "-o", str(folder), str(path)], check=True)
    assert {p.read_bytes() for p in folder.iterdir()} == {warc, text.encode()}


def test_holder_users_draft_only_their_own(settings, sample):
    h1, h2 = sample.holders[:2]
    with session_scope(settings) as s, pytest.raises(NotFoundError):
        draft_notices(s, settings, h1, actor=Actor(None, "rights_holder", h2), pdf=False)
