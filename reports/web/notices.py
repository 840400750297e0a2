"""Holder profiles, kept notice drafts and page captures: pages and JSON, thin callers of
core.services.holder_profiles / notices / captures and reports.notices (who may do what is decided there)."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.blobstore import open_store
from core.models import Clip, Finding, NoticeDraft, PageCapture, Reference
from core.services.captures import get_capture
from core.services.errors import Invalid, NotFoundError
from core.services.holder_profiles import FIELDS, can_edit, get_profile, profile_dict, update_profile
from core.services.holders import get_holder
from core.services.notices import check_may_draft, get_draft, list_drafts
from reports.web.deps import check_csrf, current_user, form_csrf, get_db, render
from reports.web.queries import CurrentUser

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_csrf)])
api = APIRouter(prefix="/api", tags=["notices"])


def draft_json(draft) -> dict:  # noqa: ANN001
    return {"id": draft.id, "rights_holder_id": draft.rights_holder_id, "platform": draft.platform,
            "uploader": draft.uploader, "lang": draft.lang, "version": draft.version,
            "finding_ids": draft.finding_ids, "capture_ids": draft.capture_ids,
            "text_sha256": draft.text_sha256, "pdf_sha256": draft.pdf_sha256,
            "created_at": draft.created_at.isoformat() if draft.created_at else None,
            "text_url": f"/notices/{draft.id}", "pdf_url": f"/notices/{draft.id}/pdf" if draft.pdf_key else None}


# --- profile ---------------------------------------------------------------------------------------

@router.get("/holders/{holder_id}/profile")
def profile_page(request: Request, holder_id: int, saved: str = "", user: CurrentUser = Depends(current_user),
                 db: Session = Depends(get_db, scope="function")):
    profile = get_profile(db, user, holder_id)
    return render(request, "holder_profile.html", holder=get_holder(db, holder_id), profile=profile_dict(profile),
                  fields=FIELDS, editable=can_edit(user, holder_id), saved=bool(saved), error=None)


@router.post("/holders/{holder_id}/profile")
async def profile_save(request: Request, holder_id: int, user: CurrentUser = Depends(current_user),
                       db: Session = Depends(get_db, scope="function")):
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or "") or None)
    changes = {f.name: (form.get(f.name) == "on") if f.kind == "bool" else str(form.get(f.name) or "")
               for f in FIELDS}
    try:
        update_profile(db, user, holder_id, changes)
    except Invalid as exc:
        db.rollback()
        return render(request, "holder_profile.html", status_code=422, holder=get_holder(db, holder_id),
                      profile={**profile_dict(get_profile(db, user, holder_id)), **changes}, fields=FIELDS,
                      editable=True, saved=False, error=str(exc))
    return RedirectResponse(f"/holders/{holder_id}/profile?saved=1", status_code=303)


@api.get("/holders/{holder_id}/profile")
def api_profile(holder_id: int, user: CurrentUser = Depends(current_user),
                db: Session = Depends(get_db, scope="function")) -> dict:
    """The holder's profile: the fields a notice is sent with, and which of them are still missing."""
    return profile_dict(get_profile(db, user, holder_id))


@api.put("/holders/{holder_id}/profile")
async def api_profile_update(request: Request, holder_id: int, user: CurrentUser = Depends(current_user),
                             db: Session = Depends(get_db, scope="function")):
    """Change some fields of the profile (admins and the holder's own users); others stay."""
    check_csrf(request, None)
    try:
        body = await request.json()
    except ValueError:
        raise Invalid("the body must be a JSON object of profile fields") from None
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object of profile fields")
    return JSONResponse(profile_dict(update_profile(db, user, holder_id, body)))


# --- notices ---------------------------------------------------------------------------------------

@router.get("/holders/{holder_id}/notices")
def notices_page(request: Request, holder_id: int, user: CurrentUser = Depends(current_user),
                 db: Session = Depends(get_db, scope="function")):
    drafts = list_drafts(db, user, holder_id)
    profile = profile_dict(get_profile(db, user, holder_id))
    return render(request, "notices.html", holder=get_holder(db, holder_id), drafts=drafts, profile=profile)


@router.post("/holders/{holder_id}/notices")
async def notices_draft(request: Request, holder_id: int, user: CurrentUser = Depends(current_user),
                        db: Session = Depends(get_db, scope="function")):
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or "") or None)
    check_may_draft(user, holder_id)
    from reports.notices import draft_notices

    ids = [int(v) for v in form.getlist("finding") if str(v).isdigit()]
    drafts = draft_notices(db, request.app.state.settings, holder_id, actor=user, finding_ids=ids or None)
    if not drafts:
        raise Invalid("no confirmed findings to draft a notice for")
    first = next((d for d in drafts if d.lang == "ja"), drafts[0])
    return RedirectResponse(f"/notices/{first.id}", status_code=303)


@router.get("/notices/{draft_id}")
def notice_page(request: Request, draft_id: int, user: CurrentUser = Depends(current_user),
                db: Session = Depends(get_db, scope="function")):
    draft = get_draft(db, user, draft_id)
    store = open_store(request.app.state.settings)
    text = (store.find(draft.text_key) or b"").decode("utf-8", "replace")
    evidence = db.execute(select(Finding.id, Finding.clip_id, Reference.id.label("reference_id"), Reference.name)
                          .join(Reference, Finding.reference_id == Reference.id)
                          .where(Finding.id.in_(draft.finding_ids or [-1])).order_by(Finding.id)).all()
    captures = [db.get(PageCapture, cid) for cid in draft.capture_ids or []]
    versions = db.scalars(select(NoticeDraft).where(
        NoticeDraft.rights_holder_id == draft.rights_holder_id, NoticeDraft.platform == draft.platform,
        NoticeDraft.uploader == draft.uploader).order_by(NoticeDraft.lang, NoticeDraft.version.desc())).all()
    clips = {c.id: c for c in db.scalars(select(Clip).where(Clip.id.in_([e.clip_id for e in evidence] or [-1])))}
    return render(request, "notice.html", draft=draft, text=text, evidence=evidence, clips=clips,
                  captures=[c for c in captures if c is not None], versions=versions,
                  holder=get_holder(db, draft.rights_holder_id))


@router.get("/notices/{draft_id}/pdf")
def notice_pdf(request: Request, draft_id: int, download: int = 0, user: CurrentUser = Depends(current_user),
               db: Session = Depends(get_db, scope="function")):
    draft = get_draft(db, user, draft_id)
    data = open_store(request.app.state.settings).find(draft.pdf_key) if draft.pdf_key else None
    if data is None:
        raise NotFoundError(f"notice draft {draft_id} has no PDF")
    name = PurePosixPath(draft.pdf_key).name
    disposition = "attachment" if download else "inline"
    return Response(data, media_type="application/pdf",
                    headers={"X-Content-SHA256": draft.pdf_sha256 or "",
                             "Content-Disposition": f"{disposition}; filename*=utf-8''{quote(name)}"})


@api.get("/holders/{holder_id}/notices")
def api_notices(holder_id: int, user: CurrentUser = Depends(current_user),
                db: Session = Depends(get_db, scope="function")) -> list[dict]:
    """The holder's kept notice drafts, every version, newest version first."""
    return [draft_json(d) for d in list_drafts(db, user, holder_id)]


# --- page captures ---------------------------------------------------------------------------------

@router.get("/captures/{capture_id}/warc")
def capture_warc(request: Request, capture_id: int, user: CurrentUser = Depends(current_user),
                 db: Session = Depends(get_db, scope="function")):
    capture = get_capture(db, user, capture_id)
    data = open_store(request.app.state.settings).find(capture.warc_key)
    if data is None:
        raise NotFoundError(f"page capture {capture_id} has no WARC file")
    name = PurePosixPath(capture.warc_key).name
    return Response(data, media_type="application/warc",
                    headers={"X-Content-SHA256": capture.warc_sha256,
                             "Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"})


@router.get("/captures/{capture_id}/screenshot.png")
def capture_screenshot(request: Request, capture_id: int, user: CurrentUser = Depends(current_user),
                       db: Session = Depends(get_db, scope="function")):
    capture = get_capture(db, user, capture_id)
    data = open_store(request.app.state.settings).find(capture.screenshot_key) if capture.screenshot_key else None
    if data is None:
        raise NotFoundError(f"page capture {capture_id} has no screenshot")
    return Response(data, media_type="image/png", headers={"X-Content-SHA256": capture.screenshot_sha256 or ""})
