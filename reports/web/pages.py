"""Server-rendered pages: log-in, triage desk, finding page, portal and report downloads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.blobstore import open_store
from core.config import Settings
from core.models import AuditEvent, Finding, Reference, TriageState, User
from reports.build import IsoWeek, normalise_spans, weeks_with_findings
from reports.images import frame_image, thumbnail
from core.services.captures import captures_of_clip
from core.services.triage import DECISIONS, MAX_BULK, decide, last_decision, undo
from reports.web.enforcement import finding_view, portal_figures
from reports.web.deps import check_csrf, current_user, form_csrf, get_db, render, staff_user, web_session
from reports.web.queries import (
    PAGE_SIZE,
    CurrentUser,
    FindingFilters,
    NotFound,
    filter_choices,
    get_finding,
    get_report,
    list_findings,
    list_reports,
    record,
    with_versions,
)
from core.services import login as login_service
from core.services import users as user_service
from core.services.errors import Invalid, ServiceError
from reports.web.sessions import COOKIE_NAME, WebSession
from reports.web.tokens import (
    KNOWN_BROWSER_COOKIE,
    KNOWN_BROWSER_MAX_AGE_S,
    LOGIN_CSRF_COOKIE,
    LOGIN_CSRF_MAX_AGE_S,
    is_known_browser,
    known_browser,
    login_csrf_ok,
    new_login_csrf,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_csrf)])
MEDIA_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "json": "application/json",
               "html": "text/html; charset=utf-8", "notices": "text/plain; charset=utf-8"}


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths (never //host or scheme URLs) are followed after log-in or a decision; control
    characters and spaces are refused too (browsers drop a TAB or newline, turning "/<TAB>/host" into "//host")."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and len(target) <= 2000 and not any(ch.isspace() or ord(ch) < 32 or 127 <= ord(ch) < 160
                                                 for ch in target)):
        return target
    return default


def set_cookie(response: Response, sess: WebSession, request: Request | None = None) -> None:
    secure = bool(request and request.app.state.settings.cookie_secure)
    response.set_cookie(COOKIE_NAME, sess.token, httponly=True, samesite="lax", path="/", secure=secure)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def within(settings: Settings, stored: str | None, root: Path | None = None) -> Path | None:
    """The file a database path names if it exists inside `root`, by default the data home (no serving
    of arbitrary files)."""
    path = settings.home_path(stored)
    if path is None:
        return None
    p = path.resolve()
    return p if p.is_file() and p.is_relative_to((root or settings.home).resolve()) else None


# --- log-in ------------------------------------------------------------------------------------------

@router.get("/login")
def login_form(request: Request, next: str = "/"):
    """The form; its CSRF token is a signed cookie (double submit), so no session is made for anonymous visitors."""
    token = new_login_csrf(request.app.state.secret)
    response = render(request, "login.html", next=safe_next(next), error=None, user=None, csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=LOGIN_CSRF_MAX_AGE_S, httponly=True, samesite="strict",
                        path="/login", secure=request.app.state.settings.cookie_secure)
    return response


def do_login(request: Request, db: Session, email: str, password: str) -> tuple[User | None, WebSession | None,
                                                                                   str | None]:
    """Check the password through the throttled service; on success a fresh session (no fixation)."""
    secret = request.app.state.secret
    target = user_service.find_user(db, email) if len(email or "") <= user_service.MAX_EMAIL_LENGTH else None
    trusted = is_known_browser(secret, request.cookies.get(KNOWN_BROWSER_COOKIE), target.id if target else None)
    user = login_service.authenticate(db, email, password, client_address(request), trusted_email=trusted)
    if user is None:
        return None, None, login_service.REFUSED
    return user, start_session(request, db, user), None


def start_session(request: Request, db: Session, user: User) -> WebSession:
    """A fresh session for USER in this browser (its old one ends: no fixation). The request's changes are
    committed first: the store writes in its own transaction, and SQLite has one writer at a time."""
    db.commit()
    old = getattr(request.state, "web_session", None)
    if old is not None:
        request.app.state.sessions.delete(old.token)
    return request.app.state.sessions.new(user_id=user.id, version=user.session_version or 0)


def end_session(request: Request, db: Session) -> None:
    """This browser's session ends (after the request's changes are committed, as above)."""
    db.commit()
    sess = getattr(request.state, "web_session", None)
    if sess is not None:
        request.app.state.sessions.delete(sess.token)


def set_login_cookies(request: Request, response: Response, user: User, sess: WebSession) -> None:
    """The session cookie, and the mark that spares this browser the per-e-mail throttle next time."""
    set_cookie(response, sess, request)
    response.set_cookie(KNOWN_BROWSER_COOKIE, known_browser(request.app.state.secret, user.id),
                        max_age=KNOWN_BROWSER_MAX_AGE_S, httponly=True, samesite="strict", path="/",
                        secure=request.app.state.settings.cookie_secure)


@router.post("/login")
def login(request: Request, email: str = Form(""), password: str = Form(""), next: str = Form("/"),
          csrf_token: str = Form(""), db: Session = Depends(get_db, scope="function"),
          sess: WebSession | None = Depends(web_session)):
    if not login_csrf_ok(request.app.state.secret, request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token; reload the page")
    user, new_sess, error = do_login(request, db, email, password)
    if user is None:
        return render(request, "login.html", status_code=400, next=safe_next(next), error=error, user=None,
                      email=email[:320], csrf=csrf_token)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_login_cookies(request, response, user, new_sess)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form(""), db: Session = Depends(get_db, scope="function"),
           sess: WebSession | None = Depends(web_session)):
    check_csrf(request, csrf_token)
    if sess:
        record(db, sess.user_id, "logout", "user", sess.user_id)
        end_session(request, db)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


# --- own account -------------------------------------------------------------------------------------

@router.get("/account")
def account_page(request: Request, ok: str = "", error: str = "", user: CurrentUser = Depends(current_user)):
    return render(request, "account.html", ok=ok[:200], error=error[:200],
                  min_length=user_service.MIN_PASSWORD_LENGTH)


@router.post("/account/password")
def account_password(request: Request, current: str = Form(""), new: str = Form(""), repeat: str = Form(""),
                     csrf_token: str = Form(""), user: CurrentUser = Depends(current_user),
                     db: Session = Depends(get_db, scope="function")):
    """Change one's password: every other session of the account ends; this browser gets a fresh one."""
    check_csrf(request, csrf_token)
    try:
        if new != repeat:
            raise Invalid("the two new passwords differ")
        row = user_service.change_own_password(db, user.id, current, new)
    except Invalid as exc:
        return RedirectResponse("/account?" + urlencode({"error": str(exc)}), status_code=303)
    sess = start_session(request, db, row)
    response = RedirectResponse("/account?" + urlencode({"ok": "password changed; your other sessions ended"}),
                                status_code=303)
    set_cookie(response, sess, request)
    return response


@router.post("/account/logout-everywhere")
def account_logout_everywhere(request: Request, csrf_token: str = Form(""), user: CurrentUser = Depends(current_user),
                              db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    user_service.end_sessions(db, user_service.get_user(db, user.id))
    end_session(request, db)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@router.get("/")
def home(user: CurrentUser = Depends(current_user)):
    return RedirectResponse("/triage" if user.is_staff else "/portal", status_code=303)


# --- triage desk -------------------------------------------------------------------------------------

STATUS_PARAMS = ("done", "ok", "error")  # one-time messages, never carried into `next` links


def without_status(url: str) -> str:
    """A local URL without the one-time message parameters."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in STATUS_PARAMS]
    return parts.path + ("?" + urlencode(query) if query else "")


def with_params(url: str, **params) -> str:
    """A local URL (message parameters dropped) with PARAMS added."""
    url = without_status(url)
    return url + ("&" if "?" in url else "?") + urlencode(params)


def decided_banner(db: Session, done: str) -> dict | None:
    """What the page says after a decision on finding DONE (the confirmation), and whether it can be undone."""
    if not done.isdigit():
        return None
    finding = db.get(Finding, int(done))
    event = last_decision(db, finding.id) if finding is not None else None
    if event is None:
        return None
    return {"id": finding.id, "state": finding.state, "action": event.action, "can_undo": event.action != "undo"}


@router.get("/triage")
def triage(request: Request, page: int = 1, done: str = "", ok: str = "", error: str = "",
           user: CurrentUser = Depends(staff_user), db: Session = Depends(get_db, scope="function")):
    flt = FindingFilters.from_params(request.query_params)
    page = max(1, page)
    rows, total = list_findings(db, user, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    params = flt.as_params()
    here = without_status(request.url.path + ("?" + request.url.query if request.url.query else ""))
    return render(request, "triage.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                  flt=flt, choices=filter_choices(db), states=[s.value for s in TriageState],
                  here=here, decided=decided_banner(db, done), ok=ok[:200], error=error[:200],
                  page_url=lambda p: "/triage?" + urlencode({**params, "page": p}))


NOTHING_SELECTED = "nothing selected: tick the findings to apply the action to, then apply"
NO_ACTION = "choose an action (confirm, dismiss, escalate or reopen) for the selected findings"


@router.post("/triage/bulk")
def triage_bulk(request: Request, ids: list[int] = Form(default=[]), action: str = Form(""),
                note: str = Form(""), next: str = Form("/triage"), csrf_token: str = Form(""),
                user: CurrentUser = Depends(staff_user), db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    back = safe_next(next, "/triage")
    if not ids:
        return RedirectResponse(with_params(back, error=NOTHING_SELECTED), status_code=303)
    if action not in DECISIONS:
        return RedirectResponse(with_params(back, error=NO_ACTION), status_code=303)
    changed = decide(db, user.id, ids[:MAX_BULK], action, note)
    return RedirectResponse(with_params(back, ok=f"{action}: {changed} finding{'' if changed == 1 else 's'} "
                                                 "changed"), status_code=303)


# --- finding page ------------------------------------------------------------------------------------

def _clip_media(clip, settings) -> Path | None:
    evidence = clip.evidence or {}
    for key in ("media_path", "path", "file", "filepath"):
        p = within(settings, evidence.get(key) if isinstance(evidence, dict) else None)
        if p is not None and p.suffix.lower() in (".mp4", ".webm", ".mov", ".m4v"):
            return p
    return None


@router.get("/findings")
def findings_list(request: Request, page: int = 1, user: CurrentUser = Depends(current_user),
                  db: Session = Depends(get_db, scope="function")):
    default_state = None if user.is_staff else TriageState.confirmed.value
    flt = FindingFilters.from_params(request.query_params, default_state=default_state)
    flt.sort = request.query_params.get("sort") or "newest"
    page = max(1, page)
    rows, total = list_findings(db, user, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    params = flt.as_params()
    return render(request, "findings.html", rows=rows, total=total, page=page,
                  pages=max(1, -(-total // PAGE_SIZE)), flt=flt,
                  page_url=lambda p: "/findings?" + urlencode({**params, "page": p}))


@router.get("/findings/{finding_id}")
def finding_page(request: Request, finding_id: int, next: str = "", done: str = "", ok: str = "", error: str = "",
                 user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    row = get_finding(db, user, finding_id)
    finding, clip, ref, character, work, holder = row
    spans = normalise_spans(finding.spans)
    media = _clip_media(clip, request.app.state.settings)
    history = db.execute(select(AuditEvent, User.email).outerjoin(User, AuditEvent.user_id == User.id)
                         .where(AuditEvent.object_type == "finding", AuditEvent.object_id == finding.id)
                         .order_by(AuditEvent.at.desc()).limit(50)).all() if user.is_staff else []
    siblings = db.scalars(select(Finding).where(Finding.clip_id == clip.id, Finding.id != finding.id)).all() \
        if user.is_staff else []
    return render(request, "finding.html", f=finding, clip=clip, ref=ref, character=character, work=work,
                  holder=holder, spans=spans, media=media is not None, history=history, siblings=siblings,
                  next=safe_next(next, "/triage"), decided=decided_banner(db, done) if user.is_staff else None,
                  ok=ok[:300], error=error[:200], captures=captures_of_clip(db, clip.id),
                  enforcement=finding_view(db, user, finding),
                  here=without_status(f"/findings/{finding.id}?" + urlencode({"next": safe_next(next, "/triage")})))


def next_pending(db: Session, user: CurrentUser, finding_id: int, queue_url: str) -> int | None:
    """The pending finding after FINDING_ID in the triage queue QUEUE_URL names (its filters and order),
    else the queue's first; None when nothing else is pending."""
    parts = urlsplit(queue_url)
    flt = FindingFilters.from_params(dict(parse_qsl(parts.query)) if parts.path == "/triage" else {})
    flt.state = TriageState.pending.value
    ids = [row[0].id for row in list_findings(db, user, flt, limit=MAX_BULK)[0]]
    if finding_id in ids:
        pos = ids.index(finding_id)
        ids = ids[pos + 1:] + ids[:pos]
    return ids[0] if ids else None


@router.post("/findings/{finding_id}/decision")
def finding_decision(request: Request, finding_id: int, action: str = Form(""), note: str = Form(""),
                     next: str = Form(""), advance: str = Form(""), csrf_token: str = Form(""),
                     user: CurrentUser = Depends(staff_user), db: Session = Depends(get_db, scope="function")):
    """Decide on one finding. From the desk (no ADVANCE) back to the desk; from a finding page on to the
    next pending finding of the queue it came from. Either way the page confirms and offers an undo."""
    check_csrf(request, csrf_token)
    get_finding(db, user, finding_id)
    if action not in DECISIONS:
        return RedirectResponse(f"/findings/{finding_id}", status_code=303)
    queue = safe_next(next, "/triage")
    following = next_pending(db, user, finding_id, queue) if advance else None
    decide(db, user.id, [finding_id], action, note)
    if advance:
        target = f"/findings/{following}?" + urlencode({"next": queue}) if following else queue
    else:
        target = safe_next(next, f"/findings/{finding_id}")
    return RedirectResponse(with_params(target, done=finding_id), status_code=303)


@router.post("/findings/{finding_id}/undo")
def finding_undo(request: Request, finding_id: int, next: str = Form(""), csrf_token: str = Form(""),
                 user: CurrentUser = Depends(staff_user), db: Session = Depends(get_db, scope="function")):
    """Take back the latest decision on a finding (core.services.triage.undo); back to NEXT with a message."""
    check_csrf(request, csrf_token)
    get_finding(db, user, finding_id)
    back = safe_next(next, f"/findings/{finding_id}")
    try:
        finding = undo(db, user.id, finding_id)
    except ServiceError as exc:
        return RedirectResponse(with_params(back, error=str(exc)), status_code=303)
    return RedirectResponse(with_params(back, ok=f"finding #{finding_id} is {finding.state} again (undone)"),
                            status_code=303)


@router.get("/findings/{finding_id}/frame.jpg")
def finding_frame(request: Request, finding_id: int, size: int = 480, user: CurrentUser = Depends(current_user),
                  db: Session = Depends(get_db, scope="function")):
    finding = get_finding(db, user, finding_id)[0]
    return _jpeg_of(request, finding.thumbnail_path, size, frame_image)


@router.get("/findings/{finding_id}/signals/{n}/frame.jpg")
def finding_signal_frame(request: Request, finding_id: int, n: int, size: int = 480,
                         user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    """The frame kept as a signal's evidence (a generator watermark's best frame)."""
    signals = get_finding(db, user, finding_id)[0].signals or []
    if not 0 <= n < len(signals) or not isinstance(signals[n], dict) or not signals[n].get("frame_path"):
        raise NotFound
    return _jpeg_of(request, signals[n]["frame_path"], size, thumbnail)


@router.get("/references/{reference_id}/image")
def reference_image(request: Request, reference_id: int, size: int = 480, user: CurrentUser = Depends(current_user),
                    db: Session = Depends(get_db, scope="function")):
    ref = db.get(Reference, reference_id)
    if ref is None:
        raise NotFound
    if not user.is_staff:  # a holder sees only its own art
        from core.models import Character, Work

        holder = db.scalar(select(Work.rights_holder_id).join(Character).where(Character.id == ref.character_id))
        if holder != user.rights_holder_id:
            raise NotFound
    return _jpeg_of(request, ref.path, size, thumbnail)


def _jpeg_of(request: Request, stored: str | None, size: int, scaled) -> Response:  # noqa: ANN001
    """The image a database path (a blob key) names, scaled to `size` (64..1280) as JPEG; 404 when it is gone."""
    blob = open_store(request.app.state.settings).find(stored)
    data = scaled(blob, max_side=max(64, min(size, 1280))) if blob else None
    if data is None:
        raise NotFound
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})


@router.get("/findings/{finding_id}/media")
def finding_media(request: Request, finding_id: int, user: CurrentUser = Depends(current_user),
                  db: Session = Depends(get_db, scope="function")):
    clip = get_finding(db, user, finding_id)[1]
    media = _clip_media(clip, request.app.state.settings)
    if media is None:
        raise NotFound
    return FileResponse(media, media_type="video/mp4" if media.suffix != ".webm" else "video/webm")


# --- portal and reports ------------------------------------------------------------------------------

@router.get("/portal")
def portal(request: Request, user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    if user.is_staff:
        return RedirectResponse("/reports", status_code=303)
    reports = list_reports(db, user)
    flt = FindingFilters(state=TriageState.confirmed.value, sort="newest")
    rows, total = list_findings(db, user, flt, limit=20)
    return render(request, "portal.html", reports=with_versions(db, reports), rows=rows, total=total,
                  figures=portal_figures(db, user))


@router.get("/reports")
def reports_page(request: Request, holder: int | None = None, user: CurrentUser = Depends(current_user),
                 db: Session = Depends(get_db, scope="function")):
    weeks = []
    if user.is_staff:
        weeks = [str(IsoWeek.of(datetime.now(UTC)).shift(-i)) for i in range(12)]
    elif user.rights_holder_id:
        weeks = weeks_with_findings(db, user.rights_holder_id)
    return render(request, "reports.html", reports=with_versions(db, list_reports(db, user, holder)),
                  choices=filter_choices(db) if user.is_staff else None, weeks=weeks)
