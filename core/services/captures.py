"""Page captures: the platform page of a clip as served at fetch time (workers.capture makes them), kept
as evidence; who may see one is who may see the clip's findings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Character, Clip, Finding, PageCapture, Reference, Work
from core.services.audit import record
from core.services.errors import NotFoundError


def record_capture(session: Session, clip_id: int, *, url: str, status: int | None, warc_key: str,
                   warc_sha256: str, body_sha256: str, size: int, screenshot_key: str | None = None,
                   screenshot_sha256: str | None = None) -> PageCapture:
    """Keep one capture row (a clip may have several: each fetch or re-check adds one)."""
    if session.get(Clip, clip_id) is None:
        raise NotFoundError(f"no clip {clip_id}")
    capture = PageCapture(clip_id=clip_id, url=url, status=status, warc_key=warc_key, warc_sha256=warc_sha256,
                          body_sha256=body_sha256, bytes=size, screenshot_key=screenshot_key,
                          screenshot_sha256=screenshot_sha256)
    session.add(capture)
    session.flush()
    record(session, None, "page_captured", "clip", clip_id, capture_id=capture.id, warc_sha256=warc_sha256)
    return capture


def captures_of_clip(session: Session, clip_id: int) -> list[PageCapture]:
    return list(session.scalars(select(PageCapture).where(PageCapture.clip_id == clip_id)
                                .order_by(PageCapture.captured_at.desc(), PageCapture.id.desc())))


def holders_of_clip(session: Session, clip_id: int) -> set[int]:
    """The rights holders with a finding on this clip (a holder user sees captures of those clips only)."""
    by_reference = select(Work.rights_holder_id).join(Character, Character.work_id == Work.id) \
        .join(Reference, Reference.character_id == Character.id) \
        .join(Finding, Finding.reference_id == Reference.id).where(Finding.clip_id == clip_id)
    by_character = select(Work.rights_holder_id).join(Character, Character.work_id == Work.id) \
        .join(Finding, Finding.character_id == Character.id).where(Finding.clip_id == clip_id)
    return set(session.scalars(by_reference)) | set(session.scalars(by_character))


def get_capture(session: Session, actor, capture_id: int) -> PageCapture:  # noqa: ANN001
    capture = session.get(PageCapture, capture_id)
    if capture is None:
        raise NotFoundError(f"no page capture {capture_id}")
    if actor is not None and actor.role == "rights_holder" \
            and actor.rights_holder_id not in holders_of_clip(session, capture.clip_id):
        raise NotFoundError(f"no page capture {capture_id}")
    return capture
