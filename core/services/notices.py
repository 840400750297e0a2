"""Kept notice drafts: each draft of one (holder, platform, uploader, language) is a new version, never an
overwrite; the files are in the blob store, named by version, with their sha256. Who may draft and see:
staff, and the holder's own users (another holder's drafts answer 404)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Finding, NoticeDraft, Role, TriageState
from core.services.audit import record
from core.services.enforcement import DRAFTED, record_step
from core.services.errors import Forbidden, NotFoundError


def may_draft(actor, holder_id: int) -> bool:  # noqa: ANN001
    if actor is None or actor.role in (Role.admin.value, Role.analyst.value):
        return True
    return actor.role == Role.rights_holder.value and actor.rights_holder_id == holder_id


def check_may_draft(actor, holder_id: int) -> None:  # noqa: ANN001
    if actor is not None and actor.role == Role.rights_holder.value and actor.rights_holder_id != holder_id:
        raise NotFoundError(f"no rights holder {holder_id}")
    if not may_draft(actor, holder_id):
        raise Forbidden("your role may not draft notices for this holder")


def next_version(session: Session, holder_id: int, platform: str, uploader: str, lang: str) -> int:
    latest = session.scalar(select(func.max(NoticeDraft.version)).where(
        NoticeDraft.rights_holder_id == holder_id, NoticeDraft.platform == platform,
        NoticeDraft.uploader == uploader, NoticeDraft.lang == lang))
    return (latest or 0) + 1


def keep_draft(session: Session, actor_id: int | None, *, holder_id: int, platform: str, uploader: str, lang: str,
               version: int, finding_ids: list[int], capture_ids: list[int], text_key: str, text_sha256: str,
               pdf_key: str | None, pdf_sha256: str | None) -> NoticeDraft:
    draft = NoticeDraft(rights_holder_id=holder_id, platform=platform, uploader=uploader[:200], lang=lang,
                        version=version, finding_ids=list(finding_ids), capture_ids=list(capture_ids),
                        text_key=text_key, text_sha256=text_sha256, pdf_key=pdf_key, pdf_sha256=pdf_sha256,
                        created_by=actor_id)
    session.add(draft)
    session.flush()
    record(session, actor_id, "notice_drafted", "notice_draft", draft.id, holder_id=holder_id, platform=platform,
           lang=lang, version=version, text_sha256=text_sha256, pdf_sha256=pdf_sha256)
    mark_drafted(session, actor_id, draft)
    return draft


def mark_drafted(session: Session, actor_id: int | None, draft: NoticeDraft) -> list[int]:
    """The enforcement of each confirmed finding the draft covers, not yet under enforcement, enters
    "drafted" (core.services.enforcement), naming the draft; the findings moved."""
    moved = []
    for finding in session.scalars(select(Finding).where(Finding.id.in_(draft.finding_ids or []),
                                                         Finding.enforcement_state.is_(None),
                                                         Finding.state == TriageState.confirmed.value)):
        record_step(session, actor_id, finding.id, DRAFTED, note=f"notice draft {draft.id} ({draft.lang}, "
                    f"version {draft.version})", detail={"draft_id": draft.id})
        moved.append(finding.id)
    return moved


def list_drafts(session: Session, actor, holder_id: int) -> list[NoticeDraft]:  # noqa: ANN001
    check_may_draft(actor, holder_id)
    return list(session.scalars(select(NoticeDraft).where(NoticeDraft.rights_holder_id == holder_id)
                                .order_by(NoticeDraft.platform, NoticeDraft.uploader, NoticeDraft.lang,
                                          NoticeDraft.version.desc())))


def get_draft(session: Session, actor, draft_id: int) -> NoticeDraft:  # noqa: ANN001
    draft = session.get(NoticeDraft, draft_id)
    if draft is None or (actor is not None and actor.role == Role.rights_holder.value
                         and actor.rights_holder_id != draft.rights_holder_id):
        raise NotFoundError(f"no notice draft {draft_id}")
    return draft
