"""JSON API under /api/ with the same authorisation as the pages (OpenAPI at /api/docs)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from core.services import holders, references, watchlists
from core.services import users as user_service
from core.services.crawl_runs import queue_crawl
from core.services.errors import ServiceError
from core.services.reference_videos import AddedVideo, video_time_label
from core.services.triage import decide
from reports.web.deps import (
    admin_user,
    api_triage_write,
    api_write,
    current_user,
    get_db,
    staff_user,
    web_session,
)
from reports.web.manage import audit_json, list_audit, reference_json, watchlist_json
from reports.web.pages import do_login, end_session, set_cookie, set_login_cookies, start_session
from reports.web.report_files import build, file_response, rebuild
from reports.web.queries import (
    MAX_ID,
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    CurrentUser,
    FindingFilters,
    finding_json,
    get_finding,
    get_report,
    list_findings,
    list_reports,
    report_json,
)
from reports.web.sessions import COOKIE_NAME, WebSession
from reports.web.uploads import MAX_UPLOAD_BYTES, add_uploaded_art


router = APIRouter(prefix="/api")
writes = [Depends(api_write)]  # a signed-in session with its CSRF token
triage_writes = [Depends(api_triage_write)]  # that, or an API token of scope triage


class StrictModel(BaseModel):
    """A JSON body: unknown fields are refused (422), as are values of the wrong type."""

    model_config = ConfigDict(extra="forbid")


class LoginIn(StrictModel):
    email: str
    password: str


class DecisionIn(StrictModel):
    action: str = Field(description="confirm, dismiss, escalate or reopen")
    note: str | None = None


class BulkDecisionIn(DecisionIn):
    ids: list[int] = Field(max_length=500)


class ReportIn(StrictModel):
    rights_holder_id: int
    week: str = Field(description="ISO week, e.g. 2026-W47")
    formats: list[str] = ["json", "csv", "html", "pdf", "notices"]


class HolderIn(StrictModel):
    name: str
    contact_email: str | None = None


class UserIn(StrictModel):
    email: str
    password: str
    role: str
    rights_holder_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class UserChangeIn(StrictModel):
    disabled: bool | None = None
    password: str | None = None


class PasswordIn(StrictModel):
    current: str
    new: str


class WatchlistIn(StrictModel):
    rights_holder_id: int
    platform: str
    kind: str
    value: str
    schedule_minutes: int = watchlists.DEFAULT_EVERY_MINUTES
    max_duration_s: int = watchlists.DEFAULT_MAX_DURATION_S


def _me(user: CurrentUser) -> dict:
    return {"id": user.id, "email": user.email, "role": user.role, "rights_holder_id": user.rights_holder_id}


@router.post("/session", tags=["session"], summary="Log in; returns the CSRF token for later POSTs")
def api_login(body: LoginIn, request: Request, db: Session = Depends(get_db, scope="function"),
              sess: WebSession | None = Depends(web_session)):
    # JSON bodies cannot be sent cross-site without a CORS preflight, so log-in needs no CSRF token here.
    user, new_sess, error = do_login(request, db, body.email, body.password)
    if user is None:
        return JSONResponse({"detail": error}, status_code=401)
    response = JSONResponse({"user": _me(CurrentUser(user.id, user.email, user.role, user.rights_holder_id)),
                             "csrf_token": new_sess.csrf})
    set_login_cookies(request, response, user, new_sess)
    return response


@router.delete("/session", tags=["session"], dependencies=writes)
def api_logout(request: Request, sess: WebSession | None = Depends(web_session)):
    if sess:
        request.app.state.sessions.delete(sess.token)
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@router.get("/me", tags=["session"])
def api_me(request: Request, user: CurrentUser = Depends(current_user)):
    sess = request.state.web_session  # None for an API token: it needs no CSRF token
    return {**_me(user), "csrf_token": sess.csrf if sess else None,
            "token_scope": getattr(request.state, "token_scope", None)}


@router.post("/me/password", tags=["session"], dependencies=writes,
             summary="Change your password; your other sessions end, this one gets a new token")
def api_password(body: PasswordIn, request: Request, user: CurrentUser = Depends(current_user),
                 db: Session = Depends(get_db, scope="function")):
    row = user_service.change_own_password(db, user.id, body.current, body.new)
    sess = start_session(request, db, row)
    response = JSONResponse({"ok": True, "csrf_token": sess.csrf})
    set_cookie(response, sess, request)
    return response


@router.delete("/me/sessions", tags=["session"], dependencies=writes, summary="Log out everywhere")
def api_logout_everywhere(request: Request, user: CurrentUser = Depends(current_user),
                          db: Session = Depends(get_db, scope="function")):
    user_service.end_sessions(db, user_service.get_user(db, user.id))
    end_session(request, db)
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@router.get("/findings", tags=["findings"],
            summary="Findings visible to you (rights holders: their confirmed ones), filtered and sorted")
def api_findings(request: Request, limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
                 offset: int = Query(0, ge=0, le=MAX_OFFSET), state: str | None = None, holder: int | None = None,
                 platform: str | None = None, work: int | None = None, character: int | None = None,
                 reference: int | None = None, min_score: float | None = None, max_score: float | None = None,
                 date_from: str | None = None, date_to: str | None = None, q: str | None = None,
                 sort: str | None = None, user: CurrentUser = Depends(current_user),
                 db: Session = Depends(get_db, scope="function")):
    default = "pending" if user.is_staff else "confirmed"
    try:
        flt = FindingFilters.from_params(request.query_params, default_state=default, strict=True)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    rows, total = list_findings(db, user, flt, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "filters": flt.as_params(),
            "findings": [finding_json(r, user) for r in rows]}


@router.get("/findings/{finding_id}", tags=["findings"])
def api_finding(finding_id: int, user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    return finding_json(get_finding(db, user, finding_id), user)


@router.post("/findings/{finding_id}/decision", tags=["findings"], dependencies=triage_writes)
def api_decide(finding_id: int, body: DecisionIn, user: CurrentUser = Depends(staff_user),
               db: Session = Depends(get_db, scope="function")):
    get_finding(db, user, finding_id)
    decide(db, user.id, [finding_id], body.action, body.note)
    return finding_json(get_finding(db, user, finding_id), user)


@router.post("/findings/bulk", tags=["findings"], dependencies=triage_writes)
def api_bulk(body: BulkDecisionIn, user: CurrentUser = Depends(staff_user), db: Session = Depends(get_db, scope="function")):
    return {"changed": decide(db, user.id, body.ids, body.action, body.note)}


@router.get("/reports", tags=["reports"])
def api_reports(holder: int | None = None, user: CurrentUser = Depends(current_user),
                db: Session = Depends(get_db, scope="function")):
    return {"reports": [report_json(r, h) for r, h in list_reports(db, user, holder)]}


@router.get("/reports/{report_id}", tags=["reports"])
def api_report(report_id: int, user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    return report_json(*get_report(db, user, report_id), session=db)


@router.get("/reports/{report_id}/files/{n}", tags=["reports"],
            summary="One file of the report's latest version (inline; ?download=1 for an attachment)")
def api_report_file(request: Request, report_id: int, n: int, download: bool = False,
                    user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    return file_response(request, db, user, report_id, None, n, download)


@router.get("/reports/{report_id}/versions/{version}/files/{n}", tags=["reports"],
            summary="One file of one version of a report; the download is audited with the version and sha256")
def api_report_version_file(request: Request, report_id: int, version: int, n: int, download: bool = False,
                            user: CurrentUser = Depends(current_user),
                            db: Session = Depends(get_db, scope="function")):
    return file_response(request, db, user, report_id, version, n, download)


def _built(files: list[dict]) -> dict:
    return {"version": files[0]["version"] if files else None,
            "files": [{k: f[k] for k in ("format", "sha256", "bytes")} for f in files]}


@router.post("/reports", tags=["reports"], dependencies=writes,
             summary="Build a weekly report: a new version, earlier versions stay")
def api_report_build(body: ReportIn, request: Request, user: CurrentUser = Depends(staff_user),
                     db: Session = Depends(get_db, scope="function")):
    return _built(build(request.app.state.settings, body.rights_holder_id, body.week, body.formats, user.id))


@router.post("/reports/{report_id}/rebuild", tags=["reports"], dependencies=writes,
             summary="Build a report you may see again (a new version), e.g. when findings changed since")
def api_report_rebuild(request: Request, report_id: int, user: CurrentUser = Depends(current_user),
                       db: Session = Depends(get_db, scope="function")):
    report, _holder = get_report(db, user, report_id)
    return _built(rebuild(request.app.state.settings, report, user.id))


@router.get("/holders", tags=["admin"])
def api_holders(user: CurrentUser = Depends(staff_user), db: Session = Depends(get_db, scope="function")):
    return {"holders": [{"id": h.id, "name": h.name, "contact_email": h.contact_email}
                        for h in holders.list_holders(db)]}


@router.post("/holders", tags=["admin"], dependencies=writes, status_code=201)
def api_holder_create(body: HolderIn, user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    h = holders.create_holder(db, user.id, body.name, body.contact_email)
    return {"id": h.id, "name": h.name, "contact_email": h.contact_email}


def _user_json(u, holder_name: str | None = None) -> dict:  # noqa: ANN001
    return {"id": u.id, "email": u.email, "role": u.role, "rights_holder_id": u.rights_holder_id,
            "rights_holder": holder_name, "disabled": u.disabled_at is not None}


@router.get("/users", tags=["admin"])
def api_users(user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    return {"users": [_user_json(u, name) for u, name in user_service.list_users(db)]}


@router.post("/users", tags=["admin"], dependencies=writes, status_code=201)
def api_user_create(body: UserIn, user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    u = user_service.create_user(db, body.email, body.password, body.role, body.rights_holder_id, actor_id=user.id)
    return _user_json(u)


@router.patch("/users/{user_id}", tags=["admin"], dependencies=writes,
              summary="Disable or enable an account, or reset its password (its sessions end)")
def api_user_change(user_id: int, body: UserChangeIn, user: CurrentUser = Depends(admin_user),
                    db: Session = Depends(get_db, scope="function")):
    target = user_service.get_user(db, user_id)
    if body.password is not None:
        user_service.set_password(db, target, body.password, actor_id=user.id)
    if body.disabled is not None:
        user_service.set_disabled(db, user_id, body.disabled, actor_id=user.id)
    return _user_json(target)


@router.delete("/users/{user_id}", tags=["admin"], dependencies=writes)
def api_user_remove(user_id: int, user: CurrentUser = Depends(admin_user),
                    db: Session = Depends(get_db, scope="function")):
    return {"removed": user_service.remove_user(db, user_id, actor_id=user.id)}


@router.get("/references", tags=["admin"])
def api_references(user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    return {"references": [reference_json(item) for item in references.list_references(db)]}


def _index_rebuild(request: Request) -> str | None:
    """Queue the index rebuild after art changed; None, or why it was not queued."""
    try:
        references.request_index_rebuild(request.app.state.settings)
    except ServiceError as exc:
        return str(exc)
    return None


@router.post("/references", tags=["admin"], dependencies=writes, status_code=201,
             summary="Add reference art, or a reference video (its shots' keyframes become references); the same "
                     "image for another holder or re-encoded is refused (409)")
async def api_reference_upload(request: Request, rights_holder_id: int = Form(...), work: str = Form(...),
                               character: str = Form(""), work_ja: str = Form(""), character_ja: str = Form(""),
                               image: UploadFile = File(...), user: CurrentUser = Depends(admin_user),
                               db: Session = Depends(get_db, scope="function")):
    data = await image.read(MAX_UPLOAD_BYTES + 1)
    added = await run_in_threadpool(
        add_uploaded_art, db, request.app.state.settings, user.id,
        holder=holders.get_holder(db, rights_holder_id), work=work, character=character, data=data,
        filename=image.filename, work_ja=work_ja, character_ja=character_ja)
    db.commit()
    not_queued = _index_rebuild(request) if added.outcome != "unchanged" else None
    rebuild = {"index_rebuild": "queued" if not not_queued and added.outcome != "unchanged" else not_queued}
    if isinstance(added, AddedVideo):
        v = added.video
        return {"video": {"id": v.id, "title": v.title, "sha256": v.sha256, "duration_s": v.duration_s},
                "keyframes": [{"id": r.id, "name": r.name, "t": r.video_time_s,
                               "at": video_time_label(r.video_time_s)} for r in added.keyframes], "skipped": added.skipped, "outcome": added.outcome, **rebuild}
    ref = added.reference
    return {"id": ref.id, "name": ref.name, "sha256": ref.sha256, "phash": ref.phash, "outcome": added.outcome,
            **rebuild}


@router.post("/references/{reference_id}/{action}", tags=["admin"], dependencies=writes,
             summary="retire a reference (out of matching; its findings stay) or restore it")
def api_reference_action(request: Request, reference_id: int, action: str, user: CurrentUser = Depends(admin_user),
                         db: Session = Depends(get_db, scope="function")):
    change = {"retire": references.retire_reference, "restore": references.restore_reference}.get(action)
    if change is None:
        raise HTTPException(404, "unknown action")
    change(db, user.id, reference_id)
    db.commit()
    not_queued = _index_rebuild(request)
    item = next(i for i in references.list_references(db) if i["reference"].id == reference_id)
    return {**reference_json(item), "index_rebuild": not_queued or "queued"}


@router.get("/watchlists", tags=["admin"])
def api_watchlists(user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    return {"watchlists": [watchlist_json(w, name) for w, name in watchlists.list_watchlists(db)]}


@router.post("/watchlists", tags=["admin"], dependencies=writes, status_code=201)
def api_watchlist_add(body: WatchlistIn, request: Request, user: CurrentUser = Depends(admin_user),
                      db: Session = Depends(get_db, scope="function")):
    w = watchlists.add_watchlist(db, request.app.state.settings, user.id,
                                 holder=holders.get_holder(db, body.rights_holder_id), platform=body.platform,
                                 kind=body.kind, value=body.value, every_minutes=body.schedule_minutes,
                                 max_duration_s=body.max_duration_s)
    return watchlist_json(w)


@router.post("/watchlists/{watch_id}/{action}", tags=["admin"], dependencies=writes,
             summary="pause, resume or run a watchlist now")
def api_watchlist_action(request: Request, watch_id: int, action: str, user: CurrentUser = Depends(admin_user),
                         db: Session = Depends(get_db, scope="function")):
    if action in ("pause", "resume"):
        return watchlist_json(watchlists.set_enabled(db, user.id, watch_id, action == "resume"))
    if action == "run":
        task_id = queue_crawl(db, request.app.state.settings, user.id, watch_id)
        return {"outcome": f"crawl queued (task {task_id})", "task_id": task_id,
                **watchlist_json(watchlists.get_watchlist(db, watch_id))}
    raise HTTPException(404, "unknown action")


@router.get("/audit", tags=["admin"])
def api_audit(action: str | None = None, object_type: str | None = None,
              object_id: int | None = Query(None, ge=1, le=MAX_ID), limit: int = Query(200, ge=1, le=1000),
              offset: int = Query(0, ge=0, le=MAX_OFFSET), user: CurrentUser = Depends(admin_user),
              db: Session = Depends(get_db, scope="function")):
    return {"events": [audit_json(e, email) for e, email in list_audit(
        db, action=action, object_type=object_type, object_id=object_id, limit=limit, offset=offset)]}
