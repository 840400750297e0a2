"""FastAPI app factory: `create_app(settings)`; pages in pages.py/admin.py, JSON in api.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from core import __version__
from core.config import Settings
from reports.render import safe_url
from reports.web import admin, api, health, pages
from reports.web.deps import Forbidden, LoginRequired
from reports.web.queries import NotFound
from reports.web.sessions import FileSessionStore

HERE = Path(__file__).parent
CSP = ("default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def create_app(settings: Settings, *, add_reference: Callable | None = None,
               rebuild_index: Callable | None = None, run_watchlist: Callable | None = None) -> FastAPI:
    """The web app for `settings`. Hooks come from the layer above (the CLI): adding reference art
    and rebuilding the matcher index, and starting a crawl now; without them the app still works
    (art is stored and hashed; 'run now' marks the watchlist due for the next beat tick)."""
    app = FastAPI(title="Mamoru", version=__version__, openapi_url="/api/openapi.json", docs_url=None,
                  redoc_url=None,
                  description="Mamoru's JSON API. Log in with POST /api/session (or the /login page); "
                              "send the session's CSRF token as X-CSRF-Token on every POST.")
    app.state.settings = settings
    app.state.sessions = FileSessionStore(settings.home / "web-sessions")
    app.state.hooks = {"add_reference": add_reference, "rebuild_index": rebuild_index,
                       "run_watchlist": run_watchlist}
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["safe_url"] = safe_url
    templates.env.globals["version"] = __version__
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _mount_docs(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        if not request.url.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.url.path.startswith(("/api/", "/login", "/findings", "/reports", "/triage", "/portal",
                                        "/admin")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

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

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):  # noqa: ANN202
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):  # noqa: ANN202
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        return _error(request, 400, "The form had missing or invalid values.")

    def _error(request: Request, status: int, message: str):  # noqa: ANN202
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        return templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                                  "user": None, "csrf": ""},
                                          status_code=status)

    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(admin.router)
    app.include_router(api.router)
    return app


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI at /api/docs, from the swagger-ui-bundle package when installed (no CDN needed)."""
    from fastapi.openapi.docs import get_swagger_ui_html

    assets = {}
    try:
        import swagger_ui_bundle

        app.mount("/api/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")
        assets = {"swagger_js_url": "/api/docs-assets/swagger-ui-bundle.js",
                  "swagger_css_url": "/api/docs-assets/swagger-ui.css",
                  "swagger_favicon_url": "/api/docs-assets/favicon-32x32.png"}
    except ImportError:
        pass

    @app.get("/api/docs", include_in_schema=False)
    def api_docs():  # noqa: ANN202
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="Mamoru API", **assets)
