"""Admin pages: users, rights holders, reference art, watchlists and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from core.models import Role, WatchKind
from core.services import holders, reference_videos, references, watchlists, watermarks
from core.services import users as user_service
from core.queue import QueueUnavailable
from core.services.crawl_runs import last_outcome, queue_crawl
from core.services.errors import ServiceError
from core.targets import WATCH_PLATFORMS
from reports.web.deps import admin_user, check_csrf, form_csrf, get_db, render
from reports.web.manage import list_audit
from reports.web.queries import CurrentUser, filter_choices
from reports.web.uploads import MAX_UPLOAD_BYTES, add_uploaded_art, check_watermark, upload_message

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(form_csrf)])


def _back(path: str, message: str | None = None, error: str | None = None) -> RedirectResponse:
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in (("ok", message), ("error", error)) if v})
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)


@router.get("/users")
def users_page(request: Request, ok: str = "", error: str = "", user: CurrentUser = Depends(admin_user),
               db: Session = Depends(get_db, scope="function")):
    return render(request, "admin_users.html", users=user_service.list_users(db), choices=filter_choices(db),
                  roles=list(user_service.ROLES), default_role=user_service.LEAST_PRIVILEGED_ROLE,
                  min_length=user_service.MIN_PASSWORD_LENGTH, ok=ok[:200], error=error[:200])


@router.post("/users")
def users_create(request: Request, email: str = Form(""), password: str = Form(""), role: str = Form(""),
                 rights_holder_id: str = Form(""), csrf_token: str = Form(""),
                 user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    try:
        created = user_service.create_user(db, email, password, role, rights_holder_id.strip() or None,
                                           actor_id=user.id)
    except ServiceError as exc:
        return _back("/admin/users", error=str(exc))
    return _back("/admin/users", message=f"user {created.email} created")


@router.post("/users/{user_id}/{action}")
def users_action(request: Request, user_id: int, action: str, password: str = Form(""), role: str = Form(""),
                 rights_holder_id: str = Form(""), csrf_token: str = Form(""),
                 user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    """disable, enable, password (reset: the account's sessions end), role (edit) or remove an account."""
    check_csrf(request, csrf_token)
    try:
        target = user_service.get_user(db, user_id)
        if action in ("disable", "enable"):
            user_service.set_disabled(db, user_id, action == "disable", actor_id=user.id)
        elif action == "password":
            user_service.set_password(db, target, password, actor_id=user.id)
        elif action == "role":
            user_service.set_role(db, user_id, role, rights_holder_id.strip() or None, actor_id=user.id)
        elif action == "remove":
            user_service.remove_user(db, user_id, actor_id=user.id)
        else:
            return _back("/admin/users", error="unknown action")
    except ServiceError as exc:
        return _back("/admin/users", error=str(exc))
    done = {"disable": "disabled", "enable": "enabled", "password": "given a new password", "remove": "removed",
            "role": f"now {target.role}"}
    return _back("/admin/users", message=f"user {target.email} {done[action]}")


@router.get("/holders")
def holders_page(request: Request, ok: str = "", error: str = "", user: CurrentUser = Depends(admin_user),
                 db: Session = Depends(get_db, scope="function")):
    return render(request, "admin_holders.html", holders=holders.list_holders(db), ok=ok, error=error)


@router.post("/holders")
def holders_create(request: Request, name: str = Form(""), contact_email: str = Form(""),
                   csrf_token: str = Form(""), user: CurrentUser = Depends(admin_user),
                   db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    try:
        holder = holders.create_holder(db, user.id, name, contact_email)
    except ServiceError as exc:
        return _back("/admin/holders", error=str(exc))
    return _back("/admin/holders", message=f"rights holder {holder.name} created")


MAX_CATALOGUE_BYTES = 5 * 1024 * 1024


@router.post("/catalogue")
async def holders_catalogue(request: Request, holder: int = Form(...), catalogue: UploadFile = File(...),
                            csrf_token: str = Form(""), user: CurrentUser = Depends(admin_user),
                            db: Session = Depends(get_db, scope="function")):
    """Import a catalogue file (YAML: works, titles, characters, names) for a holder; idempotent."""
    from core.services.catalogue import import_catalogue, parse_catalogue

    check_csrf(request, csrf_token)
    data = await catalogue.read(MAX_CATALOGUE_BYTES + 1)
    try:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return _back("/admin/holders", error="the catalogue is not UTF-8 text")
        holder_row = holders.get_holder(db, holder)
        result = import_catalogue(db, user.id, holder_row, parse_catalogue(text, catalogue.filename or "catalogue"))
    except ServiceError as exc:
        db.rollback()
        return _back("/admin/holders", error=str(exc))
    db.commit()
    return _back("/admin/holders", message=f"catalogue of {holder_row.name} imported: {result.summary()}")


@router.get("/references")
def references_page(request: Request, ok: str = "", error: str = "", user: CurrentUser = Depends(admin_user),
                    db: Session = Depends(get_db, scope="function")):
    return render(request, "admin_references.html", refs=references.list_references(db), choices=filter_choices(db),
                  videos=reference_videos.list_reference_videos(db), ok=ok, error=error,
                  max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))


def _queue_index_rebuild(request: Request) -> str:
    """After art changed: the index rebuild handed to the workers, said in words for the page."""
    try:
        references.request_index_rebuild(request.app.state.settings)
    except ServiceError as exc:
        return f"; the index was not rebuilt: {exc}"
    return "; index rebuild queued"


@router.post("/references")
async def references_upload(request: Request, holder: int = Form(...), work: str = Form(""),
                            work_ja: str = Form(""), character: str = Form(""), character_ja: str = Form(""),
                            image: UploadFile = File(...), csrf_token: str = Form(""),
                            user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    data = await image.read(MAX_UPLOAD_BYTES + 1)
    try:  # hashing and indexing the image (a video's keyframes) take a CPU for a while: off the event loop
        added = await run_in_threadpool(
            add_uploaded_art, db, request.app.state.settings, user.id, holder=holders.get_holder(db, holder),
            work=work, character=character, data=data, filename=image.filename, work_ja=work_ja,
            character_ja=character_ja)
    except ServiceError as exc:
        db.rollback()
        return _back("/admin/references", error=str(exc))
    db.commit()
    message = upload_message(added)
    if added.outcome != "unchanged":
        message += _queue_index_rebuild(request)
    return _back("/admin/references", message=message)


@router.post("/references/{reference_id}/{action}")
def references_action(request: Request, reference_id: int, action: str, csrf_token: str = Form(""),
                      user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    change = {"retire": references.retire_reference, "restore": references.restore_reference}.get(action)
    if change is None:
        return _back("/admin/references", error="unknown action")
    ref = change(db, user.id, reference_id)
    db.commit()
    return _back("/admin/references", message=f"reference {ref.name} {action}d" + _queue_index_rebuild(request))


@router.post("/reference-videos/{video_id}/{action}")
def reference_videos_action(request: Request, video_id: int, action: str, csrf_token: str = Form(""),
                            user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    """Retire a reference video with all its keyframes, or restore them."""
    check_csrf(request, csrf_token)
    change = {"retire": reference_videos.retire_reference_video,
              "restore": reference_videos.restore_reference_video}.get(action)
    if change is None:
        return _back("/admin/references", error="unknown action")
    video = change(db, user.id, video_id)
    db.commit()
    return _back("/admin/references", message=f"reference video {video.title} {action}d with "
                                              f"{len(video.keyframes)} keyframes" + _queue_index_rebuild(request))


@router.get("/watermarks")
def watermarks_page(request: Request, ok: str = "", error: str = "", user: CurrentUser = Depends(admin_user),
                    db: Session = Depends(get_db, scope="function")):
    return render(request, "admin_watermarks.html", watermarks=watermarks.list_watermarks(db),
                  choices=filter_choices(db), ok=ok, error=error, max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))


@router.post("/watermarks")
async def watermarks_add(request: Request, name: str = Form(""), holder: str = Form(""),
                         image: UploadFile = File(...), csrf_token: str = Form(""),
                         user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    """Register a generator's watermark (a PNG over transparency), for a holder or (none) the admin's."""
    check_csrf(request, csrf_token)
    data = await image.read(MAX_UPLOAD_BYTES + 1)
    try:
        holder_row = holders.get_holder(db, int(holder)) if holder.strip().isdigit() else None
        row = await run_in_threadpool(watermarks.add_watermark, db, request.app.state.settings, user.id, name=name,
                                      data=data, holder=holder_row, check=check_watermark)
    except ServiceError as exc:
        db.rollback()
        return _back("/admin/watermarks", error=str(exc))
    db.commit()
    return _back("/admin/watermarks", message=f"watermark {row.name} registered ({row.width}×{row.height}); "
                                              "it is looked for in clips analysed from now on")


@router.get("/watermarks/{watermark_id}/image")
def watermarks_image(request: Request, watermark_id: int, user: CurrentUser = Depends(admin_user),
                     db: Session = Depends(get_db, scope="function")):
    """The registered PNG as stored (checked as a PNG when it was registered)."""
    from core.blobstore import open_store

    data = open_store(request.app.state.settings).find(watermarks.get_watermark(db, watermark_id).path)
    if data is None:
        return Response(status_code=404)
    return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.post("/watermarks/{watermark_id}/{action}")
def watermarks_action(request: Request, watermark_id: int, action: str, csrf_token: str = Form(""),
                      user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    """retire (no longer looked for in new analyses) or restore a watermark."""
    check_csrf(request, csrf_token)
    if action not in ("retire", "restore"):
        return _back("/admin/watermarks", error="unknown action")
    try:
        row = watermarks.set_retired(db, user.id, watermark_id, action == "retire")
    except ServiceError as exc:
        db.rollback()
        return _back("/admin/watermarks", error=str(exc))
    db.commit()
    return _back("/admin/watermarks", message=f"watermark {row.name} {action}d")


@router.get("/watchlists")
def watchlists_page(request: Request, ok: str = "", error: str = "", user: CurrentUser = Depends(admin_user),
                    db: Session = Depends(get_db, scope="function")):
    return _watchlists_view(request, db, ok, error)


def _watchlists_view(request: Request, db: Session, ok: str, error: str, status_code: int = 200):  # noqa: ANN202
    def outcome_line(data: dict | None) -> str:
        out = last_outcome(data)
        return out.summary() if out else ""

    return render(request, "admin_watchlists.html", status_code=status_code, watchlists=watchlists.list_watchlists(db),
                  choices=filter_choices(db), platforms=WATCH_PLATFORMS, kinds=[k.value for k in WatchKind],
                  ok=ok, error=error, outcome_line=outcome_line, every_default=watchlists.DEFAULT_EVERY_MINUTES,
                  every_min=watchlists.MIN_EVERY_MINUTES, every_max=watchlists.MAX_EVERY_MINUTES,
                  max_duration_default=watchlists.DEFAULT_MAX_DURATION_S,
                  max_duration_max=watchlists.MAX_MAX_DURATION_S)


@router.post("/watchlists")
def watchlists_add(request: Request, rights_holder_id: int = Form(...), platform: str = Form(""),
                   kind: str = Form(""), value: str = Form(""),
                   schedule_minutes: int = Form(watchlists.DEFAULT_EVERY_MINUTES),
                   max_duration: int = Form(watchlists.DEFAULT_MAX_DURATION_S), csrf_token: str = Form(""),
                   user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    try:
        watch = watchlists.add_watchlist(db, request.app.state.settings, user.id,
                                         holder=holders.get_holder(db, rights_holder_id), platform=platform,
                                         kind=kind, value=value, every_minutes=schedule_minutes,
                                         max_duration_s=max_duration)
    except ServiceError as exc:
        db.rollback()
        return _back("/admin/watchlists", error=str(exc))
    note = watchlists.limit_note(platform, kind)
    return _back("/admin/watchlists", message=f"watchlist {watch.id} added" + (f" (note: {note})" if note else ""))


@router.post("/watchlists/{watch_id}/{action}")
def watchlists_action(request: Request, watch_id: int, action: str, csrf_token: str = Form(""),
                      user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    try:
        if action in ("pause", "resume"):
            watchlists.set_enabled(db, user.id, watch_id, action == "resume")
            return _back("/admin/watchlists", message=f"watchlist {watch_id} {action}d")
        if action == "run":
            task_id = queue_crawl(db, request.app.state.settings, user.id, watch_id)
            return _back("/admin/watchlists", message=f"watchlist {watch_id}: crawl queued (task {task_id})")
    except QueueUnavailable as exc:  # the page itself answers 503 with the sentence, not a bare error
        db.rollback()
        return _watchlists_view(request, db, "", f"watchlist {watch_id} was not run: {exc}", status_code=503)
    except ServiceError as exc:
        db.rollback()
        return _back("/admin/watchlists", error=str(exc))
    return _back("/admin/watchlists", error="unknown action")


@router.get("/audit")
def audit_page(request: Request, action: str = "", object_type: str = "", page: int = 1,
               user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    page = max(1, page)
    events = list_audit(db, action=action or None, object_type=object_type or None, offset=(page - 1) * 200)
    return render(request, "admin_audit.html", events=events, action=action, object_type=object_type, page=page)
