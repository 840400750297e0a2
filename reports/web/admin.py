"""Admin pages: users, rights holders, reference art, watchlists and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from core.config import PLATFORMS
from core.models import WatchKind
from core.services import users as user_service
from core.services.errors import ServiceError
from reports.web.deps import admin_user, check_csrf, form_csrf, get_db, render
from reports.web.manage import (
    add_watchlist,
    create_holder,
    list_audit,
    list_references,
    list_watchlists,
    run_watchlist_now,
    set_watchlist_enabled,
)
from reports.web.queries import CurrentUser, filter_choices, record
from reports.web.uploads import MAX_UPLOAD_BYTES, UploadError, store_reference

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
def users_action(request: Request, user_id: int, action: str, password: str = Form(""), csrf_token: str = Form(""),
                 user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    """disable, enable, password (reset: the account's sessions end) or remove an account."""
    check_csrf(request, csrf_token)
    try:
        target = user_service.get_user(db, user_id)
        if action in ("disable", "enable"):
            user_service.set_disabled(db, user_id, action == "disable", actor_id=user.id)
        elif action == "password":
            user_service.set_password(db, target, password, actor_id=user.id)
        elif action == "remove":
            user_service.remove_user(db, user_id, actor_id=user.id)
        else:
            return _back("/admin/users", error="unknown action")
    except ServiceError as exc:
        return _back("/admin/users", error=str(exc))
    done = {"disable": "disabled", "enable": "enabled", "password": "given a new password", "remove": "removed"}
    return _back("/admin/users", message=f"user {target.email} {done[action]}")


@router.get("/holders")
def holders_page(request: Request, ok: str = "", error: str = "", user: CurrentUser = Depends(admin_user),
                 db: Session = Depends(get_db, scope="function")):
    from sqlalchemy import select

    from core.models import RightsHolder

    holders = db.scalars(select(RightsHolder).order_by(RightsHolder.name)).all()
    return render(request, "admin_holders.html", holders=holders, ok=ok, error=error)


@router.post("/holders")
def holders_create(request: Request, name: str = Form(""), contact_email: str = Form(""),
                   csrf_token: str = Form(""), user: CurrentUser = Depends(admin_user),
                   db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    try:
        holder = create_holder(db, user, name, contact_email)
    except (ValueError, ServiceError) as exc:
        return _back("/admin/holders", error=str(exc))
    return _back("/admin/holders", message=f"rights holder {holder.name} created")


@router.get("/references")
def references_page(request: Request, ok: str = "", error: str = "", user: CurrentUser = Depends(admin_user),
                    db: Session = Depends(get_db, scope="function")):
    return render(request, "admin_references.html", refs=list_references(db), choices=filter_choices(db),
                  ok=ok, error=error, max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))


@router.post("/references")
async def references_upload(request: Request, holder: int = Form(...), work: str = Form(""),
                            work_ja: str = Form(""), character: str = Form(""), character_ja: str = Form(""),
                            image: UploadFile = File(...), csrf_token: str = Form(""),
                            user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    data = await image.read(MAX_UPLOAD_BYTES + 1)
    hooks = request.app.state.hooks
    try:
        ref = await run_in_threadpool(
            store_reference, db, request.app.state.settings, holder_id=holder, work=work, character=character,
            data=data, filename=image.filename, work_ja=work_ja, character_ja=character_ja,
            add_reference=hooks.get("add_reference"))
    except UploadError as exc:
        return _back("/admin/references", error=str(exc))
    record(db, user.id, "reference_added", "reference", ref.id, name=ref.name, sha256=ref.sha256)
    await run_in_threadpool(db.commit)
    message = f"reference {ref.name} stored (pHash {ref.phash})"
    if hooks.get("rebuild_index"):
        index = await run_in_threadpool(hooks["rebuild_index"], request.app.state.settings)
        message += f"; index rebuilt ({len(getattr(index, 'names', []))} references)"
    else:
        message += "; rebuild the index with `mamoru refs` to match it"
    return _back("/admin/references", message=message)


@router.get("/watchlists")
def watchlists_page(request: Request, ok: str = "", error: str = "", user: CurrentUser = Depends(admin_user),
                    db: Session = Depends(get_db, scope="function")):
    return render(request, "admin_watchlists.html", watchlists=list_watchlists(db), choices=filter_choices(db),
                  platforms=PLATFORMS, kinds=[k.value for k in WatchKind], ok=ok, error=error)


@router.post("/watchlists")
def watchlists_add(request: Request, rights_holder_id: int = Form(...), platform: str = Form(""),
                   kind: str = Form(""), value: str = Form(""), schedule_minutes: int = Form(360),
                   csrf_token: str = Form(""), user: CurrentUser = Depends(admin_user),
                   db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    try:
        add_watchlist(db, user, rights_holder_id=rights_holder_id, platform=platform, kind=kind, value=value,
                      schedule_minutes=schedule_minutes)
    except (ValueError, ServiceError) as exc:
        return _back("/admin/watchlists", error=str(exc))
    return _back("/admin/watchlists", message="watchlist added")


@router.post("/watchlists/{watch_id}/{action}")
def watchlists_action(request: Request, watch_id: int, action: str, csrf_token: str = Form(""),
                      user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    if action in ("pause", "resume"):
        set_watchlist_enabled(db, user, watch_id, action == "resume")
        return _back("/admin/watchlists", message=f"watchlist {watch_id} {action}d")
    if action == "run":
        outcome = run_watchlist_now(db, user, watch_id, request.app.state.hooks.get("run_watchlist"))
        return _back("/admin/watchlists", message=f"watchlist {watch_id}: {outcome}")
    return _back("/admin/watchlists", error="unknown action")


@router.get("/audit")
def audit_page(request: Request, action: str = "", object_type: str = "", page: int = 1,
               user: CurrentUser = Depends(admin_user), db: Session = Depends(get_db, scope="function")):
    page = max(1, page)
    events = list_audit(db, action=action or None, object_type=object_type or None, offset=(page - 1) * 200)
    return render(request, "admin_audit.html", events=events, action=action, object_type=object_type, page=page)
