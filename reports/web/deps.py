"""What every router depends on: the database session, the web session, the user and their role, the
CSRF check and the page renderer."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from core.db import session_scope
from core.services.users import session_user
from reports.web.queries import CurrentUser
from reports.web.sessions import COOKIE_NAME, DbSessionStore, WebSession, csrf_ok


LOGIN_PATH = "/login"


class LoginRequired(Exception):
    pass


class Forbidden(Exception):
    pass


def get_db(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.settings) as session:
        yield session


def web_session(request: Request) -> WebSession | None:
    store: DbSessionStore = request.app.state.sessions
    sess = store.load(request.cookies.get(COOKIE_NAME))
    if sess is not None:
        store.touch(sess)
    request.state.web_session = sess
    return sess


def current_user(request: Request, db: Session = Depends(get_db, scope="function"),
                 sess: WebSession | None = Depends(web_session)) -> CurrentUser:
    row = session_user(db, sess.user_id, sess.version) if sess else None
    if row is None:  # no session, or the account was disabled or its sessions ended since
        raise LoginRequired
    user = CurrentUser(row.id, row.email, row.role, row.rights_holder_id)
    request.state.user = user
    return user


def staff_user(user: CurrentUser = Depends(current_user)) -> CurrentUser:
    if not user.is_staff:
        raise Forbidden
    return user


def admin_user(user: CurrentUser = Depends(current_user)) -> CurrentUser:
    if not user.is_admin:
        raise Forbidden
    return user


def check_csrf(request: Request, supplied: str | None) -> None:
    """Every state-changing request carries the session's CSRF token (form field or X-CSRF-Token); the log-in
    form, which has no session yet, has its own signed double-submit token (pages.login)."""
    supplied = supplied or request.headers.get("x-csrf-token")
    if getattr(request.state, "web_session", None) is None:
        raise LoginRequired  # no session at all: the answer is "log in", whatever the token
    if not csrf_ok(getattr(request.state, "web_session", None), supplied):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token; reload the page")


async def form_csrf(request: Request, sess: WebSession | None = Depends(web_session)) -> None:
    """A router-wide check that runs before the form's fields are validated, so a forged post is refused
    (403) before any of it is looked at. The log-in form has its own token (pages.login)."""
    if request.method in ("GET", "HEAD") or request.url.path == LOGIN_PATH:
        return
    if sess is None:
        raise LoginRequired
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or "") or None)


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    sess = getattr(request.state, "web_session", None)
    context.setdefault("user", getattr(request.state, "user", None))
    context.setdefault("csrf", sess.csrf if sess else "")
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)
