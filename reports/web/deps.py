"""What every router depends on: the database session, the web session, the user and their role, the
CSRF check and the page renderer."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from core.db import session_scope
from core.services import api_tokens
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


def bearer_token(request: Request) -> str | None:
    """The API token of an `Authorization: Bearer` header on /api/ ("" for another scheme); None without
    the header. Pages never take tokens: they are for scripts."""
    header = request.headers.get("authorization")
    if header is None or not request.url.path.startswith("/api/"):
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def token_user(request: Request, db: Session, token: str) -> CurrentUser:
    """The user of a bearer token (401 when it is unknown, expired or revoked); the request's session is
    set aside, so nothing of the cookie's applies (neither its user nor its CSRF token)."""
    found = api_tokens.authenticate(db, token)
    if found is None:
        raise HTTPException(status_code=401, detail="the API token is unknown, expired or revoked",
                            headers={"WWW-Authenticate": "Bearer"})
    row, tok = found
    request.state.web_session = None
    request.state.token_scope = tok.scope
    user = CurrentUser(row.id, row.email, row.role, row.rights_holder_id)
    request.state.user = user
    return user


# names the scheme in the OpenAPI document (Swagger's "Authorize"); the header itself is read by bearer_token
BEARER = HTTPBearer(auto_error=False, scheme_name="API token",
                    description="A token from /account/tokens or `mamoru users token create`")


def current_user(request: Request, db: Session = Depends(get_db, scope="function"),
                 sess: WebSession | None = Depends(web_session),
                 _bearer: HTTPAuthorizationCredentials | None = Depends(BEARER)) -> CurrentUser:
    token = bearer_token(request)
    if token is not None:
        return token_user(request, db, token)
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


def api_write(request: Request, sess: WebSession | None = Depends(web_session)) -> None:
    """A JSON write only a signed-in session may make (with its CSRF token); API tokens are refused."""
    if bearer_token(request) is not None:
        raise HTTPException(status_code=403, detail="API tokens cannot do this; it needs a signed-in session")
    check_csrf(request, request.headers.get("x-csrf-token"))


def api_triage_write(request: Request, db: Session = Depends(get_db, scope="function"),
                     sess: WebSession | None = Depends(web_session)) -> None:
    """A triage decision: a session with its CSRF token, or a bearer token of scope `triage` (a header no
    other site can make a browser send, so no CSRF token is asked of it)."""
    token = bearer_token(request)
    if token is None:
        check_csrf(request, request.headers.get("x-csrf-token"))
        return
    token_user(request, db, token)
    if request.state.token_scope != "triage":
        raise HTTPException(status_code=403, detail="this API token may only read; triage needs a triage token")


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
