"""The authorisation matrix, CSRF and body limits, driven by the app's own route table.

Every route the app serves must be declared in ROUTES with who may use it; a route added without a line
here fails `test_every_route_is_declared`. Each declared route is then tried as every role.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import Finding, Reference, Report, User, Watchlist
from core.services import api_tokens
from reports.web.app import create_app

pytestmark = pytest.mark.anyio

ANYONE, USER, STAFF, ADMIN = "anyone", "user", "staff", "admin"
ENFORCER = "enforcer"  # admins and the finding's own rights holder's users (enforcement steps)
ROLES = ("anon", "holder1", "analyst", "admin")
ALLOWED = {ANYONE: set(ROLES), USER: {"holder1", "analyst", "admin"}, STAFF: {"analyst", "admin"},
           ADMIN: {"admin"}, ENFORCER: {"holder1", "admin"}}

# (method, path): who may use it. Writes are every method but GET.
ROUTES = {
    ("GET", "/login"): ANYONE,
    ("POST", "/login"): ANYONE,
    ("GET", "/healthz"): ANYONE,  # load balancers and service managers; says only ok/failing
    ("POST", "/logout"): USER,
    ("GET", "/account"): USER,
    ("POST", "/account/password"): USER,
    ("POST", "/account/logout-everywhere"): USER,
    ("GET", "/account/tokens"): USER,
    ("POST", "/account/tokens"): USER,
    ("POST", "/account/tokens/{token_id}/revoke"): USER,
    ("GET", "/"): USER,
    ("GET", "/triage"): STAFF,
    ("POST", "/triage/bulk"): STAFF,
    ("GET", "/findings"): USER,
    ("GET", "/findings/{finding_id}"): USER,
    ("POST", "/findings/{finding_id}/decision"): STAFF,
    ("POST", "/findings/{finding_id}/undo"): STAFF,
    ("GET", "/findings/{finding_id}/frame.jpg"): USER,
    ("GET", "/findings/{finding_id}/signals/{n}/frame.jpg"): USER,
    ("GET", "/references/{reference_id}/image"): USER,
    ("GET", "/findings/{finding_id}/media"): USER,
    ("GET", "/portal"): USER,
    ("GET", "/reports"): USER,
    ("POST", "/reports/generate"): STAFF,
    ("GET", "/reports/{report_id}/files/{n}"): USER,
    ("GET", "/reports/{report_id}/versions/{version}/files/{n}"): USER,
    ("POST", "/reports/{report_id}/rebuild"): USER,  # a rights holder: their own report only
    ("GET", "/admin/users"): ADMIN,
    ("POST", "/admin/users"): ADMIN,
    ("POST", "/admin/users/{user_id}/{action}"): ADMIN,
    ("GET", "/admin/holders"): ADMIN,
    ("POST", "/admin/holders"): ADMIN,
    ("POST", "/admin/catalogue"): ADMIN,
    ("GET", "/admin/references"): ADMIN,
    ("POST", "/admin/references"): ADMIN,
    ("POST", "/admin/references/{reference_id}/{action}"): ADMIN,
    ("POST", "/admin/reference-videos/{video_id}/{action}"): ADMIN,
    ("GET", "/admin/watchlists"): ADMIN,
    ("POST", "/admin/watchlists"): ADMIN,
    ("POST", "/admin/watchlists/{watch_id}/{action}"): ADMIN,
    ("GET", "/admin/audit"): ADMIN,
    ("POST", "/api/session"): ANYONE,
    ("DELETE", "/api/session"): USER,
    ("GET", "/api/me"): USER,
    ("POST", "/api/me/password"): USER,
    ("DELETE", "/api/me/sessions"): USER,
    ("GET", "/api/findings"): USER,
    ("GET", "/api/findings/{finding_id}"): USER,
    ("POST", "/api/findings/{finding_id}/decision"): STAFF,
    ("POST", "/api/findings/bulk"): STAFF,
    ("GET", "/api/reports"): USER,
    ("GET", "/api/reports/{report_id}"): USER,
    ("GET", "/api/reports/{report_id}/files/{n}"): USER,
    ("GET", "/api/reports/{report_id}/versions/{version}/files/{n}"): USER,
    ("POST", "/api/reports/{report_id}/rebuild"): USER,
    ("POST", "/api/reports"): STAFF,
    ("GET", "/api/holders"): STAFF,
    ("POST", "/api/holders"): ADMIN,
    ("GET", "/api/users"): ADMIN,
    ("POST", "/api/users"): ADMIN,
    ("PATCH", "/api/users/{user_id}"): ADMIN,
    ("DELETE", "/api/users/{user_id}"): ADMIN,
    ("GET", "/api/references"): ADMIN,
    ("POST", "/api/references"): ADMIN,
    ("POST", "/api/references/{reference_id}/{action}"): ADMIN,
    ("GET", "/api/watchlists"): ADMIN,
    ("POST", "/api/watchlists"): ADMIN,
    ("POST", "/api/watchlists/{watch_id}/{action}"): ADMIN,
    ("GET", "/api/audit"): ADMIN,
    # holder profiles, notices and page captures (reports/web/notices.py): the services refuse a role that
    # may not (an analyst changing a profile: 403; another holder's: 404), see tests/web/test_notices_web.py
    ("GET", "/holders/{holder_id}/profile"): USER,
    ("POST", "/holders/{holder_id}/profile"): USER,
    ("GET", "/holders/{holder_id}/notices"): USER,
    ("POST", "/holders/{holder_id}/notices"): USER,
    ("GET", "/notices/{draft_id}"): USER,
    ("GET", "/notices/{draft_id}/pdf"): USER,
    ("GET", "/captures/{capture_id}/warc"): USER,
    ("GET", "/captures/{capture_id}/screenshot.png"): USER,
    ("GET", "/api/holders/{holder_id}/profile"): USER,
    ("PUT", "/api/holders/{holder_id}/profile"): USER,
    # a holder's policy (reports/web/policy.py): staff read, admins and the holder's users change
    ("GET", "/api/holders/{holder_id}/policy"): USER,
    ("PUT", "/api/holders/{holder_id}/policy"): USER,
    ("GET", "/api/holders/{holder_id}/policy/versions"): USER,
    ("GET", "/holders/{holder_id}/policy"): USER,
    ("POST", "/holders/{holder_id}/policy"): USER,  # the service refuses an analyst (403), another holder (404)
    # generator watermarks (reports/web/admin.py; core/services/watermarks.py)
    ("GET", "/admin/watermarks"): ADMIN,
    ("POST", "/admin/watermarks"): ADMIN,
    ("GET", "/admin/watermarks/{watermark_id}/image"): ADMIN,
    ("POST", "/admin/watermarks/{watermark_id}/{action}"): ADMIN,
    ("GET", "/api/holders/{holder_id}/notices"): USER,
    ("POST", "/findings/{finding_id}/enforcement"): ENFORCER,
    ("POST", "/findings/{finding_id}/recheck"): ENFORCER,
    ("GET", "/figures"): USER,
    ("GET", "/findings/{finding_id}/enforcement/{event_id}/evidence"): USER,
    ("GET", "/api/figures"): USER,
    ("GET", "/api/findings/{finding_id}/enforcement"): USER,
    ("POST", "/api/findings/{finding_id}/enforcement"): ENFORCER,
    ("POST", "/api/enforcement"): ENFORCER,
    ("GET", "/api/docs"): ANYONE,
    ("GET", "/api/openapi.json"): ANYONE,
}
# allowed GETs that may answer 404 for the sample data (no media file, no frame, no thumbnail on disk)
MAY_BE_MISSING = {"/findings/{finding_id}/media", "/findings/{finding_id}/enforcement/{event_id}/evidence",
                  "/findings/{finding_id}/frame.jpg", "/findings/{finding_id}/signals/{n}/frame.jpg",
                  "/references/{reference_id}/image", "/reports/{report_id}/files/{n}",
                  "/api/reports/{report_id}/files/{n}", "/notices/{draft_id}", "/notices/{draft_id}/pdf",
                  "/captures/{capture_id}/warc", "/captures/{capture_id}/screenshot.png",
                  "/reports/{report_id}/versions/{version}/files/{n}",
                  "/api/reports/{report_id}/versions/{version}/files/{n}", "/admin/watermarks/{watermark_id}/image"}
# writes whose CSRF token is not the session's: the log-in form has its own signed one, the JSON log-in none
# (a JSON body cannot be sent cross-site without a CORS preflight)
OWN_CSRF = {("POST", "/login"), ("POST", "/api/session")}


def app_routes(app) -> set[tuple[str, str]]:  # noqa: ANN001
    """(method, path) of every route the app serves, including routers FastAPI includes lazily."""
    found: set[tuple[str, str]] = set()

    def walk(routes, prefix: str = "") -> None:  # noqa: ANN001
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix + (route.include_context.prefix or ""))
            elif hasattr(route, "methods") and route.methods:
                for method in route.methods - {"HEAD"}:
                    found.add((method, prefix + route.path))
    walk(app.routes)
    return found


def test_every_route_is_declared(app):
    served = app_routes(app)
    undeclared = sorted(served - set(ROUTES))
    assert not undeclared, f"declare these routes in tests/security/test_routes_table.py ROUTES: {undeclared}"
    assert not sorted(set(ROUTES) - served), "ROUTES names routes the app no longer serves"


@pytest.fixture
def ids(world):
    from reports import write_weekly_report

    write_weekly_report(world.settings, world.ids.holders[0], "2026-W47", formats=["json"])
    with session_scope(world.settings) as s:
        holder1 = world.ids.holders[0]
        finding = s.scalars(select(Finding).order_by(Finding.id)).first()
        ref = s.scalars(select(Reference).order_by(Reference.id)).first()
        report = s.scalars(select(Report).where(Report.rights_holder_id == holder1)).first()
        watch = Watchlist(rights_holder_id=holder1, platform="youtube", kind="search", value="table test")
        s.add(watch)
        s.flush()
        victim = s.scalar(select(User.id).where(User.email == "holder2@mamoru.test"))
        token = api_tokens.create_token(s, None, victim, "table test", "read")
        return {"finding_id": finding.id, "reference_id": ref.id, "report_id": report.id,
                "n": 0, "watch_id": watch.id, "action": "pause", "user_id": victim, "holder_id": holder1,
                "draft_id": 999999, "capture_id": 999999, "video_id": 999999, "version": 1, "token_id": token.row.id, "event_id": 1,
                "watermark_id": 999999}


def fill(path: str, ids: dict) -> str:
    return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)


def refused(role: str, path: str, status: int) -> bool:
    """How each role is turned away: anonymous pages go to the log-in page, the API answers 401; a
    signed-in user without the role gets 403 (an object of another holder answers 404 elsewhere)."""
    if role == "anon":
        return status == 401 if path.startswith("/api/") else status == 303
    return status == 403


async def test_reads_follow_the_matrix(browser_for, ids):
    wrong = []
    for role in ROLES:
        b = await browser_for(None if role == "anon" else role)
        for (method, path), who in ROUTES.items():
            if method != "GET" or path == "/login" and role != "anon":
                continue
            r = await b.client.get(fill(path, ids))
            allowed = role in ALLOWED[who]
            ok = (r.status_code in (200, 303) or r.status_code == 404 and path in MAY_BE_MISSING) if allowed \
                else refused(role, path, r.status_code)
            if not ok:
                wrong.append((role, path, r.status_code))
    assert not wrong, wrong


async def test_writes_refuse_the_wrong_roles(browser_for, ids):
    """With a valid CSRF token, a role not allowed is refused before anything is parsed or changed."""
    wrong = []
    for role in ROLES:
        b = await browser_for(None if role == "anon" else role)
        for (method, path), who in ROUTES.items():
            if method == "GET" or role in ALLOWED[who]:
                continue
            headers = {"X-CSRF-Token": b.csrf}
            r = await b.client.request(method, fill(path, ids), headers=headers,
                                       data={"csrf_token": b.csrf} if not path.startswith("/api/") else None)
            if not refused(role, path, r.status_code):
                wrong.append((role, method, path, r.status_code))
    assert not wrong, wrong


async def test_writes_need_the_csrf_token(browser_for, ids):
    """Every state-changing route of a signed-in user refuses a missing or wrong CSRF token with 403."""
    b = await browser_for("admin")
    wrong = []
    for (method, path), _who in ROUTES.items():
        if method == "GET" or (method, path) in OWN_CSRF or path.startswith("/admin/references") \
                or path == "/api/references":
            continue
        for token in (None, "not-the-token"):
            headers = {"X-CSRF-Token": token} if token else {}
            data = {"csrf_token": token} if token and not path.startswith("/api/") else None
            r = await b.client.request(method, fill(path, ids), headers=headers, data=data)
            if r.status_code != 403:
                wrong.append((method, path, token, r.status_code))
    assert not wrong, wrong
    assert (await b.page("/api/me")).status_code == 200  # none of them logged the admin out


async def test_login_form_needs_its_signed_token(browser_for):
    b = await browser_for()
    form = {"email": "admin@mamoru.test", "password": "correct horse battery", "next": "/"}
    assert (await b.client.post("/login", data=form)).status_code == 403
    await b.page("/login")
    assert (await b.client.post("/login", data={**form, "csrf_token": "forged.1.abc"})).status_code == 403
    r = await b.client.post("/login", data={**form, "csrf_token": b.csrf})
    assert r.status_code == 303


async def test_uploads_need_the_csrf_token(browser_for, world):
    b = await browser_for("admin")
    files = {"image": ("a.png", b"\x89PNG not really", "image/png")}
    for url, data in (("/admin/references", {"holder": str(world.ids.holders[0]), "work": "W", "character": "C"}),
                      ("/api/references", {"rights_holder_id": str(world.ids.holders[0]), "work": "W",
                                           "character": "C"})):
        r = await b.client.post(url, data=data, files=files)
        assert r.status_code == 403, (url, r.status_code)


async def test_every_write_has_a_body_limit(browser_for, ids):
    """Anonymous or not, a body over the cap is refused with 413 before the route reads it."""
    big = b"{" + b" " * (1024 * 1024 + 10) + b"}"
    anon, admin = await browser_for(), await browser_for("admin")
    wrong = []
    for (method, path), _who in ROUTES.items():
        if method == "GET":
            continue
        for b in (anon, admin):
            r = await b.client.request(method, fill(path, ids), content=big,
                                       headers={"Content-Type": "application/json", "X-CSRF-Token": b.csrf})
            if r.status_code != 413:
                wrong.append((method, path, r.status_code))
    assert not wrong, wrong


def test_route_helper_sees_included_routers(world):
    app = create_app(world.settings)
    assert ("POST", "/api/session") in app_routes(app) and ("GET", "/admin/audit") in app_routes(app)
