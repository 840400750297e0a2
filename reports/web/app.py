"""FastAPI app factory: `create_app(settings)`; pages in pages.py/admin.py, JSON in api.py."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DataError, IntegrityError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from core import __version__
from core.config import Settings
from core.queue import QueueUnavailable
from core.services.errors import Conflict, Forbidden as ServiceForbidden, Invalid, NotFoundError, ServiceError
from reports import wording
from reports.build import finding_confidence
from reports.render import safe_url
from reports.web import account_tokens, admin, api, enforcement, health, notices, pages, policy, report_files
from reports.web.deps import Forbidden, LoginRequired
from reports.web.limits import BodyLimitMiddleware
from reports.web.queries import NotFound
from reports.web.sessions import DbSessionStore
from reports.web.tokens import load_secret

HERE = Path(__file__).parent
CSP = ("default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


SERVICE_STATUS = ((QueueUnavailable, 503), (NotFoundError, 404), (ServiceForbidden, 403), (Conflict, 409), (Invalid, 422))


def service_status(exc: ServiceError) -> int:
    """The HTTP answer to a use case's refusal."""
    return next((status for cls, status in SERVICE_STATUS if isinstance(exc, cls)), 400)


def create_app(settings: Settings) -> FastAPI:
    """The web app for `settings`. It calls the use cases in core.services, which queue work for the
    workers by task name on the broker the settings name."""
    app = FastAPI(title="Mamoru", version=__version__, openapi_url="/api/openapi.json", docs_url=None,
                  redoc_url=None,
                  description="Mamoru's JSON API. Scripts: make an API token at /account/tokens (or `mamoru "
                              "users token create`) and send it as `Authorization: Bearer <token>`; a read token "
                              "reads, a triage token also decides findings. Browsers: log in with POST "
                              "/api/session (or the /login page) and send the session's CSRF token as "
                              "X-CSRF-Token on every POST, PATCH and DELETE.")
    app.state.settings = settings
    app.state.sessions = DbSessionStore(settings)
    app.state.secret = load_secret(settings.home)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["safe_url"] = safe_url
    templates.env.filters["confidence"] = finding_confidence
    wording.register(templates.env)
    templates.env.globals["version"] = __version__
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _mount_docs(app)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired):  # noqa: ANN202
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "log in first"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):  # noqa: ANN202
        return _error(request, 403, "Your role does not allow this.")

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):  # noqa: ANN202
        return _error(request, 404, "Not found.")

    @app.exception_handler(ServiceError)
    async def _refused(request: Request, exc: ServiceError):  # noqa: ANN202
        return _error(request, service_status(exc), str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):  # noqa: ANN202
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):  # noqa: ANN202
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": validation_errors(exc)}, status_code=422)
        return _error(request, 400, "The form had missing or invalid values.")

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception):  # noqa: ANN202
        return _error(request, 422, "A number or value is out of range.")

    @app.exception_handler(IntegrityError)
    async def _duplicate(request: Request, exc: IntegrityError):  # noqa: ANN202
        return _error(request, 409, "That exists already, or was changed at the same time; reload and retry.")

    def _error(request: Request, status: int, message: str):  # noqa: ANN202
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        return templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                                  "user": None, "csrf": ""},
                                          status_code=status)

    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(report_files.router)
    app.include_router(account_tokens.router)
    app.include_router(admin.router)
    app.include_router(api.router)
    app.include_router(notices.router)
    app.include_router(notices.api)
    app.include_router(enforcement.router)
    app.include_router(enforcement.api_router)
    app.include_router(policy.router)
    app.include_router(policy.api)
    # each add_middleware wraps the ones before: the Host check runs first, then the body limits (before
    # routing and parsing), then the security headers
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, sessions=app.state.sessions, settings=settings)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.web_allowed_hosts))
    return app


NO_STORE_PREFIXES = ("/api/", "/login", "/account", "/findings", "/reports", "/triage", "/portal", "/admin")


class SecurityHeadersMiddleware:
    """CSP, nosniff, no framing, same-origin referrers on every response; no caching of private pages.
    Plain ASGI (not BaseHTTPMiddleware, whose task group would wrap the body limit's 413 in a group)."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def with_headers(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                if path.startswith(NO_STORE_PREFIXES):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)


def validation_errors(exc: RequestValidationError) -> list[dict]:
    """Where and what, never the input (a body of bytes would not encode, and it may hold a password)."""
    return [{"loc": [str(part) for part in err.get("loc", ())], "msg": str(err.get("msg", "")),
             "type": str(err.get("type", ""))} for err in exc.errors()]


DOCS_ASSETS = "/api/docs-assets"


def docs_assets_dir() -> Path:
    """Swagger UI 5 (which renders OpenAPI 3.1, the version FastAPI writes) as the fastapi-offline package
    ships it: no CDN, nothing fetched at run time."""
    import importlib.util

    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        raise RuntimeError("the web extra is not installed (fastapi-offline is missing): pip install 'mamoru[web]'")
    return Path(spec.origin).parent / "static"


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI at /api/docs from the package's own files."""
    from fastapi.openapi.docs import get_swagger_ui_html

    app.mount(DOCS_ASSETS, StaticFiles(directory=str(docs_assets_dir())), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs():  # noqa: ANN202
        page = get_swagger_ui_html(openapi_url="/api/openapi.json", title="Mamoru API",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png")
        page.headers["Content-Security-Policy"] = docs_csp(page.body.decode())
        return page


def docs_csp(html: str) -> str:
    """The Swagger page's policy: our own assets, plus its one inline script allowed by its sha256."""
    import base64
    import hashlib
    import re

    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
                      for body in re.findall(r"<script>(.*?)</script>", html, flags=re.S))
    return (f"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            f"script-src 'self' {hashes}; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")
