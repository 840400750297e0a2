"""Report pages' writes and downloads: build a week, rebuild a stale report, and serve any version's files
(inline by default, as an attachment with ?download=1), each download audited with its version and sha256
by core.services.report_versions."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from core.blobstore import open_store
from core.config import Settings
from core.models import Report
from core.services import report_versions
from core.services.errors import Invalid, NotFoundError
from reports.web.deps import check_csrf, current_user, form_csrf, get_db, render, staff_user
from reports.web.queries import CurrentUser, NotFound, get_report

router = APIRouter(include_in_schema=False, dependencies=[Depends(form_csrf)])
DEFAULT_FORMATS = ("json", "csv", "html", "pdf", "notices")
# a report page shown in the browser: its own inline styles and data: images, nothing else, no scripts
REPORT_HTML_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
                   "form-action 'none'; frame-ancestors 'none'; sandbox allow-popups "
                   "allow-popups-to-escape-sandbox")


def build(settings: Settings, holder_id: int, week: str, formats, actor_id: int | None) -> list[dict]:  # noqa: ANN001
    """A new version of the holder's week (the reports stage renders it; the service keeps it)."""
    from reports import FORMATS, write_weekly_report
    from reports.build import IsoWeek

    try:
        wk = str(IsoWeek.parse(week))
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    wanted = list(dict.fromkeys(str(f).strip().lower() for f in formats))
    if not wanted or set(wanted) - set(FORMATS):
        raise Invalid(f"choose formats among {', '.join(FORMATS)}")
    try:
        return write_weekly_report(settings, holder_id, wk, formats=wanted, actor_id=actor_id)
    except LookupError as exc:
        raise NotFoundError(str(exc)) from None


def rebuild(settings: Settings, report: Report, actor_id: int | None) -> list[dict]:
    """The report built again with the formats of its latest version."""
    formats = list(dict.fromkeys(f.get("format") for f in report.files or [])) or list(DEFAULT_FORMATS)
    return build(settings, report.rights_holder_id, report.week, formats, actor_id)


def file_response(request: Request, db: Session, user: CurrentUser, report_id: int, version: int | None, n: int,
                  download: bool) -> Response:
    """Version `version` (None: the latest) file `n` of a report the user may see."""
    report, _holder = get_report(db, user, report_id)
    try:
        f = report_versions.read_file(db, open_store(request.app.state.settings), report, version, n, user.id)
    except NotFoundError:
        raise NotFound from None
    headers = {"X-Content-SHA256": f.sha256, "X-Report-Version": str(f.version),
               "Content-Disposition": f"{'attachment' if download else 'inline'}; filename*=utf-8''{quote(f.name)}"}
    if f.format == "html":
        headers["Content-Security-Policy"] = REPORT_HTML_CSP
    return Response(f.data, media_type=f.media_type, headers=headers)


@router.post("/reports/generate")
def reports_generate(request: Request, holder: int = Form(...), week: str = Form(...),
                     formats: list[str] = Form(default=list(DEFAULT_FORMATS)),
                     csrf_token: str = Form(""), user: CurrentUser = Depends(staff_user),
                     db: Session = Depends(get_db, scope="function")):
    check_csrf(request, csrf_token)
    try:
        build(request.app.state.settings, holder, week, formats or ["json", "csv"], user.id)
    except (Invalid, NotFoundError) as exc:
        return render(request, "error.html", status_code=400, status=400, message=str(exc))
    return RedirectResponse("/reports", status_code=303)


@router.post("/reports/{report_id}/rebuild")
def reports_rebuild(request: Request, report_id: int, csrf_token: str = Form(""), back: str = Form("/reports"),
                    user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    """A new version of a report its viewer may see (a rights holder: their own), e.g. when it is stale."""
    check_csrf(request, csrf_token)
    report, _holder = get_report(db, user, report_id)
    rebuild(request.app.state.settings, report, user.id)
    return RedirectResponse(back if back in ("/reports", "/portal") else "/reports", status_code=303)


@router.get("/reports/{report_id}/files/{n}")
def report_file(request: Request, report_id: int, n: int, download: bool = False,
                user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    """File `n` of the report's latest version."""
    return file_response(request, db, user, report_id, None, n, download)


@router.get("/reports/{report_id}/versions/{version}/files/{n}")
def report_version_file(request: Request, report_id: int, version: int, n: int, download: bool = False,
                        user: CurrentUser = Depends(current_user), db: Session = Depends(get_db, scope="function")):
    return file_response(request, db, user, report_id, version, n, download)
