"""Notices a legal team can send: an English DMCA notice (17 U.S.C. 512(c)(3), its six elements) and the
Japanese 侵害情報の通知書 兼 送信防止措置依頼書, one pair per platform and uploader, filled from the holder's
profile (core.services.holder_profiles), addressed with reports/recipients.yaml, with the evidence
attached: the matched frames beside the reference, the page captures (WARC) and the hashes.

The Japanese text follows the 著作権関係 form 「侵害情報の通知書 兼 送信防止措置依頼書」 published by the
情報流通プラットフォーム対処法ガイドライン等検討協議会 on the 情報流通プラットフォーム対処法 関連情報Webサイト
(the forms in force from May 2025, after the プロバイダ責任制限法 was renamed 特定電気通信による情報の流通によって
発生する権利侵害等への対処に関する法律 on 2025-04-01): the date, the provider 御中, the sender block (住所, 氏名
or 名称 with 代表者, 連絡先), the title, the request sentence, 記, then 掲載されている場所 / 掲載されている情報 /
侵害情報等 / 侵害されたとする権利 / 権利が侵害されたとする理由, the statement that those items are true and may
be passed to the sender, and the consent to disclose the name. The form's boxed area (太枠) and left column
(左欄) do not exist in plain text: the items are numbered and the statement names them by number.
Checked (2026-12) against the form's items as the published standard forms and providers' instructions
quote them (isplaw.jp guideline pages; providers pointing to "2025年5月からの書式"); the 2025 PDF itself was
not at hand offline, so a legal reviewer should compare the wording once before first use.

Drafts are kept (draft_notices): each one a new version in the blob store and a notice_drafts row.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.blobstore import open_store
from core.config import Settings
from core.models import Finding, HolderProfile, PageCapture, RightsHolder, TriageState
from core.services.holder_profiles import FIELD_NAMES, missing_fields
from reports.recipients import recipient_for
from reports.render import PLATFORM_NAMES, EvidenceImages, html_env, slugify, text_env

JST = timezone(timedelta(hours=9), "JST")
LANGS = ("en", "ja")
MISSING_EN = {"legal_name": "legal name", "representative": "representative", "address": "address",
              "telephone": "telephone", "email": "e-mail"}
MISSING_JA = {"legal_name": "名称", "representative": "代表者", "address": "住所", "telephone": "電話番号",
              "email": "e-mail アドレス"}


# --- dates, times and spans as each language writes them --------------------------------------------

def parse_moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def date_ja(moment: datetime) -> str:
    moment = moment.astimezone(JST)
    return f"{moment.year}年{moment.month}月{moment.day}日"


def datetime_ja(value: object) -> str:
    """2026年12月6日 14時05分（日本時間）; '不明' when unknown."""
    moment = parse_moment(value)
    if moment is None:
        return "不明"
    local = moment.astimezone(JST)
    return f"{date_ja(local)} {local.hour}時{local.minute:02d}分（日本時間）"


def datetime_en(value: object) -> str:
    moment = parse_moment(value)
    return moment.astimezone(UTC).strftime("%d %B %Y, %H:%M UTC") if moment else "unknown"


def seconds_ja(t: float) -> str:
    minutes, seconds = divmod(max(0.0, float(t)), 60)
    return f"{int(minutes)}分{seconds:.1f}秒" if minutes >= 1 else f"{seconds:.1f}秒"


def spans_ja(spans: list[dict]) -> str:
    """再生開始から0.0秒から4.0秒まで、…"""
    if not spans:
        return "（時間の記録なし）"
    return "、".join(f"{seconds_ja(s['start'])}から{seconds_ja(s['end'])}まで" for s in spans)


def spans_en(spans: list[dict]) -> str:
    if not spans:
        return "(time not recorded)"
    return ", ".join(f"from {s['start']:.1f} s to {s['end']:.1f} s" for s in spans)


# --- the context both texts and the PDF are rendered from ------------------------------------------

def profile_values(profile: HolderProfile | dict | None) -> dict:
    if profile is None:
        return {name: None for name in FIELD_NAMES} | {"disclose_name": True, "missing": list(MISSING_EN)}
    if isinstance(profile, dict):
        values = {name: profile.get(name) for name in FIELD_NAMES}
        values["missing"] = [n for n in MISSING_EN if not values.get(n)]
        return values
    values = {name: getattr(profile, name) for name in FIELD_NAMES}
    values["missing"] = missing_fields(profile)
    return values


def capture_dict(capture: PageCapture) -> dict:
    return {"id": capture.id, "clip_id": capture.clip_id, "url": capture.url, "status": capture.status,
            "captured_at": capture.captured_at.isoformat() if capture.captured_at else None,
            "warc_key": capture.warc_key, "warc_sha256": capture.warc_sha256, "body_sha256": capture.body_sha256,
            "bytes": capture.bytes, "screenshot_key": capture.screenshot_key,
            "screenshot_sha256": capture.screenshot_sha256,
            "captured_en": datetime_en(capture.captured_at), "captured_ja": datetime_ja(capture.captured_at)}


def captures_by_clip(session: Session, clip_ids) -> dict[int, list[dict]]:  # noqa: ANN001
    """The latest capture of each clip first."""
    out: dict[int, list[dict]] = {}
    if not clip_ids:
        return out
    for capture in session.scalars(select(PageCapture).where(PageCapture.clip_id.in_(list(clip_ids)))
                                   .order_by(PageCapture.captured_at.desc(), PageCapture.id.desc())):
        out.setdefault(capture.clip_id, []).append(capture_dict(capture))
    return out


def notice_inputs(session: Session, holder_id: int, report: dict) -> tuple:
    """The holder's profile and the page captures of the report's clips (render.render_notices' inputs)."""
    clip_ids = {e["clip"]["id"] for e in report["findings"]}
    return session.get(HolderProfile, holder_id), captures_by_clip(session, clip_ids)


def group_entries(entries: list[dict]) -> dict[tuple[str, str], list[dict]]:
    """Confirmed finding entries (reports.build.finding_entry) by platform and uploader; only those whose
    action under the holder's policy is `notice` (a finding from before policies, with none, counts as one)."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for entry in entries:
        if entry.get("action") not in (None, "notice"):
            continue
        clip = entry["clip"]
        key = (clip["platform"], clip["uploader_id"] or clip["uploader_name"] or "unknown")
        groups.setdefault(key, []).append(entry)
    return dict(sorted(groups.items()))


def uploader_label(items: list[dict], uploader: str) -> str:
    first = items[0]["clip"]
    return " ".join(x for x in (first["uploader_name"], f"({first['uploader_id']})" if first["uploader_id"]
                                else None) if x) or uploader


def works_of(items: list[dict]) -> list[dict]:
    """One entry per character of a work, with the references (their sha256) that were matched."""
    out: dict[tuple, dict] = {}
    for e in items:
        key = (e["work"]["id"], e["character"]["id"])
        work = out.setdefault(key, {"work_en": e["work"]["name_en"], "work_ja": e["work"]["name_ja"],
                                    "character_en": e["character"]["name_en"],
                                    "character_ja": e["character"]["name_ja"], "references": {}})
        if e.get("reference"):  # an ai_depiction or mention names the character, with no reference art
            work["references"][e["reference"]["id"]] = {
                "name": e["reference"]["name"], "sha256": e["reference"]["sha256"],
                "video": e["reference"].get("video")}  # footage: the video's title and the time in it
    for work in out.values():
        work["references"] = list(work["references"].values())
    return list(out.values())


def notice_context(holder: dict, profile, platform: str, uploader: str, items: list[dict],  # noqa: ANN001
                   captures: dict[int, list[dict]] | None = None, now: datetime | None = None) -> dict:

    now = now or datetime.now(UTC)
    p = profile_values(profile)
    captures = captures or {}
    clip_captures = {e["clip"]["id"]: (captures.get(e["clip"]["id"]) or [None])[0] for e in items}
    recipient = recipient_for(platform, items[0]["clip"]["url"] if items else None)
    first_seen = min((e["clip"]["first_seen_at"] or "" for e in items), default="") or None
    return {
        "holder": holder, "p": p, "platform": platform, "uploader": uploader,
        "recipient": recipient, "service_name": PLATFORM_NAMES.get(platform) or recipient["name_en"],
        "uploader_label": uploader_label(items, uploader) if items else uploader,
        "items": items, "works": works_of(items), "captures": clip_captures,
        "sender_en": p["legal_name"] or f"[MISSING: {MISSING_EN['legal_name']}]",
        "sender_ja": p["legal_name_ja"] or p["legal_name"] or f"［未設定: {MISSING_JA['legal_name']}］",
        "missing_en": {k: f"[MISSING: {v}]" for k, v in MISSING_EN.items()},
        "missing_ja": {k: f"［未設定: {v}］" for k, v in MISSING_JA.items()},
        "today_en": now.astimezone(UTC).strftime("%d %B %Y"), "today_ja": date_ja(now),
        "first_seen_en": datetime_en(first_seen), "first_seen_ja": datetime_ja(first_seen),
    }


def render_texts(context: dict) -> dict[str, str]:

    env = text_env()
    env.filters["spans_ja"] = spans_ja
    env.filters["spans_en"] = spans_en
    env.filters["datetime_ja"] = datetime_ja
    env.filters["datetime_en"] = datetime_en
    env.filters["seconds_ja"] = seconds_ja
    return {lang: env.get_template(f"notice_{lang}.txt").render(**context) for lang in LANGS}


def file_stem(platform: str, uploader: str) -> str:

    digest = hashlib.sha256(f"{platform}\0{uploader}".encode()).hexdigest()[:8]
    return f"{slugify(platform, 'platform', 16)}-{slugify(uploader, 'uploader', 32)}-{digest}"


# --- the PDF: the notice, then the evidence, with the text and the WARC records attached ------------

def render_notice_pdf(text: str, context: dict, lang: str, store, attachments: list[tuple[str, bytes, str]]) -> bytes:  # noqa: ANN001
    """The notice printed by WeasyPrint (only data: URLs fetched), evidence images beside each other, and
    ATTACHMENTS (file name, bytes, description) embedded as PDF file attachments."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    from reports.images import data_uri

    images = EvidenceImages(store=store)
    screenshots = {}
    for clip_id, capture in context["captures"].items():
        if capture and capture.get("screenshot_key"):
            screenshots[clip_id] = data_uri(store.find(capture["screenshot_key"]))
    html_text = html_env().get_template("notice.html").render(text=text, lang=lang, images=images,
                                                               screenshots=screenshots, **context)
    stamp = datetime.now(UTC)
    files = [weasyprint.Attachment(file_obj=io.BytesIO(data), name=name, description=description,
                                   created=stamp, modified=stamp) for name, data, description in attachments]
    fetcher = URLFetcher(allowed_protocols=["data"])
    return weasyprint.HTML(string=html_text, url_fetcher=fetcher).write_pdf(attachments=files)


def _evidence_attachments(store, context: dict) -> list[tuple[str, bytes, str]]:  # noqa: ANN001
    out = []
    for clip_id, capture in context["captures"].items():
        if not capture:
            continue
        data = store.find(capture["warc_key"])
        if data is not None:
            out.append((f"page-capture-clip{clip_id}-{capture['id']}.warc.gz", data,
                        f"WARC record of {capture['url']} (sha256 {capture['warc_sha256']})"))
    return out


# --- kept drafts ----------------------------------------------------------------------------------

def confirmed_entries(session: Session, holder_id: int, finding_ids: list[int] | None = None) -> list[dict]:
    from reports.build import finding_entry, findings_query

    stmt = findings_query(holder_id).where(Finding.state == TriageState.confirmed.value)
    if finding_ids:
        stmt = stmt.where(Finding.id.in_(finding_ids))
    return [finding_entry(*row) for row in session.execute(stmt.order_by(Finding.id)).all()]


def draft_notices(session: Session, settings: Settings, holder_id: int, actor=None,  # noqa: ANN001
                  finding_ids: list[int] | None = None, now: datetime | None = None,
                  pdf: bool = True) -> list:
    """Draft (and keep, as new versions) the English and Japanese notices for the holder's confirmed
    findings, one pair per platform and uploader. Returns the NoticeDraft rows."""
    from core.services.notices import check_may_draft, keep_draft, next_version

    check_may_draft(actor, holder_id)
    holder = session.get(RightsHolder, holder_id)
    profile = session.get(HolderProfile, holder_id)
    entries = confirmed_entries(session, holder_id, finding_ids)
    captures = captures_by_clip(session, {e["clip"]["id"] for e in entries})
    store = open_store(settings)
    holder_dict = {"id": holder.id, "name": holder.name, "contact_email": holder.contact_email}
    drafts = []
    for (platform, uploader), items in group_entries(entries).items():
        context = notice_context(holder_dict, profile, platform, uploader, items, captures, now)
        texts = render_texts(context)
        stem = file_stem(platform, uploader)
        capture_ids = [c["id"] for c in context["captures"].values() if c]
        for lang, text in texts.items():
            version = next_version(session, holder_id, platform, uploader, lang)
            folder = f"notices/holder-{holder_id}/{stem}/v{version}"
            data = text.encode("utf-8")
            text_key = store.put(f"{folder}/{stem}.{lang}.txt", data)
            pdf_key = pdf_sha = None
            if pdf:
                attachments = [(f"{stem}.{lang}.txt", data, "the notice as plain text"),
                               *_evidence_attachments(store, context)]
                pdf_bytes = render_notice_pdf(text, context, lang, store, attachments)
                pdf_key = store.put(f"{folder}/{stem}.{lang}.pdf", pdf_bytes)
                pdf_sha = hashlib.sha256(pdf_bytes).hexdigest()
            drafts.append(keep_draft(
                session, getattr(actor, "id", None), holder_id=holder_id, platform=platform, uploader=uploader,
                lang=lang, version=version, finding_ids=[e["finding_id"] for e in items], capture_ids=capture_ids,
                text_key=text_key, text_sha256=hashlib.sha256(data).hexdigest(), pdf_key=pdf_key,
                pdf_sha256=pdf_sha))
    return drafts


def render_notices(report: dict, today: date | None = None, profile=None,  # noqa: ANN001
                   captures: dict[int, list[dict]] | None = None) -> list[dict]:
    """The English DMCA notice and the Japanese 送信防止措置依頼書 per platform and uploader (reports.notices),
    filled from the holder's PROFILE (a HolderProfile or dict; missing fields are marked, never invented)."""
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC) if today else None
    out = []
    for (platform, uploader), items in group_entries(report["findings"]).items():
        context = notice_context(report["rights_holder"], profile, platform, uploader, items, captures, now)
        stem = file_stem(platform, uploader)
        for lang, text in render_texts(context).items():
            out.append({"lang": lang, "platform": platform, "uploader": uploader,
                        "filename": f"{stem}.{lang}.txt", "text": text})
    return out
